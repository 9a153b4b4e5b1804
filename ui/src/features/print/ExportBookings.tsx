// Bookings of a date range for the accountant's spreadsheet: CSV (UTF-8 with
// a byte-order mark, `;` or `,` between fields) or an Excel workbook, written
// by the station where the native save dialog says and recorded in the
// audit trail. The range's limit is the domain's (EXPORT_MAX_DAYS).
import { useState } from "react";
import { Alert, Button, Group, Modal, MultiSelect, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BookingStatus, type ExportFormat, type FileChoice, type Location } from "../../bindings";
import { call } from "../../api/call";
import { read } from "../../api/reads";
import { DateField } from "../../components/DateField";
import { failureOf } from "../../errors";
import { STATUS_MARK } from "../board/Board";
import { subjectKey } from "../board/boardLayout";
import type { SheetSubject } from "./PrintPreview";

const EVERY = "";

export function ExportBookings({
  location,
  date,
  subjects,
  onClose,
}: {
  location: Location;
  date: string;
  /** The board's doctors and diagnostics, to narrow the export to one. */
  subjects: SheetSubject[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  // Every status, in the board's order (its marks are typed over all of them).
  const allStatuses = Object.keys(STATUS_MARK) as BookingStatus[];
  const [from, setFrom] = useState(`${date.slice(0, 8)}01`);
  const [to, setTo] = useState(date);
  const [locationId, setLocationId] = useState<string>(String(location.id));
  const [subject, setSubject] = useState<string>(EVERY);
  const [statuses, setStatuses] = useState<string[]>([]);
  // Where the decimal mark is a comma, spreadsheet programs expect `;` between fields.
  const [format, setFormat] = useLocalStorage<ExportFormat>({
    key: "export-format",
    defaultValue: i18n.language.startsWith("uk") ? "csvSemicolon" : "csvComma",
  });
  // The board's columns are this location's: other locations export everyone.
  const narrowable = locationId === String(location.id);
  const chosenLocation = locationId === EVERY ? null : Number(locationId);
  const catalogue = useQuery(read.listLocations(false));
  const saved = useMutation({
    mutationFn: async () => {
      const [choice, extension]: [FileChoice, string] = format === "xlsx" ? ["bookingsXlsx", "xlsx"] : ["bookingsCsv", "csv"];
      const path = await call(commands.chooseSavePath(choice, `bookings-${from}-${to}.${extension}`));
      if (!path) return null;
      const only = narrowable ? (subjects.find((s) => subjectKey(s.subject) === subject)?.subject ?? null) : null;
      return call(
        commands.exportBookings(
          {
            from,
            to,
            locationId: chosenLocation,
            subject: only,
            statuses: statuses as BookingStatus[],
            format,
            language: i18n.language,
          },
          path,
        ),
      );
    },
  });
  const failure = failureOf(saved.error);
  const allLocations = catalogue.data ?? [location];

  return (
    <Modal opened onClose={onClose} title={t("export.title")} size="lg">
      <Stack gap="sm">
        <Group gap="sm" align="flex-start">
          <DateField label={t("export.from")} value={from} onChange={setFrom} w={150} error={failure.fields.from} />
          <DateField label={t("export.to")} value={to} onChange={setTo} w={150} error={failure.fields.to} />
        </Group>
        <Select
          label={t("export.location")}
          value={locationId}
          onChange={(v) => setLocationId(v ?? EVERY)}
          allowDeselect={false}
          data={[{ value: EVERY, label: t("export.anyLocation") }, ...allLocations.map((l) => ({ value: String(l.id), label: l.name }))]}
        />
        {narrowable && (
          <Select
            label={t("export.subject")}
            value={subject}
            onChange={(v) => setSubject(v ?? EVERY)}
            allowDeselect={false}
            data={[
              { value: EVERY, label: t("export.anySubject") },
              ...subjects.map((s) => ({ value: subjectKey(s.subject), label: s.name })),
            ]}
          />
        )}
        <MultiSelect
          label={t("export.statuses")}
          placeholder={statuses.length === 0 ? t("export.anyStatus") : undefined}
          value={statuses}
          onChange={setStatuses}
          data={allStatuses.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="export-format">
            {t("export.format")}
          </Text>
          <SegmentedControl
            aria-labelledby="export-format"
            value={format}
            onChange={(v) => setFormat(v as ExportFormat)}
            data={[
              { value: "csvSemicolon", label: t("export.csvSemicolon") },
              { value: "csvComma", label: t("export.csvComma") },
              { value: "xlsx", label: t("export.xlsx") },
            ]}
          />
        </div>
        {failure.general && (
          <Alert color="red" role="alert">
            {failure.general}
          </Alert>
        )}
        {saved.data && (
          <Text size="sm" role="status">
            {t("export.saved", { count: saved.data.rows, path: saved.data.path })}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("print.close")}
          </Button>
          <Button onClick={() => saved.mutate()} loading={saved.isPending}>
            {t("export.save")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

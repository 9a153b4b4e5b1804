// Working hours: the weekly wall-clock template of a location or of a doctor
// at a location (several intervals a day), a preview of the free slots it
// gives before saving (from the booking engine itself), and date exceptions.
import { useEffect, useMemo, useState } from "react";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  EXCEPTION_KINDS_FOR_DOCTOR,
  EXCEPTION_KINDS_FOR_LOCATION,
  type ExceptionKind,
  type Location,
  type WeeklyInterval,
} from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { errorText, fieldErrors } from "../../errors";
import { useFormats } from "../../format";
import { minutesOf, shiftDate, todayIn, wallTime } from "../../dates";
import { DateField } from "../../components/DateField";
import { FormOf, useServerForm } from "../../components/forms";
import { PrintPreview } from "../print/PrintPreview";

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const PREVIEW_DAYS = 14;

/** Whose hours are edited: the location's own, or one doctor's there. */
type Owner = { locationId: number; doctorId: number | null };

export function WorkingHours({ locations }: { locations: Location[] }) {
  const { t } = useTranslation();
  const [locationId, setLocationId] = useState<number | null>(locations[0]?.id ?? null);
  const [doctorId, setDoctorId] = useState<number | null>(null);
  const location = locations.find((l) => l.id === locationId);
  const [printing, setPrinting] = useState(false);
  const doctors = useQuery({ ...read.listDoctors({ specialtyId: null, locationId, search: null }), enabled: locationId !== null });

  return (
    <Stack gap="sm">
      <Group align="end">
        <Title order={2} size="h3" mr="md">
          {t("hours.title")}
        </Title>
        <Select
          label={t("board.location")}
          value={locationId === null ? null : String(locationId)}
          onChange={(v) => {
            setLocationId(v === null ? null : Number(v));
            setDoctorId(null);
          }}
          data={locations.map((l) => ({ value: String(l.id), label: l.name }))}
          allowDeselect={false}
        />
        <Select
          label={t("hours.whose")}
          value={doctorId === null ? "location" : String(doctorId)}
          onChange={(v) => setDoctorId(v === null || v === "location" ? null : Number(v))}
          data={[
            { value: "location", label: t("hours.locationHours") },
            ...(doctors.data ?? []).map((d) => ({ value: String(d.id), label: `${d.fullName} · ${d.specialtyName}` })),
          ]}
          searchable
          allowDeselect={false}
          w={320}
        />
        {location && (
          <Button variant="default" ml="auto" onClick={() => setPrinting(true)}>
            {t("print.workingHours")}
          </Button>
        )}
      </Group>
      {printing && location && (
        <PrintPreview asked={{ document: "workingHours", locationId: location.id }} onClose={() => setPrinting(false)} />
      )}
      {location && (
        <>
          <WeekTemplate key={`${location.id}-${doctorId}`} location={location} owner={{ locationId: location.id, doctorId }} />
          <Exceptions key={`x-${location.id}-${doctorId}`} location={location} doctorId={doctorId} />
        </>
      )}
    </Stack>
  );
}

/** Loads, edits, previews and saves one weekly template. */
export function WeekTemplate({ location, owner }: { location: Location; owner: Owner }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const week = owner.doctorId === null ? read.locationWeek(owner.locationId) : read.doctorWeek(owner.doctorId, owner.locationId);
  const stored = useQuery(week);
  const [draft, setDraft] = useState<WeeklyInterval[] | null>(null);
  useEffect(() => {
    if (stored.data && draft === null) setDraft(stored.data);
  }, [stored.data, draft]);
  const saveWeek = useMutation({
    mutationFn: (week: WeeklyInterval[]) =>
      call(
        owner.doctorId === null
          ? commands.setLocationWeek(owner.locationId, week)
          : commands.setDoctorWeek(owner.doctorId, owner.locationId, week),
      ),
    onSuccess: (saved) => {
      queries.setQueryData(week.queryKey, saved);
      setDraft(saved);
      void refetch(queries, "previewHours");
      void refetch(queries, "dayBoard", owner.locationId);
    },
  });
  const changed = draft !== null && stored.data !== undefined && JSON.stringify(sorted(draft)) !== JSON.stringify(sorted(stored.data));
  const failed = saveWeek.error ? appError(saveWeek.error) : null;

  if (stored.isError) return <Alert color="red">{errorText(appError(stored.error))}</Alert>;
  if (draft === null) return <Text c="dimmed">{t("board.loading")}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
      <Paper withBorder p="sm">
        <WeekEditor value={draft} onChange={setDraft} />
        {failed && (
          <Alert color="red" role="alert" mt="xs">
            {fieldErrors(failed).week ?? errorText(failed)}
          </Alert>
        )}
        {saveWeek.isSuccess && !changed && (
          <Text size="sm" c="clinic.9" role="status" mt="xs">
            {t("hours.saved")}
          </Text>
        )}
        <Group mt="sm">
          <Button onClick={() => saveWeek.mutate(draft)} disabled={!changed} loading={saveWeek.isPending}>
            {t("hours.save")}
          </Button>
          <Button variant="default" onClick={() => setDraft(stored.data ?? [])} disabled={!changed}>
            {t("hours.undo")}
          </Button>
          {changed && (
            <Badge color="orange" variant="light">
              {t("hours.unsaved")}
            </Badge>
          )}
        </Group>
      </Paper>
      <HoursPreview location={location} owner={owner} week={draft} />
    </SimpleGrid>
  );
}

function sorted(week: WeeklyInterval[]) {
  return [...week].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
}

/** Seven rows, Monday first; each day closed or open in one or more intervals. */
export function WeekEditor({ value, onChange }: { value: WeeklyInterval[]; onChange: (week: WeeklyInterval[]) => void }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const ofDay = (day: number) => value.filter((i) => i.weekday === day).sort((a, b) => a.start.localeCompare(b.start));
  const replaceDay = (day: number, intervals: WeeklyInterval[]) => onChange([...value.filter((i) => i.weekday !== day), ...intervals]);
  const addInterval = (day: number) => {
    // After the day's last interval (an hour long), or a usual 09:00–17:00.
    const last = ofDay(day).at(-1);
    const start = last ? last.end : "09:00";
    const end = last ? wallTime(Math.min(24 * 60, minutesOf(last.end) + 60)) : "17:00";
    replaceDay(day, [...ofDay(day), { weekday: day, start, end }]);
  };

  return (
    <Table verticalSpacing={4} aria-label={t("hours.week")}>
      <Table.Tbody>
        {WEEKDAYS.map((day) => {
          const intervals = ofDay(day);
          const name = formats.weekday(day);
          return (
            <Table.Tr key={day}>
              <Table.Th w={130} scope="row" tt="capitalize">
                {name}
              </Table.Th>
              <Table.Td>
                <Stack gap={4}>
                  {intervals.length === 0 && (
                    <Text size="sm" c="dimmed">
                      {t("hours.closed")}
                    </Text>
                  )}
                  {intervals.map((interval, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: an interval being typed has no identity but its place in the day
                    <Group key={i} gap={6} wrap="nowrap">
                      <TextInput
                        type="time"
                        size="xs"
                        aria-label={t("hours.from", { day: name, n: i + 1 })}
                        value={interval.start}
                        onChange={(e) =>
                          replaceDay(
                            day,
                            intervals.map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)),
                          )
                        }
                      />
                      <Text size="sm">–</Text>
                      <TextInput
                        type="time"
                        size="xs"
                        aria-label={t("hours.to", { day: name, n: i + 1 })}
                        // An interval may end at midnight (24:00), which a time input shows as 00:00.
                        value={interval.end === "24:00" ? "00:00" : interval.end}
                        onChange={(e) => {
                          const end = e.currentTarget.value === "00:00" ? "24:00" : e.currentTarget.value;
                          replaceDay(
                            day,
                            intervals.map((x, j) => (j === i ? { ...x, end } : x)),
                          );
                        }}
                      />
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t("hours.remove", { day: name, n: i + 1 })}
                        onClick={() =>
                          replaceDay(
                            day,
                            intervals.filter((_, j) => j !== i),
                          )
                        }
                      >
                        ×
                      </ActionIcon>
                    </Group>
                  ))}
                </Stack>
              </Table.Td>
              <Table.Td w={1}>
                <Group gap={4} wrap="nowrap">
                  <Button size="compact-sm" variant="subtle" onClick={() => addInterval(day)} aria-label={t("hours.addFor", { day: name })}>
                    {t("hours.add")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
      <Table.Caption>
        <Button
          size="compact-sm"
          variant="subtle"
          disabled={ofDay(1).length === 0}
          onClick={() =>
            onChange([
              ...value.filter((i) => i.weekday === 1 || i.weekday > 5),
              ...[2, 3, 4, 5].flatMap((d) => ofDay(1).map((x) => ({ ...x, weekday: d }))),
            ])
          }
        >
          {t("hours.copyToWeekdays")}
        </Button>
      </Table.Caption>
    </Table>
  );
}

/** The unsaved template on the next two weeks, as the booking engine sees it. */
function HoursPreview({ location, owner, week }: { location: Location; owner: Owner; week: WeeklyInterval[] }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const [debounced] = useDebouncedValue(week, 300);
  const from = useMemo(() => todayIn(location.timeZone), [location.timeZone]);
  const preview = useQuery({
    ...read.previewHours({
      locationId: owner.locationId,
      doctorId: owner.doctorId,
      week: debounced,
      from,
      to: shiftDate(from, PREVIEW_DAYS - 1),
    }),
    placeholderData: (previous) => previous,
  });
  return (
    <Paper withBorder p="sm" aria-labelledby="preview-title">
      <Text fw={600} id="preview-title">
        {t("hours.preview")}
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        {t("hours.previewHint")}
      </Text>
      {preview.isError && (
        <Alert color="red" role="alert">
          {fieldErrors(appError(preview.error)).week ?? errorText(appError(preview.error))}
        </Alert>
      )}
      <Table verticalSpacing={2} fz="sm">
        <Table.Tbody>
          {(preview.data ?? []).map((d) => (
            <Table.Tr key={d.date}>
              <Table.Td w={120}>{formats.day(d.date)}</Table.Td>
              <Table.Td>
                {d.open.length === 0 ? (
                  <Text span c="dimmed" size="sm">
                    {t("hours.closed")}
                  </Text>
                ) : (
                  d.open.map((o) => `${o.start}–${o.end}`).join(", ")
                )}
              </Table.Td>
              <Table.Td w={150} ta="right">
                {d.slots > 0 && t("hours.freeOf", { free: d.freeSlots, total: d.slots })}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** Closures, leave and extra hours over the coming months. */
type ExceptionFields = { kind: ExceptionKind; date: string; wholeDay: boolean; start: string; end: string; note: string };

export function Exceptions({ location, doctorId }: { location: Location; doctorId: number | null }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const queries = useQueryClient();
  const today = todayIn(location.timeZone);
  // The kinds this calendar may have, as the domain says.
  const kinds = doctorId === null ? EXCEPTION_KINDS_FOR_LOCATION : EXCEPTION_KINDS_FOR_DOCTOR;
  const server = useServerForm<ExceptionFields>({ kind: kinds[0], date: today, wholeDay: true, start: "09:00", end: "13:00", note: "" });
  const { form } = server;
  const values = form.getValues();
  const list = useQuery(read.listExceptions(doctorId === null ? location.id : null, doctorId, today, shiftDate(today, 365)));
  const refresh = () => {
    void refetch(queries, "listExceptions");
    void refetch(queries, "previewHours");
    void refetch(queries, "dayBoard", location.id);
  };
  const add = useMutation({
    // The domain decides what each kind names (leave is the doctor's everywhere).
    mutationFn: (fields: ExceptionFields) =>
      call(
        commands.addException({
          kind: fields.kind,
          locationId: location.id,
          doctorId,
          date: fields.date,
          start: fields.wholeDay ? null : fields.start,
          end: fields.wholeDay ? null : fields.end,
          note: fields.note,
        }),
      ),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: () => {
      form.setFieldValue("note", "");
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: number) => call(commands.removeException(id)), onSuccess: refresh });

  return (
    <Paper withBorder p="sm">
      <Text fw={600}>{t("hours.exceptions")}</Text>
      <FormOf form={server} onSubmit={(fields) => add.mutate(fields)}>
        <Group align="end" gap="xs" mt={4} wrap="wrap">
          <Select
            label={t("hours.kind")}
            value={values.kind}
            onChange={(v) => v && form.setFieldValue("kind", v as ExceptionKind)}
            data={kinds.map((k) => ({ value: k, label: t(`exception.${k}`) }))}
            error={form.errors.kind}
            allowDeselect={false}
            w={170}
          />
          <DateField
            label={t("board.date")}
            value={values.date}
            onChange={(picked) => form.setFieldValue("date", picked)}
            error={form.errors.date}
          />
          <Checkbox label={t("hours.wholeDay")} mb={8} {...form.getInputProps("wholeDay", { type: "checkbox" })} />
          {!values.wholeDay && (
            <>
              <TextInput type="time" label={t("hours.start")} {...form.getInputProps("start")} />
              <TextInput type="time" label={t("hours.end")} {...form.getInputProps("end")} />
            </>
          )}
          <TextInput label={t("hours.note")} {...form.getInputProps("note")} />
          <Button type="submit" loading={add.isPending}>
            {t("hours.addException")}
          </Button>
        </Group>
      </FormOf>
      {server.general && (
        <Alert color="red" role="alert" mt="xs">
          {server.general}
        </Alert>
      )}
      <Table mt="xs" striped verticalSpacing={2} fz="sm">
        <Table.Tbody>
          {(list.data ?? []).length === 0 && (
            <Table.Tr>
              <Table.Td c="dimmed">{t("hours.noExceptions")}</Table.Td>
            </Table.Tr>
          )}
          {(list.data ?? []).map((x) => (
            <Table.Tr key={x.id}>
              <Table.Td w={140}>{formats.date(x.date)}</Table.Td>
              <Table.Td w={140}>{t(`exception.${x.kind}`)}</Table.Td>
              <Table.Td w={120}>{x.start && x.end ? `${x.start}–${x.end}` : t("hours.wholeDay")}</Table.Td>
              <Table.Td>{x.note}</Table.Td>
              <Table.Td w={1}>
                <Button
                  size="compact-sm"
                  variant="subtle"
                  color="red"
                  onClick={() => remove.mutate(x.id)}
                  aria-label={t("hours.removeException", { date: formats.date(x.date) })}
                >
                  {t("hours.removeShort")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

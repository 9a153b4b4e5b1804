// Patients: one search box (name, phone digits or date of birth), the
// profile with contact data, upcoming and past bookings, and results.
import { forwardRef, useEffect, useState } from "react";
import { Alert, Button, Drawer, Grid, Group, Paper, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, MIN_SEARCH_CHARS, type Booking, type BookingId, type Patient, type PatientId, type PatientInput } from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { FormOf, useServerForm } from "../../components/forms";
import { Trail } from "../audit/Audit";
import { errorText } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";
import { ResultList } from "../results/Results";
import { BookingDetail } from "../booking/BookingDetail";
import { PrintPreview } from "../print/PrintPreview";
import { PatientCombobox, usePatientSearch } from "../../components/PatientCombobox";
import { DateField } from "../../components/DateField";
import { FindTimeIcon, WaitlistIcon } from "../../components/icons";
import { AddToWaitlist } from "../waitlist/Waitlist";
import { Openings } from "../openings/Openings";

/** Start booking for a patient on the board (another doctor or diagnostic, or the same one again). */
export type BookFor = (patient: Patient, again: Booking | null) => void;

export const Patients = forwardRef<HTMLInputElement, { onBookFor: BookFor }>(function Patients({ onBookFor }, searchRef) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [opened, setOpened] = useState<PatientId | null>(null);
  const [creating, setCreating] = useState(false);
  const { asked, found, error } = usePatientSearch(search, 50);

  return (
    <Stack gap="sm">
      <Group align="end">
        <Title order={2} size="h3" mr="md">
          {t("patients.title")}
        </Title>
        <Button ml="auto" onClick={() => setCreating(true)}>
          {t("patients.new")}
        </Button>
      </Group>
      {error && <Alert color="red">{errorText(appError(error))}</Alert>}
      <PatientCombobox
        ref={searchRef}
        label={t("booking.search")}
        placeholder={t("booking.searchHint", { count: MIN_SEARCH_CHARS })}
        value={search}
        onChange={setSearch}
        found={found}
        onPick={(p) => setOpened(p.id)}
        autoFocus
        width={480}
      />
      {!asked && <Text c="dimmed">{t("patients.typeToSearch", { count: MIN_SEARCH_CHARS })}</Text>}
      {opened && <PatientProfile patientId={opened} onClose={() => setOpened(null)} onBookFor={onBookFor} />}
      {creating && (
        <Drawer opened onClose={() => setCreating(false)} position="right" size="md" title={t("patients.new")}>
          <PatientForm
            onSaved={(p) => {
              setCreating(false);
              setOpened(p.id);
            }}
          />
        </Drawer>
      )}
    </Stack>
  );
});

/** What the form edits: text fields as typed (empty for none). */
type PatientFields = { fullName: string; phone: string; email: string; dateOfBirth: string; notes: string };

function fieldsOf(p: Patient | undefined): PatientFields {
  return {
    fullName: p?.fullName ?? "",
    phone: p?.phone ?? "",
    email: p?.email ?? "",
    dateOfBirth: p?.dateOfBirth ?? "",
    notes: p?.notes ?? "",
  };
}

function inputOf(fields: PatientFields): PatientInput {
  const nullable = (v: string) => (v.trim() === "" ? null : v);
  return { ...fields, phone: nullable(fields.phone), email: nullable(fields.email), dateOfBirth: nullable(fields.dateOfBirth) };
}

/** Creates a patient (warning about likely duplicates first) or edits one. */
export function PatientForm({ patient, onSaved }: { patient?: Patient; onSaved: (patient: Patient) => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [acknowledged, setAcknowledged] = useState(false);
  // A change after the duplicate warning asks again.
  const server = useServerForm<PatientFields>(fieldsOf(patient), () => setAcknowledged(false));
  const { form } = server;
  const duplicates = useMutation({ mutationFn: (input: PatientInput) => call(commands.possibleDuplicates(input)) });
  const save = useMutation({
    mutationFn: (input: PatientInput) =>
      call(patient ? commands.updatePatient(patient.id, patient.rowVersion, input) : commands.createPatient(uuidv7(), input)),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: (saved) => {
      queries.setQueryData(read.getPatient(saved.id).queryKey, saved);
      void refetch(queries, "searchPatients");
      onSaved(saved);
    },
  });
  const submit = async (fields: PatientFields) => {
    const input = inputOf(fields);
    // New patients: show likely duplicates once before creating.
    if (!patient && !acknowledged) {
      const found = await duplicates.mutateAsync(input).catch(() => []);
      if (found.length > 0) {
        setAcknowledged(true);
        return;
      }
    }
    save.mutate(input);
  };

  return (
    <FormOf form={server} onSubmit={(fields) => void submit(fields)}>
      <Stack gap="xs">
        <TextInput label={t("booking.fullName")} required {...form.getInputProps("fullName")} />
        <Group grow align="start">
          <TextInput label={t("booking.phone")} {...form.getInputProps("phone")} />
          <DateField
            label={t("patients.dateOfBirth")}
            optional
            value={form.getValues().dateOfBirth}
            onChange={(picked) => form.setFieldValue("dateOfBirth", picked)}
            error={form.errors.dateOfBirth}
          />
        </Group>
        <TextInput label={t("patients.email")} {...form.getInputProps("email")} />
        <Textarea label={t("patients.notes")} autosize minRows={2} {...form.getInputProps("notes")} />
        {acknowledged && duplicates.data && duplicates.data.length > 0 && (
          <Alert color="orange" title={t("patients.maybeDuplicate")} role="alert">
            <Stack gap={2}>
              {duplicates.data.map((d) => (
                <Text key={d.patient.id} size="sm">
                  №{d.patient.patientNumber} {d.patient.fullName} · {d.patient.phone ?? "—"} · {d.patient.dateOfBirth ?? "—"} (
                  {[
                    d.samePhone && t("patients.samePhone"),
                    d.sameNameAndBirthDate && t("patients.sameNameAndBirth"),
                    d.similarName && t("patients.similarName"),
                  ]
                    .filter(Boolean)
                    .join(", ")}
                  )
                </Text>
              ))}
              <Text size="sm">{t("patients.createAnyway")}</Text>
            </Stack>
          </Alert>
        )}
        {server.general && (
          <Alert color="red" role="alert">
            {server.general}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending || duplicates.isPending}>
            {patient ? t("patients.save") : acknowledged ? t("patients.createStill") : t("booking.createPatient")}
          </Button>
        </Group>
      </Stack>
    </FormOf>
  );
}

function PatientProfile({ patientId, onClose, onBookFor }: { patientId: PatientId; onClose: () => void; onBookFor: BookFor }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const [openedBooking, setOpenedBooking] = useState<BookingId | null>(null);
  const [printing, setPrinting] = useState(false);
  const [findingTime, setFindingTime] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const queries = useQueryClient();
  const patient = useQuery(read.getPatient(patientId));
  // Opening a profile is recorded in the clinic's audit trail, once per opening.
  useEffect(() => {
    void commands.recordProfileView(patientId);
  }, [patientId]);
  const bookings = useQuery(read.patientBookings(patientId));
  const results = useQuery(read.patientResults(patientId));
  const locations = useQuery(read.listLocations(false));
  const zoneOf = (b: Booking) => locations.data?.find((l) => l.id === b.locationId)?.timeZone ?? "UTC";
  const now = Date.now();
  const upcoming = (bookings.data ?? [])
    .filter((b) => new Date(b.startsAt).getTime() >= now)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const past = (bookings.data ?? []).filter((b) => new Date(b.startsAt).getTime() < now);
  const p = patient.data;

  const bookingTable = (rows: Booking[], withAgain: boolean) =>
    rows.length === 0 ? (
      <Text size="sm" c="dimmed">
        {t("patients.noBookings")}
      </Text>
    ) : (
      <Table striped verticalSpacing={2} fz="sm">
        <Table.Tbody>
          {rows.map((b) => (
            <Table.Tr key={b.id} className="clickable-row" onClick={() => setOpenedBooking(b.id)}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{formats.dateTimeIn(b.startsAt, zoneOf(b))}</Table.Td>
              <Table.Td>{b.subjectName}</Table.Td>
              <Table.Td>{b.locationName}</Table.Td>
              <Table.Td>
                <span className={`status-chip status-${b.status}`}>{t(`status.${b.status}`)}</span>
              </Table.Td>
              {withAgain && p && (
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="light"
                    onClick={(e) => {
                      e.stopPropagation();
                      onBookFor(p, b);
                    }}
                  >
                    {t("patients.bookAgain")}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );

  return (
    <Drawer opened onClose={onClose} position="right" size="xl" title={p ? `${p.fullName} · №${p.patientNumber}` : ""}>
      {patient.isError && <Alert color="red">{errorText(appError(patient.error))}</Alert>}
      {p && (
        <Grid gap="md">
          <Grid.Col span={5}>
            <Paper withBorder p="sm">
              <Text fw={600} mb={4}>
                {t("patients.contact")}
              </Text>
              <PatientForm key={p.rowVersion} patient={p} onSaved={() => {}} />
            </Paper>
          </Grid.Col>
          <Grid.Col span={7}>
            <Stack gap="sm">
              <Group justify="space-between">
                <Text fw={600}>{t("patients.upcoming")}</Text>
                <Group gap="xs">
                  <Button size="xs" variant="default" onClick={() => setPrinting(true)}>
                    {t("print.visitList")}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setWaiting(true)} leftSection={<WaitlistIcon />}>
                    {t("waitlist.open")}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setFindingTime(true)} leftSection={<FindTimeIcon />}>
                    {t("openings.open")}
                  </Button>
                  <Button size="xs" onClick={() => onBookFor(p, null)}>
                    {t("patients.newBookingFor")}
                  </Button>
                </Group>
              </Group>
              {bookingTable(upcoming, false)}
              <Text fw={600}>{t("patients.past")}</Text>
              {bookingTable(past, true)}
              <Text fw={600}>{t("patients.results")}</Text>
              <ResultList results={results.data ?? []} showDiagnostic />
              <Trail query={read.patientTrail(patientId)} withSubject />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
      {openedBooking && <BookingDetail bookingId={openedBooking} onClose={() => setOpenedBooking(null)} />}
      {printing && <PrintPreview asked={{ document: "visitList", patientId, includePast: false }} onClose={() => setPrinting(false)} />}
      {waiting && p && (
        <AddToWaitlist patient={p} timeZone={Intl.DateTimeFormat().resolvedOptions().timeZone} onClose={() => setWaiting(false)} />
      )}
      {findingTime && p && (
        <Openings
          timeZone={Intl.DateTimeFormat().resolvedOptions().timeZone}
          patient={p}
          onBooked={() => void refetch(queries, "patientBookings", patientId)}
          onClose={() => setFindingTime(false)}
        />
      )}
    </Drawer>
  );
}

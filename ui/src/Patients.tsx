// Patients: one search box (name, phone digits or date of birth), the
// profile with contact data, upcoming and past bookings, and results.
import { forwardRef, useEffect, useState } from "react";
import { Alert, Button, Drawer, Grid, Group, Paper, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Booking, type BookingId, type Patient, type PatientId, type PatientInput } from "./bindings";
import { appError, call } from "./api";
import { Trail } from "./Audit";
import { errorText, fieldErrors } from "./errors";
import { useFormats } from "./format";
import { uuidv7 } from "./ids";
import { ResultList } from "./Results";
import { BookingDetail } from "./BookingDetail";
import { PatientCombobox } from "./PatientCombobox";
import { DateField } from "./DateField";

/** Start booking for a patient on the board (another doctor or diagnostic, or the same one again). */
export type BookFor = (patient: Patient, again: Booking | null) => void;

export const Patients = forwardRef<HTMLInputElement, { onBookFor: BookFor }>(function Patients({ onBookFor }, searchRef) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [opened, setOpened] = useState<PatientId | null>(null);
  const [creating, setCreating] = useState(false);
  const found = useQuery({
    queryKey: ["patients", debounced],
    queryFn: () => call(commands.searchPatients(debounced, 50)),
    enabled: debounced.trim().length >= 2,
  });

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
      {found.isError && <Alert color="red">{errorText(appError(found.error))}</Alert>}
      <PatientCombobox
        ref={searchRef}
        label={t("booking.search")}
        placeholder={t("booking.searchHint")}
        value={search}
        onChange={setSearch}
        found={debounced.trim().length < 2 ? undefined : found.data}
        onPick={(p) => setOpened(p.id)}
        autoFocus
        width={480}
      />
      {debounced.trim().length < 2 && <Text c="dimmed">{t("patients.typeToSearch")}</Text>}
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

const EMPTY: PatientInput = { fullName: "", phone: null, email: null, dateOfBirth: null, notes: "" };

function inputOf(p: Patient): PatientInput {
  return { fullName: p.fullName, phone: p.phone, email: p.email, dateOfBirth: p.dateOfBirth, notes: p.notes };
}

/** Creates a patient (warning about likely duplicates first) or edits one. */
export function PatientForm({ patient, onSaved }: { patient?: Patient; onSaved: (patient: Patient) => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [form, setForm] = useState<PatientInput>(patient ? inputOf(patient) : EMPTY);
  const [acknowledged, setAcknowledged] = useState(false);
  const update = (patch: Partial<PatientInput>) => {
    setForm((f) => ({ ...f, ...patch }));
    setAcknowledged(false);
  };
  const duplicates = useMutation({ mutationFn: () => call(commands.possibleDuplicates(form)) });
  const save = useMutation({
    mutationFn: () => call(patient ? commands.updatePatient(patient.id, patient.rowVersion, form) : commands.createPatient(uuidv7(), form)),
    onSuccess: (saved) => {
      queries.setQueryData(["patient", saved.id], saved);
      void queries.invalidateQueries({ queryKey: ["patients"] });
      onSaved(saved);
    },
  });
  const submit = async () => {
    // New patients: show likely duplicates once before creating.
    if (!patient && !acknowledged) {
      const found = await duplicates.mutateAsync().catch(() => []);
      if (found.length > 0) {
        setAcknowledged(true);
        return;
      }
    }
    save.mutate();
  };
  const failed = save.error ? appError(save.error) : null;
  const errors = fieldErrors(failed);
  const nullable = (v: string) => (v.trim() === "" ? null : v);

  return (
    <Stack gap="xs">
      <TextInput label={t("booking.fullName")} required value={form.fullName} onChange={(e) => update({ fullName: e.currentTarget.value })} error={errors.fullName} />
      <Group grow align="start">
        <TextInput label={t("booking.phone")} value={form.phone ?? ""} onChange={(e) => update({ phone: nullable(e.currentTarget.value) })} error={errors.phone} />
        <DateField label={t("patients.dateOfBirth")} optional value={form.dateOfBirth ?? ""} onChange={(picked) => update({ dateOfBirth: nullable(picked) })} error={errors.dateOfBirth} />
      </Group>
      <TextInput label={t("patients.email")} value={form.email ?? ""} onChange={(e) => update({ email: nullable(e.currentTarget.value) })} error={errors.email} />
      <Textarea label={t("patients.notes")} autosize minRows={2} value={form.notes ?? ""} onChange={(e) => update({ notes: e.currentTarget.value })} error={errors.notes} />
      {acknowledged && duplicates.data && duplicates.data.length > 0 && (
        <Alert color="orange" title={t("patients.maybeDuplicate")} role="alert">
          <Stack gap={2}>
            {duplicates.data.map((d) => (
              <Text key={d.patient.id} size="sm">
                №{d.patient.patientNumber} {d.patient.fullName} · {d.patient.phone ?? "—"} · {d.patient.dateOfBirth ?? "—"} (
                {[d.samePhone && t("patients.samePhone"), d.sameNameAndBirthDate && t("patients.sameNameAndBirth"), d.similarName && t("patients.similarName")]
                  .filter(Boolean)
                  .join(", ")}
                )
              </Text>
            ))}
            <Text size="sm">{t("patients.createAnyway")}</Text>
          </Stack>
        </Alert>
      )}
      {failed && Object.keys(errors).length === 0 && (
        <Alert color="red" role="alert">
          {errorText(failed)}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void submit()} loading={save.isPending || duplicates.isPending}>
          {patient ? t("patients.save") : acknowledged ? t("patients.createStill") : t("booking.createPatient")}
        </Button>
      </Group>
    </Stack>
  );
}

function PatientProfile({ patientId, onClose, onBookFor }: { patientId: PatientId; onClose: () => void; onBookFor: BookFor }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const [openedBooking, setOpenedBooking] = useState<BookingId | null>(null);
  const patient = useQuery({ queryKey: ["patient", patientId], queryFn: () => call(commands.getPatient(patientId)) });
  // Opening a profile is recorded in the clinic's audit trail, once per opening.
  useEffect(() => {
    void commands.recordProfileView(patientId);
  }, [patientId]);
  const bookings = useQuery({ queryKey: ["patientBookings", patientId], queryFn: () => call(commands.patientBookings(patientId)) });
  const results = useQuery({ queryKey: ["patientResults", patientId], queryFn: () => call(commands.patientResults(patientId)) });
  const locations = useQuery({ queryKey: ["locations"], queryFn: () => call(commands.listLocations(false)) });
  const zoneOf = (b: Booking) => locations.data?.find((l) => l.id === b.locationId)?.timeZone ?? "UTC";
  const now = Date.now();
  const upcoming = (bookings.data ?? []).filter((b) => new Date(b.startsAt).getTime() >= now).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
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
              <Button size="xs" onClick={() => onBookFor(p, null)}>
                {t("patients.newBookingFor")}
              </Button>
            </Group>
            {bookingTable(upcoming, false)}
            <Text fw={600}>{t("patients.past")}</Text>
            {bookingTable(past, true)}
            <Text fw={600}>{t("patients.results")}</Text>
            <ResultList results={results.data ?? []} showDiagnostic />
            <Trail queryKey={["patientTrail", patientId]} load={() => call(commands.patientTrail(patientId))} withSubject />
          </Stack>
          </Grid.Col>
        </Grid>
      )}
      {openedBooking && <BookingDetail bookingId={openedBooking} onClose={() => setOpenedBooking(null)} />}
    </Drawer>
  );
}

// New booking from the day board: a free slot of the chosen doctor or
// diagnostic (from the availability engine), a patient found as you type or
// created inline, a message, confirm. A slot taken meanwhile says by whom and
// offers the remaining free slots.
import { useEffect, useState } from "react";
import { Alert, Button, Drawer, Group, Radio, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BookingSubject, type Location, type Patient } from "./bindings";
import { appError, call } from "./api";
import { errorText, fieldErrors } from "./errors";
import { uuidv7 } from "./ids";
import { minuteOfDay } from "./dates";

export interface BookingDraft {
  subject: BookingSubject;
  subjectName: string;
  date: string;
  /** Where the board was clicked (minutes since local midnight), if anywhere. */
  minute: number | null;
}

export function NewBooking({ location, draft, onClose }: { location: Location; draft: BookingDraft; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [patient, setPatient] = useState<Patient | null>(null);
  const [newName, setNewName] = useState("");
  const [newPhone, setNewPhone] = useState("");
  const [message, setMessage] = useState("");
  const [mode, setMode] = useState<"find" | "new">("find");

  const slots = useQuery({
    queryKey: ["freeSlots", location.id, draft.subject, draft.date],
    queryFn: () => call(commands.freeSlots({ locationId: location.id, subject: draft.subject, from: draft.date, to: draft.date })),
  });
  // Preselect the free slot under the click.
  useEffect(() => {
    if (startsAt !== null || draft.minute === null || !slots.data) return;
    const under = slots.data.find((s) => {
      const from = minuteOfDay(s.startsAt, location.timeZone);
      const to = from + (new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()) / 60000;
      return from <= draft.minute! && draft.minute! < to;
    });
    if (under) setStartsAt(under.startsAt);
  }, [slots.data, draft.minute, startsAt, location.timeZone]);

  const found = useQuery({
    queryKey: ["patients", debounced],
    queryFn: () => call(commands.searchPatients(debounced, 10)),
    enabled: debounced.trim().length >= 2,
  });
  const createPatient = useMutation({
    mutationFn: () => call(commands.createPatient(uuidv7(), { fullName: newName, phone: newPhone || null, email: null, dateOfBirth: null, notes: "" })),
    onSuccess: (created) => {
      setPatient(created);
      setMode("find");
    },
  });
  const book = useMutation({
    mutationFn: () =>
      call(
        commands.book({
          bookingId: uuidv7(),
          patientId: patient!.id,
          locationId: location.id,
          subject: draft.subject,
          startsAt: startsAt!,
          patientMessage: message,
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["dayBoard", location.id] });
      onClose();
    },
    onError: () => void slots.refetch(),
  });

  const time = new Intl.DateTimeFormat(i18n.language, { timeZone: location.timeZone, hour: "2-digit", minute: "2-digit" });
  const bookError = book.error ? appError(book.error) : null;
  const patientErrors = fieldErrors(createPatient.error ? appError(createPatient.error) : null);

  return (
    <Drawer opened onClose={onClose} position="right" size="md" title={t("booking.title", { name: draft.subjectName })}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {location.name} · {draft.date}
        </Text>
        <Select
          label={t("booking.slot")}
          placeholder={slots.isPending ? t("booking.loadingSlots") : t("booking.noSlots")}
          value={startsAt}
          onChange={setStartsAt}
          data={(slots.data ?? []).map((s) => ({ value: s.startsAt, label: `${time.format(new Date(s.startsAt))}–${time.format(new Date(s.endsAt))}` }))}
          error={fieldErrors(bookError).startsAt}
        />
        <Radio.Group label={t("booking.patient")} value={mode} onChange={(v) => setMode(v as "find" | "new")}>
          <Group mt={4}>
            <Radio value="find" label={t("booking.findPatient")} />
            <Radio value="new" label={t("booking.newPatient")} />
          </Group>
        </Radio.Group>
        {mode === "find" ? (
          <>
            <TextInput label={t("booking.search")} placeholder={t("booking.searchHint")} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
            {patient && (
              <Alert color="teal" title={t("booking.chosen")}>
                {patient.fullName} · №{patient.patientNumber} {patient.phone ?? ""}
              </Alert>
            )}
            <Stack gap={4} role="listbox" aria-label={t("booking.results")}>
              {(found.data ?? []).map((p) => (
                <Button key={p.id} variant={patient?.id === p.id ? "light" : "subtle"} justify="start" role="option" aria-selected={patient?.id === p.id} onClick={() => setPatient(p)}>
                  {p.fullName} · №{p.patientNumber} {p.phone ?? ""} {p.dateOfBirth ?? ""}
                </Button>
              ))}
            </Stack>
          </>
        ) : (
          <>
            <TextInput label={t("booking.fullName")} value={newName} onChange={(e) => setNewName(e.currentTarget.value)} error={patientErrors.fullName} />
            <TextInput label={t("booking.phone")} value={newPhone} onChange={(e) => setNewPhone(e.currentTarget.value)} error={patientErrors.phone} />
            <Button variant="default" onClick={() => createPatient.mutate()} loading={createPatient.isPending}>
              {t("booking.createPatient")}
            </Button>
          </>
        )}
        <Textarea label={t("booking.message")} value={message} onChange={(e) => setMessage(e.currentTarget.value)} autosize minRows={2} />
        {bookError && Object.keys(fieldErrors(bookError)).length === 0 && (
          <Alert color="red" role="alert" title={typeof bookError !== "string" && bookError.kind === "conflict" ? t("booking.taken") : undefined}>
            {errorText(bookError)}
          </Alert>
        )}
        <Group>
          <Button onClick={() => book.mutate()} disabled={!patient || !startsAt} loading={book.isPending}>
            {t("booking.confirm")}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t("settings.close")}
          </Button>
        </Group>
      </Stack>
    </Drawer>
  );
}

// New booking: a doctor or diagnostic (preset by the board click, or picked),
// a free slot from the availability engine on a chosen date (or the next day
// with one), a patient found as you type or created inline (with a duplicate
// warning), the price, a message, confirm. A slot taken meanwhile says by whom
// and offers the remaining free slots.
import { useEffect, useState } from "react";
import { Alert, Button, Drawer, Group, Radio, Select, Stack, Text, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BookingSubject, type Location, type Patient } from "./bindings";
import { appError, call } from "./api";
import { errorText, fieldErrors } from "./errors";
import { useFormats } from "./format";
import { uuidv7 } from "./ids";
import { minuteOfDay, shiftDate, todayIn } from "./dates";
import { PatientForm } from "./Patients";
import { PatientCombobox } from "./PatientCombobox";
import { subjectKey } from "./boardLayout";
import type { TFunction } from "i18next";
import type { FreeSlot } from "./bindings";
import { DateField } from "./DateField";

export interface BookingChoice {
  subject: BookingSubject;
  name: string;
}

export interface BookingDraft {
  /** Preset when the board was clicked; otherwise picked in the form. */
  subject: BookingChoice | null;
  /** Preset when booking for a patient chosen in their profile. */
  patient?: Patient | null;
  date: string;
  /** Where the board was clicked (minutes since local midnight), if anywhere. */
  minute: number | null;
}

/** How far "next free day" looks ahead. */
const LOOKAHEAD_DAYS = 60;

/** The free slot under a minute of the day, or else the first one after it. */
export function slotFrom(slots: FreeSlot[], minute: number, timeZone: string): FreeSlot | undefined {
  const span = (s: FreeSlot) => {
    const from = minuteOfDay(s.startsAt, timeZone);
    return [from, from + (new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()) / 60000];
  };
  return slots.find((s) => span(s)[0] <= minute && minute < span(s)[1]) ?? slots.find((s) => span(s)[0] >= minute);
}

/** What the time field says about the day: looking, how many free times, or none. */
export function slotsText(t: TFunction, fetching: boolean, count: number | undefined): string {
  if (count === undefined || (fetching && count === 0)) return t("booking.loadingSlots");
  return count === 0 ? t("booking.noSlots") : t("booking.slotsCount", { count });
}

/** The time field of booking and rescheduling: the day's free slots, how
 * many there are, and the server's refusal of the chosen one. */
export function SlotSelect({
  slots,
  fetching,
  asked,
  timeZone,
  value,
  onChange,
  error,
}: {
  slots: FreeSlot[] | undefined;
  fetching: boolean;
  /** False until there is a doctor or diagnostic to ask about. */
  asked: boolean;
  timeZone: string;
  value: string | null;
  onChange: (startsAt: string | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  return (
    <Select
      label={t("booking.slot")}
      placeholder={asked ? t("booking.chooseSlot") : ""}
      description={asked ? slotsText(t, fetching, slots?.length) : undefined}
      value={value}
      onChange={onChange}
      data={(slots ?? []).map((s) => ({ value: s.startsAt, label: formats.span(s.startsAt, s.endsAt) }))}
      error={error}
    />
  );
}


export function NewBooking({
  location,
  draft,
  choices,
  onClose,
  onBooked,
}: {
  location: Location;
  draft: BookingDraft;
  choices: BookingChoice[];
  onClose: () => void;
  onBooked?: () => void;
}) {
  const { t } = useTranslation();
  const formats = useFormats(location.timeZone);
  const queries = useQueryClient();
  const [choice, setChoice] = useState<BookingChoice | null>(draft.subject);
  const [date, setDate] = useState(draft.date);
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [patient, setPatient] = useState<Patient | null>(draft.patient ?? null);
  const [message, setMessage] = useState("");
  const [mode, setMode] = useState<"find" | "new">("find");
  const subject = choice?.subject ?? null;

  const slots = useQuery({
    queryKey: ["freeSlots", location.id, subject, date],
    queryFn: () => call(commands.freeSlots({ locationId: location.id, subject: subject!, from: date, to: date })),
    enabled: subject !== null && date !== "",
  });
  // Preselect the free slot under the click, or the first one after it.
  useEffect(() => {
    if (startsAt !== null || draft.minute === null || date !== draft.date || !slots.data) return;
    const chosen = slotFrom(slots.data, draft.minute, location.timeZone);
    if (chosen) setStartsAt(chosen.startsAt);
  }, [slots.data, draft.minute, draft.date, date, startsAt, location.timeZone]);

  // From the chosen day itself: it may still have free time.
  const nextFree = useMutation({
    mutationFn: () => call(commands.freeSlots({ locationId: location.id, subject: subject!, from: date, to: shiftDate(date, LOOKAHEAD_DAYS - 1) })),
    onSuccess: (found) => {
      if (found.length === 0) return;
      setDate(todayIn(location.timeZone, new Date(found[0].startsAt)));
      setStartsAt(found[0].startsAt);
    },
  });
  const price = useQuery({
    queryKey: ["price", subject],
    queryFn: async () =>
      subject!.type === "doctor" ? (await call(commands.getDoctor(subject!.doctorId))).price : (await call(commands.getDiagnostic(subject!.diagnosticId))).price,
    enabled: subject !== null,
  });
  const found = useQuery({
    queryKey: ["patients", debounced],
    queryFn: () => call(commands.searchPatients(debounced, 10)),
    enabled: debounced.trim().length >= 2,
  });
  const book = useMutation({
    mutationFn: () =>
      call(commands.book({ bookingId: uuidv7(), patientId: patient!.id, locationId: location.id, subject: subject!, startsAt: startsAt!, patientMessage: message })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["dayBoard", location.id] });
      onBooked?.();
      onClose();
    },
    onError: () => void slots.refetch(),
  });

  const canBook = patient !== null && startsAt !== null && subject !== null && !book.isPending;
  const bookError = book.error ? appError(book.error) : null;
  const bookFields = fieldErrors(bookError);

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="md"
      title={choice ? t("booking.title", { name: choice.name }) : t("booking.titleAny")}
    >
      <Stack
        gap="sm"
        onKeyDown={(e) => {
          // Ctrl+Enter books from anywhere in the form.
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && canBook) {
            e.preventDefault();
            book.mutate();
          }
        }}
      >
        <Text size="sm" c="dimmed">
          {location.name}
        </Text>
        {draft.subject === null && (
          <Select
            label={t("booking.with")}
            placeholder={t("booking.withHint")}
            searchable
            data-autofocus
            value={subject ? subjectKey(subject) : null}
            onChange={(v) => {
              setChoice(choices.find((c) => subjectKey(c.subject) === v) ?? null);
              setStartsAt(null);
            }}
            data={choices.map((c) => ({ value: subjectKey(c.subject), label: c.name }))}
            error={bookFields.subject}
          />
        )}
        <Group align="end" grow>
          <DateField
            label={t("board.date")}
            value={date}
            onChange={(picked) => {
              setDate(picked);
              setStartsAt(null);
            }}
          />
          <Button variant="default" onClick={() => nextFree.mutate()} disabled={subject === null} loading={nextFree.isPending}>
            {t("booking.nextFree")}
          </Button>
        </Group>
        {nextFree.data?.length === 0 && (
          <Text size="sm" c="orange.9" role="status">
            {t("booking.noneAhead", { days: LOOKAHEAD_DAYS })}
          </Text>
        )}
        <SlotSelect
          slots={slots.data}
          fetching={slots.isFetching}
          asked={subject !== null}
          timeZone={location.timeZone}
          value={startsAt}
          onChange={setStartsAt}
          error={bookFields.startsAt}
        />
        {price.data && (
          <Text size="sm">
            {t("detail.price")}: <strong>{formats.money(price.data)}</strong>
          </Text>
        )}
        <Radio.Group label={t("booking.patient")} value={mode} onChange={(v) => setMode(v as "find" | "new")}>
          <Group mt={4}>
            <Radio value="find" label={t("booking.findPatient")} />
            <Radio value="new" label={t("booking.newPatient")} />
          </Group>
        </Radio.Group>
        {patient && (
          <Alert color="clinic" title={t("booking.chosen")}>
            {patient.fullName} · №{patient.patientNumber} {patient.phone ?? ""}
          </Alert>
        )}
        {mode === "find" ? (
          <>
            <PatientCombobox
              label={t("booking.search")}
              placeholder={t("booking.searchHint")}
              value={search}
              onChange={setSearch}
              found={found.data}
              onPick={setPatient}
              autoFocus={draft.subject !== null}
            />
          </>
        ) : (
          <PatientForm
            onSaved={(created) => {
              setPatient(created);
              setMode("find");
            }}
          />
        )}
        <Textarea label={t("booking.message")} value={message} onChange={(e) => setMessage(e.currentTarget.value)} autosize minRows={2} />
        {bookError && !bookFields.startsAt && !bookFields.subject && (
          <Alert color="red" role="alert" title={typeof bookError !== "string" && bookError.kind === "conflict" ? t("booking.taken") : undefined}>
            {errorText(bookError)}
          </Alert>
        )}
        <Group>
          <Button onClick={() => book.mutate()} disabled={!patient || !startsAt || !subject} loading={book.isPending} aria-keyshortcuts="Control+Enter" title={t("booking.bookKeys")}>
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

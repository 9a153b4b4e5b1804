// New booking: a doctor or diagnostic (preset by the board click, or picked),
// a free slot from the availability engine on a chosen date (or the next day
// with one), a patient found as you type or created inline (with a duplicate
// warning), the price, a message, confirm. A slot taken meanwhile says by whom
// and offers the remaining free slots.
import { useEffect, useState } from "react";
import { Alert, Button, Drawer, Group, Radio, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  MIN_SEARCH_CHARS,
  type BookingSubject,
  type DayBoard,
  type Location,
  type LocationId,
  type Patient,
} from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch, waiting } from "../../api/reads";
import { SlotPicker } from "../../components/SlotPicker";
import { errorText, fieldErrors } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";
import { instantAt, minutesOf, shiftDate, todayIn } from "../../dates";
import { usePermissions } from "../../access";
import { answered, began } from "../../felt";
import { SlotRules } from "./SlotRules";
import { PatientForm } from "../patients/Patients";
import { PatientCombobox, usePatientSearch } from "../../components/PatientCombobox";
import { subjectKey, withBooking } from "../board/boardLayout";
import { DateField } from "../../components/DateField";
import { FindTimeIcon } from "../../components/icons";
import { Openings } from "../openings/Openings";

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
  /** A free time already chosen (an opening from "Find free time"). */
  startsAt?: string | null;
  /** The waitlist entry this booking answers (it closes with the booking). */
  waitlistEntryId?: string | null;
}

/** Asks the station, at the click that opens the drawer, for what the
 * drawer shows first (the day's free times, the price): the calls run while
 * React mounts the drawer instead of after. Resolves once the free times are in. */
export function askAhead(queries: QueryClient, locationId: LocationId, subject: BookingSubject, date: string) {
  if (subject.type === "doctor") void queries.prefetchQuery(read.getDoctor(subject.doctorId));
  else void queries.prefetchQuery(read.getDiagnostic(subject.diagnosticId));
  return queries.prefetchQuery(read.freeSlots({ locationId, subject, from: date, to: date }));
}

/** How far "next free day" looks ahead. */
const LOOKAHEAD_DAYS = 60;

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
  const [startsAt, setStartsAt] = useState<string | null>(draft.startsAt ?? null);
  const [search, setSearch] = useState("");
  const [patient, setPatient] = useState<Patient | null>(draft.patient ?? null);
  const [message, setMessage] = useState("");
  const [mode, setMode] = useState<"find" | "new">("find");
  const [findingTime, setFindingTime] = useState(false);
  // A manager's "book anyway": a typed time on the chosen date and a reason.
  const may = usePermissions();
  const [anyway, setAnyway] = useState(false);
  // The chosen free time and the id asked to hold it (the booking's id to
  // be, whether or not the answer came back: a hold whose answer a bad link
  // lost is still taken by the booking with its id); `held` once confirmed.
  const [hold, setHold] = useState<{ id: string; startsAt: string; held: boolean } | null>(null);
  const [holdRefused, setHoldRefused] = useState(false);
  const [anywayTime, setAnywayTime] = useState("");
  const [reason, setReason] = useState("");
  const subject = choice?.subject ?? null;
  const typedAt =
    anyway && /^\d{1,2}:\d{2}$/.test(anywayTime.trim()) ? instantAt(date, minutesOf(anywayTime.trim()), location.timeZone) : null;
  const askedAt = anyway ? typedAt : startsAt;

  // From the chosen day itself: it may still have free time.
  const nextFree = useMutation({
    mutationFn: (of: BookingSubject) =>
      call(commands.freeSlots({ locationId: location.id, subject: of, from: date, to: shiftDate(date, LOOKAHEAD_DAYS - 1) })),
    onSuccess: (found) => {
      if (found.length === 0) return;
      setDate(todayIn(location.timeZone, new Date(found[0].startsAt)));
      setStartsAt(found[0].startsAt);
    },
  });
  const doctor = useQuery(subject?.type === "doctor" ? read.getDoctor(subject.doctorId) : waiting("getDoctor"));
  const diagnostic = useQuery(subject?.type === "diagnostic" ? read.getDiagnostic(subject.diagnosticId) : waiting("getDiagnostic"));
  const price = subject?.type === "doctor" ? doctor.data?.price : subject?.type === "diagnostic" ? diagnostic.data?.price : undefined;
  const { found } = usePatientSearch(search, 10);
  // The chosen free time is held for this desk while the booking is made:
  // a new hold per time, released when the time changes or the drawer closes.
  useEffect(() => {
    if (!startsAt || !subject || anyway) return;
    const id = uuidv7();
    let gone = false;
    setHoldRefused(false);
    setHold({ id, startsAt, held: false });
    void (async () => {
      try {
        const held = await commands.holdSlot({ holdId: id, locationId: location.id, subject, startsAt });
        if (held.status === "ok") {
          if (gone) void commands.releaseHold(id);
          else setHold({ id, startsAt, held: true });
        } else if (!gone && held.error.kind === "conflict") {
          // Held or booked at another desk a moment ago: say so, show what is left.
          setHoldRefused(true);
          void refetch(queries, "freeSlots", { locationId: location.id });
        }
        // Offline: no hold; the booking is checked when it reaches the server.
      } catch {
        // A hold is a courtesy to other desks; booking goes on without one.
      }
    })();
    return () => {
      gone = true;
      setHold(null);
      void commands.releaseHold(id);
    };
  }, [startsAt, subject, anyway, location.id, queries]);
  // Everything a booking needs, once chosen.
  const ready = patient !== null && askedAt !== null && subject !== null ? { patient, startsAt: askedAt, subject } : null;
  const book = useMutation({
    mutationFn: async (chosen: { patient: Patient; startsAt: string; subject: BookingSubject }) => {
      // The held time is booked under its hold's id (the hold becomes the booking).
      const bookingId = !anyway && hold?.startsAt === chosen.startsAt ? hold.id : uuidv7();
      began("bookToBoard", bookingId);
      const booked = await call(
        commands.book({
          bookingId,
          patientId: chosen.patient.id,
          locationId: location.id,
          subject: chosen.subject,
          startsAt: chosen.startsAt,
          patientMessage: message,
          overrideReason: anyway ? reason : null,
          waitlistEntryId: draft.waitlistEntryId ?? null,
        }),
      );
      answered("bookToBoard");
      return booked;
    },
    onSuccess: (booked) => {
      queries.setQueryData(read.dayBoard(location.id, date).queryKey, (board?: DayBoard) => board && withBooking(board, booked));
      void refetch(queries, "dayBoard", location.id);
      if (draft.waitlistEntryId) void refetch(queries, "listWaitlist");
      onBooked?.();
      onClose();
    },
    // Taken meanwhile: the picker shows what is still free.
    onError: () => void refetch(queries, "freeSlots", { locationId: location.id }),
  });

  const bookError = book.error ? appError(book.error) : null;
  const bookFields = fieldErrors(bookError);
  // A time refused (or about to be booked anyway): every rule it breaks.
  const slotRefused =
    bookError !== null &&
    typeof bookError !== "string" &&
    (bookError.kind === "conflict" ? bookError.code === "slotTaken" : bookFields.startsAt !== undefined);
  const rules = useQuery(
    subject && askedAt && (anyway || slotRefused)
      ? read.slotCheck({ locationId: location.id, subject, startsAt: askedAt })
      : waiting("slotCheck"),
  );
  // Booking anyway needs its reason, and a time the rules let a manager take.
  const anywayBlocked = anyway && (reason.trim() === "" || rules.data?.overridable === false);
  const canBook = ready !== null && !book.isPending && !anywayBlocked;

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="md"
      // The board scrolls in its own frame: locking the page's scroll only
      // restyled the page and laid the whole board out again.
      lockScroll={false}
      title={choice ? t("booking.title", { name: choice.name }) : t("booking.titleAny")}
    >
      <Stack
        gap="sm"
        onKeyDown={(e) => {
          // Ctrl+Enter books from anywhere in the form.
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && canBook) {
            e.preventDefault();
            book.mutate(ready);
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
          <Button
            variant="default"
            onClick={() => subject && nextFree.mutate(subject)}
            disabled={subject === null}
            loading={nextFree.isPending}
          >
            {t("booking.nextFree")}
          </Button>
        </Group>
        <Group gap="xs">
          <Button variant="subtle" size="compact-sm" onClick={() => setFindingTime(true)} leftSection={<FindTimeIcon />}>
            {t("openings.move")}
          </Button>
          {may.bookAnyway && (
            <Button variant="subtle" size="compact-sm" color="grape" onClick={() => setAnyway(!anyway)} aria-pressed={anyway}>
              {t("anyway.open")}
            </Button>
          )}
        </Group>
        {nextFree.data?.length === 0 && (
          <Text size="sm" c="orange.9" role="status">
            {t("booking.noneAhead", { days: LOOKAHEAD_DAYS })}
          </Text>
        )}
        <SlotPicker
          locationId={location.id}
          subject={subject}
          date={date}
          timeZone={location.timeZone}
          value={startsAt}
          onChange={setStartsAt}
          preferMinute={date === draft.date ? draft.minute : null}
          error={bookFields.startsAt}
        />
        {anyway && (
          <Stack gap={6} className="inset anyway">
            <TextInput
              label={t("anyway.time")}
              placeholder="09:40"
              value={anywayTime}
              onChange={(e) => setAnywayTime(e.currentTarget.value)}
              w={120}
              error={anywayTime.trim() !== "" && typedAt === null ? t("anyway.timeHint") : undefined}
            />
            <Textarea
              label={t("anyway.reason")}
              required
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              autosize
              minRows={2}
              error={bookFields.overrideReason}
            />
            {rules.data && <SlotRules check={rules.data} timeZone={location.timeZone} />}
          </Stack>
        )}
        {holdRefused && (
          <Text size="sm" c="red.8" role="alert">
            {t("holds.refused")}
          </Text>
        )}
        {hold?.held && !anyway && (
          <Text size="xs" c="dimmed" role="status">
            {t("holds.held")}
          </Text>
        )}
        {price && (
          <Text size="sm">
            {t("detail.price")}: <strong>{formats.money(price)}</strong>
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
          <PatientCombobox
            label={t("booking.search")}
            placeholder={t("booking.searchHint", { count: MIN_SEARCH_CHARS })}
            value={search}
            onChange={setSearch}
            found={found}
            onPick={setPatient}
            autoFocus={draft.subject !== null}
          />
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
          <Alert
            color="red"
            role="alert"
            title={typeof bookError !== "string" && bookError.kind === "conflict" ? t("booking.taken") : undefined}
          >
            {errorText(bookError)}
            {!anyway && slotRefused && rules.data && rules.data.rules.length > 1 && (
              <SlotRules check={rules.data} timeZone={location.timeZone} />
            )}
          </Alert>
        )}
        <Group>
          <Button
            onClick={() => ready && book.mutate(ready)}
            disabled={ready === null || anywayBlocked}
            loading={book.isPending}
            aria-keyshortcuts="Control+Enter"
            title={t("booking.bookKeys")}
            color={anyway ? "grape" : undefined}
          >
            {anyway ? t("anyway.confirm") : t("booking.confirm")}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t("settings.close")}
          </Button>
        </Group>
      </Stack>
      {findingTime && (
        <Openings
          timeZone={location.timeZone}
          start={{ wanted: subject, from: date }}
          patient={patient}
          onBooked={() => {
            onBooked?.();
            onClose();
          }}
          onClose={() => setFindingTime(false)}
        />
      )}
    </Drawer>
  );
}

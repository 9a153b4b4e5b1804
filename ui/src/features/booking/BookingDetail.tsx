// One booking: who, what, when, price, message; the status actions it allows
// (cancel asks for a reason); reschedule to another free slot; a rating once
// completed; results for a diagnostic; and its status history.
import { useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  Radio,
  Rating,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Booking, type BookingId, type CancelKind, type StatusAction } from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { Trail } from "../audit/Audit";
import { errorText, fieldErrors } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";
import { todayIn } from "../../dates";
import { BookingResults } from "../results/Results";
import { subjectKey } from "../board/boardLayout";
import { SlotPicker } from "../../components/SlotPicker";
import { DateField } from "../../components/DateField";
import { PrintPreview } from "../print/PrintPreview";
import { FindTimeIcon } from "../../components/icons";
import { Openings } from "../openings/Openings";

export function BookingDetail({ bookingId, onClose }: { bookingId: BookingId; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [shown, setShown] = useState(bookingId);
  const [reason, setReason] = useState("");
  const [cancelKind, setCancelKind] = useState<CancelKind | null>(null);
  const [printing, setPrinting] = useState(false);
  const booking = useQuery(read.getBooking(shown));
  const history = useQuery(read.bookingHistory(shown));
  const locations = useQuery(read.listLocations(false));
  const b = booking.data;
  const timeZone = locations.data?.find((l) => l.id === b?.locationId)?.timeZone ?? "UTC";
  const formats = useFormats(timeZone);
  const refresh = (changed: Booking) => {
    void refetch(queries, "getBooking");
    void refetch(queries, "bookingHistory");
    void refetch(queries, "dayBoard", changed.locationId);
    void refetch(queries, "patientBookings", changed.patientId);
  };
  const act = useMutation({
    mutationFn: ({ action, version }: { action: StatusAction; version: number }) =>
      call(
        commands.changeStatus({
          bookingId: shown,
          action,
          reason,
          cancelKind: action === "cancel" ? cancelKind : null,
          expectedVersion: version,
        }),
      ),
    onSuccess: (changed) => {
      setReason("");
      setCancelKind(null);
      refresh(changed);
    },
  });
  const failed = act.error ? appError(act.error) : null;
  const errors = fieldErrors(failed);

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="md"
      // Focus starts on the title (read out first), not on the close button or an action.
      title={
        <span tabIndex={-1} data-autofocus>
          {b ? (b.patientNumber > 0 ? `${b.patientName} · №${b.patientNumber}` : b.patientName) : ""}
        </span>
      }
    >
      {booking.isError && <Alert color="red">{errorText(appError(booking.error))}</Alert>}
      {b && (
        <Stack gap="sm">
          <Group gap="xs">
            <Badge variant="light" className={`status-badge status-${b.status}`}>
              {t(`status.${b.status}`)}
            </Badge>
            <Text fw={600}>{b.subjectName}</Text>
            {b.holdsSlot && (
              <Button size="compact-sm" variant="default" ml="auto" onClick={() => setPrinting(true)}>
                {t("print.slip")}
              </Button>
            )}
          </Group>
          {printing && <PrintPreview asked={{ document: "slip", bookingId: b.id }} onClose={() => setPrinting(false)} />}
          {b.provisional && (
            <Alert color="yellow" variant="light" title={t("sync.provisional")}>
              {t("sync.provisionalHint")}
            </Alert>
          )}
          <Text>
            {formats.dateTime(b.startsAt)} · {b.locationName}
          </Text>
          <Text>
            {t("detail.price")}: {formats.money(b.price)}
          </Text>
          {b.overrideReason && (
            <Alert color="grape" variant="light" p="xs">
              {t("anyway.detail", { reason: b.overrideReason })} ({b.createdBy})
            </Alert>
          )}
          {b.movedTo && <MoveLink bookingId={b.movedTo} label="detail.movedTo" timeZone={timeZone} onOpen={setShown} />}
          {b.rescheduledFrom && <MoveLink bookingId={b.rescheduledFrom} label="detail.movedFrom" timeZone={timeZone} onOpen={setShown} />}
          {b.patientMessage && (
            <Text size="sm" c="dimmed">
              {t("booking.message")}: {b.patientMessage}
            </Text>
          )}
          {b.allowedActions.includes("cancel") && (
            <Stack gap={6}>
              <Radio.Group
                label={t("cancel.by")}
                value={cancelKind}
                onChange={(v) => setCancelKind(v as CancelKind)}
                error={errors.cancelKind}
              >
                <Group mt={4}>
                  <Radio value="byPatient" label={t("cancel.byPatient")} />
                  <Radio value="byClinic" label={t("cancel.byClinic")} />
                </Group>
              </Radio.Group>
              {cancelKind && (
                <Group gap={4} aria-label={t("cancel.presets")} role="group">
                  {(
                    t(cancelKind === "byPatient" ? "cancel.patientReasons" : "cancel.clinicReasons", { returnObjects: true }) as string[]
                  ).map((preset) => (
                    <Button
                      key={preset}
                      size="compact-xs"
                      variant={reason === preset ? "filled" : "default"}
                      onClick={() => setReason(preset)}
                    >
                      {preset}
                    </Button>
                  ))}
                </Group>
              )}
              <TextInput
                label={t("detail.reason")}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={errors.reason}
              />
            </Stack>
          )}
          <Group gap="xs">
            {b.allowedActions.map((action) => (
              <Button
                key={action}
                variant={action === "cancel" || action === "noShow" || action === "undo" ? "light" : "filled"}
                color={action === "cancel" || action === "noShow" ? "red" : "clinic"}
                loading={act.isPending && act.variables?.action === action}
                onClick={() => act.mutate({ action, version: b.rowVersion })}
              >
                {action === "undo" ? t(`action.undo_${b.status}`) : t(`action.${action}`)}
              </Button>
            ))}
          </Group>
          {failed && !errors.reason && !errors.cancelKind && (
            <Alert color="red" role="alert">
              {errors.action ?? errorText(failed)}
            </Alert>
          )}
          {b.canReschedule === true && (
            <Reschedule
              booking={b}
              timeZone={timeZone}
              onMoved={(moved) => {
                refresh(moved);
                setShown(moved.id);
              }}
            />
          )}
          {b.canRate === true && <BookingRating booking={b} />}
          {b.subject.type === "diagnostic" && (
            <>
              <Divider label={t("results.title")} labelPosition="left" />
              <BookingResults bookingId={b.id} timeZone={timeZone} acceptsUploads={b.acceptsResults === true} />
            </>
          )}
          <Divider label={t("detail.history")} labelPosition="left" />
          <Table striped withTableBorder fz="sm">
            <Table.Tbody>
              {(history.data ?? []).map((h) => (
                <Table.Tr key={`${h.changedAt}-${h.toStatus}`}>
                  <Table.Td>{formats.dateTime(h.changedAt)}</Table.Td>
                  <Table.Td>{t(`status.${h.toStatus}`)}</Table.Td>
                  <Table.Td>
                    {h.enteredBy ? t("detail.enteredOffline", { entered: h.enteredBy, synced: h.changedBy }) : h.changedBy}
                  </Table.Td>
                  <Table.Td>
                    {h.cancelKind && (
                      <Text span size="sm" fw={600}>
                        {t(`cancel.${h.cancelKind}`)}
                        {h.late ? ` · ${t("cancel.late")}` : ""}
                        {h.reason ? ": " : ""}
                      </Text>
                    )}
                    {h.reason}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Trail query={read.bookingTrail(b.id)} />
        </Stack>
      )}
    </Drawer>
  );
}

/** "Moved to …" / "Moved from …": the other end of a reschedule, one click away. */
function MoveLink({
  bookingId,
  label,
  timeZone,
  onOpen,
}: {
  bookingId: BookingId;
  label: string;
  timeZone: string;
  onOpen: (id: BookingId) => void;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const other = useQuery(read.getBooking(bookingId));
  const when = other.data ? `${formats.dateTime(other.data.startsAt)} · ${other.data.subjectName}` : "…";
  return (
    <Button variant="subtle" justify="start" px={0} onClick={() => onOpen(bookingId)}>
      {t(label, { when })}
    </Button>
  );
}

/** Moves the booking to another free slot of the same doctor or diagnostic. */
function Reschedule({ booking, timeZone, onMoved }: { booking: Booking; timeZone: string; onMoved: (moved: Booking) => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [date, setDate] = useState(() => todayIn(timeZone, new Date(booking.startsAt)));
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  // Another location or doctor/diagnostic may be chosen; the same ones by default.
  const [locationId, setLocationId] = useState(booking.locationId);
  const [chosenKey, setChosenKey] = useState(subjectKey(booking.subject));
  const [findingTime, setFindingTime] = useState(false);
  const locations = useQuery({ ...read.listLocations(false), enabled: open });
  const zone = locations.data?.find((l) => l.id === locationId)?.timeZone ?? timeZone;
  const board = useQuery({ ...read.dayBoard(locationId, date), enabled: open && date !== "" });
  const columns = board.data?.columns ?? [];
  const subject = columns.find((c) => subjectKey(c.subject) === chosenKey)?.subject ?? null;
  const move = useMutation({
    mutationFn: (to: string) =>
      call(
        commands.reschedule({
          bookingId: booking.id,
          newBookingId: uuidv7(),
          startsAt: to,
          expectedVersion: booking.rowVersion,
          reason: "",
          locationId: locationId === booking.locationId ? null : locationId,
          subject: chosenKey === subjectKey(booking.subject) ? null : subject,
        }),
      ),
    onSuccess: onMoved,
    // Taken meanwhile: the picker shows what is still free.
    onError: () => void refetch(queries, "freeSlots", { locationId }),
  });
  const failed = move.error ? appError(move.error) : null;
  if (!open) {
    return (
      <Button variant="default" onClick={() => setOpen(true)}>
        {t("detail.reschedule")}
      </Button>
    );
  }
  return (
    <Stack gap="xs" className="inset">
      <Group grow align="end">
        <Select
          label={t("board.location")}
          value={String(locationId)}
          onChange={(v) => {
            if (v) setLocationId(Number(v));
            setStartsAt(null);
          }}
          data={(locations.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))}
          allowDeselect={false}
        />
        <DateField
          label={t("detail.newDate")}
          value={date}
          onChange={(picked) => {
            setDate(picked);
            setStartsAt(null);
          }}
        />
      </Group>
      <Select
        label={t("booking.with")}
        searchable
        value={chosenKey}
        onChange={(v) => {
          if (v) setChosenKey(v);
          setStartsAt(null);
        }}
        data={columns.map((c) => ({ value: subjectKey(c.subject), label: c.detail ? `${c.name} · ${c.detail}` : c.name }))}
        error={board.data && subject === null ? t("detail.notThere") : fieldErrors(failed).subject}
        allowDeselect={false}
      />
      <Button variant="subtle" size="compact-sm" onClick={() => setFindingTime(true)} leftSection={<FindTimeIcon />}>
        {t("openings.move")}
      </Button>
      {findingTime && (
        <Openings
          timeZone={zone}
          start={{ wanted: booking.subject, from: todayIn(zone) }}
          onPick={(opening) => {
            setLocationId(opening.locationId);
            setChosenKey(subjectKey(opening.subject));
            setDate(todayIn(opening.timeZone, new Date(opening.startsAt)));
            setStartsAt(opening.startsAt);
            setFindingTime(false);
          }}
          onClose={() => setFindingTime(false)}
        />
      )}
      <SlotPicker
        locationId={locationId}
        subject={subject}
        date={date}
        timeZone={zone}
        value={startsAt}
        onChange={setStartsAt}
        error={fieldErrors(failed).startsAt}
      />
      {failed && !fieldErrors(failed).startsAt && !fieldErrors(failed).subject && (
        <Alert color="red" role="alert">
          {errorText(failed)}
        </Alert>
      )}
      <Group>
        <Button onClick={() => startsAt && move.mutate(startsAt)} disabled={!startsAt || subject === null} loading={move.isPending}>
          {t("detail.move")}
        </Button>
        <Button variant="subtle" onClick={() => setOpen(false)}>
          {t("settings.close")}
        </Button>
      </Group>
    </Stack>
  );
}

/** The patient's rating of a completed visit (one per booking). */
function BookingRating({ booking }: { booking: Booking }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState("");
  const existing = useQuery(read.bookingRating(booking.id));
  const record = useMutation({
    mutationFn: () => call(commands.recordRating({ ratingId: uuidv7(), bookingId: booking.id, rating: stars, comment })),
    onSuccess: (saved) => {
      queries.setQueryData(read.bookingRating(booking.id).queryKey, saved);
      void refetch(queries, "listDoctors");
      void refetch(queries, "doctorRatings");
    },
  });
  const errors = fieldErrors(record.error ? appError(record.error) : null);
  if (existing.data) {
    return (
      <Group gap="xs">
        <Text fw={600}>{t("detail.rating")}:</Text>
        <Rating value={existing.data.rating} readOnly aria-label={t("detail.stars", { count: existing.data.rating })} />
        <Text size="sm">{existing.data.comment}</Text>
      </Group>
    );
  }
  return (
    <Stack gap="xs" className="inset">
      <Text fw={600}>{t("detail.rateVisit")}</Text>
      <Rating value={stars} onChange={setStars} aria-label={t("detail.rating")} />
      {errors.rating && (
        <Text size="sm" c="red.8" role="alert">
          {errors.rating}
        </Text>
      )}
      <Textarea
        label={t("detail.comment")}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        error={errors.comment}
        autosize
        minRows={2}
      />
      {record.error && Object.keys(errors).length === 0 && (
        <Alert color="red" role="alert">
          {errorText(appError(record.error))}
        </Alert>
      )}
      <Button onClick={() => record.mutate()} disabled={stars === 0} loading={record.isPending}>
        {t("detail.saveRating")}
      </Button>
    </Stack>
  );
}

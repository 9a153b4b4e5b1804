// The day board: a column per doctor working that day and per diagnostic,
// time down the side in the location's zone, bookings as blocks coloured by
// status (with the status also in text, never colour alone), a now-line, and
// a filter by specialty. N starts a booking without a click.
import { useEffect, useMemo, useState } from "react";
import { Button, Group, Kbd, Loader, Paper, Select, Text, Title } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BoardColumn, type Booking, type Location } from "./bindings";
import { appError, call } from "./api";
import { errorText } from "./errors";
import { useFormats } from "./format";
import { minuteOfDay, minutesOf, todayIn, wallTime } from "./dates";
import { NewBooking, type BookingDraft } from "./NewBooking";
import { BookingDetail } from "./BookingDetail";
import { useSingleKeyShortcuts } from "./shortcuts";
import { markOnce } from "./startup";

const DIAGNOSTICS = "__diagnostics__";

/** Minutes since local midnight now, refreshed every minute; null on other days. */
function useNowMinute(date: string, timeZone: string): number | null {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return todayIn(timeZone, now) === date ? minuteOfDay(now.toISOString(), timeZone) : null;
}

const PX_PER_MINUTE = 1.4;

export function Board({ location, date }: { location: Location; date: string }) {
  const { t } = useTranslation();
  const formats = useFormats(location.timeZone);
  const board = useQuery({
    queryKey: ["dayBoard", location.id, date],
    queryFn: async () => {
      markOnce("board-requested");
      const data = await call(commands.dayBoard(location.id, date));
      markOnce("board-data");
      return data;
    },
  });
  useEffect(() => {
    if (board.data) markOnce("board-painted");
  }, [board.data]);
  const timeZone = location.timeZone;
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const [filter, setFilter] = useState<string | null>(null);
  // The keyboard's place on the board (APG grid: one Tab stop, arrows move).
  const [cursor, setCursor] = useState<{ column: number; minute: number } | null>(null);
  const nowMinute = useNowMinute(date, location.timeZone);
  const [singleKeys] = useSingleKeyShortcuts();
  useHotkeys(singleKeys ? [["n", () => setDraft({ subject: null, date, minute: null })]] : []);

  const [start, end] = useMemo(() => {
    const spans = board.data?.columns.flatMap((c) => c.open.map((o) => [minutesOf(o.start), minutesOf(o.end)])) ?? [];
    if (spans.length === 0) return [8 * 60, 20 * 60];
    return [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
  }, [board.data]);

  if (board.isPending) {
    return (
      <Paper p="lg" withBorder>
        <Loader size="sm" /> <Text span>{t("board.loading")}</Text>
      </Paper>
    );
  }
  if (board.isError) {
    return (
      <Paper p="lg" withBorder role="alert">
        {errorText(appError(board.error))}
      </Paper>
    );
  }
  const { bookings } = board.data;
  const specialties = [...new Set(board.data.columns.filter((c) => c.subject.type === "doctor").map((c) => c.detail))].sort();
  const columns = board.data.columns.filter(
    (c) => filter === null || (filter === DIAGNOSTICS ? c.subject.type === "diagnostic" : c.subject.type === "doctor" && c.detail === filter),
  );
  const choices = board.data.columns.map((c) => ({ subject: c.subject, name: c.detail ? `${c.name} · ${c.detail}` : c.name }));
  const toolbar = (
    <Group gap="sm" mb={6}>
      <Select
        size="xs"
        aria-label={t("board.show")}
        placeholder={t("board.everyone")}
        clearable
        value={filter}
        onChange={setFilter}
        data={[...specialties.map((s) => ({ value: s, label: s })), { value: DIAGNOSTICS, label: t("board.diagnostics") }]}
        w={220}
      />
      <Button size="xs" onClick={() => setDraft({ subject: null, date, minute: null })} aria-keyshortcuts="N" rightSection={<Kbd size="xs">N</Kbd>}>
        {t("board.newBooking")}
      </Button>
    </Group>
  );
  if (board.data.columns.length === 0) {
    return (
      <Paper p="lg" withBorder>
        <Title order={2} size="h4">
          {t("board.nobodyWorks", { location: location.name })}
        </Title>
      </Paper>
    );
  }

  const step = location.gridMinutes;
  const bookingAt = (c: BoardColumn, minute: number) =>
    bookings.find((b) => sameSubject(b, c) && b.status !== "cancelled" && minuteOfDay(b.startsAt, timeZone) <= minute && minute < minuteOfDay(b.endsAt, timeZone));
  const isOpen = (c: BoardColumn, minute: number) => c.open.some((o) => minutesOf(o.start) <= minute && minute < minutesOf(o.end));
  const onKey = (e: React.KeyboardEvent) => {
    const here = cursor ?? { column: 0, minute: Math.max(start, Math.floor((nowMinute ?? start) / step) * step) };
    const move = (column: number, minute: number) => {
      e.preventDefault();
      setCursor({ column: Math.min(Math.max(column, 0), columns.length - 1), minute: Math.min(Math.max(minute, start), end - step) });
    };
    switch (e.key) {
      case "ArrowDown": return move(here.column, here.minute + step);
      case "ArrowUp": return move(here.column, here.minute - step);
      case "ArrowRight": return move(here.column + 1, here.minute);
      case "ArrowLeft": return move(here.column - 1, here.minute);
      case "PageDown": return move(here.column, here.minute + 60);
      case "PageUp": return move(here.column, here.minute - 60);
      case "Home": return move(0, here.minute);
      case "End": return move(columns.length - 1, here.minute);
      case "Enter": {
        const c = columns[here.column];
        if (!c) return;
        e.preventDefault();
        const held = bookingAt(c, here.minute);
        if (held) setOpened(held.id);
        else if (isOpen(c, here.minute)) setDraft({ subject: { subject: c.subject, name: c.name }, date, minute: here.minute });
      }
    }
  };
  const cursorColumn = cursor ? columns[cursor.column] : undefined;
  const cursorBooking = cursor && cursorColumn ? bookingAt(cursorColumn, cursor.minute) : undefined;
  const cursorText =
    cursor && cursorColumn
      ? `${cursorColumn.name}, ${wallTime(cursor.minute)}: ${
          cursorBooking ? `${cursorBooking.patientName}, ${t(`status.${cursorBooking.status}`)}` : isOpen(cursorColumn, cursor.minute) ? t("board.free") : t("board.closed")
        }`
      : "";

  const hours: number[] = [];
  for (let m = Math.ceil(start / 60) * 60; m < end; m += 60) hours.push(m);
  const key = (c: BoardColumn) => (c.subject.type === "doctor" ? `d${c.subject.doctorId}` : `g${c.subject.diagnosticId}`);
  const sameSubject = (b: Booking, c: BoardColumn) =>
    b.subject.type === c.subject.type &&
    (b.subject.type === "doctor" ? b.subject.doctorId === (c.subject as { doctorId: number }).doctorId : b.subject.diagnosticId === (c.subject as { diagnosticId: number }).diagnosticId);

  return (
    <>
    {toolbar}
    <div
      className="board"
      role="grid"
      aria-label={t("board.grid", { location: location.name, date })}
      aria-describedby="board-keys"
      tabIndex={0}
      onKeyDown={onKey}
      onFocus={(e) => {
        // Tabbed to (not a click on a booking inside): show where the keys start.
        if (e.target === e.currentTarget && e.currentTarget.matches(":focus-visible") && cursor === null) {
          setCursor({ column: 0, minute: Math.max(start, Math.floor((nowMinute ?? start) / step) * step) });
        }
      }}
    >
      <span id="board-keys" className="visually-hidden">
        {t("board.keys")}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {cursorText}
      </span>
      <div className="board-head" role="row">
        <div className="gutter-head" />
        {columns.map((c) => (
          <div className="column-head" key={key(c)} role="columnheader">
            <strong>{c.name}</strong>
            <span>{c.detail || (c.lanes > 1 ? t("board.atOnce", { count: c.lanes }) : t("board.diagnostic"))}</span>
          </div>
        ))}
      </div>
      <div className="board-body" style={{ height: (end - start) * PX_PER_MINUTE + 8 }}>
        <div className="gutter">
          {hours.map((m) => (
            <div key={m} className="hour" style={{ top: (m - start) * PX_PER_MINUTE }}>
              {wallTime(m)}
            </div>
          ))}
        </div>
        {columns.map((c) => (
          <div
            className="column"
            key={key(c)}
            role="gridcell"
            onClick={(e) => {
              // A click on open time (not on a booking) starts a booking there.
              const minute = start + (e.clientY - e.currentTarget.getBoundingClientRect().top) / PX_PER_MINUTE;
              if (c.open.some((o) => minutesOf(o.start) <= minute && minute < minutesOf(o.end))) {
                setDraft({ subject: { subject: c.subject, name: c.name }, date, minute });
              }
            }}
          >
            {c.open.map((o) => (
              <div
                key={o.start}
                className="open"
                style={{ top: (minutesOf(o.start) - start) * PX_PER_MINUTE, height: (minutesOf(o.end) - minutesOf(o.start)) * PX_PER_MINUTE }}
              />
            ))}
            {hours.map((m) => (
              <div key={m} className="hour-line" style={{ top: (m - start) * PX_PER_MINUTE }} />
            ))}
            {cursor && columns[cursor.column] === c && (
              <div className="cursor" style={{ top: (cursor.minute - start) * PX_PER_MINUTE, height: step * PX_PER_MINUTE }} ref={(el) => el?.scrollIntoView({ block: "nearest", inline: "nearest" })}
                key={`${cursor.column}-${cursor.minute}`} />
            )}
            {nowMinute !== null && nowMinute >= start && nowMinute <= end && (
              <div className="now-line" style={{ top: (nowMinute - start) * PX_PER_MINUTE }} aria-hidden="true" />
            )}
            {bookings
              .filter((b) => sameSubject(b, c))
              .map((b) => {
                const top = (minuteOfDay(b.startsAt, timeZone) - start) * PX_PER_MINUTE;
                const minutes = (new Date(b.endsAt).getTime() - new Date(b.startsAt).getTime()) / 60000;
                return (
                  <div
                    key={b.id}
                    role="button"
                    tabIndex={-1}
                    onClick={(e) => {
                      e.stopPropagation();
                      setOpened(b.id);
                    }}
                    onKeyDown={(e) => e.key === "Enter" && setOpened(b.id)}
                    className={`booking status-${b.status}${b.provisional ? " provisional" : ""}`}
                    style={{ top, height: Math.max(18, minutes * PX_PER_MINUTE - 2) }}
                    title={`${formats.time(b.startsAt)} ${b.patientName} · ${t(`status.${b.status}`)}${b.provisional ? ` · ${t("sync.provisional")}` : ""}`}
                  >
                    <span className="booking-time">{formats.time(b.startsAt)}</span> <span>{b.patientName}</span>
                    {b.provisional && <span className="provisional-mark">{t("sync.provisionalShort")}</span>}
                  </div>
                );
              })}
          </div>
        ))}
      </div>
      {draft && <NewBooking location={location} draft={draft} choices={choices} onClose={() => setDraft(null)} />}
      {opened && <BookingDetail bookingId={opened} onClose={() => setOpened(null)} />}
    </div>
    </>
  );
}

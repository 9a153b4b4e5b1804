// The day board: a column per doctor working that day and per diagnostic,
// time down the side in the location's zone, bookings as blocks coloured by
// status (with the status also in text, never colour alone).
import { useMemo, useState } from "react";
import { Loader, Paper, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BoardColumn, type Booking, type Location } from "./bindings";
import { appError, call } from "./api";
import { errorText } from "./errors";
import { minuteOfDay, minutesOf } from "./dates";
import { NewBooking, type BookingDraft } from "./NewBooking";
import { BookingDetail } from "./BookingDetail";

const PX_PER_MINUTE = 1.4;

export function Board({ location, date }: { location: Location; date: string }) {
  const { t, i18n } = useTranslation();
  const board = useQuery({
    queryKey: ["dayBoard", location.id, date],
    queryFn: () => call(commands.dayBoard(location.id, date)),
  });
  const timeZone = location.timeZone;
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [opened, setOpened] = useState<string | null>(null);

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
  const { columns, bookings } = board.data;
  if (columns.length === 0) {
    return (
      <Paper p="lg" withBorder>
        <Title order={2} size="h4">
          {t("board.nobodyWorks", { location: location.name })}
        </Title>
      </Paper>
    );
  }

  const hours: number[] = [];
  for (let m = Math.ceil(start / 60) * 60; m < end; m += 60) hours.push(m);
  const time = new Intl.DateTimeFormat(i18n.language, { timeZone, hour: "2-digit", minute: "2-digit" });
  const key = (c: BoardColumn) => (c.subject.type === "doctor" ? `d${c.subject.doctorId}` : `g${c.subject.diagnosticId}`);
  const sameSubject = (b: Booking, c: BoardColumn) =>
    b.subject.type === c.subject.type &&
    (b.subject.type === "doctor" ? b.subject.doctorId === (c.subject as { doctorId: number }).doctorId : b.subject.diagnosticId === (c.subject as { diagnosticId: number }).diagnosticId);

  return (
    <div className="board" role="grid" aria-label={t("board.grid", { location: location.name, date })}>
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
              {String(m / 60).padStart(2, "0")}:00
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
                setDraft({ subject: c.subject, subjectName: c.name, date, minute });
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
            {bookings
              .filter((b) => sameSubject(b, c))
              .map((b) => {
                const top = (minuteOfDay(b.startsAt, timeZone) - start) * PX_PER_MINUTE;
                const minutes = (new Date(b.endsAt).getTime() - new Date(b.startsAt).getTime()) / 60000;
                return (
                  <div
                    key={b.id}
                    role="button"
                    tabIndex={0}
                    onClick={(e) => {
                      e.stopPropagation();
                      setOpened(b.id);
                    }}
                    onKeyDown={(e) => e.key === "Enter" && setOpened(b.id)}
                    className={`booking status-${b.status}`}
                    style={{ top, height: Math.max(18, minutes * PX_PER_MINUTE - 2) }}
                    title={`${time.format(new Date(b.startsAt))} ${b.patientName} · ${t(`status.${b.status}`)}`}
                  >
                    <span className="booking-time">{time.format(new Date(b.startsAt))}</span> <span>{b.patientName}</span>
                  </div>
                );
              })}
          </div>
        ))}
      </div>
      {draft && <NewBooking location={location} draft={draft} onClose={() => setDraft(null)} />}
      {opened && <BookingDetail location={location} bookingId={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}

// The day board's geometry as pure functions (no React, no DOM), so the rules
// for where a booking is drawn are unit-tested: which column it belongs to,
// which lane of a capacity-N diagnostic it takes, how tall it may be without
// hiding the next one, and what the keyboard cursor is over.
import type { BoardColumn, Booking, BookingSubject, DayBoard } from "../../bindings";
import { minuteOfDay, minutesOf } from "../../dates";

/** Pixels per minute of the board's time axis, and its column width, per density. */
export const DENSITY = {
  comfortable: { pxPerMinute: 1.4, columnWidth: 168 },
  compact: { pxPerMinute: 1.0, columnWidth: 132 },
} as const;
export type Density = keyof typeof DENSITY;
export const PX_PER_MINUTE = DENSITY.comfortable.pxPerMinute;
/** The shortest block that still shows a line of text. */
export const MIN_BLOCK_PX = 20;
/** The board's hours when nobody works (an empty day still has an axis). */
const EMPTY_DAY: [number, number] = [8 * 60, 20 * 60];

/** A stable key for a doctor or diagnostic (React keys, selects, column choices). */
export function subjectKey(subject: BookingSubject): string {
  return subject.type === "doctor" ? `doctor:${subject.doctorId}` : `diagnostic:${subject.diagnosticId}`;
}

export function sameSubject(a: BookingSubject, b: BookingSubject): boolean {
  return subjectKey(a) === subjectKey(b);
}

/** From the earliest opening to the latest closing of any column, in minutes since midnight. */
export function dayRange(columns: BoardColumn[]): [number, number] {
  const spans = columns.flatMap((c) => c.open.map((o) => [minutesOf(o.start), minutesOf(o.end)]));
  if (spans.length === 0) return EMPTY_DAY;
  return [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
}

export function isOpenAt(column: BoardColumn, minute: number): boolean {
  return column.open.some((o) => minutesOf(o.start) <= minute && minute < minutesOf(o.end));
}

/** One booking as drawn: its place in the column and in its lane. */
export interface Block {
  booking: Booking;
  /** Minutes since local midnight. */
  from: number;
  to: number;
  top: number;
  height: number;
  /** Side by side: lane `lane` of `lanes`, as fractions of the column's width. */
  left: number;
  width: number;
  /** Too short for two lines: the block shows one. */
  compact: boolean;
  /** Drawn as a thin strip beside the live bookings (cancelled, rescheduled, missed). */
  released: boolean;
}

/** The share of a column's width that released bookings (when shown) take. */
const RELEASED_WIDTH = 0.22;

/** Whether two layouts draw a booking the same: the same booking (a
 * board's unchanged bookings keep their objects across refetches) at the
 * same place. A new layout of a column redraws only the blocks that moved. */
export function sameBlock(a: Block, b: Block): boolean {
  return (
    a.booking === b.booking &&
    a.top === b.top &&
    a.height === b.height &&
    a.left === b.left &&
    a.width === b.width &&
    a.compact === b.compact &&
    a.released === b.released
  );
}

/**
 * Lays out one column's bookings. Bookings that hold their slot
 * (`booking.holdsSlot`, the domain's rule) are placed in lanes: the column's
 * own capacity, or more when the data holds more overlapping bookings than
 * that (never on top of each other). Released bookings (cancelled, no-show)
 * are left out unless `showReleased`, then drawn as a strip on the right.
 */
export function layoutColumn(
  column: BoardColumn,
  bookings: Booking[],
  timeZone: string,
  dayStart: number,
  showReleased: boolean,
  pxPerMinute: number = PX_PER_MINUTE,
): Block[] {
  const mine = bookings
    .filter((b) => sameSubject(b.subject, column.subject))
    .map((booking) => {
      const from = minuteOfDay(booking.startsAt, timeZone);
      const minutes = (new Date(booking.endsAt).getTime() - new Date(booking.startsAt).getTime()) / 60000;
      return { booking, from, to: from + minutes };
    })
    .sort((a, b) => a.from - b.from || a.to - b.to || a.booking.id.localeCompare(b.booking.id));
  const live = mine.filter((m) => m.booking.holdsSlot);
  const released = showReleased ? mine.filter((m) => !m.booking.holdsSlot) : [];

  // Greedy lanes: each booking takes the first lane free at its start.
  const laneEnds: number[] = [];
  const laneOf = live.map((m) => {
    let lane = laneEnds.findIndex((end) => end <= m.from);
    if (lane < 0) lane = laneEnds.push(m.to) - 1;
    else laneEnds[lane] = m.to;
    return lane;
  });
  const lanes = Math.max(1, column.lanes, laneEnds.length);
  const liveWidth = released.length > 0 ? 1 - RELEASED_WIDTH : 1;

  const place = (
    m: { booking: Booking; from: number; to: number },
    left: number,
    width: number,
    nextFrom: number | undefined,
    isReleased: boolean,
  ): Block => {
    const top = (m.from - dayStart) * pxPerMinute;
    const natural = (m.to - m.from) * pxPerMinute - 2;
    // At least one readable line, but never over the next booking in the same lane.
    const room = nextFrom === undefined ? Infinity : (nextFrom - m.from) * pxPerMinute - 1;
    const height = Math.max(Math.min(Math.max(natural, MIN_BLOCK_PX), room), Math.min(natural, room));
    return {
      booking: m.booking,
      from: m.from,
      to: m.to,
      top,
      height,
      left,
      width,
      compact: height < 2 * MIN_BLOCK_PX - 4,
      released: isReleased,
    };
  };
  const blocks = live.map((m, i) => {
    const next = live.find((_, j) => j > i && laneOf[j] === laneOf[i]);
    return place(m, (laneOf[i] / lanes) * liveWidth, liveWidth / lanes, next?.from, false);
  });
  for (const [i, m] of released.entries()) blocks.push(place(m, liveWidth, RELEASED_WIDTH, released[i + 1]?.from, true));
  return blocks;
}

/** The live booking at a minute of a column (what Enter opens), if any. */
export function bookingAt(column: BoardColumn, bookings: Booking[], timeZone: string, minute: number): Booking | undefined {
  return bookings.find(
    (b) =>
      b.holdsSlot &&
      sameSubject(b.subject, column.subject) &&
      minuteOfDay(b.startsAt, timeZone) <= minute &&
      minute < minuteOfDay(b.endsAt, timeZone),
  );
}

/** Where the keyboard cursor is: a column and a minute on the grid. */
export interface Cursor {
  column: number;
  minute: number;
}

/** The cursor after a key, or null when the key does not move it. Clamped to the board. */
export function moveCursor(here: Cursor, key: string, columns: number, step: number, range: [number, number]): Cursor | null {
  const [start, end] = range;
  const to = (column: number, minute: number): Cursor => ({
    column: Math.min(Math.max(column, 0), Math.max(columns - 1, 0)),
    minute: Math.min(Math.max(minute, start), Math.max(end - step, start)),
  });
  switch (key) {
    case "ArrowDown":
      return to(here.column, here.minute + step);
    case "ArrowUp":
      return to(here.column, here.minute - step);
    case "ArrowRight":
      return to(here.column + 1, here.minute);
    case "ArrowLeft":
      return to(here.column - 1, here.minute);
    case "PageDown":
      return to(here.column, here.minute + 60);
    case "PageUp":
      return to(here.column, here.minute - 60);
    case "Home":
      return to(0, here.minute);
    case "End":
      return to(columns - 1, here.minute);
    default:
      return null;
  }
}

/** Where the cursor starts: the first column, at the grid line at or before now (or the day's start). */
export function firstCursor(range: [number, number], step: number, nowMinute: number | null): Cursor {
  const [start, end] = range;
  const at = nowMinute === null ? start : Math.floor(nowMinute / step) * step;
  return { column: 0, minute: Math.min(Math.max(at, start), Math.max(end - step, start)) };
}

/** The board with a booking the server just answered for (made or changed
 * here) in place of its older copy and of the hold it was made under: shown
 * at once, while the board's refetch brings everyone else's changes. */
export function withBooking(board: DayBoard, booking: Booking): DayBoard {
  return {
    ...board,
    bookings: [...board.bookings.filter((b) => b.id !== booking.id), booking],
    holds: board.holds?.filter((h) => h.id !== booking.id),
  };
}

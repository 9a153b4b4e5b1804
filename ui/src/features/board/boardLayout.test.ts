import { describe, expect, it } from "vitest";
import type { BoardColumn, Booking, BookingStatus, DayBoard, Location } from "../../bindings";
import {
  MIN_BLOCK_PX,
  PX_PER_MINUTE,
  bookingAt,
  dayRange,
  firstCursor,
  layoutColumn,
  moveCursor,
  sameBlock,
  withBooking,
} from "./boardLayout";

const mri: BoardColumn = {
  subject: { type: "diagnostic", diagnosticId: 4 },
  name: "MRI",
  detail: "",
  slotMinutes: 30,
  lanes: 2,
  open: [{ start: "08:00", end: "14:00" }],
};
const bondar: BoardColumn = {
  ...mri,
  subject: { type: "doctor", doctorId: 3 },
  name: "Dr Bondar",
  detail: "Cardiology",
  lanes: 1,
  open: [{ start: "09:00", end: "18:00" }],
};

let serial = 0;
/** A booking on 2030-01-07 in UTC (the tests' zone), from HH:MM for `minutes`. */
function booking(column: BoardColumn, from: string, minutes: number, status: BookingStatus = "booked"): Booking {
  const startsAt = new Date(`2030-01-07T${from}:00Z`);
  serial += 1;
  return {
    id: `b${String(serial).padStart(3, "0")}`,
    patientId: "p",
    patientName: `Patient ${serial}`,
    patientNumber: serial,
    locationId: 1,
    locationName: "Centre",
    subject: column.subject,
    subjectName: column.name,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + minutes * 60000).toISOString(),
    price: "100.00",
    status,
    allowedActions: [],
    holdsSlot: status !== "cancelled" && status !== "noShow",
    patientMessage: "",
    rescheduledFrom: null,
    createdBy: "Desk",
    createdAt: startsAt.toISOString(),
    rowVersion: 1,
  };
}

describe("board layout", () => {
  it("puts same-minute bookings of a two-at-a-time diagnostic side by side, never on top of each other", () => {
    const a = booking(mri, "09:00", 30);
    const b = booking(mri, "09:00", 30);
    const c = booking(mri, "09:30", 30);
    const blocks = layoutColumn(mri, [a, b, c, booking(bondar, "09:00", 30)], "UTC", 8 * 60, false);
    expect(blocks.map((x) => x.booking.id)).toEqual([a.id, b.id, c.id]);
    const [first, second, third] = blocks;
    expect(first.width).toBe(0.5);
    expect(second.left).toBe(0.5);
    expect(first.top).toBe(second.top);
    // The lane freed at 09:30 is reused.
    expect(third.left).toBe(0);
    expect(first.top + first.height).toBeLessThanOrEqual(third.top);
  });

  it("adds lanes when the data holds more overlapping bookings than the capacity, so none is hidden", () => {
    const three = [booking(bondar, "10:00", 30), booking(bondar, "10:10", 30), booking(bondar, "10:20", 30)];
    const blocks = layoutColumn(bondar, three, "UTC", 9 * 60, false);
    expect(new Set(blocks.map((b) => b.left)).size).toBe(3);
    expect(blocks.every((b) => Math.abs(b.width - 1 / 3) < 1e-9)).toBe(true);
  });

  it("gives a short booking a readable height that stops before the next one", () => {
    const short = booking(bondar, "11:00", 5);
    const next = booking(bondar, "11:10", 30);
    const [shortBlock, nextBlock] = layoutColumn(bondar, [next, short], "UTC", 9 * 60, false);
    expect(shortBlock.booking.id).toBe(short.id);
    expect(shortBlock.height).toBeGreaterThan(5 * PX_PER_MINUTE);
    expect(shortBlock.height).toBeGreaterThanOrEqual(Math.min(MIN_BLOCK_PX, 10 * PX_PER_MINUTE - 1));
    expect(shortBlock.top + shortBlock.height).toBeLessThan(nextBlock.top);
    expect(shortBlock.compact).toBe(true);
    // Back to back: the first stops a pixel before the second.
    const [one, two] = layoutColumn(bondar, [booking(bondar, "12:00", 10), booking(bondar, "12:10", 10)], "UTC", 9 * 60, false);
    expect(one.top + one.height).toBeLessThan(two.top);
  });

  it("leaves cancelled and missed bookings out, or draws them as a strip beside the live ones", () => {
    const live = booking(bondar, "09:00", 30);
    const cancelled = booking(bondar, "09:00", 30, "cancelled");
    const missed = booking(bondar, "10:00", 30, "noShow");
    expect(layoutColumn(bondar, [live, cancelled, missed], "UTC", 9 * 60, false).map((b) => b.booking.id)).toEqual([live.id]);
    const shown = layoutColumn(bondar, [live, cancelled, missed], "UTC", 9 * 60, true);
    const strip = shown.filter((b) => b.released);
    expect(strip.map((b) => b.booking.id)).toEqual([cancelled.id, missed.id]);
    const liveBlock = shown.find((b) => !b.released)!;
    expect(liveBlock.left + liveBlock.width).toBeLessThanOrEqual(strip[0].left);
  });

  it("finds the live booking under a minute, skipping released ones", () => {
    const cancelled = booking(bondar, "13:00", 30, "cancelled");
    const live = booking(bondar, "13:00", 30);
    expect(bookingAt(bondar, [cancelled, live], "UTC", 13 * 60 + 15)?.id).toBe(live.id);
    expect(bookingAt(bondar, [cancelled], "UTC", 13 * 60 + 15)).toBeUndefined();
    expect(bookingAt(mri, [live], "UTC", 13 * 60 + 15)).toBeUndefined();
  });

  it("spans the day from the earliest opening to the latest closing", () => {
    expect(dayRange([mri, bondar])).toEqual([8 * 60, 18 * 60]);
    expect(dayRange([])).toEqual([8 * 60, 20 * 60]);
  });

  it("moves the keyboard cursor within the board and ignores other keys", () => {
    const range: [number, number] = [8 * 60, 18 * 60];
    const start = firstCursor(range, 15, null);
    expect(start).toEqual({ column: 0, minute: 480 });
    expect(firstCursor(range, 15, 9 * 60 + 7)).toEqual({ column: 0, minute: 540 });
    expect(moveCursor(start, "ArrowUp", 2, 15, range)).toEqual(start);
    expect(moveCursor(start, "PageDown", 2, 15, range)).toEqual({ column: 0, minute: 540 });
    expect(moveCursor(start, "End", 2, 15, range)).toEqual({ column: 1, minute: 480 });
    expect(moveCursor({ column: 1, minute: 1065 }, "ArrowDown", 2, 15, range)).toEqual({ column: 1, minute: 1065 });
    expect(moveCursor(start, "a", 2, 15, range)).toBeNull();
  });
});

describe("withBooking", () => {
  it("shows the server's answer in place of the hold it was made under and of its older copy", () => {
    const kept = booking(bondar, "09:00", 30);
    const old = booking(bondar, "10:00", 30);
    const board: DayBoard = {
      location: {} as Location,
      date: "2030-01-07",
      columns: [bondar],
      bookings: [kept, old],
      holds: [
        {
          id: old.id,
          locationId: 1,
          subject: bondar.subject,
          startsAt: old.startsAt,
          endsAt: old.endsAt,
          heldBy: "anna",
          expiresAt: old.endsAt,
        },
        {
          id: "other",
          locationId: 1,
          subject: bondar.subject,
          startsAt: old.startsAt,
          endsAt: old.endsAt,
          heldBy: "ivan",
          expiresAt: old.endsAt,
        },
      ],
    };
    const answered = { ...old, status: "confirmed" as const };
    const shown = withBooking(board, answered);
    expect(shown.bookings).toEqual([kept, answered]);
    expect(shown.holds?.map((h) => h.id)).toEqual(["other"]);
    expect(board.bookings).toEqual([kept, old]);
  });
});

describe("sameBlock", () => {
  it("redraws only the blocks a new booking moves", () => {
    const early = booking(mri, "08:00", 30);
    const late = booking(mri, "12:00", 30);
    const before = layoutColumn(mri, [early, late], "UTC", 8 * 60, false);
    // A second scan at 08:00 takes the other lane: the 12:00 block stays put, the 08:00 one keeps its lane.
    const beside = booking(mri, "08:00", 30);
    const after = layoutColumn(mri, [early, late, beside], "UTC", 8 * 60, false);
    const find = (blocks: typeof after, b: Booking) => blocks.find((x) => x.booking === b) as (typeof after)[number];
    expect(sameBlock(find(before, late), find(after, late))).toBe(true);
    expect(sameBlock(find(before, early), find(after, early))).toBe(true);
    // The same booking refetched as a new object, or moved, is drawn again.
    expect(sameBlock(find(before, late), { ...find(after, late), booking: { ...late } })).toBe(false);
    expect(sameBlock(find(before, late), { ...find(after, late), top: find(after, late).top + 1 })).toBe(false);
  });
});

// The day board: a column per doctor working that day and per diagnostic,
// time down the side in the location's zone, bookings as blocks with their
// status as a mark and a word (never colour alone), side by side in lanes
// where a diagnostic takes several at a time, a now-line, and a filter by
// specialty. The geometry is boardLayout.ts; N starts a booking without a click.
import { memo, useEffect, useMemo, useState, type ReactNode } from "react";
import { ActionIcon, Alert, Button, Checkbox, Group, Kbd, Loader, Paper, Popover, Select, Stack, Switch, Text, Title } from "@mantine/core";
import { useHotkeys, useLocalStorage } from "@mantine/hooks";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import {
  commands,
  type BoardColumn,
  type Booking,
  type BookingStatus,
  type BookingSubject,
  type Location,
  type Patient,
  type SlotHold,
} from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { errorText } from "../../errors";
import { useFormats } from "../../format";
import { minuteOfDay, minutesOf, todayIn, wallTime } from "../../dates";
import { askAhead, NewBooking, type BookingDraft } from "../booking/NewBooking";
import { BookingDetail } from "../booking/BookingDetail";
import { Arrivals, waitingList } from "./Arrivals";
import { ExportBookings } from "../print/ExportBookings";
import { PrintPreview } from "../print/PrintPreview";
import { DownloadIcon, FindTimeIcon, PrinterIcon } from "../../components/icons";
import { Openings } from "../openings/Openings";
import { WaitlistButton } from "../waitlist/Waitlist";
import { useSingleKeyShortcuts } from "../../shortcuts";
import { answered, began, rendered } from "../../felt";
import { markOnce } from "../../startup";
import {
  DENSITY,
  MIN_BLOCK_PX,
  bookingAt,
  dayRange,
  firstCursor,
  isOpenAt,
  layoutColumn,
  moveCursor,
  sameBlock,
  sameSubject,
  subjectKey,
  type Block,
  type Cursor,
  type Density,
} from "./boardLayout";

const DIAGNOSTICS = "__diagnostics__";

/** A mark per status beside the word, so no status is told by colour alone. */
export const STATUS_MARK: Record<BookingStatus, string> = {
  booked: "○",
  confirmed: "✓",
  arrived: "●",
  completed: "■",
  cancelled: "✕",
  noShow: "⊘",
};

/** Minutes since local midnight now, refreshed every minute; null on other days. */
function useNowMinute(date: string, timeZone: string): number | null {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return todayIn(timeZone, now) === date ? minuteOfDay(now.toISOString(), timeZone) : null;
}

/** Booking for a patient chosen elsewhere (their profile's "New booking" or
 * "Book again"): the board shows whom, and each New booking starts with them. */
export interface BookingFor {
  patient: Patient;
  subject: BookingSubject | null;
}

export function Board({
  location,
  date,
  bookingFor,
  onBookingForDone,
}: {
  location: Location;
  date: string;
  bookingFor?: BookingFor | null;
  onBookingForDone?: () => void;
}) {
  const { t } = useTranslation();
  const board = useQuery({
    ...read.dayBoard(location.id, date),
    // The same read, timed for the startup figures (`startup.ts`).
    queryFn: async () => {
      markOnce("board-requested");
      const data = await call(commands.dayBoard(location.id, date));
      markOnce("board-data");
      return data;
    },
  });
  useEffect(() => {
    if (!board.data) return;
    markOnce("board-painted");
    if (board.data.date === date) rendered("dateToBoard");
    const shown = new Set(board.data.bookings.map((b) => b.id));
    rendered("bookToBoard", (id) => shown.has(id));
  }, [board.data, date]);
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const [filter, setFilter] = useState<string | null>(null);
  const [showReleased, setShowReleased] = useState(false);
  const [showArrivals, setShowArrivals] = useState(false);
  const [printing, setPrinting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [findingTime, setFindingTime] = useState(false);
  const queries = useQueryClient();
  // How the board is drawn is this desk's choice, remembered on this computer.
  const [density, setDensity] = useLocalStorage<Density>({ key: "board-density", defaultValue: "comfortable" });
  const [hidden, setHidden] = useLocalStorage<string[]>({ key: `board-hidden-columns-${location.id}`, defaultValue: [] });
  // Declared before any early return: the N key's handler uses them whenever it fires.
  const choices = (board.data?.columns ?? []).map((c) => ({ subject: c.subject, name: c.detail ? `${c.name} · ${c.detail}` : c.name }));
  const againKey = bookingFor?.subject ? subjectKey(bookingFor.subject) : null;
  const again = choices.find((c) => subjectKey(c.subject) === againKey) ?? null;
  const startDraft = (draftFor: BookingDraft) =>
    setDraft({ ...draftFor, subject: draftFor.subject ?? again, patient: bookingFor?.patient ?? null });
  // The same array until the board, the filter or the hidden columns
  // change: the grid lays its bookings out again only then.
  const allColumns = board.data?.columns;
  const columns = useMemo(
    () =>
      (allColumns ?? []).filter(
        (c) =>
          !hidden.includes(subjectKey(c.subject)) &&
          (filter === null ||
            (filter === DIAGNOSTICS ? c.subject.type === "diagnostic" : c.subject.type === "doctor" && c.detail === filter)),
      ),
    [allColumns, hidden, filter],
  );
  const [singleKeys] = useSingleKeyShortcuts();
  const idle = !draft && !opened && !showArrivals && !printing && !exporting && !findingTime && board.data !== undefined;
  useHotkeys(
    singleKeys && idle
      ? [
          ["n", () => startDraft({ subject: null, date, minute: null })],
          ["w", () => setShowArrivals(true)],
          ["f", () => setFindingTime(true)],
        ]
      : [],
  );
  // Ctrl+P (⌘P) prints what the board shows: its day sheet, previewed first.
  useHotkeys(idle ? [["mod+P", () => setPrinting(true)]] : [], [], true);

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
  if (board.data.columns.length === 0) {
    return (
      <Paper p="lg" withBorder>
        <Title order={2} size="h4">
          {t("board.nobodyWorks", { location: location.name })}
        </Title>
      </Paper>
    );
  }
  const specialties = [...new Set(board.data.columns.filter((c) => c.subject.type === "doctor").map((c) => c.detail))].sort();
  const released = bookings.filter((b) => !b.holdsSlot).length;

  return (
    <>
      {bookingFor && (
        <Alert color="clinic" mb={6} py={6} role="status" title={t("board.bookingFor", { name: bookingFor.patient.fullName })}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{again ? t("board.bookingAgainHint", { name: again.name }) : t("board.bookingForHint")}</Text>
            <Button size="xs" variant="default" onClick={onBookingForDone}>
              {t("board.bookingForStop")}
            </Button>
          </Group>
        </Alert>
      )}
      {/* Tight spacing: every control fits 1024 px in Ukrainian. */}
      <Group gap="xs" mb={6} wrap="nowrap">
        <Select
          size="xs"
          aria-label={t("board.show")}
          placeholder={t("board.everyone")}
          clearable
          value={filter}
          onChange={setFilter}
          data={[...specialties.map((s) => ({ value: s, label: s })), { value: DIAGNOSTICS, label: t("board.diagnostics") }]}
          w={168}
        />
        <BoardView columns={board.data.columns} hidden={hidden} onHidden={setHidden}>
          <Switch
            size="sm"
            label={t("board.compact")}
            checked={density === "compact"}
            onChange={(e) => setDensity(e.currentTarget.checked ? "compact" : "comfortable")}
          />
          <Switch
            size="sm"
            label={t("board.showReleased", { count: released })}
            checked={showReleased}
            onChange={(e) => setShowReleased(e.currentTarget.checked)}
          />
        </BoardView>
        {/* Pictures with their words as names: the toolbar's words do not fit 1024 px in Ukrainian. */}
        <Group ml="auto" gap="xs" wrap="nowrap">
          <WaitlistButton location={location} date={date} />
        </Group>
        <ActionIcon
          size="md"
          variant="default"
          onClick={() => setFindingTime(true)}
          aria-keyshortcuts="F"
          aria-label={t("openings.title")}
          title={`${t("openings.title")} (F)`}
        >
          <FindTimeIcon />
        </ActionIcon>
        <ActionIcon
          size="md"
          variant="default"
          onClick={() => setPrinting(true)}
          aria-keyshortcuts="Control+P"
          aria-label={t("print.daySheetFull")}
          title={`${t("print.daySheetFull")} (Ctrl+P)`}
        >
          <PrinterIcon />
        </ActionIcon>
        <ActionIcon size="md" variant="default" onClick={() => setExporting(true)} aria-label={t("export.title")} title={t("export.title")}>
          <DownloadIcon />
        </ActionIcon>
        <Button
          size="xs"
          variant="default"
          onClick={() => setShowArrivals(true)}
          aria-keyshortcuts="W"
          rightSection={<Kbd size="xs">W</Kbd>}
        >
          {t("arrivals.title", { count: waitingList(bookings).length })}
        </Button>
        <Button
          size="xs"
          onClick={() => startDraft({ subject: null, date, minute: null })}
          aria-keyshortcuts="N"
          rightSection={<Kbd size="xs">N</Kbd>}
        >
          {t("board.newBooking")}
        </Button>
      </Group>
      <BoardGrid
        location={location}
        date={date}
        columns={columns}
        bookings={bookings}
        showReleased={showReleased}
        holds={board.data.holds ?? []}
        density={density}
        onOpen={setOpened}
        onBook={(column, minute) => {
          began("freeTimeToSlots");
          void askAhead(queries, location.id, column.subject, date).then(() => answered("freeTimeToSlots"));
          startDraft({ subject: { subject: column.subject, name: column.name }, date, minute });
        }}
      />
      {/* Outside the grid: key presses in a drawer never reach the board's keys. */}
      {draft && (
        <NewBooking
          location={location}
          draft={draft}
          choices={choices}
          onClose={() => setDraft(null)}
          onBooked={() => draft.patient && onBookingForDone?.()}
        />
      )}
      {opened && <BookingDetail bookingId={opened} onClose={() => setOpened(null)} />}
      {printing && (
        <PrintPreview
          asked={{ document: "daySheet", locationId: location.id, date, subject: null }}
          subjects={choices}
          onClose={() => setPrinting(false)}
        />
      )}
      {findingTime && (
        <Openings
          timeZone={location.timeZone}
          start={{ wanted: bookingFor?.subject ?? null, from: date < todayIn(location.timeZone) ? undefined : date }}
          patient={bookingFor?.patient ?? null}
          onBooked={() => {
            void refetch(queries, "dayBoard");
            if (bookingFor) onBookingForDone?.();
          }}
          onClose={() => setFindingTime(false)}
        />
      )}
      {exporting && <ExportBookings location={location} date={date} subjects={choices} onClose={() => setExporting(false)} />}
      {showArrivals && (
        <Arrivals
          bookings={bookings}
          timeZone={location.timeZone}
          onOpen={(id) => {
            setShowArrivals(false);
            setOpened(id);
          }}
          onClose={() => setShowArrivals(false)}
        />
      )}
    </>
  );
}

/** How the board is drawn: density, cancelled bookings (`children`), and
 * which doctors and diagnostics it shows (a desk may look after a few). */
function BoardView({
  columns,
  hidden,
  onHidden,
  children,
}: {
  columns: BoardColumn[];
  hidden: string[];
  onHidden: (keys: string[]) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const shown = columns.filter((c) => !hidden.includes(subjectKey(c.subject))).length;
  return (
    <Popover position="bottom-start" shadow="md" withArrow>
      <Popover.Target>
        <Button size="xs" variant="default" rightSection={<span aria-hidden="true">▾</span>}>
          {t("board.view", { shown, total: columns.length })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" mb="xs">
          {children}
        </Stack>
        <Text size="sm" fw={600}>
          {t("board.columnsTitle")}
        </Text>
        <Stack gap={4} mah={320} style={{ overflowY: "auto" }}>
          <Group gap="xs">
            <Button size="compact-xs" variant="subtle" onClick={() => onHidden([])}>
              {t("board.showAll")}
            </Button>
          </Group>
          {columns.map((c) => {
            const key = subjectKey(c.subject);
            return (
              <Checkbox
                key={key}
                size="xs"
                label={c.detail ? `${c.name} · ${c.detail}` : c.name}
                checked={!hidden.includes(key)}
                onChange={(e) => onHidden(e.currentTarget.checked ? hidden.filter((h) => h !== key) : [...hidden, key])}
              />
            );
          })}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

interface GridProps {
  location: Location;
  date: string;
  columns: BoardColumn[];
  bookings: Booking[];
  showReleased: boolean;
  /** Times held at desks now (the board hides each once it expires). */
  holds: SlotHold[];
  density: Density;
  onOpen: (bookingId: string) => void;
  onBook: (column: BoardColumn, minute: number) => void;
}

/** The grid itself (APG grid: one Tab stop; arrows move a cursor announced to screen readers). */
function BoardGrid({ location, date, columns, bookings, showReleased, holds, density, onOpen, onBook }: GridProps) {
  const { pxPerMinute: scale, columnWidth } = DENSITY[density];
  const { t } = useTranslation();
  const formats = useFormats(location.timeZone);
  const timeZone = location.timeZone;
  const [cursor, setCursor] = useState<Cursor | null>(null);
  const nowMinute = useNowMinute(date, timeZone);
  const liveHolds = useLiveHolds(holds);
  const range = useMemo(() => dayRange(columns), [columns]);
  const [start, end] = range;
  const step = location.gridMinutes;
  const blocks = useMemo(
    () => new Map(columns.map((c) => [subjectKey(c.subject), layoutColumn(c, bookings, timeZone, start, showReleased, scale)])),
    [columns, bookings, timeZone, start, showReleased, scale],
  );
  // A filter or a new day can leave the cursor past the last column.
  const here = cursor && cursor.column < columns.length ? cursor : null;

  const onKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    // Only keys pressed on the grid itself: a booking's own Enter, or anything typed elsewhere, is not ours.
    if (e.target !== e.currentTarget) return;
    const from = here ?? firstCursor(range, step, nowMinute);
    const moved = moveCursor(from, e.key, columns.length, step, range);
    if (moved) {
      e.preventDefault();
      setCursor(moved);
      return;
    }
    if (e.key === "Enter" && here) {
      const column = columns[here.column];
      e.preventDefault();
      const held = bookingAt(column, bookings, timeZone, here.minute);
      if (held) onOpen(held.id);
      else if (isOpenAt(column, here.minute)) onBook(column, here.minute);
    }
  };
  const cursorColumn = here ? columns[here.column] : undefined;
  const cursorBooking = here && cursorColumn ? bookingAt(cursorColumn, bookings, timeZone, here.minute) : undefined;
  const cursorText =
    here && cursorColumn
      ? `${cursorColumn.name}, ${wallTime(here.minute)}: ${
          cursorBooking
            ? `${cursorBooking.patientName}, ${t(`status.${cursorBooking.status}`)}`
            : isOpenAt(cursorColumn, here.minute)
              ? t("board.free")
              : t("board.closed")
        }`
      : "";

  const hours: number[] = [];
  for (let m = Math.ceil(start / 60) * 60; m < end; m += 60) hours.push(m);

  return (
    <div className="board-frame" style={{ "--column-width": `${columnWidth}px` } as React.CSSProperties}>
      <span id="board-keys" className="visually-hidden">
        {t("board.keys")}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {cursorText}
      </span>
      <div
        className="board"
        role="grid"
        aria-label={t("board.grid", { location: location.name, date: formats.date(date) })}
        aria-describedby="board-keys"
        tabIndex={0}
        onKeyDown={onKey}
        onFocus={(e) => {
          // Tabbed to (not a click on a booking inside): show where the keys start.
          if (e.target === e.currentTarget && e.currentTarget.matches(":focus-visible") && here === null) {
            setCursor(firstCursor(range, step, nowMinute));
          }
        }}
      >
        <div className="board-head" role="row">
          <div className="gutter-head" role="columnheader">
            <span className="visually-hidden">{t("board.time")}</span>
          </div>
          {columns.map((c) => (
            <div className="column-head" key={subjectKey(c.subject)} role="columnheader">
              <strong title={c.name}>{c.name}</strong>
              <span>{c.detail || (c.lanes > 1 ? t("board.atOnce", { count: c.lanes }) : t("board.diagnostic"))}</span>
            </div>
          ))}
        </div>
        <div className="board-body" role="row" style={{ height: (end - start) * scale + 8 }}>
          <div className="gutter" role="rowheader" aria-label={t("board.time")}>
            {hours.map((m) => (
              <div key={m} className="hour" style={{ top: (m - start) * scale }} aria-hidden="true">
                {wallTime(m)}
              </div>
            ))}
          </div>
          {columns.map((c, index) => (
            <div
              className="column"
              key={subjectKey(c.subject)}
              role="gridcell"
              onClick={(e) => {
                // A click on open time (not on a booking) starts a booking there;
                // time held at another desk is not free.
                if ((e.target as HTMLElement).closest(".hold")) return;
                const minute = start + (e.clientY - e.currentTarget.getBoundingClientRect().top) / scale;
                if (isOpenAt(c, minute)) onBook(c, minute);
              }}
            >
              {c.open.map((o) => (
                <div
                  key={o.start}
                  className="open"
                  style={{ top: (minutesOf(o.start) - start) * scale, height: (minutesOf(o.end) - minutesOf(o.start)) * scale }}
                />
              ))}
              {hours.map((m) => (
                <div key={m} className="hour-line" style={{ top: (m - start) * scale }} />
              ))}
              {here && here.column === index && (
                <div
                  className="cursor"
                  style={{ top: (here.minute - start) * scale, height: step * scale }}
                  ref={(el) => el?.scrollIntoView({ block: "nearest", inline: "nearest" })}
                  key={`${here.column}-${here.minute}`}
                />
              )}
              {nowMinute !== null && nowMinute >= start && nowMinute <= end && (
                <div className="now-line" style={{ top: (nowMinute - start) * scale }} aria-hidden="true" />
              )}
              {(blocks.get(subjectKey(c.subject)) ?? []).map((block) => (
                <BookingBlock key={block.booking.id} block={block} formats={formats} t={t} onOpen={onOpen} />
              ))}
              {liveHolds
                .filter((h) => sameSubject(h.subject, c.subject))
                .map((h) => {
                  const from = minuteOfDay(h.startsAt, timeZone);
                  const to = from + (Date.parse(h.endsAt) - Date.parse(h.startsAt)) / 60_000;
                  return (
                    <div
                      key={h.id}
                      className="hold"
                      style={{ top: (from - start) * scale, height: Math.max((to - from) * scale, MIN_BLOCK_PX) }}
                      title={`${formats.span(h.startsAt, h.endsAt)} ${t("holds.heldBy", { login: h.heldBy })}`}
                    >
                      {t("holds.heldBy", { login: h.heldBy })}
                    </div>
                  );
                })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

/** The holds not yet expired, re-checked when the next one runs out (a hold
 * expires on the server without a notification). */
function useLiveHolds(holds: SlotHold[]): SlotHold[] {
  const [now, setNow] = useState(() => Date.now());
  const live = holds.filter((h) => Date.parse(h.expiresAt) > now);
  const next = Math.min(...live.map((h) => Date.parse(h.expiresAt)));
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(next - Date.now(), 0) + 50);
    return () => clearTimeout(timer);
  }, [next]);
  return live;
}

/** Memoised by what it draws (`sameBlock`): opening a drawer, moving the
 * cursor or adding a booking re-renders the grid, not the bookings that
 * stayed put. The grid's `t` is passed in (it changes with the language):
 * a `useTranslation` per block subscribed each of a busy day's hundreds of
 * blocks to the language on every new day. */
interface BlockProps {
  block: Block;
  formats: ReturnType<typeof useFormats>;
  t: TFunction;
  onOpen: (id: string) => void;
}

const BookingBlock = memo(function BookingBlock({ block, formats, t, onOpen }: BlockProps) {
  const b = block.booking;
  // A booking moved elsewhere says so rather than "cancelled".
  const status = b.movedTo ? t("detail.moved") : t(`status.${b.status}`);
  // An arrived patient's block says since when they are here.
  const statusText = b.status === "arrived" && b.statusSince ? `${status} ${formats.time(b.statusSince)}` : status;
  // The visible words are the accessible name (WCAG 2.5.3); the tooltip adds the end time.
  const title = `${formats.span(b.startsAt, b.endsAt)} ${b.patientName}, ${statusText}${b.provisional ? `, ${t("sync.provisional")}` : ""}${
    b.overrideReason ? `, ${t("anyway.detail", { reason: b.overrideReason })}` : ""
  }`;
  return (
    <div
      role="button"
      tabIndex={-1}
      title={title}
      data-booking-id={b.id}
      onClick={(e) => {
        e.stopPropagation();
        onOpen(b.id);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.stopPropagation();
          onOpen(b.id);
        }
      }}
      className={`booking status-${b.status}${b.provisional ? " provisional" : ""}${b.overrideReason ? " laneless" : ""}${block.compact ? " compact" : ""}${block.released ? " released" : ""}`}
      style={{ top: block.top, height: block.height, left: `calc(${block.left * 100}% + 2px)`, width: `calc(${block.width * 100}% - 4px)` }}
    >
      {block.released || block.compact ? (
        // One line: the mark up front so the status survives the ellipsis.
        <span className="booking-line">
          <span className="status-mark" aria-hidden="true">
            {STATUS_MARK[b.status]}
          </span>{" "}
          <span className="booking-time">{formats.time(b.startsAt)}</span> <span className="booking-name">{b.patientName}</span>
          <span className={block.released ? "visually-hidden" : "booking-status-inline"}> · {statusText}</span>
        </span>
      ) : (
        <>
          <span className="booking-line">
            <span className="booking-time">{formats.time(b.startsAt)}</span> <span className="booking-name">{b.patientName}</span>
          </span>
          <span className="booking-status">
            <span className="status-mark" aria-hidden="true">
              {STATUS_MARK[b.status]}
            </span>{" "}
            {statusText}
          </span>
        </>
      )}
      {b.provisional && <span className="provisional-mark">{t("sync.provisionalShort")}</span>}
      {/* Booked over the rules on purpose: marked so nobody takes it for an error. */}
      {b.overrideReason && <span className="laneless-mark">{t("anyway.mark")}</span>}
    </div>
  );
}, drawsTheSame);

function drawsTheSame(a: BlockProps, b: BlockProps): boolean {
  return sameBlock(a.block, b.block) && a.formats === b.formats && a.t === b.t && a.onOpen === b.onOpen;
}

/** One formatter per zone and kind, made once: making an `Intl.DateTimeFormat`
 * costs about half a millisecond, formatting with one a few microseconds, and
 * a busy board asks for hundreds of times (the window bench's "date →
 * board" spent most of its script time making them). */
export function formatterIn(
  made: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: (timeZone: string) => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let format = made.get(timeZone);
  if (!format) {
    format = make(timeZone);
    made.set(timeZone, format);
  }
  return format;
}

const calendarDays = new Map<string, Intl.DateTimeFormat>();
const clocks = new Map<string, Intl.DateTimeFormat>();

/** Today's date (YYYY-MM-DD) in a location's time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const calendar = formatterIn(
    calendarDays,
    timeZone,
    (zone) => new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }),
  );
  const parts = calendar.formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday after `date` (a Monday gives the next one): "next week". */
export function nextMonday(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return shiftDate(date, (8 - weekday) % 7 || 7);
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** Minutes since local midnight of an instant, in a time zone. */
export function minuteOfDay(iso: string, timeZone: string): number {
  const clock = formatterIn(
    clocks,
    timeZone,
    (zone) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  );
  const text = clock.format(new Date(iso));
  return minutesOf(text);
}

/** The instant (ISO) at which a wall-clock minute of a local date happens
 * in a zone; in a DST overlap the earlier one, in a gap as far past it
 * (the server checks whatever is sent, this only turns typing into an instant). */
export function instantAt(date: string, minute: number, timeZone: string): string {
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  // The zone's offset at a guess, then at the corrected guess (two passes settle DST).
  let instant = wall;
  for (let pass = 0; pass < 2; pass++) {
    const shown = minuteOfDay(new Date(instant).toISOString(), timeZone);
    const shownDate = todayIn(timeZone, new Date(instant));
    const shownWall = Date.parse(`${shownDate}T00:00:00Z`) + shown * 60_000;
    instant += wall - shownWall;
  }
  return new Date(instant).toISOString();
}

/** Minutes since midnight as "HH:MM" (1440 is "24:00", the end of a day). */
export function wallTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** How a date is written and typed in each of the app's languages (day
 * first in both: the clinics are in Ukraine, and 12/07 must never read as
 * 7 December to one person and 12 July to another). */
export const DATE_STYLE: Record<string, { separator: string; hint: string }> = {
  uk: { separator: ".", hint: "дд.мм.рррр" },
  en: { separator: "/", hint: "dd/mm/yyyy" },
};

function styleOf(language: string) {
  return DATE_STYLE[language] ?? DATE_STYLE.en;
}

/** A local date (YYYY-MM-DD) as the language writes it: 30.11.2026, 30/11/2026. */
export function writeDate(iso: string, language: string): string {
  const [year, month, day] = iso.split("-");
  const { separator } = styleOf(language);
  return [day, month, year].join(separator);
}

/** What a person typed as a local date (YYYY-MM-DD), or null when it is no
 * real date. Day first with any of . / - as separator, or ISO. */
export function readDate(text: string): string | null {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dayFirst = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(trimmed);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [];
  if (!year) return null;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return date.toISOString().slice(0, 10);
}

/** The date's placeholder in a language (dd.mm.yyyy). */
export function dateHint(language: string): string {
  return styleOf(language).hint;
}

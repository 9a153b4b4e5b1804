// How dates, times, money and sizes read in the chosen language: one place,
// so every screen formats them alike.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatterIn } from "./dates";

/** The data model has no currency column yet: every clinic so far bills in hryvnias. */
export const CURRENCY = "UAH";

export function useFormats(timeZone?: string) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useMemo(() => {
    // 24-hour clock everywhere: working hours are entered as HH:MM, and clinics here read time that way.
    const money = new Intl.NumberFormat(language, { style: "currency", currency: CURRENCY });
    const dateTime = new Intl.DateTimeFormat(language, { timeZone, dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
    const time = new Intl.DateTimeFormat(language, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    // Local dates (YYYY-MM-DD) carry no zone: format them at noon UTC.
    const day = new Intl.DateTimeFormat(language, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
    const fullDay = new Intl.DateTimeFormat(language, { timeZone: "UTC", dateStyle: "medium" });
    const weekday = new Intl.DateTimeFormat(language, { timeZone: "UTC", weekday: "long" });
    const size = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
    const zoned = new Map<string, Intl.DateTimeFormat>();
    const dateTimeIn = (iso: string, zone: string) =>
      formatterIn(
        zoned,
        zone,
        (timeZone) => new Intl.DateTimeFormat(language, { timeZone, dateStyle: "medium", timeStyle: "short", hourCycle: "h23" }),
      ).format(new Date(iso));
    return {
      money: (amount: string) => money.format(Number(amount)),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      /** An instant in another zone than this one's (e.g. a booking at another location). */
      dateTimeIn,
      time: (iso: string) => time.format(new Date(iso)),
      span: (from: string, to: string) => `${time.format(new Date(from))}–${time.format(new Date(to))}`,
      day: (date: string) => day.format(new Date(`${date}T12:00:00Z`)),
      date: (date: string) => fullDay.format(new Date(`${date}T12:00:00Z`)),
      /** ISO weekday 1 = Monday .. 7 = Sunday (2024-01-01 was a Monday). */
      weekday: (iso: number) => weekday.format(new Date(Date.UTC(2024, 0, iso, 12))),
      bytes: (n: number) => (n < 1024 * 1024 ? `${size.format(n / 1024)} KB` : `${size.format(n / 1048576)} MB`),
    };
  }, [language, timeZone]);
}

// The one slot picker: booking, rescheduling and re-booking a refused change
// all choose a time the same way, from the availability engine's free slots
// of one doctor or diagnostic on one day.
import { Select } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { startTransition, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { read, waiting } from "../api/reads";
import type { BookingSubject, FreeSlot, LocationId } from "../bindings";
import { minuteOfDay } from "../dates";
import { rendered } from "../felt";
import { useFormats } from "../format";

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

/** A day's free times of a doctor or diagnostic at a location; `subject`
 * null: nothing to ask about yet. `preferMinute`: chosen by itself when
 * nothing is, the free slot under that minute (a click on the board) or the
 * first after it. The server's refusal of the chosen time shows as `error`. */
export function SlotPicker({
  locationId,
  subject,
  date,
  timeZone,
  value,
  onChange,
  preferMinute = null,
  error,
  label,
}: {
  locationId: LocationId;
  subject: BookingSubject | null;
  date: string;
  timeZone: string;
  value: string | null;
  onChange: (startsAt: string | null) => void;
  preferMinute?: number | null;
  error?: string;
  label?: string;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const asked = subject !== null && date !== "";
  const slots = useQuery(asked ? read.freeSlots({ locationId, subject, from: date, to: date }) : waiting("freeSlots"));
  useEffect(() => {
    if (slots.data) rendered("freeTimeToSlots");
  }, [slots.data]);
  useEffect(() => {
    if (value !== null || preferMinute === null || !slots.data) return;
    const chosen = slotFrom(slots.data, preferMinute, timeZone);
    // Not urgent: the drawer with its free times is painted first, and the
    // form's re-render for the chosen time (and its hold) a frame later.
    if (chosen) startTransition(() => onChange(chosen.startsAt));
  }, [slots.data, preferMinute, value, timeZone, onChange]);
  return (
    <Select
      label={label ?? t("booking.slot")}
      placeholder={asked ? t("booking.chooseSlot") : ""}
      description={asked ? slotsText(t, slots.isFetching, slots.data?.length) : undefined}
      value={value}
      onChange={onChange}
      data={(slots.data ?? []).map((s) => ({ value: s.startsAt, label: formats.span(s.startsAt, s.endsAt) }))}
      error={error}
    />
  );
}

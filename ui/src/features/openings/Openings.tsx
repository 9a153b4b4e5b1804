// The first free time for a specialty, a doctor or a diagnostic, at one
// location or any: one request, answered by the availability engine over
// every candidate calendar (on the server, or over this station's kept
// boards while offline, which the answer says). Picking an opening books it
// (the New booking drawer opens with it chosen) or, when moving a booking,
// hands it back to the move.
import { useState } from "react";
import { Alert, Button, Chip, Drawer, Group, Select, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  DAY_PARTS,
  OPENINGS_DEFAULT_DAYS,
  OPENINGS_MAX_DAYS,
  type DayPart,
  type IsoWeekday,
  type LocationId,
  type Opening,
  type OpeningsQuery,
  type Patient,
  type Wanted,
} from "../../bindings";
import { appError } from "../../api/call";
import { read, waiting } from "../../api/reads";
import { DateField } from "../../components/DateField";
import { errorText, fieldErrors } from "../../errors";
import { useFormats } from "../../format";
import { nextMonday, todayIn } from "../../dates";
import { NewBooking } from "../booking/NewBooking";

const WEEKDAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const ANYWHERE = "";

/** Select values for what is wanted: "specialty:3", "doctor:12", "diagnostic:2". */
export function wantedKey(wanted: Wanted): string {
  switch (wanted.type) {
    case "specialty":
      return `specialty:${wanted.specialtyId}`;
    case "doctor":
      return `doctor:${wanted.doctorId}`;
    case "diagnostic":
      return `diagnostic:${wanted.diagnosticId}`;
  }
}

export function wantedOf(key: string | null): Wanted | null {
  const [type, id] = (key ?? "").split(":");
  const n = Number(id);
  if (!id || Number.isNaN(n)) return null;
  if (type === "specialty") return { type, specialtyId: n };
  if (type === "doctor") return { type, doctorId: n };
  if (type === "diagnostic") return { type, diagnosticId: n };
  return null;
}

/** "Looking for": each specialty (any of its doctors), each active doctor,
 * each diagnostic, grouped and searchable; typing a name and Enter picks the
 * first match. The value is a `wantedKey` (`wantedOf` reads it back). */
export function WantedSelect({ value, onChange, error }: { value: string | null; onChange: (key: string | null) => void; error?: string }) {
  const { t } = useTranslation();
  const specialties = useQuery(read.listSpecialties(false));
  const doctors = useQuery(read.listDoctors({ specialtyId: null, locationId: null, search: null }));
  const diagnostics = useQuery(read.listDiagnostics(false));
  const groups = [
    {
      group: t("openings.specialties"),
      items: (specialties.data ?? []).map((s) => ({ value: `specialty:${s.id}`, label: t("openings.anyOf", { specialty: s.name }) })),
    },
    {
      group: t("openings.doctors"),
      items: (doctors.data ?? [])
        .filter((d) => d.isActive)
        .map((d) => ({ value: `doctor:${d.id}`, label: `${d.fullName} · ${d.specialtyName}` })),
    },
    {
      group: t("openings.diagnostics"),
      items: (diagnostics.data ?? []).map((d) => ({ value: `diagnostic:${d.id}`, label: d.typeName })),
    },
  ];
  return (
    <Select
      label={t("openings.wanted")}
      placeholder={t("openings.wantedHint")}
      searchable
      selectFirstOptionOnChange
      data-autofocus
      value={value}
      onChange={onChange}
      data={groups}
      nothingFoundMessage={t("openings.noMatch")}
      error={error}
    />
  );
}

export interface OpeningsStart {
  wanted?: Wanted | null;
  locationId?: LocationId | null;
  from?: string;
}

export function Openings({
  timeZone,
  start,
  patient,
  onPick,
  onBooked,
  onClose,
}: {
  /** The desk's location's zone: "today" and "next week" are its dates. */
  timeZone: string;
  start?: OpeningsStart;
  /** Booking for this patient (their profile, or the board's "booking for"). */
  patient?: Patient | null;
  /** Instead of booking, hand the chosen opening back (moving a booking). */
  onPick?: (opening: Opening) => void;
  onBooked?: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const today = todayIn(timeZone);
  const [wanted, setWanted] = useState<string | null>(start?.wanted ? wantedKey(start.wanted) : null);
  const [where, setWhere] = useState<string>(start?.locationId ? String(start.locationId) : ANYWHERE);
  const [from, setFrom] = useState(start?.from ?? today);
  const [days, setDays] = useState<number>(OPENINGS_DEFAULT_DAYS);
  const [dayParts, setDayParts] = useState<string[]>([]);
  const [weekdays, setWeekdays] = useState<string[]>([]);
  const [maxPrice, setMaxPrice] = useState("");
  const [chosen, setChosen] = useState<Opening | null>(null);

  const locations = useQuery(read.listLocations(false));
  const asked = wantedOf(wanted);
  const query: OpeningsQuery | null = asked && {
    wanted: asked,
    locationId: where === ANYWHERE ? null : Number(where),
    from,
    days,
    dayParts: dayParts as DayPart[],
    weekdays: weekdays.map(Number) as IsoWeekday[],
    maxPrice: maxPrice.trim() === "" ? null : maxPrice.trim(),
  };
  const found = useQuery(query ? read.findOpenings(query) : waiting("findOpenings"));
  const failed = found.error ? appError(found.error) : null;
  const fields = fieldErrors(failed);
  const chosenLocation = chosen && locations.data?.find((l) => l.id === chosen.locationId);

  const longer = Math.min(days + OPENINGS_DEFAULT_DAYS, OPENINGS_MAX_DAYS);

  return (
    <>
      <Drawer opened onClose={onClose} position="right" size="md" title={t("openings.title")}>
        <Stack gap="sm">
          <WantedSelect value={wanted} onChange={setWanted} error={fields.wanted} />
          <Group grow align="end">
            <Select
              label={t("openings.where")}
              value={where}
              onChange={(v) => setWhere(v ?? ANYWHERE)}
              allowDeselect={false}
              data={[
                { value: ANYWHERE, label: t("openings.anywhere") },
                ...(locations.data ?? []).map((l) => ({ value: String(l.id), label: l.name })),
              ]}
            />
            <DateField label={t("openings.from")} value={from} onChange={setFrom} />
          </Group>
          <Group gap="xs">
            <Button size="compact-sm" variant={from === today ? "light" : "default"} onClick={() => setFrom(today)}>
              {t("openings.today")}
            </Button>
            <Button size="compact-sm" variant={from === nextMonday(today) ? "light" : "default"} onClick={() => setFrom(nextMonday(today))}>
              {t("openings.nextWeek")}
            </Button>
          </Group>
          <Chip.Group multiple value={dayParts} onChange={setDayParts}>
            <Group gap={6} role="group" aria-label={t("openings.dayParts")}>
              {DAY_PARTS.map((part) => (
                <Chip key={part} value={part} size="xs">
                  {t(`openings.dayPart_${part}`)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <Chip.Group multiple value={weekdays} onChange={setWeekdays}>
            <Group gap={4} role="group" aria-label={t("openings.weekdays")}>
              {WEEKDAYS.map((day) => (
                <Chip key={day} value={String(day)} size="xs" title={formats.weekday(day)}>
                  {formats.weekday(day).slice(0, 2)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <TextInput
            label={t("openings.maxPrice")}
            value={maxPrice}
            onChange={(e) => setMaxPrice(e.currentTarget.value)}
            inputMode="decimal"
            w={160}
            error={fields.maxPrice}
          />
          {query === null && (
            <Text size="sm" c="dimmed">
              {t("openings.choose")}
            </Text>
          )}
          {failed && !fields.maxPrice && !fields.wanted && (
            <Alert color="red" role="alert">
              {errorText(failed)}
            </Alert>
          )}
          {found.data?.fromKeptCopy && (
            <Alert color="orange" role="status">
              {t("openings.kept", { date: formats.date(found.data.searchedTo) })}
            </Alert>
          )}
          {found.data && (
            <Text size="sm" role="status" fw={500}>
              {found.data.openings.length === 0
                ? t("openings.none", { date: formats.date(found.data.searchedTo) })
                : t("openings.found", { count: found.data.openings.length, date: formats.date(found.data.searchedTo) })}
            </Text>
          )}
          {found.data && found.data.openings.length > 0 && (
            <Stack gap={4} component="ul" aria-label={t("openings.list")} className="openings-list">
              {found.data.openings.map((opening) => (
                <li key={`${opening.startsAt}-${opening.locationId}-${opening.name}`}>
                  <OpeningRow opening={opening} onPick={() => (onPick ? onPick(opening) : setChosen(opening))} />
                </li>
              ))}
            </Stack>
          )}
          {found.data && days < OPENINGS_MAX_DAYS && !found.data.fromKeptCopy && (
            <Button variant="subtle" size="compact-sm" onClick={() => setDays(longer)}>
              {t("openings.searchFurther", { count: longer })}
            </Button>
          )}
        </Stack>
      </Drawer>
      {chosen && chosenLocation && (
        <NewBooking
          location={chosenLocation}
          draft={{
            subject: { subject: chosen.subject, name: chosen.detail ? `${chosen.name} · ${chosen.detail}` : chosen.name },
            patient: patient ?? null,
            date: todayIn(chosen.timeZone, new Date(chosen.startsAt)),
            minute: null,
            startsAt: chosen.startsAt,
          }}
          choices={[]}
          onClose={() => setChosen(null)}
          onBooked={() => {
            onBooked?.();
            onClose();
          }}
        />
      )}
    </>
  );
}

/** One opening: when, who, where, how much; the whole row is the button
 * (its words are its name: a screen reader says what is seen). */
function OpeningRow({ opening, onPick }: { opening: Opening; onPick: () => void }) {
  const formats = useFormats(opening.timeZone);
  return (
    <UnstyledButton className="opening" onClick={onPick}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {formats.day(todayIn(opening.timeZone, new Date(opening.startsAt)))} · {formats.span(opening.startsAt, opening.endsAt)}
          </Text>
          <Text size="sm">
            {opening.name}
            {opening.detail && <Text span c="dimmed" size="sm">{` · ${opening.detail}`}</Text>}
          </Text>
          <Text size="xs" c="dimmed">
            {opening.locationName}
          </Text>
        </Stack>
        <Text size="sm">{formats.money(opening.price)}</Text>
      </Group>
    </UnstyledButton>
  );
}

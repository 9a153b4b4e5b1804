// The waitlist (ASAP list): a patient put on it from their profile, with
// what they wait for; the board shows how many entries its free time
// matches (the openings engine decides, in Rust) and books from an entry in
// one action, which closes it. Nothing books by itself.
import { useState } from "react";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Chip,
  Drawer,
  Group,
  Indicator,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  DAY_PARTS,
  WAITLIST_PRIORITIES,
  type DayPart,
  type Location,
  type Patient,
  type WaitlistEntry,
  type WaitlistMatch,
  type WaitlistPriority,
} from "../../bindings";
import { appError, call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { DateField } from "../../components/DateField";
import { WaitlistIcon } from "../../components/icons";
import { errorText, failureOf } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";
import { shiftDate, todayIn } from "../../dates";
import { NewBooking } from "../booking/NewBooking";
import { WantedSelect, wantedOf } from "../openings/Openings";

/** How long a new entry waits unless changed: two weeks. */
const DEFAULT_WAIT_DAYS = 14;

/** Puts a patient on the waitlist (queued like any change while offline). */
export function AddToWaitlist({ patient, timeZone, onClose }: { patient: Patient; timeZone: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const today = todayIn(timeZone);
  const locations = useQuery(read.listLocations(false));
  const [wanted, setWanted] = useState<string | null>(null);
  const [where, setWhere] = useState<string[]>([]);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(shiftDate(today, DEFAULT_WAIT_DAYS - 1));
  const [dayParts, setDayParts] = useState<string[]>([]);
  const [priority, setPriority] = useState<WaitlistPriority>("normal");
  const [note, setNote] = useState("");
  const add = useMutation({
    mutationFn: () => {
      const asked = wantedOf(wanted);
      if (!asked) throw new Error(t("waitlist.chooseWanted"));
      return call(
        commands.addToWaitlist(uuidv7(), patient.id, {
          wanted: asked,
          locationIds: where.map(Number),
          from,
          to,
          dayParts: dayParts as DayPart[],
          note,
          priority,
        }),
      );
    },
    onSuccess: () => void refetch(queries, "listWaitlist"),
  });
  const { fields, general } = failureOf(add.error);
  return (
    <Modal opened onClose={onClose} title={t("waitlist.addFor", { name: patient.fullName })} size="lg">
      <Stack gap="sm">
        <WantedSelect value={wanted} onChange={setWanted} error={fields.wanted} />
        <MultiSelect
          label={t("waitlist.where")}
          placeholder={where.length === 0 ? t("openings.anywhere") : undefined}
          value={where}
          onChange={setWhere}
          data={(locations.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))}
        />
        <Group grow>
          <DateField label={t("waitlist.from")} value={from} onChange={setFrom} error={fields.from} />
          <DateField label={t("waitlist.to")} value={to} onChange={setTo} error={fields.to} />
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
        <Stack gap={4}>
          <Text size="sm" fw={500} id="waitlist-priority">
            {t("waitlist.priority")}
          </Text>
          <SegmentedControl
            aria-labelledby="waitlist-priority"
            value={priority}
            onChange={(v) => setPriority(v as WaitlistPriority)}
            data={WAITLIST_PRIORITIES.map((p) => ({ value: p, label: t(`waitlist.priority_${p}`) }))}
          />
        </Stack>
        <Textarea
          label={t("waitlist.note")}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          error={fields.note}
        />
        {general && (
          <Alert color="red" role="alert">
            {general}
          </Alert>
        )}
        {add.isSuccess && (
          <Text size="sm" c="clinic.9" role="status">
            {t("waitlist.added")}
          </Text>
        )}
        <Group>
          <Button onClick={() => add.mutate()} loading={add.isPending} disabled={wanted === null || add.isSuccess}>
            {t("waitlist.add")}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t("settings.close")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The board's waitlist button: how many entries its free time matches. */
export function WaitlistButton({ location, date }: { location: Location; date: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const matches = useQuery(read.waitlistMatches(location.id, date));
  const count = matches.data?.length ?? 0;
  const label = t("waitlist.matches", { count });
  return (
    <>
      <Indicator label={count} size={16} disabled={count === 0} color="orange.9" offset={4}>
        <ActionIcon size="md" variant={count > 0 ? "light" : "default"} onClick={() => setOpen(true)} aria-label={label} title={label}>
          <WaitlistIcon />
        </ActionIcon>
      </Indicator>
      {open && <WaitlistDrawer location={location} date={date} matches={matches.data ?? []} onClose={() => setOpen(false)} />}
    </>
  );
}

function WaitlistDrawer({
  location,
  date,
  matches,
  onClose,
}: {
  location: Location;
  date: string;
  matches: WaitlistMatch[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const formats = useFormats(location.timeZone);
  const queries = useQueryClient();
  const [priority, setPriority] = useState<string | null>(null);
  const [includeClosed, setIncludeClosed] = useState(false);
  const [booking, setBooking] = useState<WaitlistMatch | null>(null);
  const list = useQuery(
    read.listWaitlist({ locationId: location.id, priority: (priority as WaitlistPriority | null) ?? null, includeClosed }),
  );
  const remove = useMutation({
    mutationFn: (entry: WaitlistEntry) => call(commands.removeFromWaitlist(entry.id, entry.rowVersion)),
    onSuccess: () => {
      void refetch(queries, "listWaitlist");
      void refetch(queries, "waitlistMatches");
    },
  });
  return (
    <>
      <Drawer opened onClose={onClose} position="right" size="md" title={t("waitlist.title", { location: location.name })}>
        <Stack gap="sm">
          <Text fw={600}>{t("waitlist.freeNow", { date: formats.date(date) })}</Text>
          {matches.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("waitlist.noMatch")}
            </Text>
          ) : (
            <Stack gap={4} component="ul" aria-label={t("waitlist.freeNowList")} className="openings-list">
              {matches.map((m) => (
                <li key={m.entry.id}>
                  <Group justify="space-between" wrap="nowrap" className="opening">
                    <EntryText entry={m.entry} />
                    <Button size="compact-sm" onClick={() => setBooking(m)}>
                      {t("waitlist.book", { time: formats.time(m.opening.startsAt) })}
                    </Button>
                  </Group>
                </li>
              ))}
            </Stack>
          )}
          <Group align="end" gap="sm">
            <Select
              label={t("waitlist.priority")}
              placeholder={t("waitlist.anyPriority")}
              clearable
              value={priority}
              onChange={setPriority}
              data={WAITLIST_PRIORITIES.map((p) => ({ value: p, label: t(`waitlist.priority_${p}`) }))}
              w={180}
            />
            <Switch
              label={t("waitlist.includeClosed")}
              checked={includeClosed}
              onChange={(e) => setIncludeClosed(e.currentTarget.checked)}
            />
          </Group>
          {list.isError && (
            <Alert color="orange" role="status">
              {errorText(appError(list.error))}
            </Alert>
          )}
          <Stack gap={4} component="ul" aria-label={t("waitlist.list")} className="openings-list">
            {(list.data ?? []).map((entry) => (
              <li key={entry.id}>
                <Group justify="space-between" wrap="nowrap" className="opening">
                  <EntryText entry={entry} />
                  {entry.status === "open" && !entry.expired ? (
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(entry)} loading={remove.isPending}>
                      {t("waitlist.remove")}
                    </Button>
                  ) : (
                    <Badge variant="light" color="gray">
                      {entry.expired ? t("waitlist.expired") : t(`waitlist.status_${entry.status}`)}
                    </Badge>
                  )}
                </Group>
              </li>
            ))}
          </Stack>
        </Stack>
      </Drawer>
      {booking && <BookFromEntry match={booking} onClose={() => setBooking(null)} onBooked={onClose} />}
    </>
  );
}

/** Who waits, for what, when, how urgently. */
function EntryText({ entry }: { entry: WaitlistEntry }) {
  const { t } = useTranslation();
  const formats = useFormats();
  return (
    <Stack gap={0}>
      <Text size="sm" fw={600}>
        {entry.patientName} {entry.patientPhone ? `· ${entry.patientPhone}` : ""}
      </Text>
      <Text size="sm">
        {entry.wantedName} · {formats.day(entry.from)}–{formats.day(entry.to)}
        {entry.dayParts && entry.dayParts.length > 0 ? ` · ${entry.dayParts.map((p) => t(`openings.dayPart_${p}`)).join(", ")}` : ""}
      </Text>
      <Text size="xs" c={entry.priority === "urgent" ? "red.8" : "dimmed"}>
        {t(`waitlist.priority_${entry.priority}`)}
        {entry.note ? ` · ${entry.note}` : ""}
      </Text>
    </Stack>
  );
}

/** New booking for the entry's patient at the matched time, closing the entry. */
function BookFromEntry({ match, onClose, onBooked }: { match: WaitlistMatch; onClose: () => void; onBooked: () => void }) {
  const patient = useQuery(read.getPatient(match.entry.patientId));
  const locations = useQuery(read.listLocations(false));
  const location = locations.data?.find((l) => l.id === match.opening.locationId);
  if (!patient.data || !location) return null;
  const { opening } = match;
  return (
    <NewBooking
      location={location}
      draft={{
        subject: { subject: opening.subject, name: opening.detail ? `${opening.name} · ${opening.detail}` : opening.name },
        patient: patient.data,
        date: todayIn(opening.timeZone, new Date(opening.startsAt)),
        minute: null,
        startsAt: opening.startsAt,
        waitlistEntryId: match.entry.id,
      }}
      choices={[]}
      onClose={onClose}
      onBooked={onBooked}
    />
  );
}

// Working without the clinic database: the header's sync badge (online or
// offline, changes waiting, conflicts) and the conflicts screen, where a
// person decides about each change the server refused (or never decided on):
// the decisions the station offers for it (another free slot, try again,
// attach a kept file elsewhere or save it, keep the other station's booking,
// discard ours). Nothing is dropped without that decision.
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, events, type Conflict, type ConflictAction, type ConflictResolution, type Location, type SyncStatus } from "./bindings";
import { call } from "./api";
import { errorText, failureOf } from "./errors";
import { useFormats } from "./format";
import { uuidv7 } from "./ids";
import { todayIn } from "./dates";

/** The station's sync state, kept current by the `syncChanged` event. A
 * change of it means pushed or pulled rows: the screens refetch. */
export function useSyncStatus(): SyncStatus | null {
  const queries = useQueryClient();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    void commands.syncStatus().then((result) => result.status === "ok" && setStatus(result.data));
    const stop = events.syncChanged.listen((event) => {
      setStatus(event.payload);
      void queries.invalidateQueries({ queryKey: ["dayBoard"] });
      void queries.invalidateQueries({ queryKey: ["booking"] });
      void queries.invalidateQueries({ queryKey: ["freeSlots"] });
      void queries.invalidateQueries({ queryKey: ["conflicts"] });
    });
    return () => void stop.then((unlisten) => unlisten());
  }, [queries]);
  return status;
}

export function SyncBadge({ sync, onConflicts }: { sync: SyncStatus | null; onConflicts: () => void }) {
  const { t } = useTranslation();
  const formats = useFormats();
  if (!sync) return null;
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-live="polite" aria-label={sync.online ? undefined : t("sync.offline")}>
      {/* Stuck: one badge (the waiting count in its hint), so the header still fits 1024 px. */}
      {sync.stuck > 0 && (
        <Badge size="lg" color="red.9" variant="white" tt="none" title={`${t("sync.stuckHint")} ${t("sync.pending", { count: sync.pending })}`}>
          {t("sync.stuck", { count: sync.stuck, since: sync.stuckSince ? formats.time(sync.stuckSince) : "" })}
        </Badge>
      )}
      {sync.pending > 0 && sync.stuck === 0 && (
        <Badge size="lg" color="orange.9" variant="white" tt="none" title={t("sync.pendingHint")}>
          {t("sync.pending", { count: sync.pending })}
        </Badge>
      )}
      {sync.conflicts > 0 && (
        <Button size="compact-md" color="red" onClick={onConflicts}>
          {t("sync.conflicts", { count: sync.conflicts })}
        </Button>
      )}
    </Group>
  );
}

export function Conflicts({ locations }: { locations: Location[] }) {
  const { t } = useTranslation();
  const conflicts = useQuery({ queryKey: ["conflicts"], queryFn: () => call(commands.listConflicts()) });
  return (
    <Stack maw={900} gap="sm">
      <Title order={2} size="h3">
        {t("conflicts.title")}
      </Title>
      <Text c="dimmed">{t("conflicts.intro")}</Text>
      {conflicts.data?.length === 0 && <Alert color="green">{t("conflicts.none")}</Alert>}
      {conflicts.data?.map((c) => <ConflictCard key={c.intentId} conflict={c} locations={locations} />)}
    </Stack>
  );
}

function ConflictCard({ conflict, locations }: { conflict: Conflict; locations: Location[] }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const attempted = conflict.attempted;
  const location = locations.find((l) => l.id === attempted?.locationId);
  const formats = useFormats(location?.timeZone);
  const [choosing, setChoosing] = useState(false);
  const resolve = useMutation({
    mutationFn: (resolution: ConflictResolution) => call(commands.resolveConflict(conflict.intentId, resolution)),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["conflicts"] });
      void queries.invalidateQueries({ queryKey: ["dayBoard"] });
    },
  });
  const offers = (action: ConflictAction) => conflict.offers.includes(action);
  const [attaching, setAttaching] = useState(false);
  const saveCopy = useMutation({
    mutationFn: async () => {
      const name = conflict.intent.kind === "attachResult" ? conflict.intent.fileName : "result";
      const path = await call(commands.chooseSavePath("resultCopy", name));
      return path === null ? null : call(commands.saveConflictFile(conflict.intentId, path));
    },
  });
  const failure = failureOf(resolve.error ?? saveCopy.error);
  return (
    <Paper withBorder p="md" className="conflict" aria-label={t("conflicts.card")}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text fw={600}>
            {attempted
              ? t("conflicts.attemptedBooking", {
                  patient: attempted.patientName,
                  subject: attempted.subjectName,
                  when: formats.dateTime(attempted.startsAt),
                })
              : t(`conflicts.kind.${conflict.intent.kind}`)}
          </Text>
          <Text size="sm" c="dimmed">
            {t("conflicts.madeBy", { actor: conflict.actor, when: formats.dateTime(conflict.madeAt) })}
          </Text>
        </Stack>
        <Badge color="red" variant="light">
          {t(`conflicts.kind.${conflict.intent.kind}`)}
        </Badge>
      </Group>
      <Alert color="red" variant="light" mt="xs" title={conflict.failed ? t("conflicts.failedWhy", { count: conflict.attempts }) : t("conflicts.why")}>
        {errorText(conflict.error)}
        {conflict.failed && <Text size="sm">{t("conflicts.failedHint")}</Text>}
      </Alert>
      {attaching && conflict.intent.kind === "attachResult" && (
        <OtherBookings
          bookingId={conflict.intent.bookingId}
          onPick={(bookingId) => resolve.mutate({ resolution: "attachTo", bookingId, newResultId: uuidv7() })}
        />
      )}
      {saveCopy.data != null && (
        <Text size="sm" role="status" mt="xs">
          {t("conflicts.saved")}
        </Text>
      )}
      {choosing && attempted && location && (
        <SlotChoice
          conflict={conflict}
          location={location}
          onPick={(startsAt) => resolve.mutate({ resolution: "rebook", newBookingId: uuidv7(), startsAt })}
        />
      )}
      {failure.general && (
        <Alert color="red" mt="xs">
          {failure.general}
        </Alert>
      )}
      <Group mt="sm" gap="xs">
        {offers("rebook") && (
          <Button onClick={() => setChoosing(true)} disabled={choosing}>
            {t("conflicts.rebook")}
          </Button>
        )}
        {offers("retry") && (
          <Button onClick={() => resolve.mutate({ resolution: "retry" })} loading={resolve.isPending}>
            {t("conflicts.retry")}
          </Button>
        )}
        {offers("attachElsewhere") && (
          <Button onClick={() => setAttaching(true)} disabled={attaching}>
            {t("conflicts.attachElsewhere")}
          </Button>
        )}
        {offers("saveCopy") && (
          <Button variant="default" onClick={() => saveCopy.mutate()} loading={saveCopy.isPending}>
            {t("conflicts.saveCopy")}
          </Button>
        )}
        {offers("keepTheirs") && (
          <Button variant="default" onClick={() => resolve.mutate({ resolution: "keepTheirs" })} loading={resolve.isPending}>
            {t("conflicts.keepTheirs")}
          </Button>
        )}
        <Button variant="subtle" color="red" onClick={() => resolve.mutate({ resolution: "discard" })} loading={resolve.isPending}>
          {t("conflicts.discard")}
        </Button>
      </Group>
    </Paper>
  );
}

/** The patient's other bookings that take a result now (the domain says
 * which: `acceptsResults`), to attach a refused result file to. */
function OtherBookings({ bookingId, onPick }: { bookingId: string; onPick: (bookingId: string) => void }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const choices = useQuery({
    queryKey: ["resultTargets", bookingId],
    queryFn: async () => {
      const refused = await call(commands.getBooking(bookingId));
      const bookings = await call(commands.patientBookings(refused.patientId));
      return bookings.filter((b) => b.id !== bookingId && b.acceptsResults);
    },
  });
  return (
    <Stack gap={4} mt="sm">
      <Text size="sm" fw={600}>
        {t("conflicts.attachTo")}
      </Text>
      {choices.data?.length === 0 && <Text size="sm">{t("conflicts.noOtherBooking")}</Text>}
      <Group gap={6} role="group" aria-label={t("conflicts.attachTo")}>
        {choices.data?.map((b) => (
          <Button key={b.id} size="compact-sm" variant="light" onClick={() => onPick(b.id)}>
            {b.subjectName} · {formats.dateTime(b.startsAt)}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}

/** Free slots of the same doctor or diagnostic on the attempted day. */
function SlotChoice({ conflict, location, onPick }: { conflict: Conflict; location: Location; onPick: (startsAt: string) => void }) {
  const { t } = useTranslation();
  const formats = useFormats(location.timeZone);
  const attempted = conflict.attempted!;
  const day = todayIn(location.timeZone, new Date(attempted.startsAt));
  const slots = useQuery({
    queryKey: ["freeSlots", location.id, attempted.subject, day],
    queryFn: () => call(commands.freeSlots({ locationId: location.id, subject: attempted.subject, from: day, to: day })),
  });
  return (
    <Stack gap={4} mt="sm">
      <Text size="sm" fw={600}>
        {t("conflicts.freeOn", { subject: attempted.subjectName, day: formats.date(day) })}
      </Text>
      {slots.data?.length === 0 && <Text size="sm">{t("conflicts.noFree")}</Text>}
      <Group gap={6} role="group" aria-label={t("conflicts.freeSlots")}>
        {slots.data?.slice(0, 16).map((s) => (
          <Button key={s.startsAt} size="compact-sm" variant="light" onClick={() => onPick(s.startsAt)}>
            {formats.time(s.startsAt)}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}

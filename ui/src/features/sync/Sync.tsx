// Working without the clinic database: the header's sync badge (online or
// offline, changes waiting, conflicts) and the conflicts screen, where a
// person decides about each change the server refused (or never decided on):
// the decisions the station offers for it (another free slot, try again,
// attach a kept file elsewhere or save it, keep the other station's booking,
// discard ours). Nothing is dropped without that decision.
import { useState } from "react";
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  type Booking,
  type Conflict,
  type ConflictAction,
  type ConflictResolution,
  type Location,
  type SyncStatus,
} from "../../bindings";
import { call } from "../../api/call";
import { read, refetch, waiting } from "../../api/reads";
import { errorText, failureOf } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";
import { todayIn } from "../../dates";
import { DateField } from "../../components/DateField";
import { SlotPicker } from "../../components/SlotPicker";

export function SyncBadge({ sync, onConflicts }: { sync: SyncStatus | null; onConflicts: () => void }) {
  const { t } = useTranslation();
  const formats = useFormats();
  if (!sync) return null;
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-live="polite" aria-label={sync.online ? undefined : t("sync.offline")}>
      {/* Stuck: one badge (the waiting count in its hint), so the header still fits 1024 px. */}
      {sync.stuck > 0 && (
        <Badge
          size="lg"
          color="red.9"
          variant="white"
          tt="none"
          title={`${t("sync.stuckHint")} ${t("sync.pending", { count: sync.pending })}`}
        >
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
  const conflicts = useQuery(read.listConflicts());
  return (
    <Stack maw={900} gap="sm">
      <Title order={2} size="h3">
        {t("conflicts.title")}
      </Title>
      <Text c="dimmed">{t("conflicts.intro")}</Text>
      {conflicts.data?.length === 0 && <Alert color="green">{t("conflicts.none")}</Alert>}
      {conflicts.data?.map((c) => (
        <ConflictCard key={c.intentId} conflict={c} locations={locations} />
      ))}
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
      void refetch(queries, "listConflicts");
      void refetch(queries, "dayBoard");
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
      <Alert
        color="red"
        variant="light"
        mt="xs"
        title={conflict.failed ? t("conflicts.failedWhy", { count: conflict.attempts }) : t("conflicts.why")}
      >
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
          attempted={attempted}
          location={location}
          pending={resolve.isPending}
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
  const refused = useQuery(read.getBooking(bookingId));
  const choices = useQuery({
    ...(refused.data ? read.patientBookings(refused.data.patientId) : waiting("patientBookings")),
    select: (bookings) => bookings.filter((b) => b.id !== bookingId && b.acceptsResults),
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

/** Another free time of the same doctor or diagnostic, from the attempted day. */
function SlotChoice({
  attempted,
  location,
  pending,
  onPick,
}: {
  attempted: Booking;
  location: Location;
  pending: boolean;
  onPick: (startsAt: string) => void;
}) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => todayIn(location.timeZone, new Date(attempted.startsAt)));
  const [startsAt, setStartsAt] = useState<string | null>(null);
  return (
    <Stack gap="xs" mt="sm" className="inset">
      <Group grow align="end">
        <DateField
          label={t("board.date")}
          value={date}
          onChange={(picked) => {
            setDate(picked);
            setStartsAt(null);
          }}
        />
        <SlotPicker
          locationId={location.id}
          subject={attempted.subject}
          date={date}
          timeZone={location.timeZone}
          value={startsAt}
          onChange={setStartsAt}
          label={t("conflicts.freeWith", { subject: attempted.subjectName })}
        />
      </Group>
      <Group>
        <Button onClick={() => startsAt && onPick(startsAt)} disabled={startsAt === null} loading={pending}>
          {t("conflicts.bookThere")}
        </Button>
      </Group>
    </Stack>
  );
}

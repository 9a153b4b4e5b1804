// The waiting room: patients who have arrived at the location today and not
// yet been seen, longest wait first, with how long they have waited. A row
// opens the booking (Enter or a click); "Seen" completes the visit when the
// booking allows it (the domain's allowed actions).
import { useEffect, useState } from "react";
import { Alert, Button, Drawer, Group, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Booking } from "../../bindings";
import { appError, call } from "../../api/call";
import { refetch } from "../../api/reads";
import { errorText } from "../../errors";
import { useFormats } from "../../format";

/** Arrived patients, longest wait first (the arrival time is when the status changed). */
export function waitingList(bookings: Booking[]): Booking[] {
  const since = (b: Booking) => new Date(b.statusSince ?? b.startsAt).getTime();
  return bookings.filter((b) => b.status === "arrived").sort((a, b) => since(a) - since(b));
}

/** Whole minutes between an ISO instant and now (never negative). */
export function minutesSince(iso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60000));
}

export function Arrivals({
  bookings,
  timeZone,
  onOpen,
  onClose,
}: {
  bookings: Booking[];
  timeZone: string;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const queries = useQueryClient();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const seen = useMutation({
    mutationFn: (b: Booking) =>
      call(commands.changeStatus({ bookingId: b.id, action: "complete", reason: "", expectedVersion: b.rowVersion })),
    onSuccess: (changed) => void refetch(queries, "dayBoard", changed.locationId),
  });
  const waiting = waitingList(bookings);

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="sm"
      title={
        <span tabIndex={-1} data-autofocus>
          {t("arrivals.title", { count: waiting.length })}
        </span>
      }
    >
      <Stack gap="xs">
        {waiting.length === 0 && <Text c="dimmed">{t("arrivals.none")}</Text>}
        {seen.error && (
          <Alert color="red" role="alert">
            {errorText(appError(seen.error))}
          </Alert>
        )}
        <ol className="arrivals" aria-label={t("arrivals.title", { count: waiting.length })}>
          {waiting.map((b) => {
            const since = b.statusSince ?? b.startsAt;
            return (
              <li key={b.id} className="arrival">
                <button type="button" className="arrival-open" onClick={() => onOpen(b.id)}>
                  <span className="arrival-name">{b.patientName}</span>
                  <span className="arrival-detail">
                    {b.subjectName} · {formats.time(b.startsAt)}
                  </span>
                  <span className="arrival-wait">
                    {t("arrivals.waited", { time: formats.time(since), minutes: minutesSince(since, now) })}
                  </span>
                </button>
                {b.allowedActions.includes("complete") && (
                  <Group gap={4}>
                    <Button
                      size="xs"
                      variant="light"
                      loading={seen.isPending && seen.variables?.id === b.id}
                      onClick={() => seen.mutate(b)}
                    >
                      {t("arrivals.seen")}
                    </Button>
                  </Group>
                )}
              </li>
            );
          })}
        </ol>
      </Stack>
    </Drawer>
  );
}

// The reception window: a header with the location, the day and the station's
// connection, and the day board below. The full reception UI builds on this.
import { useEffect, useState } from "react";
import { ActionIcon, AppShell, Badge, Button, Group, Loader, NativeSelect, Paper, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, events, type StationStatus } from "./bindings";
import { call } from "./api";
import { Board } from "./Board";
import { errorText } from "./errors";
import { LANGUAGES } from "./i18n";
import { SettingsPanel } from "./Settings";
import { shiftDate, todayIn } from "./dates";

export function App() {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [locationId, setLocationId] = useState<number | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [showSettings, setShowSettings] = useState(false);

  useEffect(() => {
    void commands.stationStatus().then((result) => result.status === "ok" && setStatus(result.data));
    const stop = events.stationChanged.listen((event) => setStatus(event.payload));
    return () => void stop.then((unlisten) => unlisten());
  }, []);

  // Another station (or this one) changed bookings: refetch that location's boards.
  useEffect(() => {
    const stop = events.bookingsChanged.listen((event) => {
      void queries.invalidateQueries({ queryKey: ["dayBoard", event.payload.locationId] });
    });
    return () => void stop.then((unlisten) => unlisten());
  }, [queries]);

  const ready = status?.phase.phase === "ready";
  const locations = useQuery({
    queryKey: ["locations"],
    queryFn: () => call(commands.listLocations(false)),
    enabled: ready,
  });

  useEffect(() => {
    const first = locations.data?.[0];
    if (first && locationId === null) {
      setLocationId(first.id);
      setDate(todayIn(first.timeZone));
    }
  }, [locations.data, locationId]);

  const location = locations.data?.find((l) => l.id === locationId);

  return (
    <AppShell header={{ height: 52 }} padding="xs">
      <AppShell.Header className="topbar">
        <Group h="100%" px="md" gap="md" wrap="nowrap">
          <Title order={1} size="h4" c="white">
            {t("app.title")}
          </Title>
          {locations.data && locations.data.length > 0 && (
            <NativeSelect
              aria-label={t("board.location")}
              value={locationId ?? ""}
              onChange={(e) => setLocationId(Number(e.currentTarget.value))}
              data={locations.data.map((l) => ({ value: String(l.id), label: l.name }))}
            />
          )}
          {date && location && (
            <Group gap={4} role="group" aria-label={t("board.date")}>
              <ActionIcon variant="light" size="lg" aria-label={t("board.previousDay")} onClick={() => setDate(shiftDate(date, -1))}>
                ‹
              </ActionIcon>
              <Button variant="light" onClick={() => setDate(todayIn(location.timeZone))}>
                {t("board.today")}
              </Button>
              <ActionIcon variant="light" size="lg" aria-label={t("board.nextDay")} onClick={() => setDate(shiftDate(date, 1))}>
                ›
              </ActionIcon>
              <input
                className="date-input"
                type="date"
                aria-label={t("board.date")}
                value={date}
                onChange={(e) => e.target.value && setDate(e.target.value)}
              />
            </Group>
          )}
          <Group ml="auto" gap="xs" wrap="nowrap">
            <StationBadge status={status} />
            <NativeSelect
              aria-label="Language / Мова"
              value={i18n.language}
              onChange={(e) => {
                localStorage.setItem("language", e.currentTarget.value);
                void i18n.changeLanguage(e.currentTarget.value);
              }}
              data={LANGUAGES.map((l) => ({ value: l, label: l === "en" ? "English" : "Українська" }))}
            />
            <Button variant="white" color="teal" onClick={() => setShowSettings(true)}>
              {t("app.settings")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {status && (showSettings || status.phase.phase === "failed") && (
          <SettingsPanel status={status} onStatus={setStatus} onClose={() => setShowSettings(false)} />
        )}
        {!showSettings && !ready && <Connecting status={status} />}
        {!showSettings && ready && location && date && <Board location={location} date={date} />}
      </AppShell.Main>
    </AppShell>
  );
}

function StationBadge({ status }: { status: StationStatus | null }) {
  const { t } = useTranslation();
  if (!status) return null;
  const where = status.mode === "demo" ? t("station.demo") : (status.settings.server?.host ?? t("station.server"));
  const state = status.phase.phase === "ready" ? "online" : status.phase.phase === "connecting" ? "connecting" : "offline";
  const color = state === "online" ? "green" : state === "connecting" ? "gray" : "red";
  return (
    <Badge size="lg" variant="white" color={color} leftSection={<span className={`dot dot-${state}`} aria-hidden="true" />}>
      {where} · {t(`station.${state}`)}
    </Badge>
  );
}

function Connecting({ status }: { status: StationStatus | null }) {
  const { t } = useTranslation();
  return (
    <Paper maw={560} mx="auto" mt="xl" p="lg" withBorder>
      {status?.phase.phase === "failed" ? (
        <>
          <Title order={2} size="h4">
            {t("station.unreachable")}
          </Title>
          <Text mt="xs">{errorText(status.phase.error)}</Text>
        </>
      ) : (
        <Group>
          <Loader size="sm" />
          <Text>{status?.mode === "server" ? t("station.connectingServer") : t("station.startingDemo")}</Text>
        </Group>
      )}
    </Paper>
  );
}

// The reception window: a header with the location, the day and the station's
// connection; the screens in a side bar (F1–F5); the keyboard shortcuts.
import { useEffect, useRef, useState } from "react";
import {
  ActionIcon,
  AppShell,
  Badge,
  Button,
  Group,
  Kbd,
  Loader,
  Menu,
  Modal,
  NativeSelect,
  NavLink,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, events, type StaffAccess, type StationStatus } from "./bindings";
import { Audit } from "./features/audit/Audit";
import { Board, type BookingFor } from "./features/board/Board";
import { ClinicSetup } from "./features/setup/ClinicSetup";
import { Doctors } from "./features/doctors/Doctors";
import { errorText } from "./errors";
import { LANGUAGES } from "./i18n";
import { Patients } from "./features/patients/Patients";
import { ScreenBoundary } from "./components/ScreenBoundary";
import { SettingsPanel } from "./features/settings/Settings";
import { Staff } from "./features/staff/Staff";
import { WorkingHours } from "./features/hours/WorkingHours";
import { shiftDate, todayIn } from "./dates";
import { Conflicts, SyncBadge } from "./features/sync/Sync";
import { useBookingsRefresh, useSyncStatus } from "./api/live";
import { read } from "./api/reads";
import { began } from "./felt";
import { markOnce } from "./startup";
import { useSingleKeyShortcuts } from "./shortcuts";
import { DateField } from "./components/DateField";
import { AccessContext } from "./access";
import { LockScreen, SignInScreen, useIdle } from "./features/signin/SignIn";

// Each screen keeps its F-key (F1 board … F7 audit trail) whether or not the
// signed-in login may use it.
const SCREENS = ["board", "patients", "doctors", "hours", "setup", "staff", "audit"] as const;
type Screen = (typeof SCREENS)[number];

/** Whether the login may use the screen, as the database's grants say
 * (`access.may`); before the database answered, only what reception may. */
export function screenAllowed(screen: Screen, access: StaffAccess | null | undefined): boolean {
  switch (screen) {
    case "hours":
    case "setup":
      return access?.may.manageClinic === true;
    case "staff":
      return access?.may.manageStaff === true;
    case "audit":
      return access?.may.readAudit === true;
    default:
      return true;
  }
}

export function App() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [locationId, setLocationId] = useState<number | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  // The conflicts screen has no F-key: it is reached from the sync badge.
  const [screen, setScreen] = useState<Screen | "conflicts">("board");
  const showConflicts = () => {
    setShowSettings(false);
    setScreen("conflicts");
  };
  const sync = useSyncStatus();
  const patientSearch = useRef<HTMLInputElement>(null);
  const [singleKeys, setSingleKeys] = useSingleKeyShortcuts();
  const [bookingFor, setBookingFor] = useState<BookingFor | null>(null);

  useEffect(() => {
    void commands.stationStatus().then((result) => result.status === "ok" && setStatus(result.data));
    const stop = events.stationChanged.listen((event) => setStatus(event.payload));
    return () => void stop.then((unlisten) => unlisten());
  }, []);

  useBookingsRefresh();

  const session = status?.session ?? null;
  const lock = () => {
    if (session && !session.locked) void commands.lockStation().then((r) => r.status === "ok" && setStatus(r.data));
  };
  useIdle(session && !session.locked ? session.lockAfterSeconds : 0, lock);
  // Another member signed in: nothing the previous one saw stays in memory,
  // and a screen they may not use is left.
  const signedInAs = session?.login ?? null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the login changes, which it does not read
  useEffect(() => {
    queries.clear();
    setScreen("board");
    setShowSettings(false);
    setLocationId(null);
  }, [signedInAs, queries]);

  // Offline from a configured server, the station works from its replica.
  const offlineFromServer = status?.phase.phase === "failed" && status.phase.error.kind === "offline" && status.mode === "server";
  const ready = (status?.phase.phase === "ready" || offlineFromServer) && session !== null && !session.locked;
  const locations = useQuery({ ...read.listLocations(false), enabled: ready });

  useEffect(() => {
    const first = locations.data?.[0];
    if (first && locationId === null) {
      setLocationId(first.id);
      setDate(todayIn(first.timeZone));
    }
  }, [locations.data, locationId]);

  if (ready) markOnce("station-ready");
  if (locations.data) markOnce("locations");
  const location = locations.data?.find((l) => l.id === locationId);
  const findPatient = () => {
    setShowSettings(false);
    setScreen("patients");
    setTimeout(() => patientSearch.current?.focus(), 0);
  };
  const onBoard = screen === "board" && !showSettings;
  // Every way of changing the board's date is timed to its board painted.
  const showDate = (next: string) => {
    if (next === date) return;
    began("dateToBoard");
    setDate(next);
  };
  const today = () => location && showDate(todayIn(location.timeZone));
  const moveDay = (days: number) => date && showDate(shiftDate(date, days));
  const show = (s: Screen) => {
    if (!screenAllowed(s, status?.access)) return;
    setShowSettings(false);
    setScreen(s);
    // F2 is for finding a patient: the search takes the keys at once.
    if (s === "patients") setTimeout(() => patientSearch.current?.focus(), 0);
  };
  // Screens and the patient search work from anywhere, inside a field too
  // (an empty list of tags to ignore); the rest stay out of typed text.
  useHotkeys([["mod+K", findPatient], ["mod+L", lock], ...SCREENS.map((s, i) => [`F${i + 1}`, () => show(s)] as [string, () => void])], []);
  useHotkeys([
    ["mod+ArrowLeft", () => onBoard && moveDay(-1)],
    ["mod+ArrowRight", () => onBoard && moveDay(1)],
    ...(singleKeys
      ? ([
          ["/", findPatient],
          ["t", () => onBoard && today()],
        ] as [string, () => void][])
      : []),
  ]);

  // Nobody signed in, or the screen locked: nothing of the desk is shown.
  if (status && (session === null || session.locked)) {
    return (
      <div className="sign-in-page">
        {showSettings ? (
          <SettingsPanel status={status} onStatus={setStatus} onClose={() => setShowSettings(false)} />
        ) : session === null ? (
          <SignInScreen
            key={status.settings.server?.host ?? "demo"}
            status={status}
            onStatus={setStatus}
            onSettings={() => setShowSettings(true)}
          />
        ) : (
          <LockScreen status={status} onStatus={setStatus} />
        )}
      </div>
    );
  }

  return (
    <AccessContext.Provider value={status?.access ?? null}>
      <AppShell header={{ height: 52 }} navbar={{ width: 184, breakpoint: 0 }} padding="xs">
        <AppShell.Header className="topbar">
          <Group h="100%" px="md" gap="md" wrap="nowrap">
            <Title order={1} size="h4" c="white" className="app-title">
              {t("app.title")}
            </Title>
            {onBoard && locations.data && locations.data.length > 0 && (
              <NativeSelect
                w={190}
                aria-label={t("board.location")}
                value={locationId ?? ""}
                onChange={(e) => setLocationId(Number(e.currentTarget.value))}
                data={locations.data.map((l) => ({ value: String(l.id), label: l.name }))}
              />
            )}
            {onBoard && date && location && (
              <Group gap={4} role="group" aria-label={t("board.date")} wrap="nowrap">
                <ActionIcon
                  variant="light"
                  size="lg"
                  aria-label={t("board.previousDay")}
                  title={`${t("board.previousDay")} (Ctrl+←)`}
                  aria-keyshortcuts="Control+ArrowLeft"
                  onClick={() => moveDay(-1)}
                >
                  ‹
                </ActionIcon>
                <Button variant="light" onClick={today} aria-keyshortcuts="T" title={`${t("board.today")} (T)`}>
                  {t("board.today")}
                </Button>
                <ActionIcon
                  variant="light"
                  size="lg"
                  aria-label={t("board.nextDay")}
                  title={`${t("board.nextDay")} (Ctrl+→)`}
                  aria-keyshortcuts="Control+ArrowRight"
                  onClick={() => moveDay(1)}
                >
                  ›
                </ActionIcon>
                <DateField
                  aria-label={t("board.date")}
                  value={date}
                  onChange={(picked) => picked && showDate(picked)}
                  className="date-input"
                  w={118}
                />
              </Group>
            )}
            <Group ml="auto" gap="xs" wrap="nowrap">
              {session && (
                <SessionMenu
                  name={session.fullName}
                  login={session.login}
                  offline={session.signedInOffline}
                  onLock={lock}
                  onStatus={setStatus}
                />
              )}
              <StationBadge status={status} online={sync?.online ?? true} stuck={(sync?.stuck ?? 0) > 0} />
              <SyncBadge sync={sync} onConflicts={showConflicts} />
              <StationMenu singleKeys={singleKeys} onSingleKeys={setSingleKeys} onSettings={() => setShowSettings(true)} />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p={6} aria-label={t("nav.label")}>
          {SCREENS.map(
            (s, i) =>
              screenAllowed(s, status?.access) && (
                <NavLink
                  key={s}
                  component="button"
                  label={t(`nav.${s}`)}
                  active={!showSettings && screen === s}
                  onClick={() => show(s)}
                  rightSection={<Kbd size="xs">F{i + 1}</Kbd>}
                  aria-keyshortcuts={`F${i + 1}`}
                />
              ),
          )}
          {sync && sync.conflicts > 0 && (
            <NavLink
              component="button"
              color="red"
              label={t("sync.conflicts", { count: sync.conflicts })}
              active={!showSettings && screen === "conflicts"}
              onClick={showConflicts}
            />
          )}
        </AppShell.Navbar>
        <AppShell.Main>
          {status && (showSettings || (status.phase.phase === "failed" && !offlineFromServer)) && (
            <SettingsPanel status={status} onStatus={setStatus} onClose={() => setShowSettings(false)} />
          )}
          {!showSettings && !ready && <Connecting status={status} />}
          {!showSettings && ready && locations.data && (
            <>
              <ScreenBoundary key={screen} screen={screen}>
                {screen === "board" && location && date && (
                  <Board location={location} date={date} bookingFor={bookingFor} onBookingForDone={() => setBookingFor(null)} />
                )}
                {screen === "patients" && (
                  <Patients
                    ref={patientSearch}
                    onBookFor={(patient, again) => {
                      setBookingFor({ patient, subject: again?.subject ?? null });
                      if (again) setLocationId(again.locationId);
                      setShowSettings(false);
                      setScreen("board");
                    }}
                  />
                )}
                {screen === "doctors" && <Doctors locations={locations.data} />}
                {screen === "hours" && <WorkingHours locations={locations.data} />}
                {screen === "setup" && <ClinicSetup />}
                {screen === "staff" && <Staff locations={locations.data} />}
                {screen === "audit" && <Audit />}
                {screen === "conflicts" && <Conflicts locations={locations.data} />}
              </ScreenBoundary>
              {screen === "board" && locations.data.length === 0 && <NoLocations onSetup={() => setScreen("setup")} />}
            </>
          )}
        </AppShell.Main>
      </AppShell>
    </AccessContext.Provider>
  );
}

/** Where the station is connected, and whether the database answers (the
 * sync task knows when it stopped answering, even with the link "ready"). */
function StationBadge({ status, online, stuck }: { status: StationStatus | null; online: boolean; stuck: boolean }) {
  const { t } = useTranslation();
  if (!status) return null;
  const where = status.mode === "demo" ? t("station.demo") : (status.settings.server?.host ?? t("station.server"));
  const phase = status.phase.phase;
  // Reachable but a queued change keeps failing: not "online" (the sync badge says which).
  const state = phase === "ready" && online ? (stuck ? "stuck" : "online") : phase === "connecting" ? "connecting" : "offline";
  // Text colours that read on white (4.5:1); offline is filled, with dark text (autoContrast).
  const color = state === "online" ? "clinic" : state === "connecting" ? "gray.7" : state === "stuck" ? "red.9" : "orange";
  return (
    <Badge
      size="lg"
      variant={state === "offline" ? "filled" : "white"}
      color={color}
      maw={260}
      title={state === "offline" ? t("sync.offlineHint") : where}
      leftSection={<span className={`dot dot-${state}`} aria-hidden="true" />}
    >
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

function NoLocations({ onSetup }: { onSetup: () => void }) {
  const { t } = useTranslation();
  return (
    <Paper maw={560} mx="auto" mt="xl" p="lg" withBorder>
      <Title order={2} size="h4">
        {t("board.noLocations")}
      </Title>
      <Button mt="sm" onClick={onSetup}>
        {t("nav.setup")}
      </Button>
    </Paper>
  );
}

/** Who is signed in, with "lock" (Ctrl+L) and "switch user". */
function SessionMenu({
  name,
  login,
  offline,
  onLock,
  onStatus,
}: {
  name: string;
  login: string;
  offline: boolean;
  onLock: () => void;
  onStatus: (status: StationStatus) => void;
}) {
  const { t } = useTranslation();
  const signOut = () => void commands.signOut().then((r) => r.status === "ok" && onStatus(r.data));
  return (
    <Menu position="bottom-end" withArrow shadow="md">
      <Menu.Target>
        <Button variant="subtle" color="white" c="white" px={6} maw={220} title={login} aria-label={t("staff.signedInAs", { name })}>
          <Text size="sm" truncate="end" c="white">
            {name}
            {offline && ` · ${t("lock.offlineMark")}`}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("staff.signedInAs", { name: login })}</Menu.Label>
        <Menu.Item onClick={onLock} rightSection={<Kbd size="xs">Ctrl+L</Kbd>}>
          {t("lock.lock")}
        </Menu.Item>
        <Menu.Item onClick={signOut}>{t("lock.switchUser")}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** What is not needed all day, in one menu so the header fits a 1024-pixel
 * window: settings, the keyboard shortcuts, the language. */
function StationMenu({
  singleKeys,
  onSingleKeys,
  onSettings,
}: {
  singleKeys: boolean;
  onSingleKeys: (on: boolean) => void;
  onSettings: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [keysOpen, setKeysOpen] = useState(false);
  return (
    <>
      <Menu position="bottom-end" withArrow shadow="md">
        <Menu.Target>
          {/* A gear, so the header fits 1024 px in every language; the name is the word. */}
          <Button variant="white" color="clinic" aria-label={t("app.settings")} title={t("app.settings")} px="sm">
            <span aria-hidden="true">⚙ ▾</span>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={onSettings}>{t("app.stationSettings")}</Menu.Item>
          <Menu.Item onClick={() => setKeysOpen(true)}>{t("keys.title")}</Menu.Item>
          <Menu.Divider />
          <Menu.Label>Language / Мова</Menu.Label>
          {LANGUAGES.map((l) => (
            <Menu.Item
              key={l}
              lang={l}
              aria-current={i18n.language === l ? "true" : undefined}
              leftSection={<span aria-hidden="true">{i18n.language === l ? "✓" : " "}</span>}
              onClick={() => {
                localStorage.setItem("language", l);
                void i18n.changeLanguage(l);
              }}
            >
              {l === "en" ? "English" : "Українська"}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      {keysOpen && <Shortcuts singleKeys={singleKeys} onSingleKeys={onSingleKeys} onClose={() => setKeysOpen(false)} />}
    </>
  );
}

/** The keyboard shortcuts, listed where staff can find them. */
function Shortcuts({
  singleKeys,
  onSingleKeys,
  onClose,
}: {
  singleKeys: boolean;
  onSingleKeys: (on: boolean) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    ["Ctrl+K  /", t("keys.search")],
    ["N", t("keys.newBooking")],
    ["W", t("keys.arrivals")],
    ["T", t("keys.today")],
    ["Ctrl+←  Ctrl+→", t("keys.day")],
    ["F1–F7", t("keys.screens")],
    ["Ctrl+L", t("lock.lock")],
    ["Enter", t("keys.open")],
    ["Ctrl+Enter", t("booking.bookKeys")],
    ["Esc", t("keys.close")],
  ];
  return (
    <Modal opened onClose={onClose} title={t("keys.title")}>
      <Stack gap="xs">
        <Table verticalSpacing={2} fz="sm">
          <Table.Tbody>
            {rows.map(([keys, what]) => (
              <Table.Tr key={keys}>
                <Table.Td>
                  <Kbd>{keys}</Kbd>
                </Table.Td>
                <Table.Td>{what}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Switch label={t("keys.singleKeys")} checked={singleKeys} onChange={(e) => onSingleKeys(e.currentTarget.checked)} />
      </Stack>
    </Modal>
  );
}

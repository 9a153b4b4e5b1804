// Who is at the desk: the sign-in screen (each staff member's own login), the
// lock screen (same member's password, or "switch user"), and the idle timer
// that locks the station. The station and the database decide; these screens
// only ask and say why not.
import { useEffect, useRef, useState } from "react";
import { Alert, Button, Checkbox, Group, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type SignInOutcome, type StationStatus } from "../../bindings";
import { call } from "../../api/call";
import { failureOf } from "../../errors";

/** What a refused sign-in says, in the person's language (the English
 * detail from the station goes underneath for the administrator), or why
 * the request itself failed. */
function Refusal({ outcome, failure }: { outcome: SignInOutcome | undefined; failure: string | null }) {
  const { t } = useTranslation();
  if (failure)
    return (
      <Alert color="red" role="alert">
        {failure}
      </Alert>
    );
  if (outcome?.outcome !== "refused") return null;
  return (
    <Alert color="red" role="alert" title={t(`signIn.refused.${outcome.reason}`)}>
      {outcome.reason !== "wrongPassword" && <Text size="sm">{outcome.message}</Text>}
    </Alert>
  );
}

export function SignInScreen({
  status,
  onStatus,
  onSettings,
}: {
  status: StationStatus;
  onStatus: (status: StationStatus) => void;
  onSettings: () => void;
}) {
  const { t } = useTranslation();
  const [login, setLogin] = useState(status.lastLogin ?? "");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const passwordField = useRef<HTMLInputElement>(null);
  const signIn = useMutation({
    mutationFn: (as: { login: string; password: string }) =>
      call(commands.signIn(as.login, as.password, remember && status.mode === "server")),
    onSuccess: (outcome) => {
      if (outcome.outcome === "signedIn") onStatus(outcome.status);
      else {
        setPassword("");
        passwordField.current?.focus();
      }
    },
  });
  const { fields, general } = failureOf(signIn.error);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    signIn.mutate({ login: login.trim(), password });
  };

  return (
    <Paper
      maw={status.demoLogins.length > 0 ? 560 : 460}
      mx="auto"
      mt={48}
      p="lg"
      withBorder
      component="main"
      aria-labelledby="sign-in-title"
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text fw={700} c="clinic.9">
            {t("app.title")}
          </Text>
          <Title order={1} size="h3" id="sign-in-title">
            {t("signIn.title")}
          </Title>
          <Text size="sm" c="dimmed">
            {status.mode === "demo" ? t("signIn.demoClinic") : t("signIn.server", { host: status.settings.server?.host ?? "" })}
          </Text>
          <TextInput
            label={t("signIn.login")}
            autoComplete="username"
            autoFocus={!login}
            value={login}
            onChange={(e) => setLogin(e.currentTarget.value)}
            error={fields.login}
          />
          <PasswordInput
            ref={passwordField}
            label={t("signIn.password")}
            autoComplete="current-password"
            autoFocus={!!login}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields.password}
          />
          {status.mode === "server" && (
            <Checkbox
              label={t("signIn.remember")}
              description={t("signIn.rememberHint")}
              checked={remember}
              onChange={(e) => setRemember(e.currentTarget.checked)}
            />
          )}
          <Refusal outcome={signIn.data} failure={general} />
          <Group justify="space-between">
            <Button type="submit" loading={signIn.isPending}>
              {t("signIn.submit")}
            </Button>
            <Button variant="subtle" onClick={onSettings}>
              {t("app.stationSettings")}
            </Button>
          </Group>
        </Stack>
      </form>
      {status.demoLogins.length > 0 && (
        <Stack gap={4} mt="lg" component="section" aria-labelledby="demo-logins">
          <Title order={2} size="h5" id="demo-logins">
            {t("signIn.demoTitle")}
          </Title>
          <Text size="sm">{t("signIn.demoHint")}</Text>
          <Table fz="sm" verticalSpacing={4}>
            <Table.Tbody>
              {status.demoLogins.map((demo) => (
                <Table.Tr key={demo.login}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {t(`staff.group.${demo.group}`)}
                    </Text>
                    <Text size="xs">{demo.fullName}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <code>{demo.login}</code>
                    <br />
                    <code>{demo.password}</code>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button size="compact-sm" variant="light" onClick={() => signIn.mutate({ login: demo.login, password: demo.password })}>
                      {t("signIn.as", { name: demo.login })}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Paper>
  );
}

export function LockScreen({ status, onStatus }: { status: StationStatus; onStatus: (status: StationStatus) => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const unlock = useMutation({
    mutationFn: () => call(commands.unlockStation(password)),
    onSuccess: (outcome) => {
      setPassword("");
      // Refused as disabled, the station signed them out: the alert says
      // so, and "switch user" leads to the sign-in screen.
      if (outcome.outcome === "signedIn") onStatus(outcome.status);
    },
  });
  const switchUser = useMutation({ mutationFn: () => call(commands.signOut()), onSuccess: (status) => onStatus(status) });
  const { general } = failureOf(unlock.error ?? switchUser.error);
  const name = status.session?.fullName ?? "";

  return (
    <Paper maw={460} mx="auto" mt={48} p="lg" withBorder component="main" aria-labelledby="lock-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          unlock.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={1} size="h3" id="lock-title">
            {t("lock.title")}
          </Title>
          <Text>{t("lock.signedIn", { name, login: status.session?.login ?? "" })}</Text>
          <PasswordInput
            label={t("signIn.password")}
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Refusal outcome={unlock.data} failure={general} />
          <Group justify="space-between">
            <Button type="submit" loading={unlock.isPending}>
              {t("lock.unlock")}
            </Button>
            <Button variant="default" onClick={() => switchUser.mutate()} loading={switchUser.isPending}>
              {t("lock.switchUser")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

const ACTIVITY = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

/** Calls `onIdle` once after `seconds` without keyboard, mouse or touch input
 * (0 or less: never). Any input starts the count again. */
export function useIdle(seconds: number, onIdle: () => void) {
  const idle = useRef(onIdle);
  idle.current = onIdle;
  useEffect(() => {
    if (seconds <= 0) return;
    let timer = window.setTimeout(() => idle.current(), seconds * 1000);
    const restart = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => idle.current(), seconds * 1000);
    };
    for (const event of ACTIVITY) window.addEventListener(event, restart, { passive: true, capture: true });
    return () => {
      window.clearTimeout(timer);
      for (const event of ACTIVITY) window.removeEventListener(event, restart, { capture: true });
    };
  }, [seconds]);
}

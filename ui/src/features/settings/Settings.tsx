// Connection settings: the clinic's PostgreSQL server (or the demo clinic),
// "Test connection" with a precise report (as a login typed here for the
// test; staff sign in with their own, and no password is saved). The database itself is set up and
// migrated by its administrator (clinic-admin), never from a desk.
import { type ReactNode, useState } from "react";
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, SERVER_PORT, type ServerSettings, type StationStatus, type TlsMode } from "../../bindings";
import { appError, call } from "../../api/call";
import { read } from "../../api/reads";
import { errorText } from "../../errors";
import { useServerForm } from "../../components/forms";

/** What the form edits: the server's fields as typed, and the update address. */
type SettingsFields = Omit<ServerSettings, "caFile"> & { caFile: string; updateEndpoint: string };

// A server elsewhere on the network: its certificate is checked by default.
const EMPTY_SERVER: ServerSettings = { host: "", port: 5432, database: "clinic", user: "", tls: "verifyFull", caFile: null };

function fieldsOf(server: ServerSettings | null, updateEndpoint?: string | null): SettingsFields {
  const shown = server ?? EMPTY_SERVER;
  return { ...shown, caFile: shown.caFile ?? "", updateEndpoint: updateEndpoint ?? "" };
}

function serverOf({ updateEndpoint: _, caFile, ...server }: SettingsFields): ServerSettings {
  return { ...server, caFile: caFile.trim() || null };
}

export function SettingsPanel({
  status,
  onStatus,
  onClose,
}: {
  status: StationStatus;
  onStatus: (status: StationStatus) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [useServer, setUseServer] = useState(status.settings.server !== null);
  const settings = useServerForm<SettingsFields>(fieldsOf(status.settings.server, status.settings.updateEndpoint));
  const { form } = settings;
  const values = form.getValues();
  const server = serverOf(values);
  const [password, setPassword] = useState("");

  const test = useMutation({
    mutationFn: () => call(commands.testConnection(server, password || null)),
    onMutate: settings.clear,
    onError: settings.refused,
  });
  const queues = useQuery(read.keptQueues());
  const address = (s: ServerSettings | null) => (s ? `${s.host}:${s.port}/${s.database}` : null);
  const current = queues.data?.find((q) => q.current);
  const leaving = current && address(current.server) !== address(useServer ? server : null) ? current.pending + current.conflicts : 0;
  // Changes still waiting for the server being left: said first, saved only when confirmed.
  const [confirming, setConfirming] = useState(false);
  const save = useMutation({
    mutationFn: (leavePending: boolean) =>
      call(
        commands.saveSettings({ server: useServer ? server : null, updateEndpoint: values.updateEndpoint.trim() || null }, leavePending),
      ),
    onMutate: settings.clear,
    onError: settings.refused,
    onSuccess: (saved) => {
      setConfirming(false);
      onStatus(saved);
    },
  });
  const others = (queues.data ?? []).filter((q) => !q.current && q.pending + q.conflicts > 0);

  const schema = status.schema;
  const busy = test.isPending || save.isPending;

  return (
    <Paper maw={760} mx="auto" mt="md" p="lg" withBorder component="section" aria-labelledby="settings-title">
      <Stack gap="sm">
        <Title order={2} size="h3" id="settings-title">
          {t("settings.title")}
        </Title>
        <Radio.Group label={t("settings.database")} value={useServer ? "server" : "demo"} onChange={(v) => setUseServer(v === "server")}>
          <Stack gap={6} mt={6}>
            <Radio value="demo" label={t("settings.useDemo")} />
            <Radio value="server" label={t("settings.useServer")} />
          </Stack>
        </Radio.Group>
        {useServer && (
          <Stack gap="xs" pl="md">
            <TextInput label={t("settings.host")} {...form.getInputProps("host")} />
            <NumberInput label={t("settings.port")} min={SERVER_PORT.min} max={SERVER_PORT.max} {...form.getInputProps("port")} />
            <TextInput label={t("settings.databaseName")} {...form.getInputProps("database")} />
            <TextInput label={t("settings.user")} {...form.getInputProps("user")} />
            <PasswordInput label={t("settings.password")} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Select
              label={t("settings.tls")}
              value={values.tls}
              allowDeselect={false}
              onChange={(v) => v && form.setFieldValue("tls", v as TlsMode)}
              data={[
                { value: "disable", label: t("settings.tlsDisable") },
                { value: "require", label: t("settings.tlsRequire") },
                { value: "verifyCa", label: t("settings.tlsVerifyCa") },
                { value: "verifyFull", label: t("settings.tlsVerifyFull") },
              ]}
            />
            {(server.tls === "verifyFull" || server.tls === "verifyCa") && (
              <Group align="end" gap="xs">
                <TextInput style={{ flex: 1 }} label={t("settings.caFile")} {...form.getInputProps("caFile")} />
                <Button
                  variant="default"
                  onClick={async () => {
                    const picked = await commands.chooseFile("caCertificate");
                    if (picked.status === "ok" && picked.data !== null) form.setFieldValue("caFile", picked.data);
                  }}
                >
                  {t("settings.browse")}
                </Button>
              </Group>
            )}
            <Group>
              <Button variant="default" onClick={() => test.mutate()} loading={test.isPending} disabled={busy}>
                {t("settings.test")}
              </Button>
            </Group>
            {test.data && (
              <Alert
                role="status"
                color={test.data.ok ? "green" : "red"}
                title={test.data.ok ? t("settings.connected") : t(`problem.${test.data.problem ?? "other"}`)}
              >
                {test.data.message}
                {test.data.serverVersion && ` (PostgreSQL ${test.data.serverVersion})`}
              </Alert>
            )}
            {test.data?.tlsWarning && (
              <Alert role="alert" color="orange" title={t("settings.tlsWarning")}>
                {test.data.tlsWarning}
              </Alert>
            )}
          </Stack>
        )}
        <UpdatePanel
          endpoint={values.updateEndpoint}
          onEndpoint={(endpoint) => form.setFieldValue("updateEndpoint", endpoint)}
          endpointError={form.errors.updateEndpoint}
        />
        {schema && (
          <Group gap="sm">
            <Text size="sm">
              {t("settings.schema", {
                database: schema.databaseSchema ?? t("settings.schemaNone"),
                app: schema.appSchema,
                version: schema.appVersion,
              })}
            </Text>
          </Group>
        )}
        {settings.general && (
          <Alert color="red" role="alert">
            {settings.general}
          </Alert>
        )}
        {others.length > 0 && (
          <Stack gap={4} component="section" aria-labelledby="kept-queues">
            <Text fw={600} id="kept-queues">
              {t("settings.keptQueues")}
            </Text>
            {others.map((q) => (
              <Group key={address(q.server)} gap="xs">
                <Text size="sm">
                  {address(q.server)} · {t("sync.pending", { count: q.pending })}
                  {q.conflicts > 0 && ` · ${t("sync.conflicts", { count: q.conflicts })}`}
                </Text>
                <Button
                  size="compact-sm"
                  variant="light"
                  onClick={() => {
                    setUseServer(true);
                    form.setValues(fieldsOf(q.server, values.updateEndpoint));
                  }}
                >
                  {t("settings.useThisServer")}
                </Button>
              </Group>
            ))}
          </Stack>
        )}
        {confirming && (
          <Alert color="orange" role="alert" title={t("settings.leavingTitle", { count: leaving })}>
            <Text size="sm">{t("settings.leavingHint", { server: address(current?.server ?? null) })}</Text>
            <Group mt="xs">
              <Button color="orange" onClick={() => save.mutate(true)} loading={save.isPending}>
                {t("settings.leaveAnyway")}
              </Button>
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t("settings.stay")}
              </Button>
            </Group>
          </Alert>
        )}
        {current && <RemoveClinicData waiting={current.pending + current.conflicts} onRemoved={onStatus} />}
        {save.isSuccess && <Text role="status">{t("settings.saved")}</Text>}
        <Group>
          <Button
            onClick={() => (leaving > 0 ? setConfirming(true) : save.mutate(false))}
            loading={save.isPending}
            disabled={busy || confirming}
          >
            {t("settings.save")}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t("settings.close")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** "Remove this clinic's data from this computer": the station's encrypted
 * copy (boards, patients, queued changes, offline sign-ins) and its key, for
 * a computer handed on or thrown away. Asks first; with changes still
 * waiting for the server, says how many and wants that loss confirmed. */
function RemoveClinicData({ waiting, onRemoved }: { waiting: number; onRemoved: (status: StationStatus) => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const remove = useMutation({
    mutationFn: async () => {
      await call(commands.removeClinicData(waiting > 0 && accepted));
      return call(commands.stationStatus());
    },
    onSuccess: (status) => onRemoved(status),
  });
  return (
    <Stack gap={4} component="section" aria-labelledby="clinic-data">
      <Text fw={600} id="clinic-data">
        {t("settings.clinicData")}
      </Text>
      <Text size="sm">{t("settings.clinicDataHint")}</Text>
      {asking ? (
        <Alert color="red" role="alert" title={t("settings.removeTitle")}>
          {waiting > 0 && (
            <Checkbox
              my="xs"
              label={t("settings.removeLoses", { count: waiting })}
              checked={accepted}
              onChange={(e) => setAccepted(e.currentTarget.checked)}
            />
          )}
          {remove.isError && <Text size="sm">{errorText(appError(remove.error))}</Text>}
          <Group mt="xs">
            <Button color="red.9" onClick={() => remove.mutate()} loading={remove.isPending} disabled={waiting > 0 && !accepted}>
              {t("settings.removeConfirm")}
            </Button>
            <Button variant="default" onClick={() => setAsking(false)}>
              {t("settings.stay")}
            </Button>
          </Group>
        </Alert>
      ) : (
        <Group>
          <Button variant="light" color="red" onClick={() => setAsking(true)}>
            {t("settings.remove")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** Where updates come from, and "check for updates" with the gate's verdict. */
function UpdatePanel({
  endpoint,
  onEndpoint,
  endpointError,
}: {
  endpoint: string;
  onEndpoint: (value: string) => void;
  endpointError?: ReactNode;
}) {
  const { t } = useTranslation();
  const check = useMutation({ mutationFn: () => call(commands.checkForUpdate()) });
  const install = useMutation({ mutationFn: () => call(commands.installUpdate()) });
  const offer = check.data;
  const failure = check.error ?? install.error;
  return (
    <Stack gap="xs">
      <TextInput
        label={t("settings.updateEndpoint")}
        description={t("settings.updateEndpointHint")}
        value={endpoint}
        onChange={(e) => onEndpoint(e.currentTarget.value)}
        error={endpointError}
      />
      <Group>
        <Button variant="default" onClick={() => check.mutate()} loading={check.isPending}>
          {t("settings.checkUpdates")}
        </Button>
        {check.isSuccess && offer === null && <Text size="sm">{t("settings.upToDate")}</Text>}
      </Group>
      {offer && (
        <Alert
          color={offer.verdict.verdict === "refused" ? "orange" : "clinic"}
          title={t("settings.updateOffered", { version: offer.version, current: offer.currentVersion })}
          role="status"
        >
          {offer.notes && <Text size="sm">{offer.notes}</Text>}
          {offer.verdict.verdict === "refused" ? (
            <Text size="sm">{offer.verdict.reason}</Text>
          ) : (
            <Button mt="xs" onClick={() => install.mutate()} loading={install.isPending}>
              {t("settings.install")}
            </Button>
          )}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert">
          {errorText(appError(failure))}
        </Alert>
      )}
    </Stack>
  );
}

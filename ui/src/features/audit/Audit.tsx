// The audit trail (auditors and managers): who did what, when, from which
// station, newest first. Each entry says whether its hash still verifies;
// one that does not was changed or removed behind the database's back and
// is shown in red. The filtered list exports to CSV (itself recorded).
import { useState } from "react";
import { Alert, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type UseQueryOptions, useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type AuditAction, type AuditEvent, type AuditFilter } from "../../bindings";
import { call } from "../../api/call";
import { read } from "../../api/reads";
import { DateField } from "../../components/DateField";
import { failureOf } from "../../errors";
import { useFormats } from "../../format";

const ACTIONS: AuditAction[] = ["insert", "update", "delete", "statusChange", "view", "download", "export", "print", "signIn"];

/** The start of a local date as an instant (the station's own zone). */
function startOf(date: string): string | null {
  return date ? new Date(`${date}T00:00:00`).toISOString() : null;
}

export function Audit() {
  const { t } = useTranslation();
  // DateField speaks "" for no date (the fields are optional).
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [login, setLogin] = useState("");
  const [station, setStation] = useState("");
  const [action, setAction] = useState<AuditAction | "">("");
  const filter: AuditFilter = {
    since: startOf(since),
    // Through the chosen day: up to the start of the next.
    until: until ? new Date(new Date(`${until}T00:00:00`).getTime() + 86_400_000).toISOString() : null,
    login,
    patientId: null,
    station,
    action: action || null,
  };
  const events = useQuery(read.auditEvents(filter));
  const exported = useMutation({
    mutationFn: async () => {
      const path = await call(commands.chooseSavePath("auditCsv", "audit-trail.csv"));
      return path ? call(commands.exportAuditCsv(filter, path)) : null;
    },
  });
  const failure = failureOf(events.error ?? exported.error);
  const broken = (events.data ?? []).filter((e) => !e.verified).length;

  return (
    <Stack gap="sm" maw={1180}>
      <Title order={2} size="h3">
        {t("audit.title")}
      </Title>
      <Group align="end" gap="sm">
        <DateField label={t("audit.since")} value={since} onChange={setSince} w={140} optional />
        <DateField label={t("audit.until")} value={until} onChange={setUntil} w={140} error={failure.fields.until} optional />
        <TextInput label={t("audit.login")} value={login} onChange={(e) => setLogin(e.currentTarget.value)} w={150} />
        <TextInput label={t("audit.station")} value={station} onChange={(e) => setStation(e.currentTarget.value)} w={150} />
        <NativeSelect
          label={t("audit.action")}
          value={action}
          onChange={(e) => setAction(e.currentTarget.value as AuditAction | "")}
          data={[{ value: "", label: t("audit.anyAction") }, ...ACTIONS.map((a) => ({ value: a, label: t(`audit.actions.${a}`) }))]}
          w={170}
        />
        <Button variant="default" onClick={() => exported.mutate()} loading={exported.isPending}>
          {t("audit.export")}
        </Button>
      </Group>
      {exported.data != null && (
        <Text size="sm" role="status">
          {t("audit.exported", { count: exported.data })}
        </Text>
      )}
      {failure.general && (
        <Alert color="red" role="alert">
          {failure.general}
        </Alert>
      )}
      {broken > 0 && (
        <Alert color="red" role="alert" title={t("audit.brokenTitle", { count: broken })}>
          {t("audit.brokenHint")}
        </Alert>
      )}
      <AuditTable events={events.data ?? []} withSubject />
    </Stack>
  );
}

/** Events as rows; one whose hash does not verify is marked in red. */
export function AuditTable({ events, withSubject }: { events: AuditEvent[]; withSubject?: boolean }) {
  const { t } = useTranslation();
  const formats = useFormats();
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("audit.none")}
      </Text>
    );
  }
  return (
    <Table striped withTableBorder fz="sm" aria-label={t("audit.title")}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("audit.when")}</Table.Th>
          <Table.Th>{t("audit.login")}</Table.Th>
          <Table.Th>{t("audit.station")}</Table.Th>
          <Table.Th>{t("audit.action")}</Table.Th>
          {withSubject && <Table.Th>{t("audit.subject")}</Table.Th>}
          <Table.Th>{t("audit.changes")}</Table.Th>
          <Table.Th>{t("audit.verified")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((e) => (
          <Table.Tr
            key={e.eventId}
            data-verified={e.verified}
            style={e.verified ? undefined : { background: "var(--mantine-color-red-0)" }}
          >
            <Table.Td>{formats.dateTime(e.at)}</Table.Td>
            <Table.Td>{e.login}</Table.Td>
            <Table.Td>{e.station}</Table.Td>
            <Table.Td>{t(`audit.actions.${e.action}`)}</Table.Td>
            {withSubject && (
              <Table.Td>
                {e.tableName}
                {e.rowId ? ` ${e.rowId.slice(0, 8)}` : ""}
              </Table.Td>
            )}
            <Table.Td>
              {e.changes.map((c) => (
                <div key={c.column}>
                  {c.column}: {c.old ?? "—"} → {c.new ?? "—"}
                </div>
              ))}
            </Table.Td>
            <Table.Td>
              <Text size="sm" fw={600} c={e.verified ? "clinic.9" : "red.9"}>
                {e.verified ? `✓ ${t("audit.ok")}` : `✗ ${t("audit.notVerified")}`}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A record's own trail (a booking's, a patient's), loaded when asked for. */
export function Trail({
  query,
  withSubject,
}: {
  query: UseQueryOptions<AuditEvent[], Error, AuditEvent[], readonly unknown[]>;
  withSubject?: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const trail = useQuery({ ...query, enabled: open });
  return (
    <Stack gap={4} align="start">
      <Button variant="subtle" size="compact-sm" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {open ? t("audit.hideTrail") : t("audit.showTrail")}
      </Button>
      {open && <AuditTable events={trail.data ?? []} withSubject={withSubject} />}
    </Stack>
  );
}

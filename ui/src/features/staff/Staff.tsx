// Staff accounts (managers): who works here, in which groups, where, and
// whether they may sign in. Each account is the person's own database login;
// the database's staff functions decide who may change them.
import { useState } from "react";
import { Alert, Button, Checkbox, Code, Group, MultiSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, STAFF_GROUPS, type IssuedPassword, type Location, type StaffGroup, type StaffMember } from "../../bindings";
import { call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { failureOf } from "../../errors";
import { FormOf, useServerForm } from "../../components/forms";
import { useLogin } from "../../access";

export function Staff({ locations }: { locations: Location[] }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const staff = useQuery(read.listStaff());
  // The database refuses disabling one's own login (a clinic could lose its last manager).
  const me = useLogin();
  // The password just issued: shown once, until the manager closes it.
  const [issued, setIssued] = useState<IssuedPassword | null>(null);
  const refresh = () => void refetch(queries, "listStaff");
  // A new or reset password is shown once, and the list shows the change.
  const issue = (result: IssuedPassword) => {
    setIssued(result);
    refresh();
  };
  const active = useMutation({
    mutationFn: (m: StaffMember) => call(commands.setStaffActive(m.login, !m.active)),
    onSuccess: refresh,
  });
  const reset = useMutation({
    mutationFn: (m: StaffMember) => call(commands.resetStaffPassword(m.login)),
    onSuccess: issue,
  });
  const failure = failureOf(active.error ?? reset.error);
  const placeName = (id: number) => locations.find((l) => l.id === id)?.name ?? `#${id}`;

  return (
    <Stack gap="md" maw={960}>
      <Title order={2} size="h3">
        {t("staff.title")}
      </Title>
      {issued && <IssuedNotice issued={issued} onDone={() => setIssued(null)} />}
      <Table striped withTableBorder fz="sm" aria-label={t("staff.title")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("staff.login")}</Table.Th>
            <Table.Th>{t("staff.fullName")}</Table.Th>
            <Table.Th>{t("staff.groups")}</Table.Th>
            <Table.Th>{t("staff.locations")}</Table.Th>
            <Table.Th>{t("staff.state")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(staff.data ?? []).map((m) => (
            <Table.Tr key={m.login}>
              <Table.Td>
                <Code>{m.login}</Code>
              </Table.Td>
              <Table.Td>{m.fullName}</Table.Td>
              <Table.Td>{m.groups.map((g) => t(`staff.group.${g}`)).join(", ")}</Table.Td>
              <Table.Td>{m.locationIds.length === 0 ? t("staff.everywhere") : m.locationIds.map(placeName).join(", ")}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600} c={m.active ? "clinic.9" : "gray.7"}>
                  {m.active ? `● ${t("staff.active")}` : `○ ${t("staff.disabled")}`}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {m.login !== me && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => active.mutate(m)}
                      aria-label={`${m.active ? t("staff.disable") : t("staff.enable")}: ${m.fullName}`}
                    >
                      {m.active ? t("staff.disable") : t("staff.enable")}
                    </Button>
                  )}
                  <Button
                    size="compact-sm"
                    variant="default"
                    onClick={() => reset.mutate(m)}
                    aria-label={`${t("staff.resetPassword")}: ${m.fullName}`}
                  >
                    {t("staff.resetPassword")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {failure.general && (
        <Alert color="red" role="alert">
          {failure.general}
        </Alert>
      )}
      <NewMember locations={locations} onAdded={issue} />
    </Stack>
  );
}

/** The initial (or new) password, shown once: the server keeps only its verifier. */
function IssuedNotice({ issued, onDone }: { issued: IssuedPassword; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="clinic" role="status" title={t("staff.passwordFor", { name: issued.member.fullName })}>
      <Stack gap={6}>
        <Text size="sm">{t("staff.passwordOnce")}</Text>
        <Group gap="xs">
          <Code fz="lg" data-testid="issued-password">
            {issued.password}
          </Code>
          <Button size="compact-sm" onClick={onDone}>
            {t("staff.passwordNoted")}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

type NewMemberFields = { login: string; fullName: string; groups: StaffGroup[]; locationIds: string[] };
const NO_ONE: NewMemberFields = { login: "", fullName: "", groups: ["reception"], locationIds: [] };

function NewMember({ locations, onAdded }: { locations: Location[]; onAdded: (issued: IssuedPassword) => void }) {
  const { t } = useTranslation();
  const server = useServerForm<NewMemberFields>(NO_ONE);
  const { form } = server;
  const add = useMutation({
    mutationFn: (fields: NewMemberFields) => call(commands.addStaffMember({ ...fields, locationIds: fields.locationIds.map(Number) })),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: (result) => {
      form.reset();
      onAdded(result);
    },
  });
  return (
    <FormOf form={server} onSubmit={(fields) => add.mutate(fields)}>
      <Stack gap="xs" component="section" aria-labelledby="new-member">
        <Title order={3} size="h4" id="new-member">
          {t("staff.add")}
        </Title>
        <Group align="start" gap="sm">
          <TextInput label={t("staff.login")} description={t("staff.loginHint")} w={220} {...form.getInputProps("login")} />
          <TextInput label={t("staff.fullName")} w={260} {...form.getInputProps("fullName")} />
        </Group>
        <Checkbox.Group label={t("staff.groups")} {...form.getInputProps("groups")}>
          <Group gap="md" mt={4}>
            {STAFF_GROUPS.map((g) => (
              <Checkbox key={g} value={g} label={t(`staff.group.${g}`)} description={t(`staff.groupHint.${g}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <MultiSelect
          label={t("staff.locations")}
          description={t("staff.locationsHint")}
          placeholder={t("staff.everywhere")}
          data={locations.map((l) => ({ value: String(l.id), label: l.name }))}
          w={420}
          clearable
          {...form.getInputProps("locationIds")}
        />
        {server.general && (
          <Alert color="red" role="alert">
            {server.general}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={add.isPending}>
            {t("staff.addButton")}
          </Button>
        </Group>
      </Stack>
    </FormOf>
  );
}

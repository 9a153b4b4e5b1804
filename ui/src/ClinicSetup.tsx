// The clinic's catalogue: locations (time zone, slot grid), specialties, and
// diagnostics with where each is offered and how many can run at once.
import { useState } from "react";
import { Alert, Badge, Button, Drawer, Group, NumberInput, Select, Stack, Table, Tabs, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Diagnostic, type DiagnosticInput, type Location, type LocationInput, type Specialty } from "./bindings";
import { call } from "./api";
import { failureOf } from "./errors";
import { useFormats } from "./format";

export function ClinicSetup() {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="locations" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="locations">{t("setup.locations")}</Tabs.Tab>
        <Tabs.Tab value="specialties">{t("setup.specialties")}</Tabs.Tab>
        <Tabs.Tab value="diagnostics">{t("setup.diagnostics")}</Tabs.Tab>
        <Tabs.Tab value="policy">{t("setup.policy")}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="locations" pt="sm">
        <Locations />
      </Tabs.Panel>
      <Tabs.Panel value="specialties" pt="sm">
        <Specialties />
      </Tabs.Panel>
      <Tabs.Panel value="diagnostics" pt="sm">
        <Diagnostics />
      </Tabs.Panel>
      <Tabs.Panel value="policy" pt="sm">
        <Policy />
      </Tabs.Panel>
    </Tabs>
  );
}

function GeneralError({ text }: { text: string | null }) {
  return text ? (
    <Alert color="red" role="alert">
      {text}
    </Alert>
  ) : null;
}

// The webview's list may still spell Kyiv the old way; the clinic's zone is always offered.
const ZONES = [...new Set([...(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []), "Europe/Kyiv", "UTC"])].sort();
const GRIDS = [5, 10, 15, 20, 30, 60];

function Locations() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Location | "new" | null>(null);
  const list = useQuery({ queryKey: ["locations", "all"], queryFn: () => call(commands.listLocations(true)) });
  const active = useMutation({
    mutationFn: (l: Location) => call(commands.setLocationActive(l.id, !l.isActive)),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ["locations"] }),
  });
  return (
    <Stack gap="xs">
      <Group>
        <Button onClick={() => setEditing("new")}>{t("setup.newLocation")}</Button>
      </Group>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("setup.name")}</Table.Th>
            <Table.Th>{t("setup.address")}</Table.Th>
            <Table.Th>{t("setup.timeZone")}</Table.Th>
            <Table.Th>{t("setup.grid")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((l) => (
            <Table.Tr key={l.id}>
              <Table.Td>
                {l.name} {!l.isActive && <Badge color="gray">{t("doctors.inactive")}</Badge>}
              </Table.Td>
              <Table.Td>{l.address}</Table.Td>
              <Table.Td>{l.timeZone}</Table.Td>
              <Table.Td>{t("setup.minutes", { count: l.gridMinutes })}</Table.Td>
              <Table.Td w={1}>
                <Group gap={4} wrap="nowrap">
                  <Button size="compact-sm" variant="light" onClick={() => setEditing(l)}>
                    {t("setup.edit")}
                  </Button>
                  <Button size="compact-sm" variant="subtle" color={l.isActive ? "red" : "clinic"} onClick={() => active.mutate(l)}>
                    {l.isActive ? t("doctors.deactivate") : t("doctors.activate")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && <LocationEditor location={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function LocationEditor({ location, onClose }: { location: Location | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [form, setForm] = useState<LocationInput>(
    location ?? { name: "", address: "", phone: "", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, gridMinutes: 15 },
  );
  const save = useMutation({
    mutationFn: () =>
      call(
        location
          ? commands.updateLocation(location.id, location.rowVersion, {
              name: form.name,
              address: form.address,
              phone: form.phone,
              timeZone: form.timeZone,
              gridMinutes: form.gridMinutes,
            })
          : commands.createLocation(form),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["locations"] });
      onClose();
    },
  });
  const { fields, general } = failureOf(save.error);
  const update = (patch: Partial<LocationInput>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <Drawer opened onClose={onClose} position="right" title={location ? location.name : t("setup.newLocation")}>
      <Stack gap="xs">
        <TextInput label={t("setup.name")} required value={form.name} onChange={(e) => update({ name: e.currentTarget.value })} error={fields.name} />
        <TextInput label={t("setup.address")} required value={form.address} onChange={(e) => update({ address: e.currentTarget.value })} error={fields.address} />
        <TextInput label={t("booking.phone")} value={form.phone ?? ""} onChange={(e) => update({ phone: e.currentTarget.value })} error={fields.phone} />
        <Select label={t("setup.timeZone")} searchable value={form.timeZone} onChange={(v) => v && update({ timeZone: v })} data={ZONES} error={fields.timeZone} allowDeselect={false} />
        <Select label={t("setup.grid")} value={String(form.gridMinutes)} onChange={(v) => v && update({ gridMinutes: Number(v) })} data={GRIDS.map((m) => ({ value: String(m), label: t("setup.minutes", { count: m }) }))} error={fields.gridMinutes} allowDeselect={false} />
        <GeneralError text={general} />
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          {t("doctors.save")}
        </Button>
      </Stack>
    </Drawer>
  );
}

function Specialties() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const list = useQuery({ queryKey: ["specialties", "all"], queryFn: () => call(commands.listSpecialties(true)) });
  const refresh = () => void queries.invalidateQueries({ queryKey: ["specialties"] });
  const create = useMutation({
    mutationFn: () => call(commands.createSpecialty(name)),
    onSuccess: () => {
      setName("");
      refresh();
    },
  });
  const { fields, general } = failureOf(create.error);
  return (
    <Stack gap="xs" maw={640}>
      <Group align="start">
        <TextInput label={t("setup.newSpecialty")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} />
        <Button mt={24} onClick={() => create.mutate()} loading={create.isPending}>
          {t("setup.add")}
        </Button>
      </Group>
      <GeneralError text={general} />
      <Table striped withTableBorder>
        <Table.Tbody>
          {(list.data ?? []).map((s) => (
            <SpecialtyRow key={`${s.id}-${s.rowVersion}`} specialty={s} onChanged={refresh} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function SpecialtyRow({ specialty, onChanged }: { specialty: Specialty; onChanged: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(specialty.name);
  const rename = useMutation({ mutationFn: () => call(commands.renameSpecialty(specialty.id, specialty.rowVersion, name)), onSuccess: onChanged });
  const active = useMutation({ mutationFn: () => call(commands.setSpecialtyActive(specialty.id, !specialty.isActive)), onSuccess: onChanged });
  const { fields, general } = failureOf(rename.error);
  return (
    <Table.Tr>
      <Table.Td>
        <TextInput aria-label={t("setup.name")} size="xs" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name ?? general} />
      </Table.Td>
      <Table.Td w={1}>
        <Group gap={4} wrap="nowrap">
          {!specialty.isActive && <Badge color="gray">{t("doctors.inactive")}</Badge>}
          <Button size="compact-sm" variant="light" disabled={name === specialty.name} onClick={() => rename.mutate()}>
            {t("setup.rename")}
          </Button>
          <Button size="compact-sm" variant="subtle" color={specialty.isActive ? "red" : "clinic"} onClick={() => active.mutate()}>
            {specialty.isActive ? t("doctors.deactivate") : t("doctors.activate")}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function Diagnostics() {
  const { t } = useTranslation();
  const formats = useFormats();
  const [editing, setEditing] = useState<Diagnostic | "new" | null>(null);
  const list = useQuery({ queryKey: ["diagnostics", "all"], queryFn: () => call(commands.listDiagnostics(true)) });
  return (
    <Stack gap="xs">
      <Group>
        <Button onClick={() => setEditing("new")}>{t("setup.newDiagnostic")}</Button>
      </Group>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("setup.diagnostic")}</Table.Th>
            <Table.Th ta="right">{t("detail.price")}</Table.Th>
            <Table.Th>{t("doctors.slotMinutes")}</Table.Th>
            <Table.Th>{t("setup.offeredAt")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                {d.typeName} {!d.isActive && <Badge color="gray">{t("doctors.inactive")}</Badge>}
              </Table.Td>
              <Table.Td ta="right">{formats.money(d.price)}</Table.Td>
              <Table.Td>{d.slotMinutes}</Table.Td>
              <Table.Td>{t("setup.locationCount", { count: d.clinicCount })}</Table.Td>
              <Table.Td w={1}>
                <Button size="compact-sm" variant="light" onClick={() => setEditing(d)}>
                  {t("setup.edit")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && <DiagnosticEditor diagnostic={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function DiagnosticEditor({ diagnostic, onClose }: { diagnostic: Diagnostic | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [current, setCurrent] = useState(diagnostic);
  const [form, setForm] = useState<DiagnosticInput>(
    diagnostic ? { typeName: diagnostic.typeName, description: diagnostic.description, price: diagnostic.price, slotMinutes: diagnostic.slotMinutes } : { typeName: "", description: "", price: "", slotMinutes: 30 },
  );
  const refresh = () => void queries.invalidateQueries({ queryKey: ["diagnostics"] });
  const save = useMutation({
    mutationFn: () => call(current ? commands.updateDiagnostic(current.id, current.rowVersion, form) : commands.createDiagnostic(form)),
    onSuccess: (saved) => {
      setCurrent(saved);
      refresh();
    },
  });
  const active = useMutation({
    mutationFn: () => call(commands.setDiagnosticActive(current!.id, !current!.isActive)),
    onSuccess: (saved) => {
      setCurrent(saved);
      refresh();
    },
  });
  const { fields, general } = failureOf(save.error);
  const update = (patch: Partial<DiagnosticInput>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={current ? current.typeName : t("setup.newDiagnostic")}>
      <Stack gap="xs">
        <TextInput label={t("setup.diagnostic")} required value={form.typeName} onChange={(e) => update({ typeName: e.currentTarget.value })} error={fields.typeName} />
        <Textarea label={t("setup.description")} autosize minRows={2} value={form.description ?? ""} onChange={(e) => update({ description: e.currentTarget.value })} error={fields.description} />
        <Group grow align="start">
          <TextInput label={t("doctors.price")} required inputMode="decimal" value={form.price} onChange={(e) => update({ price: e.currentTarget.value })} error={fields.price} />
          <NumberInput label={t("doctors.slotMinutes")} min={5} max={480} step={5} value={form.slotMinutes} onChange={(v) => update({ slotMinutes: Number(v) })} error={fields.slotMinutes} />
        </Group>
        <GeneralError text={general} />
        {save.isSuccess && (
          <Text size="sm" c="clinic.9" role="status">
            {t("doctors.saved")}
          </Text>
        )}
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {current ? t("doctors.save") : t("doctors.create")}
          </Button>
          {current && (
            <Button variant="light" color={current.isActive ? "red" : "clinic"} onClick={() => active.mutate()}>
              {current.isActive ? t("doctors.deactivate") : t("doctors.activate")}
            </Button>
          )}
        </Group>
        {current && <Offers diagnostic={current} />}
      </Stack>
    </Drawer>
  );
}

/** Where a diagnostic is offered, with its capacity there. */
function Offers({ diagnostic }: { diagnostic: Diagnostic }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const key = ["diagnosticOffers", diagnostic.id];
  const offers = useQuery({ queryKey: key, queryFn: () => call(commands.diagnosticOffers(diagnostic.id)) });
  const locations = useQuery({ queryKey: ["locations"], queryFn: () => call(commands.listLocations(false)) });
  const [locationId, setLocationId] = useState<string | null>(null);
  const [capacity, setCapacity] = useState(1);
  const changed = (saved: unknown) => {
    queries.setQueryData(key, saved);
    void queries.invalidateQueries({ queryKey: ["diagnostics"] });
    void queries.invalidateQueries({ queryKey: ["dayBoard"] });
  };
  const offer = useMutation({ mutationFn: ({ at, lanes }: { at: number; lanes: number }) => call(commands.offerDiagnostic(diagnostic.id, at, lanes)), onSuccess: changed });
  const withdraw = useMutation({ mutationFn: (at: number) => call(commands.withdrawDiagnostic(diagnostic.id, at)), onSuccess: changed });
  const { fields, general } = failureOf(offer.error ?? withdraw.error);
  const offered = new Set((offers.data ?? []).map((o) => o.locationId));
  return (
    <Stack gap="xs" mt="sm">
      <Text fw={600}>{t("setup.offeredAt")}</Text>
      <Table striped withTableBorder fz="sm">
        <Table.Tbody>
          {(offers.data ?? []).map((o) => (
            <Table.Tr key={o.locationId}>
              <Table.Td>{o.locationName}</Table.Td>
              <Table.Td w={150}>
                <NumberInput
                  size="xs"
                  aria-label={t("setup.capacityAt", { location: o.locationName })}
                  min={1}
                  max={50}
                  defaultValue={o.capacity}
                  onBlur={(e) => Number(e.currentTarget.value) !== o.capacity && offer.mutate({ at: o.locationId, lanes: Number(e.currentTarget.value) })}
                />
              </Table.Td>
              <Table.Td w={1}>
                <Button size="compact-sm" variant="subtle" color="red" onClick={() => withdraw.mutate(o.locationId)}>
                  {t("setup.withdraw")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="end">
        <Select
          label={t("setup.offerAt")}
          value={locationId}
          onChange={setLocationId}
          data={(locations.data ?? []).filter((l) => !offered.has(l.id)).map((l) => ({ value: String(l.id), label: l.name }))}
        />
        <NumberInput label={t("setup.capacity")} min={1} max={50} value={capacity} onChange={(v) => setCapacity(Number(v))} error={fields.capacity} w={120} />
        <Button disabled={!locationId} onClick={() => offer.mutate({ at: Number(locationId), lanes: capacity })}>
          {t("setup.add")}
        </Button>
      </Group>
      <GeneralError text={general} />
    </Stack>
  );
}

/** The clinic's policies: the late-cancellation notice (in hours, stored in
 * minutes), when an idle desk locks, how long offline sign-in is allowed. */
function Policy() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const policy = useQuery({ queryKey: ["clinicPolicy"], queryFn: () => call(commands.clinicPolicy()) });
  const [hours, setHours] = useState<number | string | null>(null);
  const [lockAfter, setLockAfter] = useState<number | string | null>(null);
  const [offlineDays, setOfflineDays] = useState<number | string | null>(null);
  const shown = hours ?? (policy.data ? policy.data.lateCancelNoticeMinutes / 60 : "");
  const shownLock = lockAfter ?? policy.data?.lockAfterMinutes ?? "";
  const shownOffline = offlineDays ?? policy.data?.offlineSignInDays ?? "";
  const save = useMutation({
    mutationFn: () =>
      call(
        commands.setClinicPolicy({
          lateCancelNoticeMinutes: Math.round(Number(shown) * 60),
          lockAfterMinutes: Number(shownLock),
          offlineSignInDays: Number(shownOffline),
        }),
      ),
    onSuccess: (saved) => {
      queries.setQueryData(["clinicPolicy"], saved);
      setHours(null);
      setLockAfter(null);
      setOfflineDays(null);
    },
  });
  const failure = failureOf(save.error);
  const unsaved = hours !== null || lockAfter !== null || offlineDays !== null;
  return (
    <Stack maw={420} gap="sm">
      <NumberInput
        label={t("cancel.notice")}
        description={t("cancel.noticeHint")}
        value={shown}
        onChange={setHours}
        min={0}
        step={1}
        decimalScale={2}
        error={failure.fields.lateCancelNoticeMinutes}
      />
      <NumberInput
        label={t("policy.lockAfter")}
        description={t("policy.lockAfterHint")}
        value={shownLock}
        onChange={setLockAfter}
        step={1}
        allowDecimal={false}
        error={failure.fields.lockAfterMinutes}
      />
      <NumberInput
        label={t("policy.offlineDays")}
        description={t("policy.offlineDaysHint")}
        value={shownOffline}
        onChange={setOfflineDays}
        step={1}
        allowDecimal={false}
        error={failure.fields.offlineSignInDays}
      />
      {failure.general && (
        <Alert color="red" role="alert">
          {failure.general}
        </Alert>
      )}
      {save.isSuccess && !unsaved && (
        <Text size="sm" c="clinic.9" role="status">
          {t("doctors.saved")}
        </Text>
      )}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending} disabled={shown === "" || shownLock === "" || shownOffline === ""}>
          {t("doctors.save")}
        </Button>
      </Group>
    </Stack>
  );
}

// The clinic's catalogue: locations (time zone, slot grid), specialties, and
// diagnostics with where each is offered and how many can run at once.
import { useState } from "react";
import { Alert, Badge, Button, Drawer, Group, NumberInput, Select, Stack, Table, Tabs, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  DIAGNOSTIC_CAPACITY,
  GRID_MINUTES,
  LATE_CANCEL_NOTICE_MINUTES,
  LOCK_AFTER_MINUTES,
  OFFLINE_SIGN_IN_DAYS,
  HOLD_MINUTES,
  SLOT_MINUTES,
  type ClinicPolicy,
  type Diagnostic,
  type DiagnosticOffer,
  type DiagnosticInput,
  type Location,
  type LocationInput,
  type Specialty,
} from "../../bindings";
import { call } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { FormOf, useServerForm } from "../../components/forms";
import { failureOf } from "../../errors";
import { useFormats } from "../../format";

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
const ZONES = [
  ...new Set([...(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []), "Europe/Kyiv", "UTC"]),
].sort();

function Locations() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Location | "new" | null>(null);
  const list = useQuery(read.listLocations(true));
  const active = useMutation({
    mutationFn: (l: Location) => call(commands.setLocationActive(l.id, !l.isActive)),
    onSuccess: () => void refetch(queries, "listLocations"),
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
  const server = useServerForm<LocationInput>(
    location
      ? {
          name: location.name,
          address: location.address,
          phone: location.phone,
          timeZone: location.timeZone,
          gridMinutes: location.gridMinutes,
        }
      : { name: "", address: "", phone: "", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, gridMinutes: 15 },
  );
  const { form } = server;
  const save = useMutation({
    mutationFn: (input: LocationInput) =>
      call(location ? commands.updateLocation(location.id, location.rowVersion, input) : commands.createLocation(input)),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: () => {
      void refetch(queries, "listLocations");
      onClose();
    },
  });
  const values = form.getValues();
  return (
    <Drawer opened onClose={onClose} position="right" title={location ? location.name : t("setup.newLocation")}>
      <FormOf form={server} onSubmit={(input) => save.mutate(input)}>
        <Stack gap="xs">
          <TextInput label={t("setup.name")} required {...form.getInputProps("name")} />
          <TextInput label={t("setup.address")} required {...form.getInputProps("address")} />
          <TextInput label={t("booking.phone")} {...form.getInputProps("phone")} />
          <Select label={t("setup.timeZone")} searchable data={ZONES} allowDeselect={false} {...form.getInputProps("timeZone")} />
          <Select
            label={t("setup.grid")}
            value={String(values.gridMinutes)}
            onChange={(v) => v && form.setFieldValue("gridMinutes", Number(v))}
            data={GRID_MINUTES.map((m) => ({ value: String(m), label: t("setup.minutes", { count: m }) }))}
            error={form.errors.gridMinutes}
            allowDeselect={false}
          />
          <GeneralError text={server.general} />
          <Button type="submit" loading={save.isPending}>
            {t("doctors.save")}
          </Button>
        </Stack>
      </FormOf>
    </Drawer>
  );
}

function Specialties() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const list = useQuery(read.listSpecialties(true));
  const refresh = () => void refetch(queries, "listSpecialties");
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
  const rename = useMutation({
    mutationFn: () => call(commands.renameSpecialty(specialty.id, specialty.rowVersion, name)),
    onSuccess: onChanged,
  });
  const active = useMutation({
    mutationFn: () => call(commands.setSpecialtyActive(specialty.id, !specialty.isActive)),
    onSuccess: onChanged,
  });
  const { fields, general } = failureOf(rename.error);
  return (
    <Table.Tr>
      <Table.Td>
        <TextInput
          aria-label={t("setup.name")}
          size="xs"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fields.name ?? general}
        />
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
  const list = useQuery(read.listDiagnostics(true));
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
  const server = useServerForm<DiagnosticInput>(
    diagnostic
      ? {
          typeName: diagnostic.typeName,
          description: diagnostic.description,
          preparation: diagnostic.preparation ?? "",
          price: diagnostic.price,
          slotMinutes: diagnostic.slotMinutes,
        }
      : { typeName: "", description: "", preparation: "", price: "", slotMinutes: 30 },
  );
  const { form } = server;
  const refresh = () => void refetch(queries, "listDiagnostics");
  const save = useMutation({
    mutationFn: (input: DiagnosticInput) =>
      call(current ? commands.updateDiagnostic(current.id, current.rowVersion, input) : commands.createDiagnostic(input)),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: (saved) => {
      setCurrent(saved);
      form.resetDirty();
      refresh();
    },
  });
  const active = useMutation({
    mutationFn: (shown: Diagnostic) => call(commands.setDiagnosticActive(shown.id, !shown.isActive)),
    onSuccess: (saved) => {
      setCurrent(saved);
      refresh();
    },
  });
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={current ? current.typeName : t("setup.newDiagnostic")}>
      <Stack gap="xs">
        <FormOf form={server} onSubmit={(input) => save.mutate(input)}>
          <Stack gap="xs">
            <TextInput label={t("setup.diagnostic")} required {...form.getInputProps("typeName")} />
            <Textarea label={t("setup.description")} autosize minRows={2} {...form.getInputProps("description")} />
            <Textarea
              label={t("setup.preparation")}
              description={t("setup.preparationHint")}
              autosize
              minRows={2}
              {...form.getInputProps("preparation")}
            />
            <Group grow align="start">
              <TextInput label={t("doctors.price")} required inputMode="decimal" {...form.getInputProps("price")} />
              <NumberInput
                label={t("doctors.slotMinutes")}
                min={SLOT_MINUTES.min}
                max={SLOT_MINUTES.max}
                step={5}
                {...form.getInputProps("slotMinutes")}
              />
            </Group>
            <GeneralError text={server.general} />
            {save.isSuccess && !form.isDirty() && (
              <Text size="sm" c="clinic.9" role="status">
                {t("doctors.saved")}
              </Text>
            )}
            <Group>
              <Button type="submit" loading={save.isPending}>
                {current ? t("doctors.save") : t("doctors.create")}
              </Button>
              {current && (
                <Button variant="light" color={current.isActive ? "red" : "clinic"} onClick={() => active.mutate(current)}>
                  {current.isActive ? t("doctors.deactivate") : t("doctors.activate")}
                </Button>
              )}
            </Group>
          </Stack>
        </FormOf>
        {current && <Offers diagnostic={current} />}
      </Stack>
    </Drawer>
  );
}

/** Where a diagnostic is offered, with its capacity there. */
function Offers({ diagnostic }: { diagnostic: Diagnostic }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const offers = useQuery(read.diagnosticOffers(diagnostic.id));
  const locations = useQuery(read.listLocations(false));
  const [locationId, setLocationId] = useState<string | null>(null);
  const [capacity, setCapacity] = useState(1);
  const changed = (saved: DiagnosticOffer[]) => {
    queries.setQueryData(read.diagnosticOffers(diagnostic.id).queryKey, saved);
    void refetch(queries, "listDiagnostics");
    void refetch(queries, "dayBoard");
  };
  const offer = useMutation({
    mutationFn: ({ at, lanes }: { at: number; lanes: number }) => call(commands.offerDiagnostic(diagnostic.id, at, lanes)),
    onSuccess: changed,
  });
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
                  min={DIAGNOSTIC_CAPACITY.min}
                  max={DIAGNOSTIC_CAPACITY.max}
                  defaultValue={o.capacity}
                  onBlur={(e) =>
                    Number(e.currentTarget.value) !== o.capacity && offer.mutate({ at: o.locationId, lanes: Number(e.currentTarget.value) })
                  }
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
        <NumberInput
          label={t("setup.capacity")}
          min={DIAGNOSTIC_CAPACITY.min}
          max={DIAGNOSTIC_CAPACITY.max}
          value={capacity}
          onChange={(v) => setCapacity(Number(v))}
          error={fields.capacity}
          w={120}
        />
        <Button disabled={!locationId} onClick={() => offer.mutate({ at: Number(locationId), lanes: capacity })}>
          {t("setup.add")}
        </Button>
      </Group>
      <GeneralError text={general} />
    </Stack>
  );
}

/** The clinic's policies: the late-cancellation notice (in hours, stored in
 * minutes), when an idle desk locks, how long offline sign-in is allowed,
 * how long a desk may hold a time. */
function Policy() {
  const policy = useQuery(read.clinicPolicy());
  // The form starts from the stored policy, and from what it saved after each save.
  return policy.data ? <PolicyForm policy={policy.data} /> : null;
}

function PolicyForm({ policy }: { policy: ClinicPolicy }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const server = useServerForm<ClinicPolicy>(policy);
  const { form } = server;
  const values = form.getValues();
  const save = useMutation({
    mutationFn: (changed: ClinicPolicy) => call(commands.setClinicPolicy(changed)),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: (saved) => {
      form.setInitialValues(saved);
      form.reset();
      queries.setQueryData(read.clinicPolicy().queryKey, saved);
    },
  });
  return (
    <FormOf form={server} onSubmit={(changed) => save.mutate(changed)}>
      <Stack maw={420} gap="sm">
        <NumberInput
          label={t("cancel.notice")}
          description={t("cancel.noticeHint")}
          // Said in hours, kept in minutes.
          value={values.lateCancelNoticeMinutes / 60}
          onChange={(hours) => form.setFieldValue("lateCancelNoticeMinutes", Math.round(Number(hours) * 60))}
          min={LATE_CANCEL_NOTICE_MINUTES.min / 60}
          max={LATE_CANCEL_NOTICE_MINUTES.max / 60}
          step={1}
          decimalScale={2}
          error={form.errors.lateCancelNoticeMinutes}
        />
        {(
          [
            ["lockAfterMinutes", LOCK_AFTER_MINUTES, "policy.lockAfter"],
            ["offlineSignInDays", OFFLINE_SIGN_IN_DAYS, "policy.offlineDays"],
            ["holdMinutes", HOLD_MINUTES, "holds.minutes"],
          ] as const
        ).map(([field, bounds, text]) => (
          <NumberInput
            key={field}
            label={t(text)}
            description={t(`${text}Hint`)}
            min={bounds.min}
            max={bounds.max}
            step={1}
            allowDecimal={false}
            {...form.getInputProps(field)}
          />
        ))}
        <GeneralError text={server.general} />
        {save.isSuccess && !form.isDirty() && (
          <Text size="sm" c="clinic.9" role="status">
            {t("doctors.saved")}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            {t("doctors.save")}
          </Button>
        </Group>
      </Stack>
    </FormOf>
  );
}

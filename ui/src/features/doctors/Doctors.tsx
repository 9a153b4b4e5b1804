// Doctors: the list (photo, specialty, locations, price, rating) with search
// and filters, and the editor (photo from the native file dialog, services as
// a list, locations). Doctors are deactivated, never deleted.
import { useState } from "react";
import {
  Alert,
  Avatar,
  Badge,
  Button,
  Checkbox,
  Drawer,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, SLOT_MINUTES, type Doctor, type DoctorId, type DoctorInput, type Location } from "../../bindings";
import { appError, call, clinicUrl } from "../../api/call";
import { read, refetch, waiting } from "../../api/reads";
import { FormOf, useServerForm } from "../../components/forms";
import { errorText } from "../../errors";
import { useFormats } from "../../format";
import { usePermissions } from "../../access";

export function Doctors({ locations }: { locations: Location[] }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 250);
  const [specialtyId, setSpecialtyId] = useState<number | null>(null);
  const [locationId, setLocationId] = useState<number | null>(null);
  const [includeInactive, setIncludeInactive] = useState(false);
  const [editing, setEditing] = useState<DoctorId | "new" | null>(null);
  const may = usePermissions();
  const specialties = useQuery(read.listSpecialties(false));
  const filter = { specialtyId, locationId, search: debounced.trim() || null, includeInactive };
  const doctors = useQuery(read.listDoctors(filter));

  return (
    <Stack gap="sm">
      <Group align="end">
        <Title order={2} size="h3" mr="md">
          {t("doctors.title")}
        </Title>
        <TextInput label={t("doctors.search")} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={240} />
        <Select
          label={t("doctors.specialty")}
          placeholder={t("doctors.all")}
          clearable
          value={specialtyId === null ? null : String(specialtyId)}
          onChange={(v) => setSpecialtyId(v === null ? null : Number(v))}
          data={(specialties.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
        />
        <Select
          label={t("board.location")}
          placeholder={t("doctors.all")}
          clearable
          value={locationId === null ? null : String(locationId)}
          onChange={(v) => setLocationId(v === null ? null : Number(v))}
          data={locations.map((l) => ({ value: String(l.id), label: l.name }))}
        />
        <Checkbox
          label={t("doctors.includeInactive")}
          checked={includeInactive}
          onChange={(e) => setIncludeInactive(e.currentTarget.checked)}
          mb={8}
        />
        {may.manageClinic && (
          <Button ml="auto" onClick={() => setEditing("new")}>
            {t("doctors.new")}
          </Button>
        )}
      </Group>
      {doctors.isError && <Alert color="red">{errorText(appError(doctors.error))}</Alert>}
      <Table striped highlightOnHover withTableBorder verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("doctors.name")}</Table.Th>
            <Table.Th>{t("doctors.specialty")}</Table.Th>
            <Table.Th>{t("doctors.locations")}</Table.Th>
            <Table.Th ta="right">{t("detail.price")}</Table.Th>
            <Table.Th>{t("doctors.rating")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {doctors.data?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5} c="dimmed">
                {t("doctors.none")}
              </Table.Td>
            </Table.Tr>
          )}
          {(doctors.data ?? []).map((d) => (
            <Table.Tr key={d.id} onClick={() => setEditing(d.id)} className="clickable-row">
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Avatar src={d.photoId ? clinicUrl("photo", d.photoId) : null} alt="" radius="xl" size={36}>
                    {initials(d.fullName)}
                  </Avatar>
                  <Button variant="transparent" px={0} onClick={() => setEditing(d.id)}>
                    {d.fullName}
                  </Button>
                  {!d.isActive && <Badge color="gray">{t("doctors.inactive")}</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{d.specialtyName}</Table.Td>
              <Table.Td>{d.locations.map((l) => l.name).join(", ")}</Table.Td>
              <Table.Td ta="right">{formats.money(d.price)}</Table.Td>
              <Table.Td>
                {d.averageRating === null ? (
                  <Text span c="dimmed" size="sm">
                    {t("doctors.noRatings")}
                  </Text>
                ) : (
                  t("doctors.ratingValue", { average: d.averageRating.toFixed(1), count: d.reviewCount })
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && (
        <DoctorEditor doctorId={editing === "new" ? null : editing} locations={locations} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

function initials(name: string) {
  return name
    .replace(/^Dr\.? /, "")
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0])
    .join("");
}

const EMPTY: DoctorInput = {
  fullName: "",
  specialtyId: 0,
  price: "",
  experience: "",
  certificates: "",
  services: [],
  slotMinutes: 30,
  locationIds: [],
};

function inputOf(d: Doctor): DoctorInput {
  return {
    fullName: d.fullName,
    specialtyId: d.specialtyId,
    price: d.price,
    experience: d.experience,
    certificates: d.certificates,
    services: d.services,
    slotMinutes: d.slotMinutes,
    locationIds: d.locations.map((l) => l.id),
  };
}

function DoctorEditor({ doctorId, locations, onClose }: { doctorId: DoctorId | null; locations: Location[]; onClose: () => void }) {
  const { t } = useTranslation();
  const [id, setId] = useState(doctorId);
  const doctor = useQuery(id === null ? waiting("getDoctor") : read.getDoctor(id));
  const d = doctor.data;
  // The version this desk last saved: the form says "saved" until edited again.
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const saved = (doctor: Doctor) => {
    setId(doctor.id);
    setSavedVersion(doctor.rowVersion);
  };
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={id === null ? t("doctors.new") : (d?.fullName ?? "")}>
      {doctor.isError && <Alert color="red">{errorText(appError(doctor.error))}</Alert>}
      {id === null && <DoctorForm doctor={null} locations={locations} saved={false} onSaved={saved} />}
      {d && (
        <Stack gap="sm">
          <DoctorPhoto doctor={d} />
          {/* Keyed by version: a save elsewhere starts the form from the new values. */}
          <DoctorForm key={d.rowVersion} doctor={d} locations={locations} saved={savedVersion === d.rowVersion} onSaved={saved} />
          <DoctorRatings doctorId={d.id} />
        </Stack>
      )}
    </Drawer>
  );
}

/** After a doctor changed: their details, the lists and the boards show it. */
function useDoctorSaved(): (saved: Doctor) => void {
  const queries = useQueryClient();
  return (saved) => {
    queries.setQueryData(read.getDoctor(saved.id).queryKey, saved);
    void refetch(queries, "listDoctors");
    void refetch(queries, "dayBoard");
  };
}

function DoctorPhoto({ doctor }: { doctor: Doctor }) {
  const { t } = useTranslation();
  const saved = useDoctorSaved();
  const readOnly = !usePermissions().manageClinic;
  const photo = useMutation({
    mutationFn: async (remove: boolean) => {
      const path = remove ? null : await call(commands.chooseFile("photo"));
      if (!remove && path === null) return null; // the dialog was cancelled
      return call(commands.setDoctorPhoto(doctor.id, path));
    },
    onSuccess: (changed) => changed && saved(changed),
  });
  return (
    <Group>
      <Avatar
        src={doctor.photoId ? clinicUrl("photo", doctor.photoId) : null}
        alt={t("doctors.photoOf", { name: doctor.fullName })}
        size={96}
        radius="md"
      >
        {initials(doctor.fullName)}
      </Avatar>
      {!readOnly && (
        <Stack gap={4}>
          <Button variant="light" onClick={() => photo.mutate(false)} loading={photo.isPending}>
            {t("doctors.choosePhoto")}
          </Button>
          {doctor.photoId && (
            <Button variant="subtle" color="red" onClick={() => photo.mutate(true)}>
              {t("doctors.removePhoto")}
            </Button>
          )}
        </Stack>
      )}
      {photo.error && (
        <Text c="red.8" size="sm" role="alert">
          {errorText(appError(photo.error))}
        </Text>
      )}
    </Group>
  );
}

/** A doctor's details: a new one (`doctor` null) or an existing one. */
function DoctorForm({
  doctor,
  locations,
  saved,
  onSaved,
}: {
  doctor: Doctor | null;
  locations: Location[];
  /** This desk just saved these values. */
  saved: boolean;
  onSaved: (saved: Doctor) => void;
}) {
  const { t } = useTranslation();
  const specialties = useQuery(read.listSpecialties(false));
  const server = useServerForm<DoctorInput>(doctor ? inputOf(doctor) : EMPTY);
  const { form, general } = server;
  const changed = useDoctorSaved();
  const save = useMutation({
    mutationFn: (input: DoctorInput) =>
      call(doctor ? commands.updateDoctor(doctor.id, doctor.rowVersion, input) : commands.createDoctor(input)),
    onMutate: server.clear,
    onError: server.refused,
    onSuccess: (saved) => {
      changed(saved);
      onSaved(saved);
    },
  });
  const active = useMutation({
    mutationFn: (shown: Doctor) => call(commands.setDoctorActive(shown.id, !shown.isActive)),
    onSuccess: changed,
  });
  // Reception reads a doctor's details, price included; only a manager edits them.
  const readOnly = !usePermissions().manageClinic;
  const values = form.getValues();

  return (
    <FormOf form={server} onSubmit={(input) => save.mutate(input)}>
      <Stack gap="sm">
        <TextInput label={t("doctors.name")} required readOnly={readOnly} {...form.getInputProps("fullName")} />
        <Group grow align="start">
          <Select
            label={t("doctors.specialty")}
            required
            readOnly={readOnly}
            searchable
            value={values.specialtyId ? String(values.specialtyId) : null}
            onChange={(v) => form.setFieldValue("specialtyId", Number(v ?? 0))}
            data={(specialties.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
            error={form.errors.specialtyId}
          />
          <TextInput label={t("doctors.price")} required readOnly={readOnly} inputMode="decimal" {...form.getInputProps("price")} />
          <NumberInput
            label={t("doctors.slotMinutes")}
            readOnly={readOnly}
            min={SLOT_MINUTES.min}
            max={SLOT_MINUTES.max}
            step={5}
            {...form.getInputProps("slotMinutes")}
          />
        </Group>
        <MultiSelect
          label={t("doctors.locations")}
          readOnly={readOnly}
          value={(values.locationIds ?? []).map(String)}
          onChange={(v) => form.setFieldValue("locationIds", v.map(Number))}
          data={locations.map((l) => ({ value: String(l.id), label: l.name }))}
          error={form.errors.locationIds}
        />
        <TagsInput
          label={t("doctors.services")}
          readOnly={readOnly}
          description={t("doctors.servicesHint")}
          {...form.getInputProps("services")}
        />
        <Textarea label={t("doctors.experience")} readOnly={readOnly} autosize minRows={2} {...form.getInputProps("experience")} />
        <Textarea label={t("doctors.certificates")} readOnly={readOnly} autosize minRows={2} {...form.getInputProps("certificates")} />
        {general && (
          <Alert color="red" role="alert">
            {general}
          </Alert>
        )}
        {saved && !form.isDirty() && (
          <Text c="clinic.9" size="sm" role="status">
            {t("doctors.saved")}
          </Text>
        )}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending} disabled={doctor !== null && !form.isDirty()}>
              {doctor ? t("doctors.save") : t("doctors.create")}
            </Button>
            {doctor && (
              <Button
                variant="light"
                color={doctor.isActive ? "red" : "clinic"}
                onClick={() => active.mutate(doctor)}
                loading={active.isPending}
              >
                {doctor.isActive ? t("doctors.deactivate") : t("doctors.activate")}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </FormOf>
  );
}

function DoctorRatings({ doctorId }: { doctorId: DoctorId }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const ratings = useQuery(read.doctorRatings(doctorId, 20));
  if (!ratings.data || ratings.data.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text fw={600}>{t("doctors.reviews")}</Text>
      {ratings.data.map((r) => (
        <Text key={r.id} size="sm">
          {"★".repeat(r.rating)}
          {"☆".repeat(5 - r.rating)} · {formats.dateTime(r.createdAt)} {r.comment && `· ${r.comment}`}
        </Text>
      ))}
    </Stack>
  );
}

// Doctors: the list (photo, specialty, locations, price, rating) with search
// and filters, and the editor (photo from the native file dialog, services as
// a list, locations). Doctors are deactivated, never deleted.
import { useState } from "react";
import { Alert, Avatar, Badge, Button, Checkbox, Drawer, Group, MultiSelect, NumberInput, Select, Stack, Table, TagsInput, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type Doctor, type DoctorId, type DoctorInput, type Location } from "./bindings";
import { appError, call, clinicUrl } from "./api";
import { errorText, fieldErrors } from "./errors";
import { useFormats } from "./format";
import { usePermissions } from "./access";

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
  const specialties = useQuery({ queryKey: ["specialties"], queryFn: () => call(commands.listSpecialties(false)) });
  const filter = { specialtyId, locationId, search: debounced.trim() || null, includeInactive };
  const doctors = useQuery({ queryKey: ["doctors", filter], queryFn: () => call(commands.listDoctors(filter)) });

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
        <Checkbox label={t("doctors.includeInactive")} checked={includeInactive} onChange={(e) => setIncludeInactive(e.currentTarget.checked)} mb={8} />
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
              <Table.Td>{d.averageRating === null ? <Text span c="dimmed" size="sm">{t("doctors.noRatings")}</Text> : t("doctors.ratingValue", { average: d.averageRating.toFixed(1), count: d.reviewCount })}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && <DoctorEditor doctorId={editing === "new" ? null : editing} locations={locations} onClose={() => setEditing(null)} />}
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

const EMPTY: DoctorInput = { fullName: "", specialtyId: 0, price: "", experience: "", certificates: "", services: [], slotMinutes: 30, locationIds: [] };

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
  const queries = useQueryClient();
  const specialties = useQuery({ queryKey: ["specialties"], queryFn: () => call(commands.listSpecialties(false)) });
  const [id, setId] = useState(doctorId);
  const doctor = useQuery({ queryKey: ["doctor", id], queryFn: () => call(commands.getDoctor(id!)), enabled: id !== null });
  const [form, setForm] = useState<DoctorInput | null>(doctorId === null ? EMPTY : null);
  const current = form ?? (doctor.data ? inputOf(doctor.data) : null);
  const update = (patch: Partial<DoctorInput>) => setForm({ ...current!, ...patch });
  const refresh = (saved: Doctor) => {
    queries.setQueryData(["doctor", saved.id], saved);
    void queries.invalidateQueries({ queryKey: ["doctors"] });
    void queries.invalidateQueries({ queryKey: ["dayBoard"] });
  };
  const save = useMutation({
    mutationFn: () => call(id === null ? commands.createDoctor(current!) : commands.updateDoctor(id, doctor.data!.rowVersion, current!)),
    onSuccess: (saved) => {
      refresh(saved);
      setId(saved.id);
      setForm(null);
    },
  });
  const photo = useMutation({
    mutationFn: async (remove: boolean) => {
      const path = remove ? null : await call(commands.chooseFile("photo"));
      if (!remove && path === null) return null; // the dialog was cancelled
      return call(commands.setDoctorPhoto(id!, path));
    },
    onSuccess: (saved) => saved && refresh(saved),
  });
  const active = useMutation({
    mutationFn: (value: boolean) => call(commands.setDoctorActive(id!, value)),
    onSuccess: refresh,
  });
  const failed = save.error ? appError(save.error) : null;
  const errors = fieldErrors(failed);
  const d = doctor.data;
  // Reception reads a doctor's details, price included; only a manager edits them.
  const readOnly = !usePermissions().manageClinic;

  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={id === null ? t("doctors.new") : (d?.fullName ?? "")}>
      {doctor.isError && <Alert color="red">{errorText(appError(doctor.error))}</Alert>}
      {current && (
        <Stack gap="sm">
          {id !== null && d && (
            <Group>
              <Avatar src={d.photoId ? clinicUrl("photo", d.photoId) : null} alt={t("doctors.photoOf", { name: d.fullName })} size={96} radius="md">
                {initials(d.fullName)}
              </Avatar>
              {!readOnly && (
              <Stack gap={4}>
                <Button variant="light" onClick={() => photo.mutate(false)} loading={photo.isPending}>
                  {t("doctors.choosePhoto")}
                </Button>
                {d.photoId && (
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
          )}
          <TextInput label={t("doctors.name")} required readOnly={readOnly} value={current.fullName} onChange={(e) => update({ fullName: e.currentTarget.value })} error={errors.fullName} />
          <Group grow align="start">
            <Select
              label={t("doctors.specialty")}
              required
              readOnly={readOnly}
              searchable
              value={current.specialtyId ? String(current.specialtyId) : null}
              onChange={(v) => update({ specialtyId: Number(v ?? 0) })}
              data={(specialties.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
              error={errors.specialtyId}
            />
            <TextInput label={t("doctors.price")} required readOnly={readOnly} inputMode="decimal" value={current.price} onChange={(e) => update({ price: e.currentTarget.value })} error={errors.price} />
            <NumberInput label={t("doctors.slotMinutes")} readOnly={readOnly} min={5} max={240} step={5} value={current.slotMinutes} onChange={(v) => update({ slotMinutes: Number(v) })} error={errors.slotMinutes} />
          </Group>
          <MultiSelect
            label={t("doctors.locations")}
            readOnly={readOnly}
            value={(current.locationIds ?? []).map(String)}
            onChange={(v) => update({ locationIds: v.map(Number) })}
            data={locations.map((l) => ({ value: String(l.id), label: l.name }))}
            error={errors.locationIds}
          />
          <TagsInput label={t("doctors.services")} readOnly={readOnly} description={t("doctors.servicesHint")} value={current.services ?? []} onChange={(v) => update({ services: v })} error={errors.services} />
          <Textarea label={t("doctors.experience")} readOnly={readOnly} autosize minRows={2} value={current.experience ?? ""} onChange={(e) => update({ experience: e.currentTarget.value })} error={errors.experience} />
          <Textarea label={t("doctors.certificates")} readOnly={readOnly} autosize minRows={2} value={current.certificates ?? ""} onChange={(e) => update({ certificates: e.currentTarget.value })} error={errors.certificates} />
          {failed && Object.keys(errors).length === 0 && (
            <Alert color="red" role="alert">
              {errorText(failed)}
            </Alert>
          )}
          {save.isSuccess && form === null && (
            <Text c="clinic.9" size="sm" role="status">
              {t("doctors.saved")}
            </Text>
          )}
          {!readOnly && (
          <Group>
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={id !== null && form === null}>
              {id === null ? t("doctors.create") : t("doctors.save")}
            </Button>
            {id !== null && d && (
              <Button variant="light" color={d.isActive ? "red" : "clinic"} onClick={() => active.mutate(!d.isActive)} loading={active.isPending}>
                {d.isActive ? t("doctors.deactivate") : t("doctors.activate")}
              </Button>
            )}
          </Group>
          )}
          {id !== null && <DoctorRatings doctorId={id} />}
        </Stack>
      )}
    </Drawer>
  );
}

function DoctorRatings({ doctorId }: { doctorId: DoctorId }) {
  const { t } = useTranslation();
  const formats = useFormats();
  const ratings = useQuery({ queryKey: ["doctorRatings", doctorId], queryFn: () => call(commands.doctorRatings(doctorId, 20)) });
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

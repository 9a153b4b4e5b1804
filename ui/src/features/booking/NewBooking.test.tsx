import { describe, expect, it, vi, type Mock } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { centre, olena } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { AccessContext } from "../../access";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    freeSlots: vi.fn(),
    searchPatients: vi.fn(),
    createPatient: vi.fn(),
    possibleDuplicates: vi.fn(),
    book: vi.fn(),
    holdSlot: vi.fn(async (request: { holdId: string }) => ({
      status: "ok",
      data: { ...request, id: request.holdId, heldBy: "desk", expiresAt: "2030-01-07T08:05:00Z" },
    })),
    releaseHold: vi.fn(async () => ({ status: "ok", data: null })),
    slotCheck: vi.fn(),
    getDoctor: vi.fn(),
    getDiagnostic: vi.fn(),
  },
}));

const { commands } = await import("../../bindings");
const { NewBooking } = await import("./NewBooking");

const location = centre();
const slots = [
  { startsAt: "2030-01-07T09:00:00Z", endsAt: "2030-01-07T09:30:00Z" },
  { startsAt: "2030-01-07T09:30:00Z", endsAt: "2030-01-07T10:00:00Z" },
];
const bondar = { subject: { type: "doctor" as const, doctorId: 3 }, name: "Dr Bondar" };
const draft = { subject: bondar, date: "2030-01-07", minute: 9 * 60 + 40 };

describe("NewBooking", () => {
  it("books the clicked slot for a patient found by name, and explains a slot taken meanwhile", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.searchPatients as Mock).mockResolvedValue({ status: "ok", data: [olena] });
    (commands.book as Mock).mockResolvedValue({
      status: "error",
      error: {
        kind: "conflict",
        code: "slotTaken",
        message: "Dr Bondar is already booked at this time (booked 09:30–10:00)",
        conflictingBookingId: "x",
      },
    });
    renderWithProviders(<NewBooking location={location} draft={draft} choices={[bondar]} onClose={() => {}} />);

    // The slot under the click (09:40 falls in 09:30–10:00) is preselected.
    expect(await screen.findByDisplayValue(/09:30/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Name, phone or date of birth"), "Olena");
    await userEvent.click(await screen.findByRole("option", { name: /Olena Kovalenko/ }));
    await userEvent.click(screen.getByRole("button", { name: "Book" }));

    expect(await screen.findByText("This time was just taken")).toBeInTheDocument();
    expect(screen.getByText("Another booking already has this time")).toBeInTheDocument();
    const request = (commands.book as Mock).mock.calls[0][0];
    expect(request).toMatchObject({ patientId: olena.id, locationId: 1, subject: bondar.subject, startsAt: slots[1].startsAt });
    expect(request.bookingId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    // The free slots are asked for again so the person can pick another.
    expect((commands.freeSlots as Mock).mock.calls.length).toBeGreaterThan(1);
  });

  it("warns about a likely duplicate before creating the patient inline, then books the new patient", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.possibleDuplicates as Mock).mockResolvedValue({
      status: "ok",
      data: [{ patient: olena, samePhone: true, sameNameAndBirthDate: false, nameSimilarity: 0.2, similarName: false }],
    });
    const created = { ...olena, id: "0190a2b0-0000-7000-8000-000000000002", patientNumber: 18, fullName: "Olena Kovalenko-Shevchenko" };
    (commands.createPatient as Mock).mockResolvedValue({ status: "ok", data: created });
    (commands.book as Mock).mockImplementation(async (request) => ({ status: "ok", data: { id: request.bookingId } }));
    const onClose = vi.fn();
    renderWithProviders(<NewBooking location={location} draft={draft} choices={[bondar]} onClose={onClose} />);

    expect(await screen.findByText(/650\.00/)).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText("New patient"));
    await userEvent.type(screen.getByLabelText(/Full name/), "Olena Kovalenko-Shevchenko");
    await userEvent.type(screen.getByLabelText("Phone"), "+380501112233");
    await userEvent.click(screen.getByRole("button", { name: "Create patient" }));

    // First press: the warning, nothing created.
    expect(await screen.findByText("This patient may already exist")).toBeInTheDocument();
    expect(screen.getByText(/№17 Olena Kovalenko/)).toBeInTheDocument();
    expect(commands.createPatient).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Create anyway" }));

    expect(await screen.findByText(/Olena Kovalenko-Shevchenko · №18/)).toBeInTheDocument();
    const [id, input] = (commands.createPatient as Mock).mock.calls[0];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(input).toMatchObject({ fullName: "Olena Kovalenko-Shevchenko", phone: "+380501112233" });
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect((commands.book as Mock).mock.calls[0][0]).toMatchObject({ patientId: created.id, startsAt: slots[1].startsAt });
  });
});

describe("holding the chosen time", () => {
  it("holds the time for this desk, books it under the hold's id and lets a time held elsewhere go", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.holdSlot as Mock).mockClear();
    (commands.releaseHold as Mock).mockClear();
    (commands.book as Mock).mockImplementation(async (request) => ({ status: "ok", data: { id: request.bookingId } }));
    const onClose = vi.fn();
    renderWithProviders(<NewBooking location={location} draft={{ ...draft, patient: olena }} choices={[bondar]} onClose={onClose} />);
    expect(await screen.findByText(/held for you while you book/)).toBeInTheDocument();
    const held = (commands.holdSlot as Mock).mock.lastCall?.[0];
    expect(held).toMatchObject({ locationId: 1, subject: bondar.subject, startsAt: slots[1].startsAt });
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect((commands.book as Mock).mock.lastCall?.[0].bookingId).toBe(held.holdId);
  });

  it("books under the id it asked to hold with, even when the hold's answer was lost", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.holdSlot as Mock).mockResolvedValueOnce({ status: "error", error: { kind: "offline", message: "no answer within 2.5 s" } });
    (commands.book as Mock).mockImplementation(async (request) => ({ status: "ok", data: { id: request.bookingId } }));
    const onClose = vi.fn();
    renderWithProviders(<NewBooking location={location} draft={{ ...draft, patient: olena }} choices={[bondar]} onClose={onClose} />);
    await vi.waitFor(() => expect(commands.holdSlot).toHaveBeenCalled());
    const asked = (commands.holdSlot as Mock).mock.lastCall?.[0];
    expect(screen.queryByText(/held for you/)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    // A hold the server made but whose answer a bad link lost is taken, not left in the way.
    expect((commands.book as Mock).mock.lastCall?.[0].bookingId).toBe(asked.holdId);
  });

  it("says when another desk holds the time first", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.holdSlot as Mock).mockResolvedValueOnce({
      status: "error",
      error: { kind: "conflict", code: "slotTaken", message: "held", conflictingBookingId: null },
    });
    renderWithProviders(<NewBooking location={location} draft={draft} choices={[bondar]} onClose={() => {}} />);
    expect(await screen.findByText(/just booked or held at another desk/)).toBeInTheDocument();
  });
});

describe("booking anyway", () => {
  const manager = {
    login: "anna.m",
    fullName: "Anna M",
    groups: ["manager" as const],
    locationIds: [],
    may: { book: true, editPatients: true, manageClinic: true, manageStaff: true, readAudit: true, bookAnyway: true },
  };

  it("lets a manager book a typed time over the rules with a reason, listing every rule it breaks", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.slotCheck as Mock).mockResolvedValue({
      status: "ok",
      data: {
        rules: [
          { rule: "outsideWorkingHours" },
          { rule: "taken", bookingId: "b1", startsAt: "2030-01-07T08:00:00Z", endsAt: "2030-01-07T08:30:00Z", held: false },
        ],
        overridable: true,
      },
    });
    (commands.book as Mock).mockImplementation(async (request) => ({ status: "ok", data: { id: request.bookingId } }));
    const onClose = vi.fn();
    renderWithProviders(
      <AccessContext.Provider value={manager}>
        <NewBooking location={location} draft={{ ...draft, patient: olena }} choices={[bondar]} onClose={onClose} />
      </AccessContext.Provider>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "Book anyway…" }));
    await userEvent.type(screen.getByLabelText("Time (HH:MM)"), "08:00");
    expect(await screen.findByText("outside working hours")).toBeInTheDocument();
    expect(screen.getByText("taken by the booking at 08:00–08:30")).toBeInTheDocument();
    expect(commands.slotCheck).toHaveBeenLastCalledWith({ locationId: 1, subject: bondar.subject, startsAt: "2030-01-07T08:00:00.000Z" });
    const confirm = screen.getByRole("button", { name: "Book anyway" });
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Why book anyway/), "urgent, doctor agreed");
    await userEvent.click(confirm);
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect((commands.book as Mock).mock.lastCall?.[0]).toMatchObject({
      startsAt: "2030-01-07T08:00:00.000Z",
      overrideReason: "urgent, doctor agreed",
      patientId: olena.id,
    });
  });

  it("offers nothing of the kind to reception, whose refusal still lists every rule", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.slotCheck as Mock).mockResolvedValue({
      status: "ok",
      data: {
        rules: [
          { rule: "offGrid", slotMinutes: 30 },
          { rule: "taken", bookingId: "b1", startsAt: slots[1].startsAt, endsAt: slots[1].endsAt, held: false },
        ],
        overridable: true,
      },
    });
    (commands.book as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "conflict", code: "slotTaken", message: "taken", conflictingBookingId: "b1" },
    });
    renderWithProviders(<NewBooking location={location} draft={{ ...draft, patient: olena }} choices={[bondar]} onClose={() => {}} />);
    expect(await screen.findByDisplayValue(/09:30/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Book anyway…" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
    expect(await screen.findByText("not on the 30-minute grid")).toBeInTheDocument();
    expect(screen.getByText("taken by the booking at 09:30–10:00")).toBeInTheDocument();
  });
});

describe("the slot picker's words", () => {
  it("counts the free times instead of saying there are none", async () => {
    const { slotsText, slotFrom } = await import("../../components/SlotPicker");
    const i18n = (await import("../../i18n")).default;
    const t = i18n.t.bind(i18n);
    expect(slotsText(t, true, undefined)).toBe("Looking for free times…");
    expect(slotsText(t, false, 0)).toBe("No free time on this day");
    expect(slotsText(t, false, 1)).toBe("1 free time on this day");
    expect(slotsText(t, false, 12)).toBe("12 free times on this day");
    // The slot under the click, else the first after it; nothing before it.
    expect(slotFrom(slots, 9 * 60 + 40, "UTC")).toBe(slots[1]);
    expect(slotFrom(slots, 8 * 60, "UTC")).toBe(slots[0]);
    expect(slotFrom(slots, 11 * 60, "UTC")).toBeUndefined();
  });

  it("shows how many free times the day has and preselects the first after the clicked time", async () => {
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: slots });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    renderWithProviders(<NewBooking location={location} draft={{ ...draft, minute: 8 * 60 + 5 }} choices={[bondar]} onClose={() => {}} />);
    expect(await screen.findByText("2 free times on this day")).toBeInTheDocument();
    expect(await screen.findByDisplayValue("09:00–09:30")).toBeInTheDocument();
    expect(screen.queryByText("No free time on this day")).toBeNull();
  });
});

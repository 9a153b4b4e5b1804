import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { centre, olena } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import type { WaitlistEntry, WaitlistMatch } from "../../bindings";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    waitlistMatches: vi.fn(),
    listWaitlist: vi.fn(),
    removeFromWaitlist: vi.fn(),
    addToWaitlist: vi.fn(),
    listLocations: vi.fn(),
    listSpecialties: vi.fn(),
    listDoctors: vi.fn(),
    listDiagnostics: vi.fn(),
    getPatient: vi.fn(),
    freeSlots: vi.fn(),
    getDoctor: vi.fn(),
    book: vi.fn(),
    holdSlot: vi.fn(async () => ({ status: "error", error: { kind: "offline", message: "out of reach" } })),
    releaseHold: vi.fn(async () => ({ status: "ok", data: null })),
  },
}));

const { commands } = await import("../../bindings");
const { WaitlistButton, AddToWaitlist } = await import("./Waitlist");

const entry: WaitlistEntry = {
  id: "0190a2b0-0000-7000-8000-0000000000e1",
  patientId: olena.id,
  patientName: olena.fullName,
  patientPhone: olena.phone,
  wanted: { type: "specialty", specialtyId: 1 },
  locationIds: [],
  from: "2030-01-07",
  to: "2030-01-11",
  dayParts: ["morning"],
  note: "mornings",
  priority: "urgent",
  wantedName: "Cardiology",
  status: "open",
  expired: false,
  bookingId: null,
  createdBy: "desk",
  createdAt: "2030-01-01T08:00:00Z",
  rowVersion: 1,
};
const match: WaitlistMatch = {
  entry,
  opening: {
    locationId: 1,
    locationName: "Centre",
    timeZone: "UTC",
    subject: { type: "doctor", doctorId: 3 },
    name: "Dr Bondar",
    detail: "Cardiology",
    price: "650.00",
    startsAt: "2030-01-07T09:30:00Z",
    endsAt: "2030-01-07T10:00:00Z",
  },
};

describe("Waitlist", () => {
  it("counts the entries the day's free time matches and books one in one action, closing it", async () => {
    (commands.waitlistMatches as Mock).mockResolvedValue({ status: "ok", data: [match] });
    (commands.listWaitlist as Mock).mockResolvedValue({ status: "ok", data: [entry] });
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [centre()] });
    (commands.getPatient as Mock).mockResolvedValue({ status: "ok", data: olena });
    (commands.freeSlots as Mock).mockResolvedValue({
      status: "ok",
      data: [{ startsAt: match.opening.startsAt, endsAt: match.opening.endsAt }],
    });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.book as Mock).mockImplementation(async (request) => ({ status: "ok", data: { id: request.bookingId } }));
    const user = userEvent.setup();
    renderWithProviders(<WaitlistButton location={centre()} date="2030-01-07" />);
    const badge = await screen.findByRole("button", { name: "Waitlist: 1 entry matches this day's free time" });
    await user.click(badge);
    const drawer = await screen.findByRole("dialog", { name: "Waitlist · Centre" });
    const free = within(drawer).getByRole("list", { name: "Entries with a free time today" });
    expect(within(free).getByText(/Olena Kovalenko/)).toBeInTheDocument();
    expect(within(drawer).getAllByText(/Urgent/).length).toBeGreaterThan(0);

    await user.click(within(free).getByRole("button", { name: "Book 09:30" }));
    const booking = await screen.findByRole("dialog", { name: "New booking with Dr Bondar · Cardiology" });
    expect(within(booking).getByText(/Olena Kovalenko · №17/)).toBeInTheDocument();
    await user.click(within(booking).getByRole("button", { name: "Book" }));
    await waitFor(() => expect(commands.book).toHaveBeenCalled());
    expect((commands.book as Mock).mock.lastCall?.[0]).toMatchObject({
      patientId: olena.id,
      startsAt: match.opening.startsAt,
      waitlistEntryId: entry.id,
    });
  });

  it("puts a patient on the waitlist with what they wait for", async () => {
    (commands.listSpecialties as Mock).mockResolvedValue({
      status: "ok",
      data: [{ id: 1, name: "Cardiology", isActive: true, rowVersion: 1 }],
    });
    (commands.listDoctors as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.listDiagnostics as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [centre()] });
    (commands.addToWaitlist as Mock).mockResolvedValue({ status: "ok", data: null });
    const user = userEvent.setup();
    renderWithProviders(<AddToWaitlist patient={olena} timeZone="UTC" onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Waitlist: Olena Kovalenko" });
    await user.click(within(dialog).getByLabelText("Looking for"));
    await user.click(await screen.findByRole("option", { name: "Cardiology: any doctor", hidden: true }));
    await user.click(within(dialog).getByRole("checkbox", { name: "Morning" }));
    await user.click(within(dialog).getByText("Urgent"));
    await user.click(within(dialog).getByRole("button", { name: "Add to waitlist" }));
    expect(await within(dialog).findByText(/On the waitlist/)).toBeInTheDocument();
    const [id, patient, input] = (commands.addToWaitlist as Mock).mock.lastCall ?? [];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(patient).toBe(olena.id);
    expect(input).toMatchObject({
      wanted: { type: "specialty", specialtyId: 1 },
      locationIds: [],
      dayParts: ["morning"],
      priority: "urgent",
    });
  });
});

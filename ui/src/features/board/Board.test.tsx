import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { BoardColumn, Booking, BookingStatus, DayBoard } from "../../bindings";
import { centre } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    dayBoard: vi.fn(),
    getBooking: vi.fn(),
    bookingHistory: vi.fn(),
    listLocations: vi.fn(),
    freeSlots: vi.fn(),
    getDoctor: vi.fn(),
    getDiagnostic: vi.fn(),
    searchPatients: vi.fn(),
    bookingResults: vi.fn(),
    reportScreenFailure: vi.fn(),
  },
}));

const { commands } = await import("../../bindings");
const { Board } = await import("./Board");

const location = centre();
const bondar: BoardColumn = {
  subject: { type: "doctor", doctorId: 3 },
  name: "Dr Iryna Bondar",
  detail: "Cardiology",
  slotMinutes: 30,
  lanes: 1,
  open: [{ start: "08:00", end: "18:00" }],
};
const mri: BoardColumn = {
  subject: { type: "diagnostic", diagnosticId: 4 },
  name: "MRI",
  detail: "",
  slotMinutes: 30,
  lanes: 2,
  open: [{ start: "08:00", end: "18:00" }],
};

function booking(id: string, column: BoardColumn, from: string, status: BookingStatus, name: string): Booking {
  const startsAt = `2030-01-07T${from}:00Z`;
  return {
    id,
    patientId: `p-${id}`,
    patientName: name,
    patientNumber: 1,
    locationId: 1,
    locationName: "Centre",
    subject: column.subject,
    subjectName: column.name,
    startsAt,
    endsAt: new Date(new Date(startsAt).getTime() + 30 * 60000).toISOString(),
    price: "650.00",
    status,
    statusSince: startsAt,
    allowedActions: status === "booked" ? ["confirm", "checkIn", "cancel"] : [],
    holdsSlot: status !== "cancelled",
    patientMessage: "",
    rescheduledFrom: null,
    createdBy: "Desk",
    createdAt: startsAt,
    rowVersion: 1,
  };
}

// A busy morning: the first column is booked from 08:00, the diagnostic twice at 08:00.
const bookings = [
  booking("a", bondar, "08:00", "booked", "Olena Kovalenko"),
  booking("b", bondar, "08:30", "arrived", "Taras Shevchuk"),
  booking("c", bondar, "09:00", "cancelled", "Cancelled Patient"),
  booking("d", mri, "08:00", "confirmed", "Lesia Ukrainka"),
  booking("e", mri, "08:00", "booked", "Ivan Franko"),
];
const day: DayBoard = { location, date: "2030-01-07", columns: [bondar, mri], bookings };

function ok<T>(data: T) {
  return { status: "ok", data };
}

describe("Board", () => {
  it("marks a time held at another desk until it expires, and a booking made anyway", async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const gone = new Date(Date.now() - 1_000).toISOString();
    const held = { locationId: 1, subject: bondar.subject, startsAt: "2030-01-07T10:00:00Z", endsAt: "2030-01-07T10:30:00Z" };
    const anyway = { ...booking("f", bondar, "08:00", "booked", "Overbooked Patient"), overrideReason: "urgent" };
    (commands.dayBoard as Mock).mockResolvedValue(
      ok({
        ...day,
        bookings: [...bookings, anyway],
        holds: [
          { ...held, id: "h1", heldBy: "anna.k", expiresAt: soon },
          { ...held, id: "h2", heldBy: "old.hold", startsAt: "2030-01-07T11:00:00Z", expiresAt: gone },
        ],
      }),
    );
    renderWithProviders(<Board location={location} date="2030-01-07" />);
    const grid = await screen.findByRole("grid");
    expect(within(grid).getByText("Held by anna.k")).toBeInTheDocument();
    expect(within(grid).queryByText("Held by old.hold")).toBeNull();
    const overbooked = within(grid).getByRole("button", { name: /Overbooked Patient/ });
    expect(within(overbooked).getByText("Booked anyway")).toBeInTheDocument();
    expect(overbooked.title).toContain("Booked anyway: urgent");
  });

  it("survives the keyboard on a busy day: the cursor over bookings, Enter opening one, keys typed in its drawer", async () => {
    (commands.dayBoard as Mock).mockResolvedValue(ok(day));
    (commands.getBooking as Mock).mockImplementation(async (id: string) => ok(bookings.find((b) => b.id === id)));
    (commands.bookingHistory as Mock).mockResolvedValue(ok([]));
    (commands.listLocations as Mock).mockResolvedValue(ok([location]));
    renderWithProviders(<Board location={location} date="2030-01-07" />);

    const grid = await screen.findByRole("grid");
    // Every status in words on its block, not by colour alone; the cancelled one hidden behind the switch.
    expect(within(grid).getByRole("button", { name: /Olena Kovalenko.*Booked/ })).toBeInTheDocument();
    expect(within(grid).getByRole("button", { name: /Taras Shevchuk.*Arrived 08:30/ })).toBeInTheDocument();
    expect(within(grid).queryByText("Cancelled Patient")).toBeNull();
    // Rows of cells: every gridcell is inside a row.
    for (const cell of within(grid).getAllByRole("gridcell")) expect(cell.closest("[role=row]")).not.toBeNull();

    grid.focus();
    await userEvent.keyboard("{ArrowDown}");
    expect(await screen.findByText(/Dr Iryna Bondar, 08:\d\d: Olena Kovalenko, Booked/)).toBeInTheDocument();
    await userEvent.keyboard("{Enter}");
    const drawer = await screen.findByRole("dialog");
    expect(await within(drawer).findByText("Dr Iryna Bondar")).toBeInTheDocument();

    // Keys in the drawer's fields are the field's: the board's cursor stays where it was.
    const reason = await within(drawer).findByLabelText(/Reason/);
    await userEvent.type(reason, "ill{ArrowLeft}{Home}{End}{ArrowDown}");
    expect(reason).toHaveValue("ill");
    expect(screen.getByText(/Dr Iryna Bondar, 08:\d\d: Olena Kovalenko, Booked/)).toBeInTheDocument();
    expect(screen.getByRole("grid")).toBeInTheDocument();
  });

  it("shows a two-at-a-time diagnostic's same-minute bookings side by side, and cancelled ones on request", async () => {
    (commands.dayBoard as Mock).mockResolvedValue(ok(day));
    renderWithProviders(<Board location={location} date="2030-01-07" />);
    const grid = await screen.findByRole("grid");
    const lesia = within(grid).getByRole("button", { name: /Lesia Ukrainka/ });
    const ivan = within(grid).getByRole("button", { name: /Ivan Franko/ });
    expect(lesia.style.top).toBe(ivan.style.top);
    expect(lesia.style.left).not.toBe(ivan.style.left);

    await userEvent.click(screen.getByRole("button", { name: /View/ }));
    await userEvent.click(await screen.findByRole("switch", { name: /Cancelled and missed \(1\)/ }));
    expect(within(grid).getByRole("button", { name: /Cancelled Patient.*Cancelled/ })).toBeInTheDocument();

    // A desk that does not look after the MRI hides its column.
    // (jsdom counts the open popover's content as hidden once it re-renders: no layout to show it.)
    await userEvent.click(await screen.findByRole("checkbox", { name: "MRI", hidden: true }));
    expect(within(grid).queryByRole("button", { name: /Lesia Ukrainka/ })).toBeNull();
    expect(within(grid).getByRole("button", { name: /Olena Kovalenko/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show all", hidden: true }));
    expect(await within(grid).findByRole("button", { name: /Lesia Ukrainka/ })).toBeInTheDocument();
  });

  it("books again for a patient chosen in the profile: the same doctor and the patient already filled in", async () => {
    (commands.dayBoard as Mock).mockResolvedValue(ok(day));
    (commands.freeSlots as Mock).mockResolvedValue(ok([]));
    (commands.getDoctor as Mock).mockResolvedValue(ok({ price: "650.00" }));
    const olena = {
      id: "p-a",
      patientNumber: 17,
      fullName: "Olena Kovalenko",
      phone: null,
      email: null,
      dateOfBirth: null,
      notes: "",
      rowVersion: 1,
      createdAt: "2029-01-01T00:00:00Z",
    };
    const done = vi.fn();
    renderWithProviders(
      <Board location={location} date="2030-01-07" bookingFor={{ patient: olena, subject: bondar.subject }} onBookingForDone={done} />,
    );
    expect(await screen.findByText("Booking for Olena Kovalenko")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /New booking/ }));
    const drawer = await screen.findByRole("dialog", { name: /New booking with Dr Iryna Bondar/ });
    expect(within(drawer).getByText(/Olena Kovalenko · №17/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Stop" }));
    expect(done).toHaveBeenCalled();
  });
});

import { describe, expect, it, vi, type Mock } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Booking, Conflict } from "../../bindings";
import { centre } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    listConflicts: vi.fn(),
    resolveConflict: vi.fn(),
    freeSlots: vi.fn(),
    getBooking: vi.fn(),
    patientBookings: vi.fn(),
    saveConflictFile: vi.fn(),
    chooseSavePath: vi.fn(),
  },
}));

const { commands } = await import("../../bindings");
const { Conflicts, SyncBadge } = await import("./Sync");

const location = centre();
const attempted: Booking = {
  id: "b2",
  patientId: "p2",
  patientName: "Petro Shevchenko",
  patientNumber: 0,
  locationId: 1,
  locationName: "Centre",
  subject: { type: "doctor", doctorId: 3 },
  subjectName: "Dr Bondar",
  startsAt: "2030-01-07T09:00:00Z",
  endsAt: "2030-01-07T09:30:00Z",
  price: "650.00",
  status: "booked",
  allowedActions: [],
  patientMessage: "",
  rescheduledFrom: null,
  createdBy: "Desk 2",
  createdAt: "2030-01-01T00:00:00Z",
  rowVersion: 1,
  provisional: true,
};
const conflict: Conflict = {
  intentId: "i1",
  madeAt: "2030-01-01T08:00:00Z",
  actor: "Desk 2",
  intent: {
    kind: "book",
    request: {
      bookingId: "b2",
      patientId: "p2",
      locationId: 1,
      subject: attempted.subject,
      startsAt: attempted.startsAt,
      patientMessage: "",
    },
  },
  error: {
    kind: "conflict",
    code: "slotTaken",
    message: "Dr Bondar is already booked at this time (booked 09:00–09:30)",
    conflictingBookingId: "b1",
  },
  attempted,
  failed: false,
  attempts: 0,
  hasFile: false,
  offers: ["rebook", "keepTheirs", "discard"],
};

describe("Conflicts", () => {
  it("shows what was refused and why, and rebooks on another free slot", async () => {
    (commands.listConflicts as Mock).mockResolvedValue({ status: "ok", data: [conflict] });
    (commands.freeSlots as Mock).mockResolvedValue({
      status: "ok",
      data: [{ startsAt: "2030-01-07T10:00:00Z", endsAt: "2030-01-07T10:30:00Z", lane: 1 }],
    });
    (commands.resolveConflict as Mock).mockResolvedValue({ status: "ok", data: [] });
    renderWithProviders(<Conflicts locations={[location]} />);

    expect(await screen.findByText(/Petro Shevchenko with Dr Bondar/)).toBeInTheDocument();
    expect(screen.getByText(/Another booking already has this time/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Pick another free slot" }));
    const picker = await screen.findByRole("combobox", { name: "Free time with Dr Bondar" });
    await userEvent.click(picker);
    await userEvent.click(await screen.findByRole("option", { name: "10:00–10:30", hidden: true }));
    await userEvent.click(screen.getByRole("button", { name: "Book this time" }));

    expect(commands.freeSlots).toHaveBeenCalledWith({ locationId: 1, subject: attempted.subject, from: "2030-01-07", to: "2030-01-07" });
    const [intentId, resolution] = (commands.resolveConflict as Mock).mock.calls[0];
    expect(intentId).toBe("i1");
    expect(resolution).toMatchObject({ resolution: "rebook", startsAt: "2030-01-07T10:00:00Z" });
    expect(resolution.newBookingId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it("keeps the other station's booking only when asked", async () => {
    (commands.listConflicts as Mock).mockResolvedValue({ status: "ok", data: [conflict] });
    (commands.resolveConflict as Mock).mockResolvedValue({ status: "ok", data: [] });
    renderWithProviders(<Conflicts locations={[location]} />);

    await userEvent.click(await screen.findByRole("button", { name: "Keep the other booking" }));
    expect(commands.resolveConflict).toHaveBeenLastCalledWith("i1", { resolution: "keepTheirs" });
  });
});

describe("a change the server never decided on", () => {
  const failedResult: Conflict = {
    intentId: "i9",
    madeAt: "2030-01-01T08:00:00Z",
    actor: "rita.h",
    intent: { kind: "attachResult", resultId: "r1", bookingId: "b5", fileName: "knee.pdf" },
    error: { kind: "internal", reference: "db-42" },
    attempted: null,
    failed: true,
    attempts: 5,
    hasFile: true,
    offers: ["retry", "attachElsewhere", "saveCopy", "keepTheirs", "discard"],
  };

  it("says how often it failed, offers to try again and keeps the file for another booking", async () => {
    (commands.listConflicts as Mock).mockResolvedValue({ status: "ok", data: [failedResult] });
    (commands.resolveConflict as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.getBooking as Mock).mockResolvedValue({ status: "ok", data: { ...attempted, id: "b5", patientId: "p2" } });
    (commands.patientBookings as Mock).mockResolvedValue({
      status: "ok",
      data: [
        { ...attempted, id: "b5", subjectName: "MRI", acceptsResults: false },
        { ...attempted, id: "b6", subjectName: "MRI", startsAt: "2030-01-06T09:00:00Z", acceptsResults: true },
        { ...attempted, id: "b7", subjectName: "X-ray", acceptsResults: false },
      ],
    });
    renderWithProviders(<Conflicts locations={[location]} />);

    expect(await screen.findByText("The server could not take this change (5 tries)")).toBeInTheDocument();
    expect(screen.getByText(/internal error|log reference db-42/i)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pick another free slot" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(commands.resolveConflict).toHaveBeenLastCalledWith("i9", { resolution: "retry" });

    await userEvent.click(screen.getByRole("button", { name: "Attach to another booking" }));
    const choices = await screen.findByRole("group", { name: "The patient's bookings that take a result now" });
    expect(choices.querySelectorAll("button")).toHaveLength(1);
    await userEvent.click(choices.querySelector("button")!);
    const [, resolution] = (commands.resolveConflict as Mock).mock.calls.at(-1)!;
    expect(resolution).toMatchObject({ resolution: "attachTo", bookingId: "b6" });
  });
});

describe("SyncBadge", () => {
  it("says a change is stuck, with how many and since when", () => {
    renderWithProviders(
      <SyncBadge
        sync={{ online: true, pending: 4, conflicts: 0, lastSyncedAt: null, stuck: 1, stuckSince: "2030-01-01T08:05:00Z" }}
        onConflicts={() => {}}
      />,
    );
    expect(screen.getByText(/^1 stuck since /)).toBeInTheDocument();
    expect(screen.queryByText("4 changes not synced")).not.toBeInTheDocument();
  });

  it("says offline, how many changes wait, and opens the conflicts", async () => {
    const onConflicts = vi.fn();
    renderWithProviders(
      <SyncBadge
        sync={{ online: false, pending: 3, conflicts: 1, lastSyncedAt: null, stuck: 0, stuckSince: null }}
        onConflicts={onConflicts}
      />,
    );
    expect(screen.getByRole("status", { name: /Offline/ })).toBeInTheDocument();
    expect(screen.getByText("3 changes not synced")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "1 conflict" }));
    expect(onConflicts).toHaveBeenCalled();
  });
});

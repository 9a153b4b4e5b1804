import { describe, expect, it, vi, type Mock } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Booking } from "../../bindings";
import { centre } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { getBooking: vi.fn(), bookingHistory: vi.fn(), changeStatus: vi.fn(), listLocations: vi.fn(), bookingResults: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { BookingDetail } = await import("./BookingDetail");

const location = centre();
const booking: Booking = {
  id: "b1",
  patientId: "p1",
  patientName: "Olena Kovalenko",
  patientNumber: 17,
  locationId: 1,
  locationName: "Centre",
  subject: { type: "doctor", doctorId: 3 },
  subjectName: "Dr Bondar",
  startsAt: "2030-01-07T09:00:00Z",
  endsAt: "2030-01-07T09:30:00Z",
  price: "650.00",
  status: "booked",
  allowedActions: ["confirm", "checkIn", "cancel", "noShow"],
  patientMessage: "",
  rescheduledFrom: null,
  createdBy: "Desk 1",
  createdAt: "2030-01-01T00:00:00Z",
  rowVersion: 4,
};

describe("BookingDetail", () => {
  it("offers the allowed actions and asks for a cancellation reason next to its field", async () => {
    (commands.getBooking as Mock).mockResolvedValue({ status: "ok", data: booking });
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [location] });
    (commands.bookingHistory as Mock).mockResolvedValue({
      status: "ok",
      data: [
        { fromStatus: null, toStatus: "booked", reason: "", changedBy: "desk.1", changedAt: "2030-01-01T00:00:00Z" },
        // Queued offline by one person, pushed by the station under another login.
        {
          fromStatus: "booked",
          toStatus: "confirmed",
          reason: "",
          changedBy: "desk.2",
          enteredBy: "anna.k",
          changedAt: "2030-01-02T00:00:00Z",
        },
      ],
    });
    (commands.changeStatus as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "reason", code: "required", message: "is required" },
    });
    renderWithProviders(<BookingDetail bookingId="b1" onClose={() => {}} />);

    expect(await screen.findByRole("button", { name: "Confirm" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Complete" })).not.toBeInTheDocument();
    expect(await screen.findByText("entered offline by anna.k, synced by desk.2")).toBeInTheDocument();
    expect(screen.getByText("desk.1")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel booking" }));

    expect(await screen.findByText("Required")).toBeInTheDocument();
    expect(screen.getByLabelText("Reason (needed to cancel)")).toHaveAttribute("aria-invalid", "true");
    expect(commands.changeStatus).toHaveBeenCalledWith({
      bookingId: "b1",
      action: "cancel",
      reason: "",
      cancelKind: null,
      expectedVersion: 4,
    });

    // Who cancelled, and a common reason in one click.
    await userEvent.click(screen.getByRole("radio", { name: "The patient" }));
    await userEvent.click(screen.getByRole("button", { name: "Ill" }));
    expect(screen.getByLabelText("Reason (needed to cancel)")).toHaveValue("Ill");
    await userEvent.click(screen.getByRole("button", { name: "Cancel booking" }));
    expect(commands.changeStatus).toHaveBeenLastCalledWith({
      bookingId: "b1",
      action: "cancel",
      reason: "Ill",
      cancelKind: "byPatient",
      expectedVersion: 4,
    });
  });

  it("undoes an accidental check-in and links a moved booking to where it went", async () => {
    const arrived: Booking = { ...booking, status: "arrived", allowedActions: ["complete", "cancel", "undo"], movedTo: null };
    const moved: Booking = { ...booking, id: "b0", status: "cancelled", allowedActions: [], movedTo: "b1" };
    (commands.getBooking as Mock).mockImplementation(async (id: string) => ({ status: "ok", data: id === "b0" ? moved : arrived }));
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [location] });
    (commands.bookingHistory as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.changeStatus as Mock).mockResolvedValue({ status: "ok", data: { ...arrived, status: "booked" } });
    renderWithProviders(<BookingDetail bookingId="b0" onClose={() => {}} />);

    await userEvent.click(await screen.findByRole("button", { name: /Moved to .*Dr Bondar/ }));
    await userEvent.click(await screen.findByRole("button", { name: "Undo check-in" }));
    expect(commands.changeStatus).toHaveBeenCalledWith({
      bookingId: "b1",
      action: "undo",
      reason: "",
      cancelKind: null,
      expectedVersion: 4,
    });
  });

  it("offers rescheduling and rating only as the booking's rules say, not by its status", async () => {
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [location] });
    (commands.bookingHistory as Mock).mockResolvedValue({ status: "ok", data: [] });
    // Booked, but the server says it may not move (say, a rule the UI does not know).
    (commands.getBooking as Mock).mockResolvedValue({ status: "ok", data: { ...booking, canReschedule: false, canRate: false } });
    renderWithProviders(<BookingDetail bookingId="b1" onClose={() => {}} />);
    expect(await screen.findByText(/Olena Kovalenko/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Reschedule…" })).not.toBeInTheDocument();
    expect(screen.queryByText("Rate this visit")).not.toBeInTheDocument();
  });

  it("offers no upload zone on a no-show diagnostic booking: the server says it accepts no results", async () => {
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [location] });
    (commands.bookingHistory as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.bookingResults as Mock).mockResolvedValue({ status: "ok", data: [] });
    const diagnostic: Booking = {
      ...booking,
      subject: { type: "diagnostic", diagnosticId: 5 },
      subjectName: "MRI",
      allowedActions: ["undo"],
    };
    (commands.getBooking as Mock).mockResolvedValue({ status: "ok", data: { ...diagnostic, status: "noShow", acceptsResults: false } });
    const { unmount } = renderWithProviders(<BookingDetail bookingId="b1" onClose={() => {}} />);
    expect(await screen.findByText(/Olena Kovalenko/)).toBeInTheDocument();
    expect(await screen.findByText("Results")).toBeInTheDocument();
    expect(screen.queryByLabelText("Choose files…")).not.toBeInTheDocument();
    unmount();

    // The same booking while it accepts results shows the zone.
    (commands.getBooking as Mock).mockResolvedValue({ status: "ok", data: { ...diagnostic, status: "arrived", acceptsResults: true } });
    renderWithProviders(<BookingDetail bookingId="b1" onClose={() => {}} />);
    expect(await screen.findByLabelText("Choose files…")).toBeInTheDocument();
  });
});

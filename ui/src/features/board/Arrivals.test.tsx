import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Booking } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { changeStatus: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { Arrivals, minutesSince, waitingList } = await import("./Arrivals");

function arrived(id: string, name: string, since: string, status: Booking["status"] = "arrived"): Booking {
  return {
    id,
    patientId: `p${id}`,
    patientName: name,
    patientNumber: 1,
    locationId: 1,
    locationName: "Centre",
    subject: { type: "doctor", doctorId: 3 },
    subjectName: "Dr Bondar",
    startsAt: "2030-01-07T09:00:00Z",
    endsAt: "2030-01-07T09:30:00Z",
    price: "650.00",
    status,
    statusSince: since,
    allowedActions: status === "arrived" ? ["complete", "cancel"] : [],
    holdsSlot: true,
    patientMessage: "",
    rescheduledFrom: null,
    createdBy: "Desk",
    createdAt: "2030-01-01T00:00:00Z",
    rowVersion: 3,
  };
}

const bookings = [
  arrived("a", "Later Arrival", "2030-01-07T09:10:00Z"),
  arrived("b", "Not Here Yet", "2030-01-07T08:00:00Z", "booked"),
  arrived("c", "Longest Wait", "2030-01-07T08:50:00Z"),
];

describe("Arrivals", () => {
  it("lists arrived patients only, longest wait first, with whole minutes waited", () => {
    expect(waitingList(bookings).map((b) => b.patientName)).toEqual(["Longest Wait", "Later Arrival"]);
    expect(minutesSince("2030-01-07T08:50:00Z", new Date("2030-01-07T09:12:59Z"))).toBe(22);
    expect(minutesSince("2030-01-07T09:50:00Z", new Date("2030-01-07T09:12:59Z"))).toBe(0);
  });

  it("opens a waiting patient's booking and marks one as seen", async () => {
    (commands.changeStatus as Mock).mockResolvedValue({ status: "ok", data: { ...bookings[2], status: "completed" } });
    const onOpen = vi.fn();
    renderWithProviders(<Arrivals bookings={bookings} timeZone="UTC" onOpen={onOpen} onClose={() => {}} />);
    const list = await screen.findByRole("list", { name: "Waiting (2)" });
    const rows = within(list).getAllByRole("listitem");
    expect(rows[0]).toHaveTextContent("Longest Wait");
    expect(rows[0]).toHaveTextContent("arrived 08:50");
    await userEvent.click(within(rows[1]).getByRole("button", { name: /Later Arrival/ }));
    expect(onOpen).toHaveBeenCalledWith("a");
    await userEvent.click(within(rows[0]).getByRole("button", { name: "Seen" }));
    expect((commands.changeStatus as Mock).mock.calls[0][0]).toEqual({
      bookingId: "c",
      action: "complete",
      reason: "",
      expectedVersion: 3,
    });
  });
});

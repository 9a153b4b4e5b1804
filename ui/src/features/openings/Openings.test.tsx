import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { centre, olena } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import type { Opening } from "../../bindings";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    listSpecialties: vi.fn(),
    listDoctors: vi.fn(),
    listDiagnostics: vi.fn(),
    listLocations: vi.fn(),
    findOpenings: vi.fn(),
    freeSlots: vi.fn(),
    getDoctor: vi.fn(),
    getDiagnostic: vi.fn(),
    searchPatients: vi.fn(),
    book: vi.fn(),
    holdSlot: vi.fn(async (request: { holdId: string }) => ({
      status: "ok",
      data: { ...request, id: request.holdId, heldBy: "desk", expiresAt: "2030-01-07T08:05:00Z" },
    })),
    releaseHold: vi.fn(async () => ({ status: "ok", data: null })),
  },
}));

const { commands } = await import("../../bindings");
const { Openings } = await import("./Openings");
const { nextMonday } = await import("../../dates");

const podil = { ...centre("Europe/Kyiv"), id: 2, name: "Podil" };
const opening = (startsAt: string, name: string, location = centre()): Opening => ({
  locationId: location.id,
  locationName: location.name,
  timeZone: location.timeZone,
  subject: { type: "doctor", doctorId: name === "Dr Bondar" ? 3 : 4 },
  name,
  detail: "Cardiology",
  price: "650.00",
  startsAt,
  endsAt: startsAt.replace(":00:00Z", ":30:00Z"),
});

function catalogue() {
  (commands.listSpecialties as Mock).mockResolvedValue({
    status: "ok",
    data: [{ id: 1, name: "Cardiology", isActive: true, rowVersion: 1 }],
  });
  (commands.listDoctors as Mock).mockResolvedValue({ status: "ok", data: [] });
  (commands.listDiagnostics as Mock).mockResolvedValue({ status: "ok", data: [] });
  (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [centre(), podil] });
}

describe("Openings", () => {
  it("asks once for a specialty anywhere from next week and books the chosen time for the patient", async () => {
    catalogue();
    const first = opening("2030-01-07T09:00:00Z", "Dr Bondar");
    const second = opening("2030-01-07T10:00:00Z", "Dr Shevchenko", podil);
    (commands.findOpenings as Mock).mockResolvedValue({
      status: "ok",
      data: { openings: [first, second], searchedTo: "2030-01-20", fromKeptCopy: false },
    });
    (commands.freeSlots as Mock).mockResolvedValue({ status: "ok", data: [{ startsAt: second.startsAt, endsAt: second.endsAt }] });
    (commands.getDoctor as Mock).mockResolvedValue({ status: "ok", data: { price: "650.00" } });
    (commands.book as Mock).mockResolvedValue({ status: "ok", data: {} });
    const booked = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<Openings timeZone="UTC" patient={olena} onBooked={booked} onClose={() => {}} />);
    const drawer = await screen.findByRole("dialog", { name: "Find the first free time" });
    expect(within(drawer).getByText(/Choose a specialty, doctor or diagnostic/)).toBeInTheDocument();

    await user.click(within(drawer).getByLabelText("Looking for"));
    await user.click(await screen.findByRole("option", { name: "Cardiology: any doctor", hidden: true }));
    await user.click(within(drawer).getByRole("button", { name: "Next week" }));

    const list = await within(drawer).findByRole("list", { name: "Free times" });
    expect(within(list).getAllByRole("button")).toHaveLength(2);
    expect(within(drawer).getByRole("status")).toHaveTextContent("2 free times up to");
    const today = new Date().toISOString().slice(0, 10);
    await waitFor(() =>
      expect(commands.findOpenings).toHaveBeenLastCalledWith({
        wanted: { type: "specialty", specialtyId: 1 },
        locationId: null,
        from: nextMonday(today),
        days: 14,
        dayParts: [],
        weekdays: [],
        maxPrice: null,
      }),
    );

    // The second opening, at another location: the booking drawer opens there with it chosen.
    await user.click(within(list).getByRole("button", { name: /Dr Shevchenko.*Podil/ }));
    const booking = await screen.findByRole("dialog", { name: "New booking with Dr Shevchenko · Cardiology" });
    expect(within(booking).getByText("Podil")).toBeInTheDocument();
    expect(within(booking).getByText(/Olena Kovalenko/)).toBeInTheDocument();
    await user.click(within(booking).getByRole("button", { name: "Book" }));
    await waitFor(() => expect(booked).toHaveBeenCalled());
    expect(commands.book).toHaveBeenCalledWith(
      expect.objectContaining({ patientId: olena.id, locationId: 2, subject: second.subject, startsAt: second.startsAt }),
    );
  });

  it("hands the opening back when moving a booking, and filters by part of the day, weekday and price", async () => {
    catalogue();
    const first = opening("2030-01-07T09:00:00Z", "Dr Bondar");
    (commands.findOpenings as Mock).mockResolvedValue({
      status: "ok",
      data: { openings: [first], searchedTo: "2030-01-20", fromKeptCopy: false },
    });
    const picked = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(
      <Openings
        timeZone="UTC"
        start={{ wanted: { type: "doctor", doctorId: 3 }, from: "2030-01-07" }}
        onPick={picked}
        onClose={() => {}}
      />,
    );
    const drawer = await screen.findByRole("dialog");
    await user.click(within(drawer).getByRole("checkbox", { name: "Evening" }));
    await user.click(within(drawer).getByRole("checkbox", { name: "Mo" }));
    await user.type(within(drawer).getByLabelText("Price up to"), "700");
    await waitFor(() =>
      expect(commands.findOpenings).toHaveBeenLastCalledWith(
        expect.objectContaining({ wanted: { type: "doctor", doctorId: 3 }, dayParts: ["evening"], weekdays: [1], maxPrice: "700" }),
      ),
    );
    await user.click(await within(drawer).findByRole("button", { name: /Dr Bondar.*Centre/ }));
    expect(picked).toHaveBeenCalledWith(first);
  });

  it("says when the answer comes from the kept copy, and shows the server's refusal on its field", async () => {
    catalogue();
    (commands.findOpenings as Mock).mockResolvedValue({
      status: "ok",
      data: { openings: [], searchedTo: "2030-01-10", fromKeptCopy: true },
    });
    const user = userEvent.setup();
    renderWithProviders(
      <Openings timeZone="UTC" start={{ wanted: { type: "specialty", specialtyId: 1 }, from: "2030-01-07" }} onClose={() => {}} />,
    );
    const drawer = await screen.findByRole("dialog");
    expect(await within(drawer).findByText(/Offline: found in this computer's copy/)).toBeInTheDocument();
    expect(within(drawer).getByText(/Nothing free up to/)).toBeInTheDocument();
    expect(within(drawer).queryByRole("button", { name: /Search/ })).toBeNull();

    (commands.findOpenings as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "maxPrice", code: "invalidFormat", message: "must be an amount like 120.50", limits: null },
    });
    await user.type(within(drawer).getByLabelText("Price up to"), "a lot");
    await waitFor(() => expect(within(drawer).getByLabelText("Price up to")).toHaveAttribute("aria-invalid", "true"));
  });
});

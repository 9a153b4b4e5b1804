import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { centre } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    doctorWeek: vi.fn(),
    locationWeek: vi.fn(),
    setDoctorWeek: vi.fn(),
    setLocationWeek: vi.fn(),
    previewHours: vi.fn(),
    listExceptions: vi.fn(),
    addException: vi.fn(),
  },
}));

const { commands } = await import("../../bindings");
const { Exceptions, WeekTemplate } = await import("./WorkingHours");

const location = centre("Europe/Kyiv");
const monday = { weekday: 1, start: "09:00", end: "17:00" };

describe("WeekTemplate", () => {
  it("edits intervals, previews the unsaved week through the engine, shows the server's refusal in place, saves", async () => {
    (commands.doctorWeek as Mock).mockResolvedValue({ status: "ok", data: [monday] });
    (commands.previewHours as Mock).mockImplementation(async (query) => ({
      status: "ok",
      data: [{ date: query.from, open: query.week.filter((i: { weekday: number }) => i.weekday === 2), slots: 4, freeSlots: 3 }],
    }));
    (commands.setDoctorWeek as Mock)
      .mockResolvedValueOnce({
        status: "error",
        error: { kind: "validation", field: "week", code: "outOfRange", message: "12:00–13:00 overlaps 09:00–17:00 on weekday 2" },
      })
      .mockImplementationOnce(async (_doctor, _location, week) => ({ status: "ok", data: week }));
    const user = userEvent.setup();
    renderWithProviders(<WeekTemplate location={location} owner={{ locationId: 1, doctorId: 3 }} />);

    // Monday is open 09:00–17:00; Tuesday is closed until an interval is added.
    expect(await screen.findByLabelText("Monday, interval 1, from")).toHaveValue("09:00");
    const tuesday = screen.getByRole("row", { name: /Tuesday/ });
    expect(within(tuesday).getByText("Closed")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save hours" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Add an interval on Tuesday" }));
    expect(screen.getByLabelText("Tuesday, interval 1, until")).toHaveValue("17:00");
    // A second interval follows the first, an hour long.
    await user.click(screen.getByRole("button", { name: "Add an interval on Tuesday" }));
    expect(screen.getByLabelText("Tuesday, interval 2, from")).toHaveValue("17:00");
    expect(screen.getByLabelText("Tuesday, interval 2, until")).toHaveValue("18:00");
    expect(screen.getByText("Not saved")).toBeInTheDocument();

    // The preview is asked for the unsaved week (debounced), not the stored one.
    await waitFor(() => {
      const weeks = (commands.previewHours as Mock).mock.calls.map(([q]) => q.week.length);
      expect(weeks).toContain(3);
    });
    const query = (commands.previewHours as Mock).mock.calls.at(-1)![0];
    expect(query).toMatchObject({ locationId: 1, doctorId: 3 });
    expect(await screen.findByText("3 free of 4")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Save hours" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("An interval ends before it starts, or overlaps another on the same day");

    await user.click(screen.getByRole("button", { name: "Remove Tuesday interval 2" }));
    await user.click(screen.getByRole("button", { name: "Save hours" }));
    expect(await screen.findByText("Saved.")).toBeInTheDocument();
    const saved = (commands.setDoctorWeek as Mock).mock.calls.at(-1)!;
    expect(saved[0]).toBe(3);
    expect(saved[1]).toBe(1);
    expect(saved[2]).toEqual(expect.arrayContaining([monday, { weekday: 2, start: "09:00", end: "17:00" }]));
    expect(saved[2]).toHaveLength(2);
  });
});

describe("Exceptions", () => {
  it("offers the kinds the domain allows a doctor's calendar and shows a refused end next to it", async () => {
    (commands.listExceptions as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.addException as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "end", code: "outOfRange", message: "the end must be after the start" },
    });
    const user = userEvent.setup();
    renderWithProviders(<Exceptions location={location} doctorId={3} />);

    await user.click(screen.getByRole("combobox", { name: "Kind" }));
    const kinds = (await screen.findAllByRole("option", { hidden: true })).map((o) => o.textContent);
    expect(kinds).toEqual(["Leave", "Extra hours"]);
    await user.click(screen.getByRole("option", { name: "Extra hours", hidden: true }));
    await user.click(screen.getByLabelText("Whole day"));
    await user.clear(screen.getByLabelText("Until"));
    await user.type(screen.getByLabelText("Until"), "08:00");
    await user.click(screen.getByRole("button", { name: "Add" }));

    await waitFor(() => expect(screen.getByLabelText("Until")).toHaveAccessibleDescription("Must be after the start"));
    // The domain decides what each kind names: the station gets both ids.
    expect((commands.addException as Mock).mock.calls[0][0]).toMatchObject({
      kind: "extraHours",
      locationId: 1,
      doctorId: 3,
      start: "09:00",
      end: "08:00",
    });
  });
});

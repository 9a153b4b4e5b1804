import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Location, StaffAccess, StaffMember } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { listStaff: vi.fn(), addStaffMember: vi.fn(), setStaffActive: vi.fn(), resetStaffPassword: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { Staff } = await import("./Staff");
const { screenAllowed } = await import("../../App");

const centre: Location = {
  id: 1,
  name: "Centre",
  address: "a",
  phone: "",
  timeZone: "UTC",
  gridMinutes: 15,
  isActive: true,
  rowVersion: 1,
};
const anna: StaffMember = { login: "anna.k", fullName: "Anna Koval", groups: ["reception"], locationIds: [1], active: true };

describe("Staff", () => {
  it("adds a member and shows the initial password once; refusals land next to their field", async () => {
    (commands.listStaff as Mock).mockResolvedValue({ status: "ok", data: [anna] });
    (commands.addStaffMember as Mock)
      .mockResolvedValueOnce({
        status: "error",
        error: { kind: "validation", field: "login", code: "duplicate", message: "this login is taken" },
      })
      .mockResolvedValueOnce({
        status: "ok",
        data: {
          member: { login: "max.m", fullName: "Max Melnyk", groups: ["manager"], locationIds: [], active: true },
          password: "Kq7mPx2rTz9wLb4n",
        },
      });
    renderWithProviders(<Staff locations={[centre]} />);

    const row = (await screen.findByText("Anna Koval")).closest("tr")!;
    expect(within(row).getByText("Centre")).toBeInTheDocument();
    expect(within(row).getByText("Reception")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText(/^Login/), "anna.k");
    await userEvent.type(screen.getByLabelText("Full name"), "Max Melnyk");
    await userEvent.click(screen.getByRole("checkbox", { name: /Manager/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add staff member" }));
    expect(await screen.findByText("This login is taken")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Login/)).toHaveAttribute("aria-invalid", "true");

    await userEvent.clear(screen.getByLabelText(/^Login/));
    await userEvent.type(screen.getByLabelText(/^Login/), "max.m");
    await userEvent.click(screen.getByRole("button", { name: "Add staff member" }));
    expect(await screen.findByTestId("issued-password")).toHaveTextContent("Kq7mPx2rTz9wLb4n");
    expect(commands.addStaffMember).toHaveBeenLastCalledWith({
      login: "max.m",
      fullName: "Max Melnyk",
      groups: ["reception", "manager"],
      locationIds: [],
    });
    await userEvent.click(screen.getByRole("button", { name: "Noted" }));
    expect(screen.queryByTestId("issued-password")).not.toBeInTheDocument();
  });

  it("disables a member", async () => {
    (commands.listStaff as Mock).mockResolvedValue({ status: "ok", data: [anna] });
    (commands.setStaffActive as Mock).mockResolvedValue({ status: "ok", data: { ...anna, active: false } });
    renderWithProviders(<Staff locations={[centre]} />);
    await userEvent.click(await screen.findByRole("button", { name: "Disable: Anna Koval" }));
    expect(commands.setStaffActive).toHaveBeenCalledWith("anna.k", false);
  });
});

describe("screenAllowed", () => {
  const access = (may: Partial<StaffAccess["may"]>): StaffAccess => ({
    login: "x",
    fullName: "X",
    groups: [],
    locationIds: [],
    may: { book: true, editPatients: true, manageClinic: false, manageStaff: false, readAudit: false, ...may },
  });
  it("shows reception no clinic setup, hours or staff; a manager everything", () => {
    const reception = access({});
    expect(["board", "patients", "doctors"].every((s) => screenAllowed(s as never, reception))).toBe(true);
    expect(["hours", "setup", "staff"].some((s) => screenAllowed(s as never, reception))).toBe(false);
    const manager = access({ manageClinic: true, manageStaff: true, readAudit: true });
    expect(["hours", "setup", "staff"].every((s) => screenAllowed(s as never, manager))).toBe(true);
    expect(screenAllowed("setup", null), "before the database answered: reception's screens only").toBe(false);
  });
});

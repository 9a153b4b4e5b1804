import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders } from "../../test/render";
import { centre } from "../../test/fixtures";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { listLocations: vi.fn(), chooseSavePath: vi.fn(), exportBookings: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { ExportBookings } = await import("./ExportBookings");

const mri = { subject: { type: "diagnostic", diagnosticId: 3 } as const, name: "MRI" };

describe("ExportBookings", () => {
  it("exports the month so far of one doctor or diagnostic as a workbook, where the dialog says", async () => {
    localStorage.clear();
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [centre(), { ...centre(), id: 2, name: "Podil" }] });
    (commands.chooseSavePath as Mock).mockResolvedValue({ status: "ok", data: "/home/desk/bookings.xlsx" });
    (commands.exportBookings as Mock).mockResolvedValue({
      status: "ok",
      data: { path: "/home/desk/bookings.xlsx", bytes: 9000, rows: 42 },
    });
    const user = userEvent.setup();
    renderWithProviders(<ExportBookings location={centre()} date="2030-01-17" subjects={[mri]} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Export bookings for a spreadsheet" });

    await user.click(within(dialog).getByLabelText("Doctor or diagnostic"));
    await user.click(await screen.findByRole("option", { name: "MRI", hidden: true }));
    await user.click(within(dialog).getByText("Excel (.xlsx)"));
    await user.click(within(dialog).getByRole("button", { name: "Save…" }));

    expect(await within(dialog).findByText("42 bookings saved: /home/desk/bookings.xlsx")).toBeInTheDocument();
    expect(commands.chooseSavePath).toHaveBeenCalledWith("bookingsXlsx", "bookings-2030-01-01-2030-01-17.xlsx");
    expect(commands.exportBookings).toHaveBeenCalledWith(
      {
        from: "2030-01-01",
        to: "2030-01-17",
        locationId: 1,
        subject: mri.subject,
        statuses: [],
        format: "xlsx",
        language: "en",
      },
      "/home/desk/bookings.xlsx",
    );
    expect(JSON.parse(localStorage.getItem("export-format") ?? "null")).toBe("xlsx");
  });

  it("puts the server's refusal of the range on the date it names", async () => {
    (commands.listLocations as Mock).mockResolvedValue({ status: "ok", data: [centre()] });
    (commands.chooseSavePath as Mock).mockResolvedValue({ status: "ok", data: "/home/desk/bookings.csv" });
    (commands.exportBookings as Mock).mockResolvedValue({
      status: "error",
      error: {
        kind: "validation",
        field: "to",
        code: "outOfRange",
        message: "one export covers at most a year",
        limits: { min: 1, max: 366 },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ExportBookings location={centre()} date="2030-01-17" subjects={[]} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Save…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("To")).toHaveAttribute("aria-invalid", "true"));
  });
});

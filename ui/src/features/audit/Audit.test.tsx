import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AuditEvent } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { auditEvents: vi.fn(), exportAuditCsv: vi.fn(), chooseSavePath: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { Audit } = await import("./Audit");

const event = (eventId: number, verified: boolean): AuditEvent => ({
  eventId,
  at: "2030-01-07T09:00:00Z",
  login: "anna.k",
  station: "clinic-desk 01 desk-2",
  action: "statusChange",
  tableName: "bookings",
  rowId: "0192aaaa-bbbb",
  patientId: null,
  changes: [{ column: "status", old: "booked", new: "confirmed" }],
  verified,
});

describe("Audit", () => {
  it("marks an entry that does not verify, filters by login and exports", async () => {
    (commands.auditEvents as Mock).mockResolvedValue({ status: "ok", data: [event(2, false), event(1, true)] });
    (commands.exportAuditCsv as Mock).mockResolvedValue({ status: "ok", data: 2 });
    (commands.chooseSavePath as Mock).mockResolvedValue({ status: "ok", data: "/tmp/audit.csv" });
    renderWithProviders(<Audit />);

    const rows = await screen.findAllByRole("row");
    const broken = rows.find((r) => r.getAttribute("data-verified") === "false")!;
    expect(within(broken).getByText("✗ not verified")).toBeInTheDocument();
    expect(within(rows.find((r) => r.getAttribute("data-verified") === "true")!).getByText("✓ verified")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("1 entry does not verify");
    expect(screen.getAllByText("status: booked → confirmed")).toHaveLength(2);

    await userEvent.type(screen.getByLabelText("Login"), "anna.k");
    expect(commands.auditEvents).toHaveBeenLastCalledWith(expect.objectContaining({ login: "anna.k", action: null }));
    await userEvent.click(screen.getByRole("button", { name: "Export CSV…" }));
    expect(await screen.findByText("Exported 2 events")).toBeInTheDocument();
    expect(commands.exportAuditCsv).toHaveBeenCalledWith(expect.objectContaining({ login: "anna.k" }), "/tmp/audit.csv");
  });
});

import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { StationStatus } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: {
    testConnection: vi.fn(),
    saveSettings: vi.fn(),
    keptQueues: vi.fn().mockResolvedValue({ status: "ok", data: [] }),
    removeClinicData: vi.fn(),
    stationStatus: vi.fn(),
  },
}));

const { commands } = await import("../../bindings");
const { SettingsPanel } = await import("./Settings");

const server = { host: "db.clinic", port: 5432, database: "clinic", user: "desk", tls: "require" as const, caFile: null };
const status: StationStatus = {
  mode: "server",
  phase: { phase: "ready" },
  schema: null,
  settings: { server, updateEndpoint: null },
  access: null,
  session: null,
  lastLogin: "desk",
  demoLogins: [],
};

describe("SettingsPanel", () => {
  it("shows a validation error next to the field it names", async () => {
    (commands.saveSettings as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "host", code: "required", message: "is required" },
    });
    renderWithProviders(<SettingsPanel status={status} onStatus={() => {}} onClose={() => {}} />);
    const host = screen.getByLabelText("Host");
    await userEvent.clear(host);
    await userEvent.click(screen.getByRole("button", { name: "Save and sign out" }));

    await waitFor(() => expect(host).toHaveAttribute("aria-invalid", "true"));
    expect(host).toHaveAccessibleDescription(/Required/);
    expect(commands.saveSettings).toHaveBeenCalledWith({ server: { ...server, host: "" }, updateEndpoint: null }, false);
  });

  it("names what is wrong with a connection", async () => {
    (commands.testConnection as Mock).mockResolvedValue({
      status: "ok",
      data: {
        ok: false,
        problem: "badPassword",
        message: "the password for desk was not accepted",
        serverVersion: null,
        schema: null,
        tlsWarning: "the server's identity is not checked",
      },
    });
    renderWithProviders(<SettingsPanel status={status} onStatus={() => {}} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText("Password (for the test only; never kept)"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Test connection" }));

    expect(await screen.findByText("Wrong password")).toBeInTheDocument();
    expect(screen.getByText("the password for desk was not accepted")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("the server's identity is not checked");
    expect(commands.testConnection).toHaveBeenCalledWith(server, "secret");
  });

  it("says how many changes wait before leaving their server, and lists the way back", async () => {
    const elsewhere = { ...server, host: "old.clinic" };
    (commands.keptQueues as Mock).mockResolvedValue({
      status: "ok",
      data: [
        { server, pending: 2, conflicts: 1, current: true },
        { server: elsewhere, pending: 4, conflicts: 0, current: false },
      ],
    });
    (commands.saveSettings as Mock).mockResolvedValue({ status: "ok", data: status });
    const onStatus = vi.fn();
    renderWithProviders(<SettingsPanel status={status} onStatus={onStatus} onClose={() => {}} />);
    expect(await screen.findByText(/old.clinic:5432\/clinic · 4 changes not synced/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("radio", { name: "Demo clinic on this computer" }));
    await userEvent.click(screen.getByRole("button", { name: "Save and sign out" }));
    expect(screen.getByRole("alert")).toHaveTextContent("3 changes made here have not reached the current server yet");
    expect(commands.saveSettings).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Switch anyway" }));
    expect(commands.saveSettings).toHaveBeenCalledWith({ server: null, updateEndpoint: null }, true);
    await vi.waitFor(() => expect(onStatus).toHaveBeenCalled());

    // The way back fills in the other server.
    await userEvent.click(screen.getByRole("button", { name: "Use this server" }));
    expect(screen.getByLabelText("Host")).toHaveValue("old.clinic");
  });

  it("removes this computer's copy only once the loss of waiting changes is accepted", async () => {
    (commands.keptQueues as Mock).mockResolvedValue({ status: "ok", data: [{ server, pending: 2, conflicts: 1, current: true }] });
    (commands.removeClinicData as Mock).mockResolvedValue({ status: "ok", data: { lostChanges: 3 } });
    const signedOut: StationStatus = { ...status, phase: { phase: "signedOut" } };
    (commands.stationStatus as Mock).mockResolvedValue({ status: "ok", data: signedOut });
    const onStatus = vi.fn();
    renderWithProviders(<SettingsPanel status={status} onStatus={onStatus} onClose={() => {}} />);
    await userEvent.click(await screen.findByRole("button", { name: "Remove this clinic's data from this computer…" }));
    const remove = screen.getByRole("button", { name: "Remove" });
    expect(remove).toBeDisabled();
    await userEvent.click(screen.getByLabelText(/3 changes made here and not yet on the clinic server will be lost/));
    await userEvent.click(remove);
    await waitFor(() => expect(onStatus).toHaveBeenCalledWith(signedOut));
    expect(commands.removeClinicData).toHaveBeenCalledWith(true);
  });
});

import { describe, expect, it, vi, type Mock } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { StationStatus } from "./bindings";
import { renderWithProviders } from "./test/render";

vi.mock("./bindings", () => ({
  commands: { testConnection: vi.fn(), saveSettings: vi.fn() },
}));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn() }));

const { commands } = await import("./bindings");
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

    expect(await screen.findByText("is required")).toBeInTheDocument();
    expect(host).toHaveAttribute("aria-invalid", "true");
    expect(commands.saveSettings).toHaveBeenCalledWith({ server: { ...server, host: "" }, updateEndpoint: null });
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
});

import { afterEach, describe, expect, it, vi, type Mock } from "vitest";
import { act, renderHook, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { SignInOutcome, StationStatus } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { signIn: vi.fn(), unlockStation: vi.fn(), signOut: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { LockScreen, SignInScreen, useIdle } = await import("./SignIn");

const server = {
  host: "db.clinic",
  port: 5432,
  database: "clinic",
  user: "anna.k",
  tls: "verifyFull" as const,
  caFile: "/etc/clinic-ca.crt",
};
const signedOut: StationStatus = {
  mode: "server",
  phase: { phase: "signedOut" },
  schema: null,
  settings: { server, updateEndpoint: null },
  access: null,
  session: null,
  lastLogin: "anna.k",
  demoLogins: [],
};
const anna = {
  login: "anna.k",
  fullName: "Anna Koval",
  groups: ["reception" as const],
  locationIds: [],
  may: { book: true, editPatients: true, manageClinic: false, manageStaff: false, readAudit: false },
};
const signedIn = (offline: boolean): StationStatus => ({
  ...signedOut,
  phase: offline ? { phase: "failed", error: { kind: "offline", message: "cannot reach db.clinic:5432" } } : { phase: "ready" },
  access: anna,
  session: { login: "anna.k", fullName: "Anna Koval", locked: false, signedInOffline: offline, lockAfterSeconds: 300 },
});
const refused = (reason: string, message = ""): { status: "ok"; data: SignInOutcome } => ({
  status: "ok",
  data: { outcome: "refused", reason, message } as SignInOutcome,
});

afterEach(() => vi.clearAllMocks());

async function signInAs(password: string) {
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("SignInScreen", () => {
  it("offers the last login, keeps 'remember' off by default and says a wrong password plainly", async () => {
    (commands.signIn as Mock).mockResolvedValueOnce(refused("wrongPassword", "the user name or the password is not right"));
    const onStatus = vi.fn();
    renderWithProviders(<SignInScreen status={signedOut} onStatus={onStatus} onSettings={() => {}} />);
    expect(screen.getByLabelText("User name")).toHaveValue("anna.k");
    expect(screen.getByRole("checkbox", { name: /Remember on this computer/ })).not.toBeChecked();
    await signInAs("not it");

    expect(await screen.findByRole("alert")).toHaveTextContent("The user name or the password is not right");
    expect(commands.signIn).toHaveBeenCalledWith("anna.k", "not it", false);
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(onStatus).not.toHaveBeenCalled();
  });

  it("says a disabled account is disabled, with the server's detail", async () => {
    (commands.signIn as Mock).mockResolvedValueOnce(refused("disabled", "the login anna.k is disabled"));
    renderWithProviders(<SignInScreen status={signedOut} onStatus={() => {}} onSettings={() => {}} />);
    await signInAs("correct horse");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This account is disabled: ask a manager");
    expect(alert).toHaveTextContent("the login anna.k is disabled");
  });

  it("refuses offline without a recent online sign-in here, and signs in offline with one", async () => {
    (commands.signIn as Mock)
      .mockResolvedValueOnce(refused("unreachable", "the clinic database cannot be reached (cannot reach db.clinic:5432)"))
      .mockResolvedValueOnce({ status: "ok", data: { outcome: "signedIn", status: signedIn(true) } });
    const onStatus = vi.fn();
    renderWithProviders(<SignInScreen status={signedOut} onStatus={onStatus} onSettings={() => {}} />);
    await signInAs("correct horse");
    expect(await screen.findByRole("alert")).toHaveTextContent("you have not signed in online at this computer recently");
    expect(onStatus).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole("checkbox", { name: /Remember on this computer/ }));
    await signInAs("correct horse");
    await vi.waitFor(() => expect(onStatus).toHaveBeenCalledWith(signedIn(true)));
    expect(commands.signIn).toHaveBeenLastCalledWith("anna.k", "correct horse", true);
  });

  it("names a field the station refused", async () => {
    (commands.signIn as Mock).mockResolvedValueOnce({
      status: "error",
      error: { kind: "validation", field: "login", code: "invalidFormat", message: "is 2 to 63 lower-case Latin letters" },
    });
    renderWithProviders(<SignInScreen status={{ ...signedOut, lastLogin: null }} onStatus={() => {}} onSettings={() => {}} />);
    await userEvent.type(screen.getByLabelText("User name"), "Anna K");
    await signInAs("x");
    expect(await screen.findByText(/^2 to 63 lower-case Latin letters/)).toBeInTheDocument();
    expect(screen.getByLabelText("User name")).toHaveAttribute("aria-invalid", "true");
  });

  it("shows the demo clinic's logins only in demo mode, one click each", async () => {
    const demo: StationStatus = {
      ...signedOut,
      mode: "demo",
      settings: { server: null, updateEndpoint: null },
      lastLogin: null,
      demoLogins: [{ login: "reception", fullName: "Olena Marchenko", group: "reception", password: "reception-demo" }],
    };
    (commands.signIn as Mock).mockResolvedValueOnce({ status: "ok", data: { outcome: "signedIn", status: signedIn(false) } });
    renderWithProviders(<SignInScreen status={demo} onStatus={() => {}} onSettings={() => {}} />);
    expect(screen.queryByRole("checkbox", { name: /Remember/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Sign in as reception" }));
    expect(commands.signIn).toHaveBeenCalledWith("reception", "reception-demo", false);

    renderWithProviders(<SignInScreen status={signedOut} onStatus={() => {}} onSettings={() => {}} />);
    expect(screen.queryAllByText("Demo clinic staff")).toHaveLength(1);
  });
});

describe("LockScreen", () => {
  const locked: StationStatus = { ...signedIn(false), session: { ...signedIn(false).session!, locked: true } };

  it("unlocks with the same member's password and says when it is wrong", async () => {
    (commands.unlockStation as Mock)
      .mockResolvedValueOnce(refused("wrongPassword", "the password is not right"))
      .mockResolvedValueOnce({ status: "ok", data: { outcome: "signedIn", status: signedIn(false) } });
    const onStatus = vi.fn();
    renderWithProviders(<LockScreen status={locked} onStatus={onStatus} />);
    expect(screen.getByText(/Anna Koval \(anna.k\) is signed in/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Password"), "wrong one");
    await userEvent.click(screen.getByRole("button", { name: "Unlock" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The user name or the password is not right");
    expect(onStatus).not.toHaveBeenCalled();

    await userEvent.type(screen.getByLabelText("Password"), "correct horse");
    await userEvent.click(screen.getByRole("button", { name: "Unlock" }));
    await vi.waitFor(() => expect(onStatus).toHaveBeenCalledWith(signedIn(false)));
    expect(commands.unlockStation).toHaveBeenLastCalledWith("correct horse");
  });

  it("switches user: the station signs out", async () => {
    (commands.signOut as Mock).mockResolvedValueOnce({ status: "ok", data: signedOut });
    const onStatus = vi.fn();
    renderWithProviders(<LockScreen status={locked} onStatus={onStatus} />);
    await userEvent.click(screen.getByRole("button", { name: "Switch user" }));
    await vi.waitFor(() => expect(onStatus).toHaveBeenCalledWith(signedOut));
  });
});

describe("useIdle", () => {
  it("fires after the idle time, and input starts the count again", () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    renderHook(() => useIdle(60, onIdle));
    act(() => vi.advanceTimersByTime(59_000));
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    act(() => vi.advanceTimersByTime(59_000));
    expect(onIdle).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1_000));
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it("never fires when the station is not signed in", () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    renderHook(() => useIdle(0, onIdle));
    act(() => vi.advanceTimersByTime(3_600_000));
    expect(onIdle).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});

import { describe, expect, it, vi, type Mock } from "vitest";
import { useState } from "react";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders } from "../test/render";

vi.mock("../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../bindings")>()),
  commands: { reportScreenFailure: vi.fn() },
}));

const { commands } = await import("../bindings");
const { ScreenBoundary } = await import("./ScreenBoundary");

let failing = true;
function Fragile() {
  if (failing) throw new Error("sameSubject is not defined");
  return <p>The board is back</p>;
}

function Station() {
  const [typed, setTyped] = useState("");
  return (
    <>
      <input aria-label="Header search" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} />
      <ScreenBoundary screen="board">
        <Fragile />
      </ScreenBoundary>
    </>
  );
}

describe("ScreenBoundary", () => {
  it("keeps the station running when a screen throws, shows the log reference, and reloads the screen", async () => {
    (commands.reportScreenFailure as Mock).mockResolvedValue("4f2a9c01");
    vi.spyOn(console, "error").mockImplementation(() => {});
    renderWithProviders(<Station />);

    expect(await screen.findByRole("alert")).toHaveTextContent("This screen stopped working");
    expect(screen.getByText("sameSubject is not defined")).toBeInTheDocument();
    expect(await screen.findByText("4f2a9c01")).toBeInTheDocument();
    expect((commands.reportScreenFailure as Mock).mock.calls[0][0]).toBe("board");
    expect((commands.reportScreenFailure as Mock).mock.calls[0][1]).toContain("sameSubject is not defined");

    // The rest of the window still works.
    await userEvent.type(screen.getByLabelText("Header search"), "still here");
    expect(screen.getByLabelText("Header search")).toHaveValue("still here");

    failing = false;
    await userEvent.click(screen.getByRole("button", { name: "Reload this screen" }));
    expect(await screen.findByText("The board is back")).toBeInTheDocument();
  });
});

import { afterEach, describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ResultFile } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { bookingResults: vi.fn(), attachStagedResult: vi.fn(), saveResultCopy: vi.fn(), chooseSavePath: vi.fn() },
}));
// No Tauri runtime in jsdom: a channel that the test drives by hand.
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));

const { commands } = await import("../../bindings");
const { BookingResults } = await import("./Results");

const MiB = 1024 * 1024;
const stored: ResultFile = {
  id: "r1",
  bookingId: "b1",
  patientId: "p1",
  diagnosticName: "MRI",
  fileName: "scan.pdf",
  mediaType: "application/pdf",
  byteSize: 2.5 * MiB,
  sha256: "ab".repeat(32),
  uploadedBy: "Desk 1",
  createdAt: "2030-01-07T10:00:00Z",
};

afterEach(() => vi.unstubAllGlobals());

describe("BookingResults", () => {
  it("sends a chosen PDF in raw chunks with progress, attaches it, and lists it with its checksum", async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response("ok"));
    vi.stubGlobal("fetch", fetch);
    (commands.bookingResults as Mock).mockResolvedValueOnce({ status: "ok", data: [] }).mockResolvedValue({ status: "ok", data: [stored] });
    (commands.attachStagedResult as Mock).mockImplementation(async (resultId, bookingId, fileName, channel) => {
      channel.onmessage({ stage: "done", doneBytes: stored.byteSize, totalBytes: stored.byteSize });
      return { status: "ok", data: { ...stored, id: resultId, bookingId, fileName } };
    });
    const user = userEvent.setup();
    renderWithProviders(<BookingResults bookingId="b1" timeZone="Europe/Kyiv" acceptsUploads />);
    expect(await screen.findByText("No results yet")).toBeInTheDocument();

    const pdf = new File([new Uint8Array(2.5 * MiB)], "scan.pdf", { type: "application/pdf" });
    await user.upload(screen.getByLabelText("Choose files…"), pdf);

    expect(await screen.findByText("stored")).toBeInTheDocument();
    // Three raw chunks, in order, to one staging id, never a JSON array.
    const urls = fetch.mock.calls.map(([url]) => String(url));
    expect(urls.map((u) => u.replace(/.*offset=/, ""))).toEqual(["0", String(MiB), String(2 * MiB)]);
    const resultId = urls[0].match(/staging\/([0-9a-f-]+)\?/)![1];
    expect(urls.every((u) => u.startsWith(`clinic://localhost/staging/${resultId}?`))).toBe(true);
    expect(fetch.mock.calls.every(([, init]) => init.method === "POST" && init.body instanceof ArrayBuffer)).toBe(true);
    expect((commands.attachStagedResult as Mock).mock.calls[0].slice(0, 3)).toEqual([resultId, "b1", "scan.pdf"]);
    expect(screen.getByRole("progressbar", { name: "Uploading scan.pdf" })).toHaveAttribute("aria-valuenow", "100");
    expect(await screen.findByText("ab".repeat(32))).toBeInTheDocument();
  });

  it("refuses a file over the limit or of another type before sending anything, and shows the station's refusal", async () => {
    const fetch = vi.fn(
      async () =>
        new Response(
          JSON.stringify({
            kind: "validation",
            field: "file",
            code: "unsupportedType",
            message: "the file is not a PDF, JPEG or PNG (its content says otherwise)",
          }),
          {
            status: 400,
            headers: { "Content-Type": "application/json" },
          },
        ),
    );
    vi.stubGlobal("fetch", fetch);
    (commands.bookingResults as Mock).mockResolvedValue({ status: "ok", data: [] });
    const user = userEvent.setup({ applyAccept: false });
    renderWithProviders(<BookingResults bookingId="b1" timeZone="Europe/Kyiv" acceptsUploads />);
    await screen.findByText("No results yet");

    const huge = new File([new Uint8Array(26 * MiB)], "huge.pdf", { type: "application/pdf" });
    const text = new File(["hello"], "notes.txt", { type: "text/plain" });
    await user.upload(screen.getByLabelText("Choose files…"), [huge, text]);
    expect(await screen.findByText(/Too large \(26 MB\)/)).toBeInTheDocument();
    expect(screen.getByText("Only PDF, JPEG or PNG files")).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();

    // A text file renamed .pdf passes the browser's check; the station's content check refuses it.
    const renamed = new File(["just text"], "fake.pdf", { type: "application/pdf" });
    await user.upload(screen.getByLabelText("Choose files…"), renamed);
    expect(await screen.findByText("File: This kind of file is not accepted")).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByText("not stored")).toHaveLength(3));
    expect(commands.attachStagedResult).not.toHaveBeenCalled();
  });

  it("lists a booking's results without an upload zone while the booking takes none (not started, cancelled, missed)", async () => {
    (commands.bookingResults as Mock).mockResolvedValue({ status: "ok", data: [stored] });
    renderWithProviders(<BookingResults bookingId="b1" timeZone="Europe/Kyiv" acceptsUploads={false} />);
    expect(await screen.findByText(stored.fileName)).toBeInTheDocument();
    expect(screen.queryByLabelText("Choose files…")).toBeNull();
  });
});

import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { DocumentPreview, DocumentRequest } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { previewDocument: vi.fn(), printDocument: vi.fn(), saveDocumentPdf: vi.fn(), chooseSavePath: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { PrintPreview } = await import("./PrintPreview");

/** What the station lays out: a page per request, saying what was asked. */
function laidOut(request: DocumentRequest, id: string, offline = false): DocumentPreview {
  const paper = request.paper === "a4" ? 595.28 : 612;
  const landscape = request.document === "daySheet" && request.orientation === "landscape";
  const [width, height] = landscape ? [842, paper] : [paper, 842];
  return {
    id,
    offline,
    document: {
      title: "Day sheet · Centre · 2030-01-07",
      fileName: "day-sheet-centre-2030-01-07.pdf",
      width,
      height,
      language: "en",
      rows: 2,
      pages: [
        {
          items: [
            { kind: "text", x: 36, y: 48, size: 13, weight: "bold", text: "Day sheet · Centre" },
            { kind: "rule", x: 36, y: 60, width: 500, height: 1, gray: 60 },
            { kind: "text", x: 36, y: 80, size: 8.5, weight: "bold", text: "Олександра Шевченко-Кравчук" },
          ],
        },
        { items: [{ kind: "text", x: 36, y: 48, size: 13, weight: "bold", text: `Page 2 (${request.paper})` }] },
      ],
    },
  };
}

const daySheet = { document: "daySheet", locationId: 1, date: "2030-01-07", subject: null } as const;
const bondar = { subject: { type: "doctor", doctorId: 7 } as const, name: "Dr Iryna Bondar · Cardiology" };

describe("PrintPreview", () => {
  it("draws the laid-out pages, prints the previewed one and saves its PDF where the dialog says", async () => {
    localStorage.clear();
    let n = 0;
    (commands.previewDocument as Mock).mockImplementation(async (request: DocumentRequest) => ({
      status: "ok",
      data: laidOut(request, `doc-${++n}`),
    }));
    (commands.printDocument as Mock).mockResolvedValue({ status: "ok", data: null });
    (commands.chooseSavePath as Mock).mockResolvedValue({ status: "ok", data: "/home/desk/day-sheet.pdf" });
    (commands.saveDocumentPdf as Mock).mockResolvedValue({
      status: "ok",
      data: { path: "/home/desk/day-sheet.pdf", bytes: 40_000, rows: 2 },
    });
    const user = userEvent.setup();
    renderWithProviders(<PrintPreview asked={daySheet} subjects={[bondar]} onClose={() => {}} />);

    const dialog = await screen.findByRole("dialog", { name: "Day sheet · Centre · 2030-01-07" });
    const pages = within(dialog).getAllByRole("figure");
    expect(pages.map((p) => p.getAttribute("aria-label"))).toEqual(["Page 1 of 2", "Page 2 of 2"]);
    // Text stays text, in the page's coordinates.
    const name = within(pages[0]).getByText("Олександра Шевченко-Кравчук");
    expect(name.tagName.toLowerCase()).toBe("text");
    expect(name.getAttribute("font-weight")).toBe("700");
    expect(pages[0].querySelector("svg")?.getAttribute("viewBox")).toBe("0 0 595.28 842");
    expect((commands.previewDocument as Mock).mock.calls[0][0]).toEqual({
      ...daySheet,
      paper: "a4",
      orientation: "portrait",
      language: "en",
    });

    // The print stylesheet's copy: the same pages at paper size, outside the dialog.
    const printCopy = document.querySelector(".print-pages");
    expect(printCopy?.querySelectorAll("figure")).toHaveLength(2);
    expect(printCopy?.textContent).toContain("@page { size: 595.28pt 842pt; margin: 0; }");

    await user.click(within(dialog).getByRole("button", { name: "Print" }));
    await waitFor(() => expect(commands.printDocument).toHaveBeenCalledWith("doc-1"));

    await user.click(within(dialog).getByRole("button", { name: "Save as PDF" }));
    expect(await within(dialog).findByText("Saved: /home/desk/day-sheet.pdf")).toBeInTheDocument();
    expect(commands.chooseSavePath).toHaveBeenCalledWith("pdf", "day-sheet-centre-2030-01-07.pdf");
    expect(commands.saveDocumentPdf).toHaveBeenCalledWith("doc-1", "/home/desk/day-sheet.pdf");
  });

  it("asks again for another paper, orientation or doctor, and remembers the paper", async () => {
    localStorage.clear();
    let n = 0;
    (commands.previewDocument as Mock).mockImplementation(async (request: DocumentRequest) => ({
      status: "ok",
      data: laidOut(request, `doc-${++n}`),
    }));
    const user = userEvent.setup();
    renderWithProviders(<PrintPreview asked={daySheet} subjects={[bondar]} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog");
    await within(dialog).findByText("Page 2 (a4)");

    await user.click(within(dialog).getByText("Letter"));
    expect(await within(dialog).findByText("Page 2 (letter)")).toBeInTheDocument();
    await user.click(within(dialog).getByText("Landscape"));
    await user.click(within(dialog).getByLabelText("Whose bookings"));
    await user.click(await screen.findByRole("option", { name: "Dr Iryna Bondar · Cardiology", hidden: true }));
    await waitFor(() =>
      expect((commands.previewDocument as Mock).mock.lastCall?.[0]).toEqual({
        ...daySheet,
        subject: bondar.subject,
        paper: "letter",
        orientation: "landscape",
        language: "en",
      }),
    );
    expect(JSON.parse(localStorage.getItem("print-paper") ?? "null")).toBe("letter");
  });

  it("says a sheet printed from the kept boards may be out of date, and a refusal in words", async () => {
    (commands.previewDocument as Mock).mockImplementation(async (request: DocumentRequest) => ({
      status: "ok",
      data: laidOut(request, "offline-1", true),
    }));
    (commands.printDocument as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "documentId", code: "unknown", message: "preview the document again", limits: null },
    });
    const user = userEvent.setup();
    renderWithProviders(<PrintPreview asked={{ document: "slip", bookingId: "b1" }} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog");
    expect(await within(dialog).findByText(/may be out of date/)).toBeInTheDocument();
    // A slip has one paper choice and no orientation or doctor.
    expect(within(dialog).queryByText("Landscape")).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Print" }));
    expect(await within(dialog).findByText(/^Document:/)).toBeInTheDocument();
  });
});

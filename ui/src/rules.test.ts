// The UI decides no domain rule (docs/architecture.md, "Rules that live in
// one place"): what a booking allows comes from fields on `Booking`, limits
// and choices from the constants tauri-specta exports. This finds copies.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "test" ? [] : sources(path);
    const ui = /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && name !== "bindings.ts";
    return ui ? [path] : [];
  });
}

/** What a rule copied into the UI looks like, and where the rule lives. */
const COPIES: [RegExp, string][] = [
  [
    /status\s*[!=]==?\s*"(cancelled|noShow|completed|booked|confirmed)"/,
    "a booking rule by status: use allowedActions, canReschedule, canRate, acceptsResults, holdsSlot",
  ],
  [/"(cancelled|noShow|completed)"\s*[!=]==?\s*\w*\.?status/, "a booking rule by status"],
  [/\b\d+\s*\*\s*1024\s*\*\s*1024\b|\b26214400\b/, "a file size limit: use MAX_RESULT_BYTES"],
  // Showing a PDF in a frame and a picture as an image is the UI's business;
  // which types are accepted is not.
  [/"(application\/pdf|image\/(jpeg|png))"\s*:|\.(pdf|jpe?g|png)"\s*\]/, "result file types: use RESULT_FILE_TYPES"],
  [/\[\s*5\s*,\s*10\s*,\s*15/, "the schedule steps: use GRID_MINUTES"],
  [/\.length\s*(>=|<)\s*2\b/, "the shortest search: use MIN_SEARCH_CHARS"],
  [/\b(min|max)=\{\d+\}/, "an input's limits: use the exported bounds (SLOT_MINUTES, DIAGNOSTIC_CAPACITY, …)"],
];

describe("the UI copies no domain rule", () => {
  const files = sources(__dirname);

  it("scans the UI's own code", () => {
    expect(files.map((f) => relative(__dirname, f))).toEqual(
      expect.arrayContaining(["features/board/Board.tsx", "features/booking/BookingDetail.tsx", "api/reads.ts"]),
    );
  });

  it("finds no status test, limit or choice list written in TypeScript", () => {
    const found = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          COPIES.filter(([pattern]) => pattern.test(line)).map(
            ([, why]) => `${relative(__dirname, file)}:${i + 1}: ${why}: ${line.trim()}`,
          ),
        ),
    );
    expect(found).toEqual([]);
  });
});

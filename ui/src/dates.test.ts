import { describe, expect, it } from "vitest";
import { instantAt, nextMonday } from "./dates";

describe("dates", () => {
  it("turns a typed wall time into the instant in the location's zone, DST included", () => {
    expect(instantAt("2026-06-01", 9 * 60, "Europe/Kyiv")).toBe("2026-06-01T06:00:00.000Z");
    expect(instantAt("2026-12-01", 9 * 60, "Europe/Kyiv")).toBe("2026-12-01T07:00:00.000Z");
    // 03:30 does not happen in Kyiv on 29 March 2026 (03:00 -> 04:00): an hour on.
    expect(instantAt("2026-03-29", 3 * 60 + 30, "Europe/Kyiv")).toBe("2026-03-29T01:30:00.000Z");
    expect(instantAt("2026-12-01", 23 * 60, "America/New_York")).toBe("2026-12-02T04:00:00.000Z");
  });

  it("says next week starts on the coming Monday", () => {
    expect(nextMonday("2026-11-30")).toBe("2026-12-07"); // a Monday: the next one
    expect(nextMonday("2026-12-05")).toBe("2026-12-07"); // Saturday
    expect(nextMonday("2026-12-06")).toBe("2026-12-07"); // Sunday
  });
});

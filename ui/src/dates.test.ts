import { describe, expect, it } from "vitest";
import { instantAt, minuteOfDay, nextMonday, todayIn } from "./dates";

describe("dates", () => {
  it("turns a typed wall time into the instant in the location's zone, DST included", () => {
    expect(instantAt("2026-06-01", 9 * 60, "Europe/Kyiv")).toBe("2026-06-01T06:00:00.000Z");
    expect(instantAt("2026-12-01", 9 * 60, "Europe/Kyiv")).toBe("2026-12-01T07:00:00.000Z");
    // 03:30 does not happen in Kyiv on 29 March 2026 (03:00 -> 04:00): an hour on.
    expect(instantAt("2026-03-29", 3 * 60 + 30, "Europe/Kyiv")).toBe("2026-03-29T01:30:00.000Z");
    expect(instantAt("2026-12-01", 23 * 60, "America/New_York")).toBe("2026-12-02T04:00:00.000Z");
  });

  it("reads the clock and the date in each zone asked, zones alternating (one formatter per zone)", () => {
    const instant = "2026-12-01T23:30:00Z";
    for (let round = 0; round < 2; round++) {
      expect(minuteOfDay(instant, "Europe/Kyiv")).toBe(90); // 01:30 on 2 December
      expect(todayIn("Europe/Kyiv", new Date(instant))).toBe("2026-12-02");
      expect(minuteOfDay(instant, "America/New_York")).toBe(18 * 60 + 30);
      expect(todayIn("America/New_York", new Date(instant))).toBe("2026-12-01");
      expect(minuteOfDay(instant, "UTC")).toBe(23 * 60 + 30);
    }
  });

  it("says next week starts on the coming Monday", () => {
    expect(nextMonday("2026-11-30")).toBe("2026-12-07"); // a Monday: the next one
    expect(nextMonday("2026-12-05")).toBe("2026-12-07"); // Saturday
    expect(nextMonday("2026-12-06")).toBe("2026-12-07"); // Sunday
  });
});

import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings";
import { refetchesFor, touchesDay } from "./live";

const idle: SyncStatus = { online: true, pending: 0, conflicts: 0, lastSyncedAt: "2030-01-07T09:00:00Z", stuck: 0, stuckSince: null };

describe("what a sync state change refetches", () => {
  it("refetches nothing on a tick that only moves the last sync time", () => {
    expect(refetchesFor(idle, { ...idle, lastSyncedAt: "2030-01-07T09:00:30Z" })).toEqual({ bookings: false, conflicts: false });
    expect(refetchesFor(null, idle)).toEqual({ bookings: false, conflicts: false });
  });

  it("refetches the boards when the station comes back or its changes were pushed", () => {
    expect(refetchesFor({ ...idle, online: false }, idle)).toEqual({ bookings: true, conflicts: true });
    expect(refetchesFor({ ...idle, pending: 2 }, { ...idle, pending: 1 })).toEqual({ bookings: true, conflicts: true });
    expect(refetchesFor({ ...idle, stuck: 1 }, idle).bookings).toBe(true);
  });

  it("refetches only the conflicts when only their count changed", () => {
    expect(refetchesFor(idle, { ...idle, conflicts: 1 })).toEqual({ bookings: false, conflicts: true });
  });
});

describe("touchesDay", () => {
  const change = (from: string, to: string) => ({ locationId: 1, from, to });
  it("is the local day in the location's zone, both edges open", () => {
    // 2030-01-07 in Kyiv (UTC+2) is 2030-01-06T22:00Z to 2030-01-07T22:00Z.
    expect(touchesDay(change("2030-01-07T21:30:00Z", "2030-01-07T22:00:00Z"), "2030-01-07", "Europe/Kyiv")).toBe(true);
    expect(touchesDay(change("2030-01-07T22:00:00Z", "2030-01-07T22:30:00Z"), "2030-01-07", "Europe/Kyiv")).toBe(false);
    expect(touchesDay(change("2030-01-06T21:30:00Z", "2030-01-06T22:00:00Z"), "2030-01-07", "Europe/Kyiv")).toBe(false);
    // A move spans both its old and its new day.
    expect(touchesDay(change("2030-01-05T08:00:00Z", "2030-01-09T08:30:00Z"), "2030-01-07", "Europe/Kyiv")).toBe(true);
  });
  it("takes a span it cannot read (everything changed) as touching every day", () => {
    expect(touchesDay(change("-262143-01-01T00:00:00Z", "+262142-12-31T23:59:59.999999999Z"), "2030-01-07", "UTC")).toBe(true);
  });
});

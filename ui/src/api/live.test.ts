import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings";
import { refetchesFor } from "./live";

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

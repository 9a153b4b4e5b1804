// Live refresh: what the station announces becomes refetches, in one place.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type BookingsChange, commands, type DayBoard, events, type SyncStatus } from "../bindings";
import { instantAt, shiftDate } from "../dates";
import { refetch } from "./reads";

/** Whether `change` may touch the board of `date` in `timeZone`: its span
 * overlaps that local day. A span that cannot be read (the station's "all
 * changed", announced after a reconnect, reaches past the year 9999) touches
 * every day. */
export function touchesDay(change: BookingsChange, date: string, timeZone: string): boolean {
  const [from, to] = [Date.parse(change.from), Date.parse(change.to)];
  if (Number.isNaN(from) || Number.isNaN(to)) return true;
  return from < Date.parse(instantAt(shiftDate(date, 1), 0, timeZone)) && to > Date.parse(instantAt(date, 0, timeZone));
}

/** Bookings changed at a location (another desk, or this one): the boards
 * of the days it touches, free times and the bookings shown refetch. With
 * hundreds of desks, a board refetched on every booking anywhere in the
 * location was most of the server's work (desks bench). */
export function useBookingsRefresh(): void {
  const queries = useQueryClient();
  useEffect(() => {
    const stop = events.bookingsChanged.listen(({ payload }) => {
      void queries.invalidateQueries({
        queryKey: ["dayBoard", payload.locationId],
        predicate: (query) => {
          const board = query.state.data as DayBoard | undefined;
          return board === undefined || touchesDay(payload, board.date, board.location.timeZone);
        },
      });
      void refetch(queries, "freeSlots", { locationId: payload.locationId });
      // Time freed or taken there: the waitlist's matches follow.
      void refetch(queries, "waitlistMatches", payload.locationId);
      void refetch(queries, "getBooking");
      void refetch(queries, "patientBookings");
    });
    return () => void stop.then((unlisten) => unlisten());
  }, [queries]);
}

/** What a change of the sync state means for the screens. A tick that only
 * moves `lastSyncedAt` changes nothing shown: no refetch. */
export function refetchesFor(before: SyncStatus | null, after: SyncStatus): { bookings: boolean; conflicts: boolean } {
  if (!before) return { bookings: false, conflicts: false };
  // Back online (the boards were the station's copy), or changes pushed or
  // set aside (provisional bookings became real, or stopped being pending).
  const bookings = before.online !== after.online || before.pending !== after.pending || before.stuck !== after.stuck;
  return { bookings, conflicts: bookings || before.conflicts !== after.conflicts };
}

/** The station's sync state, kept current by the `syncChanged` event, and
 * the refetches its changes call for. */
export function useSyncStatus(): SyncStatus | null {
  const queries = useQueryClient();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const last = useRef<SyncStatus | null>(null);
  useEffect(() => {
    const take = (next: SyncStatus) => {
      const changed = refetchesFor(last.current, next);
      last.current = next;
      setStatus(next);
      if (changed.bookings) {
        void refetch(queries, "dayBoard");
        void refetch(queries, "freeSlots");
        void refetch(queries, "getBooking");
        void refetch(queries, "patientBookings");
      }
      if (changed.conflicts) void refetch(queries, "listConflicts");
    };
    void commands.syncStatus().then((result) => result.status === "ok" && take(result.data));
    const stop = events.syncChanged.listen((event) => take(event.payload));
    return () => void stop.then((unlisten) => unlisten());
  }, [queries]);
  return status;
}

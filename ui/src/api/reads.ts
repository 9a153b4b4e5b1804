// The UI's reads: one `queryOptions` factory per read command, so each cache
// key is written once, as the command's name followed by its arguments
// (`["dayBoard", locationId, date]`). Screens use `read.x(...)`; changes
// refetch through `refetch(queries, "x", ...prefix)`, which matches every
// query of that command starting with the prefix (objects match when they
// contain the given fields).
import { type QueryClient, queryOptions, skipToken, type UseQueryOptions } from "@tanstack/react-query";
import { commands } from "../bindings";
import { call, type Outcome } from "./call";

type Commands = typeof commands;
/** Commands that answer `{status, data | error}`. */
type ReadCommand = {
  [K in keyof Commands]: Awaited<ReturnType<Commands[K]>> extends Outcome<unknown> ? K : never;
}[keyof Commands];
type ArgsOf<K extends ReadCommand> = Parameters<Commands[K]>;
type DataOf<K extends ReadCommand> = Awaited<ReturnType<Commands[K]>> extends Outcome<infer T> ? T : never;

/** Lists staff pick from (locations, specialties, diagnostics, policies)
 * change rarely and are refetched when they do: no refetch on every mount. */
const CATALOGUE = 5 * 60_000;

function reader<K extends ReadCommand>(command: K, staleTime = 0) {
  const load = commands[command] as unknown as (...args: ArgsOf<K>) => Promise<Outcome<DataOf<K>>>;
  return (...args: ArgsOf<K>) =>
    queryOptions({ queryKey: [command, ...args] as readonly unknown[], queryFn: () => call(load(...args)), staleTime });
}

export const read = {
  listLocations: reader("listLocations", CATALOGUE),
  listSpecialties: reader("listSpecialties", CATALOGUE),
  listDiagnostics: reader("listDiagnostics", CATALOGUE),
  diagnosticOffers: reader("diagnosticOffers", CATALOGUE),
  clinicPolicy: reader("clinicPolicy", CATALOGUE),
  listDoctors: reader("listDoctors"),
  getDoctor: reader("getDoctor"),
  getDiagnostic: reader("getDiagnostic"),
  doctorRatings: reader("doctorRatings"),
  dayBoard: reader("dayBoard"),
  freeSlots: reader("freeSlots"),
  findOpenings: reader("findOpenings"),
  slotCheck: reader("slotCheck"),
  listWaitlist: reader("listWaitlist"),
  waitlistMatches: reader("waitlistMatches"),
  getBooking: reader("getBooking"),
  bookingHistory: reader("bookingHistory"),
  bookingTrail: reader("bookingTrail"),
  bookingRating: reader("bookingRating"),
  bookingResults: reader("bookingResults"),
  searchPatients: reader("searchPatients"),
  getPatient: reader("getPatient"),
  patientBookings: reader("patientBookings"),
  patientResults: reader("patientResults"),
  patientTrail: reader("patientTrail"),
  locationWeek: reader("locationWeek"),
  doctorWeek: reader("doctorWeek"),
  listExceptions: reader("listExceptions"),
  previewHours: reader("previewHours"),
  auditEvents: reader("auditEvents"),
  listStaff: reader("listStaff"),
  listConflicts: reader("listConflicts"),
  keptQueues: reader("keptQueues"),
  previewDocument: reader("previewDocument"),
};

type Read = keyof typeof read;
/** Leading arguments of a read; an object argument may be given in part. */
type Prefix<A extends unknown[]> = { [I in keyof A]?: A[I] extends Record<string, unknown> ? Partial<A[I]> : A[I] };

/** A read whose arguments are not known yet (nothing chosen): never runs,
 * and has the result type of the read it stands for. */
export function waiting<K extends Read>(command: K): UseQueryOptions<DataOf<K>, Error, DataOf<K>, readonly unknown[]> {
  return { queryKey: [command, "waiting"], queryFn: skipToken };
}

/** Refetches every query of `command` whose arguments start with `prefix`. */
export function refetch<K extends Read>(queries: QueryClient, command: K, ...prefix: Prefix<ArgsOf<K>>): Promise<void> {
  return queries.invalidateQueries({ queryKey: [command, ...prefix] });
}

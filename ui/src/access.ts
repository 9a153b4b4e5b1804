// What the signed-in staff member may do, as the clinic database said at
// sign-in (`StationStatus.access`). Screens show or hide actions by it; the
// database enforces it regardless.
import { createContext, useContext } from "react";
import type { Permissions, StaffAccess } from "./bindings";

export const AccessContext = createContext<StaffAccess | null>(null);

/** The signed-in member's permissions (none before the database answered). */
export function usePermissions(): Permissions {
  return useContext(AccessContext)?.may ?? { book: false, editPatients: false, manageClinic: false, manageStaff: false, readAudit: false };
}

/** The signed-in member's login. */
export function useLogin(): string | null {
  return useContext(AccessContext)?.login ?? null;
}

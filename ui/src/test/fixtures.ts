// Rows the component tests share.
import type { Location } from "../bindings";

/** "Centre", on a 15-minute grid, in UTC unless a test gives another zone. */
export function centre(timeZone = "UTC"): Location {
  return { id: 1, name: "Centre", address: "a", phone: "", timeZone, gridMinutes: 15, isActive: true, rowVersion: 1 };
}

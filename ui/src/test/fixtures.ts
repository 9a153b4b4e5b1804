// Rows the component tests share.
import type { Location, Patient } from "../bindings";

/** "Centre", on a 15-minute grid, in UTC unless a test gives another zone. */
export function centre(timeZone = "UTC"): Location {
  return { id: 1, name: "Centre", address: "a", phone: "", timeZone, gridMinutes: 15, isActive: true, rowVersion: 1 };
}

/** Olena Kovalenko, №17, with a phone and a date of birth. */
export const olena: Patient = {
  id: "0190a2b0-0000-7000-8000-000000000001",
  patientNumber: 17,
  fullName: "Olena Kovalenko",
  phone: "+380501112233",
  email: null,
  dateOfBirth: "1990-02-01",
  notes: "",
  rowVersion: 1,
  createdAt: "2029-01-01T00:00:00Z",
};

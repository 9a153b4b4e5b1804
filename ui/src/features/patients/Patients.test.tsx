import { describe, expect, it, vi, type Mock } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Patient } from "../../bindings";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { possibleDuplicates: vi.fn(), createPatient: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { PatientForm } = await import("./Patients");

const olena: Patient = {
  id: "0190a2b0-0000-7000-8000-000000000001",
  patientNumber: 17,
  fullName: "Olena Kovalenko",
  phone: "+380501112233",
  email: null,
  dateOfBirth: null,
  notes: "",
  rowVersion: 1,
  createdAt: "2030-01-01T00:00:00Z",
};

describe("PatientForm", () => {
  it("says why a record may be a duplicate as the server decided: same phone, not a similar name", async () => {
    (commands.possibleDuplicates as Mock).mockResolvedValue({
      status: "ok",
      data: [{ patient: olena, samePhone: true, sameNameAndBirthDate: false, nameSimilarity: 0.05, similarName: false }],
    });
    renderWithProviders(<PatientForm onSaved={() => {}} />);
    await userEvent.type(screen.getByLabelText(/Full name/), "Taras Melnyk");
    await userEvent.type(screen.getByLabelText("Phone"), "+380501112233");
    await userEvent.click(screen.getByRole("button", { name: "Create patient" }));

    const warning = await screen.findByRole("alert");
    expect(warning).toHaveTextContent("This patient may already exist");
    expect(warning).toHaveTextContent("(same phone)");
    expect(warning).not.toHaveTextContent("similar name");
    expect(commands.createPatient).not.toHaveBeenCalled();
  });
});

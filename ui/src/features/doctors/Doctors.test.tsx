import { describe, expect, it, vi, type Mock } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { StaffAccess } from "../../bindings";
import { AccessContext } from "../../access";
import i18n from "../../i18n";
import { renderWithProviders } from "../../test/render";

vi.mock("../../bindings", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../bindings")>()),
  commands: { listSpecialties: vi.fn(), listDoctors: vi.fn(), createDoctor: vi.fn(), getDoctor: vi.fn(), doctorRatings: vi.fn() },
}));

const { commands } = await import("../../bindings");
const { Doctors } = await import("./Doctors");

const manager: StaffAccess = {
  login: "maria.m",
  fullName: "Maria M",
  groups: ["manager"],
  locationIds: [],
  may: { book: true, editPatients: true, manageClinic: true, manageStaff: true, readAudit: false },
};

describe("Doctors", () => {
  it("puts the station's refusal on the field it names, in the person's language, and keeps what was typed", async () => {
    (commands.listSpecialties as Mock).mockResolvedValue({
      status: "ok",
      data: [{ id: 2, name: "Cardiology", isActive: true, rowVersion: 1 }],
    });
    (commands.listDoctors as Mock).mockResolvedValue({ status: "ok", data: [] });
    (commands.createDoctor as Mock).mockResolvedValue({
      status: "error",
      error: { kind: "validation", field: "price", code: "invalidFormat", message: "must be an amount like 120.50" },
    });
    await i18n.changeLanguage("uk");
    try {
      renderWithProviders(
        <AccessContext.Provider value={manager}>
          <Doctors locations={[]} />
        </AccessContext.Provider>,
      );
      await userEvent.click(await screen.findByRole("button", { name: "Новий лікар" }));
      await userEvent.type(screen.getByLabelText(/ПІБ/), "Iryna Bondar");
      await userEvent.type(screen.getByLabelText(/Ціна/), "дорого");
      await userEvent.click(screen.getByRole("button", { name: "Створити" }));

      const price = screen.getByLabelText(/Ціна/);
      await waitFor(() => expect(price).toHaveAttribute("aria-invalid", "true"));
      expect(price).toHaveAccessibleDescription("Сума на кшталт 120.50");
      expect(price).toHaveValue("дорого");
      expect(screen.getByLabelText(/ПІБ/)).toHaveValue("Iryna Bondar");
      expect((commands.createDoctor as Mock).mock.calls[0][0]).toMatchObject({
        fullName: "Iryna Bondar",
        price: "дорого",
        slotMinutes: 30,
      });
    } finally {
      await i18n.changeLanguage("en");
    }
  });
});

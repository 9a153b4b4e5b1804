import { describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import i18n from "../i18n";
import { readDate, writeDate } from "../dates";
import { DateField } from "./DateField";
import { renderWithProviders } from "../test/render";

describe("dates in the app's language", () => {
  it("writes day first in each language and reads what people type", () => {
    expect(writeDate("2026-12-07", "uk")).toBe("07.12.2026");
    expect(writeDate("2026-12-07", "en")).toBe("07/12/2026");
    expect(readDate("7.12.2026")).toBe("2026-12-07");
    expect(readDate("07/12/2026")).toBe("2026-12-07");
    expect(readDate("2026-12-07")).toBe("2026-12-07");
    expect(readDate("31.02.2026")).toBeNull();
    expect(readDate("12/2026")).toBeNull();
  });

  it("shows and takes 12.07.2026 as 12 July in Ukrainian, whatever the system's locale", async () => {
    await i18n.changeLanguage("uk");
    const picked = vi.fn();
    renderWithProviders(<DateField label="Дата" value="2026-12-07" onChange={picked} />);
    const field = screen.getByLabelText("Дата");
    expect(field).toHaveValue("07.12.2026");
    await userEvent.clear(field);
    await userEvent.type(field, "12.07.2026{Enter}");
    expect(picked).toHaveBeenLastCalledWith("2026-07-12");
    await userEvent.clear(field);
    await userEvent.type(field, "32.07.2026{Enter}");
    expect(await screen.findByText("Це не дата: пишіть як дд.мм.рррр")).toBeInTheDocument();
    await i18n.changeLanguage("en");
  });
});

describe("server messages in Ukrainian", () => {
  it("says a refusal in the chosen language, from its code", async () => {
    const { errorText, fieldErrors } = await import("../errors");
    const refusal = {
      kind: "validation" as const,
      field: "action",
      code: "notAllowed" as const,
      message: "a patient can be checked in on the day of the visit",
    };
    expect(errorText(refusal)).toBe("Action: Not possible for this booking now");
    await i18n.changeLanguage("uk");
    expect(errorText(refusal)).toBe("Дія: Зараз для цього запису це неможливо");
    expect(fieldErrors(refusal)).toEqual({ action: "Зараз для цього запису це неможливо" });
    expect(errorText({ kind: "conflict", code: "slotTaken", message: "Dr Bondar is already booked", conflictingBookingId: null })).toBe(
      "Цей час уже зайнято іншим записом",
    );
    await i18n.changeLanguage("en");
  });
});

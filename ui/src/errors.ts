// Errors in the person's language. The station's typed `AppError` carries a
// code (and, for a range, length or size, the limits allowed); the text is
// the translation of that code, and a field is named by its label. The
// server's English `message` is only the fallback for a code with no
// translation; `errors.test.ts` checks there is none.
import type { AppError } from "./bindings";
import i18n from "./i18n";
import { appError } from "./api/call";

type Validation = Extract<AppError, { kind: "validation" }>;

/** A field's label; null for a field with none (staff never see a field's
 * id such as `slotMinutes`). */
export function fieldLabel(field: string): string | null {
  const key = `field.${field}`;
  return i18n.exists(key) ? i18n.t(key) : null;
}

/** Sizes are said in megabytes, in the language's number format. */
function megabytes(bytes: number): string {
  return `${new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(bytes / 1_048_576)} MB`;
}

/** Why a field was refused, without the field's name (shown next to it). */
function refusal(error: Validation): string {
  const limits = error.limits ?? null;
  const max = limits && error.code === "tooLarge" ? megabytes(limits.max) : limits?.max;
  return i18n.t(`error.${error.code}`, {
    // The limits when given, else the field: `invalidFormat_login` says
    // what a login may be; other fields fall back to `invalidFormat`.
    context: limits ? "limits" : error.field,
    min: limits?.min,
    max,
    defaultValue: error.message,
  });
}

/** One line for a person to read. Framework failures (a bad argument, an
 * unknown command) arrive as plain strings. */
export function errorText(error: AppError | string): string {
  if (typeof error === "string") return error;
  switch (error.kind) {
    case "validation": {
      const label = fieldLabel(error.field);
      return label ? `${label}: ${refusal(error)}` : refusal(error);
    }
    case "conflict":
      return i18n.t(`error.conflict_${error.code}`, { defaultValue: error.message });
    case "notFound":
      return i18n.t("error.notFound", { entity: i18n.t(`entity.${error.entity}`) });
    case "offline":
    case "unauthorized":
      return i18n.t(`error.${error.kind}`);
    case "internal":
      return i18n.t("error.internal", { reference: error.reference });
  }
}

/** Validation errors keyed by field, to show next to the field. */
export function fieldErrors(error: AppError | string | null): Record<string, string> {
  return error && typeof error !== "string" && error.kind === "validation" ? { [error.field]: refusal(error) } : {};
}

/** A failed command split for display: messages per field, or one general line. */
export function failureOf(failure: unknown): { fields: Record<string, string>; general: string | null } {
  const failed = failure ? appError(failure) : null;
  const fields = fieldErrors(failed);
  return { fields, general: failed && Object.keys(fields).length === 0 ? errorText(failed) : null };
}

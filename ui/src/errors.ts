import type { AppError } from "./bindings";
import i18n from "./i18n";
import { appError } from "./api";

/** The server writes its messages in English, with details; in another
 * language the error's code says it in that language, so no English reaches
 * staff who chose Ukrainian. */
function inLanguage(error: AppError): string | null {
  if (i18n.language === "en") return null;
  switch (error.kind) {
    case "validation":
      return i18n.t(`error.${error.code}`);
    case "conflict":
      return i18n.t(`error.conflict_${error.code}`);
    case "offline":
    case "unauthorized":
      return i18n.t(`error.${error.kind}`);
    default:
      return null;
  }
}

/** One line for a person to read. Framework failures (a bad argument, an
 * unknown command) arrive as plain strings. */
export function errorText(error: AppError | string): string {
  if (typeof error === "string") return error;
  switch (error.kind) {
    case "validation":
      return inLanguage(error) ?? `${error.field}: ${error.message}`;
    case "notFound":
      return i18n.t("error.notFound", { entity: error.entity });
    case "internal":
      return i18n.t("error.internal", { reference: error.reference });
    default:
      return inLanguage(error) ?? error.message;
  }
}

/** Validation errors keyed by field, to show next to the field. */
export function fieldErrors(error: AppError | string | null): Record<string, string> {
  return error && typeof error !== "string" && error.kind === "validation" ? { [error.field]: inLanguage(error) ?? error.message } : {};
}

/** A failed command split for display: messages per field, or one general line. */
export function failureOf(failure: unknown): { fields: Record<string, string>; general: string | null } {
  const failed = failure ? appError(failure) : null;
  const fields = fieldErrors(failed);
  return { fields, general: failed && Object.keys(fields).length === 0 ? errorText(failed) : null };
}

import type { AppError } from "./bindings";

// Framework failures (a bad argument, an unknown command) arrive as plain strings.
export function errorText(error: AppError | string): string {
  if (typeof error === "string") return error;
  switch (error.kind) {
    case "validation":
      return `${error.field}: ${error.message}`;
    case "notFound":
      return `${error.entity} ${error.id} was not found`;
    case "internal":
      return `Something went wrong (log reference ${error.reference})`;
    default:
      return error.message;
  }
}

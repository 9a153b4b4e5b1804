// Commands return `{status, data | error}`; TanStack Query wants promises that
// reject. `call` turns one into the other, keeping the typed error.
import type { AppError } from "./bindings";

export class CommandError extends Error {
  constructor(readonly error: AppError | string) {
    super(typeof error === "string" ? error : error.kind);
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

export async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const outcome = await pending;
  if (outcome.status === "error") throw new CommandError(outcome.error);
  return outcome.data;
}

/** The typed error inside whatever a query or mutation failed with. */
export function appError(failure: unknown): AppError | string {
  if (failure instanceof CommandError) return failure.error;
  return failure instanceof Error ? failure.message : String(failure);
}

// Commands return `{status, data | error}`; TanStack Query wants promises that
// reject. `call` turns one into the other, keeping the typed error.
import { STAGING_CHUNK_BYTES, type AppError } from "../bindings";

export class CommandError extends Error {
  constructor(readonly error: AppError | string) {
    super(typeof error === "string" ? error : error.kind);
  }
}

export type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

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

/** A photo or result served by the app's `clinic://` protocol (Windows
 * webviews reach custom protocols as http://<scheme>.localhost). */
export function clinicUrl(kind: "photo" | "result", id: string): string {
  const windows = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows");
  return windows ? `http://clinic.localhost/${kind}/${id}` : `clinic://localhost/${kind}/${id}`;
}

/** Sends a file to the station in raw chunks (never a JSON array of numbers),
 * reporting bytes sent; `attachStagedResult` then stores it. */
export async function stageFile(resultId: string, file: Blob, onSent: (bytes: number) => void): Promise<void> {
  const base = clinicUrl("result", "").replace("/result/", "/staging/");
  for (let offset = 0; offset === 0 || offset < file.size; offset += STAGING_CHUNK_BYTES) {
    const chunk = file.slice(offset, offset + STAGING_CHUNK_BYTES);
    const response = await fetch(`${base}${resultId}?offset=${offset}`, { method: "POST", body: await chunk.arrayBuffer() });
    if (!response.ok) {
      const text = await response.text();
      throw new CommandError(response.headers.get("Content-Type")?.includes("json") ? (JSON.parse(text) as AppError) : text);
    }
    onSent(Math.min(file.size, offset + STAGING_CHUNK_BYTES));
  }
}

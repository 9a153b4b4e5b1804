/** Marks on the way from the page loading to the first day board, read by
 * scripts/measure-shell.py (performance.getEntriesByType("mark")). Each is
 * set once. */
export function markOnce(name: "station-ready" | "locations" | "board-requested" | "board-data" | "board-painted"): void {
  if (typeof performance !== "undefined" && performance.getEntriesByName(name).length === 0) performance.mark(name);
}

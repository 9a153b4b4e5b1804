/** The latency a receptionist feels, as performance measures (read by the
 * window bench, `cargo bench -p clinic-e2e --bench window`): from what the
 * person did to what they asked for painted on screen. One of each kind is
 * timed at a time; a new action of that kind starts it again. */
export type Felt = "freeTimeToSlots" | "lettersToMatches" | "bookToBoard" | "dateToBoard";

/** Patient search is timed from this many letters typed (issue 16: "three
 * letters typed → matches shown"); searching itself starts at MIN_SEARCH_CHARS. */
export const LETTERS_TIMED = 3;

const started = new Map<Felt, { mark: string; awaiting?: string; answered?: boolean }>();
let count = 0;
/** Measures kept before the oldest are dropped: a day at the desk must not grow the page. */
const KEPT = 2000;

/** The person just did `what`; `awaiting`: the id whose showing ends it. */
export function began(what: Felt, awaiting?: string): void {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  const mark = `${what}#${++count}`;
  performance.mark(mark);
  started.set(what, { mark, awaiting });
}

/** The station answered what `what` asked (before React's work): the
 * measure `${what}.answered`, once per action. */
export function answered(what: Felt): void {
  const timing = started.get(what);
  if (!timing || timing.answered) return;
  timing.answered = true;
  performance.measure(`${what}.answered`, timing.mark);
}

/** What `what` asked for is rendered (`shows`: whether an awaited id is among
 * it); the measure ends when that frame has been painted. */
export function rendered(what: Felt, shows?: (id: string) => boolean): void {
  const timing = started.get(what);
  if (!timing || (timing.awaiting !== undefined && !shows?.(timing.awaiting))) return;
  started.delete(what);
  // Committed: what came back and React's work, before style, layout and paint.
  performance.measure(`${what}.committed`, timing.mark);
  const measure = () => {
    performance.measure(what, timing.mark);
    performance.clearMarks(timing.mark);
    if (performance.getEntriesByType("measure").length > KEPT) performance.clearMeasures();
  };
  // React has committed; the frame after this animation frame's callbacks is
  // painted. `${what}.frame`: that frame's style, layout and paint alone.
  if (typeof requestAnimationFrame === "function")
    requestAnimationFrame(() => {
      const frame = `${timing.mark}.frame`;
      performance.mark(frame);
      setTimeout(() => {
        performance.measure(`${what}.frame`, frame);
        performance.clearMarks(frame);
        measure();
      }, 0);
    });
  else measure();
}

// The few pictures the toolbar needs where words do not fit (1024 px in
// Ukrainian): drawn here, so no icon font or package is shipped for them.
// Decorative: the button around each carries the words (aria-label, title).

const frame = { width: 16, height: 16, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 2 } as const;

export function PrinterIcon() {
  return (
    <svg {...frame} aria-hidden="true" strokeLinejoin="round">
      <path d="M6 9V3h12v6" />
      <rect x="3" y="9" width="18" height="8" rx="2" />
      <path d="M6 14h12v7H6z" />
    </svg>
  );
}

export function DownloadIcon() {
  return (
    <svg {...frame} aria-hidden="true" strokeLinecap="round" strokeLinejoin="round">
      <path d="M12 3v12" />
      <path d="M7 10l5 5 5-5" />
      <path d="M4 20h16" />
    </svg>
  );
}

/** A magnifier over a clock: "find free time". */
export function FindTimeIcon() {
  return (
    <svg {...frame} aria-hidden="true" strokeLinecap="round" strokeLinejoin="round">
      <circle cx="10" cy="10" r="7" />
      <path d="M10 6v4l2.5 2" />
      <path d="M15.5 15.5L21 21" />
    </svg>
  );
}

/** A list with a clock: the waitlist. */
export function WaitlistIcon() {
  return (
    <svg {...frame} aria-hidden="true" strokeLinecap="round" strokeLinejoin="round">
      <path d="M3 6h10M3 12h6M3 18h6" />
      <circle cx="17" cy="15" r="5" />
      <path d="M17 12.5V15l1.5 1.5" />
    </svg>
  );
}

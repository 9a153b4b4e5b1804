// The first reception screen: the day board of one location. The full
// reception UI (booking, patients, working hours, results) builds on this.
import { useCallback, useEffect, useMemo, useState } from "react";
import {
  commands,
  events,
  type Booking,
  type BoardColumn,
  type DayBoard,
  type Location,
  type StationStatus,
} from "./bindings";
import { SettingsPanel } from "./Settings";
import { errorText } from "./errors";

const PX_PER_MINUTE = 1.4;

/** Today's date (YYYY-MM-DD) in the location's time zone. */
function todayIn(timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

export function App() {
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [locations, setLocations] = useState<Location[]>([]);
  const [locationId, setLocationId] = useState<number | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [board, setBoard] = useState<DayBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  // Bumped when any station changes bookings here, so the board refetches.
  const [revision, setRevision] = useState(0);

  const refreshStatus = useCallback(async () => {
    const result = await commands.stationStatus();
    if (result.status === "ok") setStatus(result.data);
  }, []);

  useEffect(() => {
    refreshStatus();
    const unlisten = events.stationChanged.listen((event) => setStatus(event.payload));
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [refreshStatus]);

  const ready = status?.phase.phase === "ready";

  useEffect(() => {
    if (!ready) return;
    commands.listLocations(false).then((result) => {
      if (result.status === "error") return setError(errorText(result.error));
      setLocations(result.data);
      if (result.data.length > 0) {
        setLocationId((current) => current ?? result.data[0].id);
        setDate((current) => current ?? todayIn(result.data[0].timeZone));
      }
    });
  }, [ready]);

  useEffect(() => {
    if (locationId === null) return;
    const unlisten = events.bookingsChanged.listen((event) => {
      if (event.payload.locationId === locationId) setRevision((r) => r + 1);
    });
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [locationId]);

  useEffect(() => {
    if (!ready || locationId === null || date === null) return;
    commands.dayBoard(locationId, date).then((result) => {
      if (result.status === "error") {
        setError(errorText(result.error));
        setBoard(null);
      } else {
        setError(null);
        setBoard(result.data);
      }
    });
  }, [ready, locationId, date, revision]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>Clinic Desk</h1>
        {locations.length > 0 && (
          <label className="field">
            <span>Location</span>
            <select value={locationId ?? ""} onChange={(e) => setLocationId(Number(e.target.value))}>
              {locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {date && (
          <div className="day-nav" role="group" aria-label="Day">
            <button onClick={() => setDate(shiftDate(date, -1))} aria-label="Previous day">
              ‹
            </button>
            <button onClick={() => board && setDate(todayIn(board.location.timeZone))}>Today</button>
            <button onClick={() => setDate(shiftDate(date, 1))} aria-label="Next day">
              ›
            </button>
            <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} aria-label="Date" />
          </div>
        )}
        <StationBadge status={status} />
        <button className="settings-button" onClick={() => setShowSettings(true)}>Settings</button>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      {status && (showSettings || status.phase.phase === "failed") && (
        <SettingsPanel status={status} onStatus={setStatus} onClose={() => setShowSettings(false)} />
      )}
      {!showSettings && !ready && <Connecting status={status} />}
      {!showSettings && ready && board && <Board board={board} />}
    </div>
  );
}

function StationBadge({ status }: { status: StationStatus | null }) {
  if (!status) return null;
  const where = status.mode === "demo" ? "Demo clinic" : status.settings.server?.host ?? "Server";
  const state = status.phase.phase === "ready" ? "online" : status.phase.phase === "connecting" ? "connecting" : "offline";
  return (
    <span className={`badge badge-${state}`} title={state}>
      <span className="dot" aria-hidden="true" /> {where} · {state}
    </span>
  );
}

function Connecting({ status }: { status: StationStatus | null }) {
  if (status?.phase.phase === "failed") {
    return (
      <div className="panel">
        <h2>Cannot reach the clinic database</h2>
        <p>{errorText(status.phase.error)}</p>
      </div>
    );
  }
  return (
    <div className="panel">
      <h2>{status?.mode === "demo" ? "Starting the demo clinic…" : "Connecting to the clinic…"}</h2>
    </div>
  );
}

function Board({ board }: { board: DayBoard }) {
  const timeZone = board.location.timeZone;
  const [start, end] = useMemo(() => {
    const spans = board.columns.flatMap((c) => c.open.map((o) => [minutesOf(o.start), minutesOf(o.end)]));
    if (spans.length === 0) return [8 * 60, 20 * 60];
    return [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
  }, [board]);
  const hours: number[] = [];
  for (let m = Math.ceil(start / 60) * 60; m < end; m += 60) hours.push(m);
  const minuteOfDay = (iso: string) => {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
    return minutesOf(parts);
  };
  const time = (iso: string) => new Intl.DateTimeFormat(undefined, { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
  const height = (end - start) * PX_PER_MINUTE;

  if (board.columns.length === 0) {
    return (
      <div className="panel">
        <h2>Nobody works at {board.location.name} on this day</h2>
      </div>
    );
  }
  const key = (c: BoardColumn) => ("doctorId" in c.subject ? `d${c.subject.doctorId}` : `g${c.subject.diagnosticId}`);
  const bookingsOf = (c: BoardColumn): Booking[] =>
    board.bookings.filter((b) => JSON.stringify(b.subject) === JSON.stringify(c.subject));

  return (
    <div className="board" role="grid" aria-label={`Day board, ${board.location.name}, ${board.date}`}>
      <div className="board-head">
        <div className="gutter-head" />
        {board.columns.map((c) => (
          <div className="column-head" key={key(c)} role="columnheader">
            <strong>{c.name}</strong>
            <span>{c.detail || (c.lanes > 1 ? `${c.lanes} at once` : "Diagnostic")}</span>
          </div>
        ))}
      </div>
      <div className="board-body" style={{ height }}>
        <div className="gutter">
          {hours.map((m) => (
            <div key={m} className="hour" style={{ top: (m - start) * PX_PER_MINUTE }}>
              {String(m / 60).padStart(2, "0")}:00
            </div>
          ))}
        </div>
        {board.columns.map((c) => (
          <div className="column" key={key(c)}>
            {c.open.map((o) => (
              <div
                key={o.start}
                className="open"
                style={{ top: (minutesOf(o.start) - start) * PX_PER_MINUTE, height: (minutesOf(o.end) - minutesOf(o.start)) * PX_PER_MINUTE }}
              />
            ))}
            {hours.map((m) => (
              <div key={m} className="hour-line" style={{ top: (m - start) * PX_PER_MINUTE }} />
            ))}
            {bookingsOf(c).map((b) => {
              const top = (minuteOfDay(b.startsAt) - start) * PX_PER_MINUTE;
              const h = Math.max(18, (new Date(b.endsAt).getTime() - new Date(b.startsAt).getTime()) / 60000 * PX_PER_MINUTE - 2);
              return (
                <div key={b.id} className={`booking status-${b.status}`} style={{ top, height: h }} title={`${b.patientName} · ${b.status}`}>
                  <span className="booking-time">{time(b.startsAt)}</span> <span className="booking-name">{b.patientName}</span>
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

// Connection settings: the clinic's PostgreSQL server (or the demo clinic),
// "Test connection" with a precise report, and the schema gate's actions.
import { useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import { errorText } from "./errors";
import { commands, type AppError, type ConnectionReport, type ServerSettings, type StationStatus, type TlsMode } from "./bindings";

const EMPTY_SERVER: ServerSettings = { host: "", port: 5432, database: "clinic", user: "", tls: "require", caFile: null };

const PROBLEMS: Record<string, string> = {
  hostUnreachable: "Server unreachable",
  badPassword: "Wrong password",
  notPermitted: "Not permitted",
  tlsFailure: "Secure connection failed",
  databaseMissing: "No such database",
  schemaTooOld: "Database needs an update",
  schemaTooNew: "Database is newer than this app",
  schemaMismatch: "Database schema differs",
  other: "Connection failed",
};

export function SettingsPanel({ status, onStatus, onClose }: {
  status: StationStatus;
  onStatus: (status: StationStatus) => void;
  onClose: () => void;
}) {
  const [staffName, setStaffName] = useState(status.settings.staffName);
  const [useServer, setUseServer] = useState(status.settings.server !== null);
  const [server, setServer] = useState<ServerSettings>(status.settings.server ?? EMPTY_SERVER);
  const [password, setPassword] = useState("");
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (error: AppError | string) => {
    if (typeof error !== "string" && error.kind === "validation") {
      setFieldErrors({ [error.field]: error.message });
      setMessage(null);
    } else {
      setMessage(errorText(error));
    }
  };
  const update = (patch: Partial<ServerSettings>) => setServer((s) => ({ ...s, ...patch }));

  const test = async () => {
    setBusy(true);
    setFieldErrors({});
    setReport(null);
    const result = await commands.testConnection(server, password || null);
    setBusy(false);
    if (result.status === "ok") setReport(result.data);
    else fail(result.error);
  };

  const save = async () => {
    setBusy(true);
    setFieldErrors({});
    const result = await commands.saveSettings({ staffName, server: useServer ? server : null }, useServer && password ? password : null);
    setBusy(false);
    if (result.status === "ok") {
      onStatus(result.data);
      setMessage("Saved.");
    } else fail(result.error);
  };

  const migrate = async () => {
    setBusy(true);
    const result = await commands.migrateSchema();
    setBusy(false);
    if (result.status === "ok") onStatus(result.data);
    else fail(result.error);
  };

  const schema = status.schema?.state;
  const canMigrate = schema && (schema.state === "older" || schema.state === "empty") && schema.canMigrate;

  const field = (name: keyof ServerSettings | "staffName", label: string, input: React.ReactNode) => (
    <label className="form-row">
      <span>{label}</span>
      {input}
      {fieldErrors[name] && <em className="field-error" role="alert">{fieldErrors[name]}</em>}
    </label>
  );

  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {field("staffName", "Your name (recorded on what you create)", <input value={staffName} onChange={(e) => setStaffName(e.target.value)} />)}

      <fieldset>
        <legend>Clinic database</legend>
        <label className="choice">
          <input type="radio" checked={!useServer} onChange={() => setUseServer(false)} /> Demo clinic on this computer
        </label>
        <label className="choice">
          <input type="radio" checked={useServer} onChange={() => setUseServer(true)} /> The clinic's PostgreSQL server
        </label>
        {useServer && (
          <div className="server-fields">
            {field("host", "Host", <input value={server.host} onChange={(e) => update({ host: e.target.value })} />)}
            {field("port", "Port", <input type="number" min={1} max={65535} value={server.port} onChange={(e) => update({ port: Number(e.target.value) })} />)}
            {field("database", "Database", <input value={server.database} onChange={(e) => update({ database: e.target.value })} />)}
            {field("user", "User", <input value={server.user} onChange={(e) => update({ user: e.target.value })} />)}
            <label className="form-row">
              <span>Password (kept in the system keyring)</span>
              <input type="password" value={password} placeholder="unchanged" onChange={(e) => setPassword(e.target.value)} />
            </label>
            {field("tls", "Secure connection", (
              <select value={server.tls} onChange={(e) => update({ tls: e.target.value as TlsMode })}>
                <option value="disable">Off</option>
                <option value="require">Required</option>
                <option value="verifyFull">Required, verify the server certificate</option>
              </select>
            ))}
            {server.tls === "verifyFull" && field("caFile", "CA certificate", (
              <span className="file-pick">
                <input value={server.caFile ?? ""} onChange={(e) => update({ caFile: e.target.value || null })} />
                <button type="button" onClick={async () => {
                  const picked = await open({ multiple: false, filters: [{ name: "Certificates", extensions: ["crt", "pem", "cer"] }] });
                  if (typeof picked === "string") update({ caFile: picked });
                }}>Browse…</button>
              </span>
            ))}
            <button type="button" onClick={test} disabled={busy}>Test connection</button>
            {report && (
              <p className={report.ok ? "report ok" : "report problem"} role="status">
                <strong>{report.ok ? "Connected" : PROBLEMS[report.problem ?? "other"]}</strong>: {report.message}
                {report.serverVersion && <> (PostgreSQL {report.serverVersion})</>}
              </p>
            )}
          </div>
        )}
      </fieldset>

      {status.schema && (
        <p className="schema">
          Database schema: {status.schema.databaseSchema ?? "none"}; this app: {status.schema.appSchema} (version {status.schema.appVersion}).
          {canMigrate && <button type="button" onClick={migrate} disabled={busy}>Update database</button>}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={save} disabled={busy}>Save and connect</button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </section>
  );
}

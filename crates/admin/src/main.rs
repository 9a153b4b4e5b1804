//! `clinic-admin`: what the clinic's IT administrator runs against the clinic
//! server. Reception desks never migrate or manage roles; this tool does,
//! under an administrator's login.

use std::io::BufRead;
use std::process::ExitCode;

use clinic_admin::provision::{self, ProvisionError, RolePrefix};
use clinic_admin::{staff, MIGRATOR};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgConnection};

const USAGE: &str = "\
clinic-admin: set up and look after a Clinic Desk database

usage: clinic-admin [--database-url URL] COMMAND

The URL names the clinic database and an administrator's login (a superuser,
or a login with CREATEROLE that owns the database); without --database-url,
CLINIC_ADMIN_DATABASE_URL is used. Put the password in the URL or in PGPASSWORD.

commands:
  init [--prefix P] [--network CIDR]
        create the clinic's roles (<P>_owner, _reception, _manager, _auditor,
        _staff_admin; P defaults to the database name), make the owner own the
        database, let only the clinic's groups connect, apply the migrations,
        and print the pg_hba.conf lines to use
  migrate                  apply pending migrations as the owner
  status                   migrations applied and known
  staff list
  staff add LOGIN --name NAME --groups G[,G] [--locations ID[,ID]] [--password-stdin]
        G: reception, manager, auditor. Without --password-stdin a password
        is generated and printed once.
  staff disable LOGIN      no more sign-ins; open sessions are ended
  staff enable LOGIN
  staff reset-password LOGIN [--password-stdin]
  staff grant LOGIN GROUP | staff revoke LOGIN GROUP
  staff limit-locations LOGIN [ID[,ID]]   (no ids: every location)
  audit verify [--from EVENT] [--to EVENT]
";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return if args.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let url = take_option(&mut args, "--database-url")
        .or_else(|| std::env::var("CLINIC_ADMIN_DATABASE_URL").ok())
        .unwrap_or_default();
    if url.is_empty() {
        eprintln!("clinic-admin: give --database-url or set CLINIC_ADMIN_DATABASE_URL");
        return ExitCode::from(2);
    }
    match run(&url, args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("clinic-admin: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("clinic-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(String),
    Failed(String),
}

impl From<ProvisionError> for Failure {
    fn from(error: ProvisionError) -> Self {
        Failure::Failed(error.to_string())
    }
}

fn usage(message: &str) -> Failure {
    Failure::Usage(message.to_string())
}

/// Removes `--name VALUE` from the arguments and returns VALUE.
fn take_option(args: &mut Vec<String>, name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    args.remove(at);
    (at < args.len()).then(|| args.remove(at))
}

fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != name);
    args.len() != before
}

fn list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect()
}

fn location_ids(value: &str) -> Result<Vec<i32>, Failure> {
    list(value).iter().map(|v| v.parse().map_err(|_| usage(&format!("{v:?} is not a location id")))).collect()
}

fn password(from_stdin: bool) -> Result<(String, bool), Failure> {
    if !from_stdin {
        return Ok((staff::generated_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| Failure::Failed(format!("reading the password: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 10 {
        return Err(Failure::Failed("a staff password has at least 10 characters".into()));
    }
    Ok((password, false))
}

async fn connect(url: &str) -> Result<PgConnection, Failure> {
    let options: PgConnectOptions =
        url.parse().map_err(|e| Failure::Failed(format!("the database URL is not usable: {e}")))?;
    options
        .application_name("clinic-admin")
        .disable_statement_logging()
        .connect()
        .await
        .map_err(|e| Failure::Failed(format!("cannot connect: {e}")))
}

async fn run(url: &str, mut args: Vec<String>) -> Result<(), Failure> {
    let command = args.remove(0);
    let mut conn = connect(url).await?;
    let result = match command.as_str() {
        "init" => init(&mut conn, args).await,
        "migrate" => migrate(&mut conn).await,
        "status" => status(&mut conn).await,
        "staff" => staff_command(&mut conn, args).await,
        "audit" => audit(&mut conn, args).await,
        other => Err(usage(&format!("no command {other:?}"))),
    };
    provision::close(conn).await;
    result
}

async fn init(conn: &mut PgConnection, mut args: Vec<String>) -> Result<(), Failure> {
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Failure::Failed(e.to_string()))?;
    let existing = provision::clinic_prefix(conn).await?;
    let prefix = match (take_option(&mut args, "--prefix"), existing) {
        (Some(asked), Some(existing)) if asked != existing.as_str() => {
            return Err(Failure::Failed(format!("this database is already set up with the prefix {existing}")));
        }
        (Some(asked), _) => RolePrefix::parse(&asked)?,
        (None, Some(existing)) => existing,
        (None, None) => RolePrefix::for_database(&database),
    };
    let network = take_option(&mut args, "--network").unwrap_or_else(|| "samenet".into());
    let report = provision::init(conn, &prefix).await?;
    let applied = provision::migrate(conn, &prefix).await?;
    for role in &report.created_roles {
        println!("created role {role}");
    }
    println!(
        "database {database} is owned by {}; {applied} migration(s) applied",
        prefix.role(provision::ClinicRole::Owner)
    );
    for note in &report.notes {
        println!("note: {note}");
    }
    println!("\npg_hba.conf lines for this clinic (put them before any broader line, then reload):");
    for line in provision::hba_lines(&database, &prefix, &network) {
        println!("  {line}");
    }
    println!("\nnext: clinic-admin staff add LOGIN --name \"Full Name\" --groups manager");
    Ok(())
}

async fn prefix_of(conn: &mut PgConnection) -> Result<RolePrefix, Failure> {
    provision::clinic_prefix(conn)
        .await?
        .ok_or_else(|| Failure::Failed("this database is not set up for Clinic Desk yet: run clinic-admin init".into()))
}

async fn migrate(conn: &mut PgConnection) -> Result<(), Failure> {
    let prefix = prefix_of(conn).await?;
    let applied = provision::migrate(conn, &prefix).await?;
    println!("{applied} migration(s) applied");
    Ok(())
}

async fn status(conn: &mut PgConnection) -> Result<(), Failure> {
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
    for migration in MIGRATOR.iter() {
        let mark = if applied.contains(&migration.version) { "applied" } else { "pending" };
        println!("{} {:<8} {}", migration.version, mark, migration.description);
    }
    Ok(())
}

async fn staff_command(conn: &mut PgConnection, mut args: Vec<String>) -> Result<(), Failure> {
    if args.is_empty() {
        return Err(usage("staff needs a subcommand"));
    }
    let sub = args.remove(0);
    let login = |args: &mut Vec<String>| -> Result<String, Failure> {
        if args.is_empty() {
            Err(usage(&format!("staff {sub} needs a LOGIN")))
        } else {
            Ok(args.remove(0))
        }
    };
    match sub.as_str() {
        "list" => {
            for (login, name, groups, locations, active) in staff::list(conn).await? {
                let locations = if locations.is_empty() {
                    "all locations".to_string()
                } else {
                    format!("locations {}", locations.iter().map(i32::to_string).collect::<Vec<_>>().join(","))
                };
                let state = if active { "active" } else { "disabled" };
                println!("{login:<20} {name:<30} {:<28} {locations:<20} {state}", groups.join(","));
            }
        }
        "add" => {
            let member = login(&mut args)?;
            let name = take_option(&mut args, "--name").ok_or_else(|| usage("staff add needs --name"))?;
            let groups = list(&take_option(&mut args, "--groups").ok_or_else(|| usage("staff add needs --groups"))?);
            let locations = take_option(&mut args, "--locations").map(|l| location_ids(&l)).transpose()?;
            let (password, generated) = password(take_flag(&mut args, "--password-stdin"))?;
            staff::add(conn, &member, &name, &groups, &password).await?;
            if let Some(locations) = locations {
                staff::limit_locations(conn, &member, &locations).await?;
            }
            println!("added {member} ({})", groups.join(","));
            if generated {
                println!("initial password (shown once): {password}");
            }
        }
        "disable" | "enable" => {
            let member = login(&mut args)?;
            staff::set_active(conn, &member, sub == "enable").await?;
            println!("{member} {sub}d");
        }
        "reset-password" => {
            let member = login(&mut args)?;
            let (password, generated) = password(take_flag(&mut args, "--password-stdin"))?;
            staff::set_password(conn, &member, &password).await?;
            println!("password of {member} changed");
            if generated {
                println!("new password (shown once): {password}");
            }
        }
        "grant" | "revoke" => {
            let member = login(&mut args)?;
            let group = args.first().cloned().ok_or_else(|| usage(&format!("staff {sub} needs a GROUP")))?;
            staff::set_group(conn, &member, &group, sub == "grant").await?;
            println!("{member}: {sub} {group}");
        }
        "limit-locations" => {
            let member = login(&mut args)?;
            let locations = location_ids(args.first().map(String::as_str).unwrap_or(""))?;
            staff::limit_locations(conn, &member, &locations).await?;
            println!(
                "{member}: {}",
                if locations.is_empty() { "every location".into() } else { format!("{locations:?}") }
            );
        }
        other => return Err(usage(&format!("no staff subcommand {other:?}"))),
    }
    Ok(())
}

async fn audit(conn: &mut PgConnection, mut args: Vec<String>) -> Result<(), Failure> {
    if args.first().map(String::as_str) != Some("verify") {
        return Err(usage("audit verify [--from EVENT] [--to EVENT]"));
    }
    args.remove(0);
    let bound = |v: Option<String>| -> Result<Option<i64>, Failure> {
        v.map(|v| v.parse().map_err(|_| usage(&format!("{v:?} is not an event number")))).transpose()
    };
    let from = bound(take_option(&mut args, "--from"))?;
    let to = bound(take_option(&mut args, "--to"))?;
    let started = std::time::Instant::now();
    match staff::verify_audit(conn, from, to).await? {
        None => {
            println!("the audit trail verifies ({} ms)", started.elapsed().as_millis());
            Ok(())
        }
        Some(event) => Err(Failure::Failed(format!(
            "audit event {event} does not match its hash chain: it, or the event before it, was changed or removed"
        ))),
    }
}

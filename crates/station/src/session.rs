//! Who is at the desk. Each staff member signs in with their own database
//! login; the station's pool runs under it, so the database decides what
//! they may do and records them as the author. The screen locks (idle or
//! Ctrl+L) and unlocks with the same password; "switch user" signs out and
//! another member signs in on a fresh pool. While the clinic database is out
//! of reach, a member who signed in online here recently signs in against
//! the argon2id verifier the station kept (never the password).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Utc;
use clinic_domain::bookings::ClinicPolicy;
use clinic_domain::staff::{StaffAccess, StaffLogin};
use clinic_domain::{AppError, AppResult, ValidationCode};
use clinic_local_store::KeptSignIn;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::postgres::PgConnectOptions;
use zeroize::Zeroizing;

use crate::connection::{self, ConnectionProblem};
use crate::settings::ServerSettings;
use crate::{Station, StationStatus};

/// The signed-in staff member, for the header and the lock screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    pub login: String,
    pub full_name: String,
    pub locked: bool,
    /// Signed in against the station's kept verifier: the clinic database
    /// has not confirmed this password yet.
    pub signed_in_offline: bool,
    /// Lock the screen after this long without input (the clinic's policy).
    pub lock_after_seconds: u32,
}

/// Why a sign-in or unlock was refused; the UI says it in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SignInRefusal {
    /// Wrong password, or no such login (the server does not say which).
    WrongPassword,
    /// The login exists but is disabled.
    Disabled,
    /// The login is not in any of the clinic's staff groups.
    NotStaff,
    /// The server does not let this login connect from this computer (pg_hba.conf).
    NotAllowedHere,
    /// The server is out of reach and this login has no recent online
    /// sign-in on this station to sign in against.
    Unreachable,
    /// The connection was refused for another reason (TLS, the server's
    /// authentication method, the database): `message` says which.
    ConnectionFailed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum SignInOutcome {
    SignedIn { status: Box<StationStatus> },
    Refused { reason: SignInRefusal, message: String },
}

impl SignInOutcome {
    fn refused(reason: SignInRefusal, message: impl Into<String>) -> SignInOutcome {
        SignInOutcome::Refused { reason, message: message.into() }
    }
}

/// A signed-in member. The password stays in memory (zeroed when dropped)
/// because the pool opens new connections with it, as any client does.
pub(crate) struct Session {
    pub(crate) login: StaffLogin,
    pub(crate) password: Zeroizing<String>,
    pub(crate) access: StaffAccess,
    pub(crate) locked: bool,
    pub(crate) signed_in_offline: bool,
    pub(crate) lock_after_minutes: i32,
}

impl Session {
    pub(crate) fn status(&self) -> SessionStatus {
        SessionStatus {
            login: self.login.to_string(),
            full_name: self.access.full_name.clone(),
            locked: self.locked,
            signed_in_offline: self.signed_in_offline,
            lock_after_seconds: lock_after_seconds(self.lock_after_minutes),
        }
    }
}

/// `CLINIC_DESK_LOCK_AFTER_SECONDS` overrides the clinic's idle lock on
/// this station: for the end-to-end tests, which cannot wait minutes.
fn lock_after_seconds(minutes: i32) -> u32 {
    std::env::var("CLINIC_DESK_LOCK_AFTER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| u32::try_from(minutes.max(1)).unwrap_or(5) * 60)
}

/// What trying the password against the database found.
pub(crate) enum Attempt {
    Connected(sqlx::PgPool),
    Refused(SignInRefusal, String),
    /// The server could not be reached (network): offline sign-in may do.
    Unreachable(String),
}

/// An argon2id verifier of `password` (OWASP's parameters: 19 MiB, 2 passes).
fn make_verifier(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| clinic_store::internal(&e))
}

fn verifies(verifier: &str, password: &str) -> bool {
    PasswordHash::new(verifier).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Runs the memory-hard hashing off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| clinic_store::internal(&e))
}

/// Names the refusal from the driver's error.
fn refusal_of(error: &sqlx::Error, server: &ServerSettings) -> Attempt {
    let (problem, message) = connection::classify(error, server);
    match problem {
        ConnectionProblem::BadPassword => {
            Attempt::Refused(SignInRefusal::WrongPassword, "the user name or the password is not right".into())
        }
        // 28000 covers both a disabled login and a pg_hba.conf refusal.
        ConnectionProblem::NotPermitted if message.contains("not permitted to log in") => {
            Attempt::Refused(SignInRefusal::Disabled, format!("the login {} is disabled", server.user))
        }
        ConnectionProblem::NotPermitted => Attempt::Refused(SignInRefusal::NotAllowedHere, message),
        ConnectionProblem::HostUnreachable => Attempt::Unreachable(message),
        _ => Attempt::Refused(SignInRefusal::ConnectionFailed, message),
    }
}

impl Station {
    /// Signs a staff member in with their own login and password: online,
    /// the database checks them and the station keeps a verifier for offline
    /// sign-ins; offline, the kept verifier decides. `remember` keeps the
    /// password in the keyring for the next start (off unless chosen).
    pub async fn sign_in(&self, login: &str, password: &str, remember: bool) -> AppResult<SignInOutcome> {
        let login = StaffLogin::parse("login", login)?;
        if password.is_empty() {
            return Err(AppError::validation("password", ValidationCode::Required, "type your password"));
        }
        let password = Zeroizing::new(password.to_string());
        let _one_at_a_time = self.connecting.lock().await;
        self.end_session().await;
        match self.try_password(&login, &password).await? {
            Attempt::Connected(pool) => {
                let clinic = clinic_store::Clinic::new(pool.clone());
                let access = match clinic.my_access().await {
                    Ok(access) => access,
                    Err(error) => {
                        pool.close().await;
                        return Err(error);
                    }
                };
                if access.groups.is_empty() {
                    pool.close().await;
                    return Ok(SignInOutcome::refused(
                        SignInRefusal::NotStaff,
                        format!("{login} is not one of the clinic's staff"),
                    ));
                }
                let policy = clinic.clinic_policy().await.unwrap_or_default();
                self.keep_for_offline(&access, &password, &policy).await;
                self.remember_password(&login, &password, remember).await?;
                self.record_last_login(&login).await?;
                *self.session.write().await = Some(Session {
                    login,
                    password,
                    access,
                    locked: false,
                    signed_in_offline: false,
                    lock_after_minutes: policy.lock_after_minutes,
                });
                self.install(pool).await;
            }
            Attempt::Refused(reason, message) => {
                if reason == SignInRefusal::Disabled {
                    self.forget_offline(&[login.to_string()]).await;
                }
                return Ok(SignInOutcome::refused(reason, message));
            }
            Attempt::Unreachable(message) => {
                let Some(kept) = self.kept_sign_in(&login).await else {
                    return Ok(SignInOutcome::refused(
                        SignInRefusal::Unreachable,
                        format!(
                            "the clinic database cannot be reached ({message}), and {login} has not signed in \
                             online at this station recently enough to sign in without it"
                        ),
                    ));
                };
                let (verifier, typed) = (kept.verifier.clone(), password.clone());
                if !blocking(move || verifies(&verifier, &typed)).await? {
                    return Ok(SignInOutcome::refused(
                        SignInRefusal::WrongPassword,
                        "the user name or the password is not right",
                    ));
                }
                *self.session.write().await = Some(Session {
                    login,
                    password,
                    access: kept.access,
                    locked: false,
                    signed_in_offline: true,
                    lock_after_minutes: kept.lock_after_minutes,
                });
                self.set_offline(message).await;
            }
        }
        self.reconnect_wanted.notify_one();
        Ok(SignInOutcome::SignedIn { status: Box::new(self.status().await) })
    }

    /// Hides the desk until the same member types their password again.
    pub async fn lock(&self) -> StationStatus {
        if let Some(session) = self.session.write().await.as_mut() {
            session.locked = true;
            tracing::info!(login = %session.login, "station locked");
        }
        self.status().await
    }

    /// Unlocks with the signed-in member's password: checked by the clinic
    /// database when it answers (a login disabled meanwhile is signed out),
    /// otherwise against the password this session signed in with.
    pub async fn unlock(&self, password: &str) -> AppResult<SignInOutcome> {
        let Some(login) = self.session.read().await.as_ref().map(|s| s.login.clone()) else {
            return Err(AppError::Unauthorized { message: "nobody is signed in at this station".into() });
        };
        let typed = Zeroizing::new(password.to_string());
        let online = matches!(*self.link.read().await, crate::station::Link::Ready { .. });
        let refusal = match online {
            true => match self.try_password(&login, &typed).await? {
                Attempt::Connected(pool) => {
                    pool.close().await;
                    None
                }
                Attempt::Refused(reason, message) => Some((reason, message)),
                Attempt::Unreachable(_) => self.same_password(&typed).await,
            },
            false => self.same_password(&typed).await,
        };
        match refusal {
            None => {
                if let Some(session) = self.session.write().await.as_mut() {
                    session.locked = false;
                    // The server just confirmed it: a later offline unlock compares with it.
                    session.password = typed;
                }
                Ok(SignInOutcome::SignedIn { status: Box::new(self.status().await) })
            }
            Some((reason @ (SignInRefusal::Disabled | SignInRefusal::NotStaff), message)) => {
                self.forget_offline(&[login.to_string()]).await;
                self.sign_out().await;
                Ok(SignInOutcome::refused(reason, message))
            }
            Some((reason, message)) => Ok(SignInOutcome::refused(reason, message)),
        }
    }

    async fn same_password(&self, typed: &str) -> Option<(SignInRefusal, String)> {
        let session = self.session.read().await;
        let same = session.as_ref().is_some_and(|s| constant_time_eq(s.password.as_bytes(), typed.as_bytes()));
        (!same).then(|| (SignInRefusal::WrongPassword, "the password is not right".to_string()))
    }

    /// "Switch user": closes this member's connections and shows the sign-in
    /// screen. What they queued offline keeps them as its author.
    pub async fn sign_out(&self) -> StationStatus {
        let _one_at_a_time = self.connecting.lock().await;
        self.end_session().await;
        self.status().await
    }

    pub(crate) async fn end_session(&self) {
        // Times held at this desk go with the session, not five minutes later.
        self.release_all_holds().await;
        if let Some(session) = self.session.write().await.take() {
            tracing::info!(login = %session.login, "signed out");
        }
        self.previews.forget_all();
        self.disconnect().await;
    }

    /// Opens a pool as `login` with `password` on the configured server (or
    /// the demo clinic).
    pub(crate) async fn try_password(&self, login: &StaffLogin, password: &str) -> AppResult<Attempt> {
        let station_name = self.station_name().await;
        let settings = self.settings.read().await.clone();
        let Some(server) = &settings.server else {
            let options = {
                let cluster = self.demo_cluster().await?;
                crate::demo::connect_options(&cluster, login.as_str(), password)
            };
            let demo = ServerSettings::this_computer(&options, "clinic");
            return Ok(match connection::open_pool(options).await {
                Ok(pool) => Attempt::Connected(pool),
                Err(error) => refusal_of(&error, &demo),
            });
        };
        let server = ServerSettings { user: login.to_string(), ..server.validate()? };
        if let Err(message) = connection::refuse_weak_authentication(&server, Some(password)).await {
            return Ok(Attempt::Refused(SignInRefusal::ConnectionFailed, message));
        }
        let options: PgConnectOptions =
            connection::connect_options(&server, Some(password)).application_name(&station_name);
        Ok(match connection::open_pool(options).await {
            Ok(pool) => Attempt::Connected(pool),
            Err(error) => refusal_of(&error, &server),
        })
    }

    /// The keyring keeps the password only when the member chose "remember".
    async fn remember_password(&self, login: &StaffLogin, password: &str, remember: bool) -> AppResult<()> {
        let Some(server) = self.settings.read().await.server.clone() else { return Ok(()) };
        let server = ServerSettings { user: login.to_string(), ..server };
        if remember {
            self.secrets.set(&server.secret_key(), password)?;
            self.secrets.set(&crate::station::tls_key(&server), &server.tls.strictness().to_string())?;
        } else {
            self.secrets.delete(&server.secret_key());
        }
        Ok(())
    }

    /// The settings name the last member who signed in (the sign-in screen
    /// offers that name first).
    async fn record_last_login(&self, login: &StaffLogin) -> AppResult<()> {
        let mut settings = self.settings.write().await;
        let Some(server) = settings.server.as_mut() else { return Ok(()) };
        if server.user != login.as_str() {
            server.user = login.to_string();
            crate::settings::save(&self.paths.config_dir, &settings)?;
        }
        Ok(())
    }

    /// After an online sign-in: the verifier for offline sign-ins here, for
    /// as many days as the clinic allows (0: never offline).
    async fn keep_for_offline(&self, access: &StaffAccess, password: &Zeroizing<String>, policy: &ClinicPolicy) {
        if !self.works_offline().await {
            return;
        }
        let Ok(sync) = self.sync().await else { return };
        if policy.offline_sign_in_days <= 0 {
            self.forget_offline(std::slice::from_ref(&access.login)).await;
            return;
        }
        let typed = password.clone();
        let kept = match blocking(move || make_verifier(&typed)).await {
            Ok(Ok(verifier)) => KeptSignIn {
                verifier,
                access: access.clone(),
                signed_in_at: Utc::now(),
                valid_days: policy.offline_sign_in_days,
                lock_after_minutes: policy.lock_after_minutes,
            },
            _ => return,
        };
        if let Err(error) = sync.local.keep_sign_in(&kept).await {
            tracing::warn!(%error, "no offline sign-in kept");
        }
    }

    /// The kept sign-in for `login` if it still allows signing in offline.
    async fn kept_sign_in(&self, login: &StaffLogin) -> Option<KeptSignIn> {
        if !self.works_offline().await {
            return None;
        }
        let kept = self.sync().await.ok()?.local.kept_sign_in(login.as_str()).await.ok()??;
        kept.valid_at(Utc::now()).then_some(kept)
    }

    pub(crate) async fn forget_offline(&self, logins: &[String]) {
        if let Ok(sync) = self.sync().await {
            if let Err(error) = sync.local.forget_sign_ins(logins).await {
                tracing::warn!(%error, "offline sign-ins not forgotten");
            }
        }
    }

    /// Refuses work while nobody is signed in or the screen is locked.
    pub(crate) async fn desk_open(&self) -> AppResult<()> {
        match &*self.session.read().await {
            Some(session) if !session.locked => Ok(()),
            Some(_) => Err(AppError::Unauthorized { message: "the station is locked: unlock it first".into() }),
            None => Err(AppError::Unauthorized { message: "sign in first".into() }),
        }
    }
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verifier_checks_the_password_and_hides_it() {
        let verifier = make_verifier("correct horse battery").unwrap();
        assert!(verifier.starts_with("$argon2id$"), "{verifier}");
        assert!(!verifier.contains("correct horse"));
        assert!(verifies(&verifier, "correct horse battery"));
        assert!(!verifies(&verifier, "correct horse batterY"));
        assert!(!verifies("not a verifier", "correct horse battery"));
        assert_ne!(verifier, make_verifier("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn passwords_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}

//! Live refresh across stations: PostgreSQL NOTIFY (sent by the bookings
//! triggers on channel `clinic_changes`) pokes every station, which tells its
//! UI. A dropped connection is retried with backoff, and every reconnect
//! announces every location (NOTIFY is not replayed).
//!
//! The listener's connection is also the station's heartbeat: a `SELECT 1`
//! a second on it tells whether the server still answers, so a quiet desk
//! holds that one connection and nothing else (issue 16; the pool closes the
//! rest once they go unused).

use std::time::Duration;

use chrono::{DateTime, Utc};
use clinic_domain::bookings::BookingsChange;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};

pub const CHANNEL: &str = "clinic_changes";
/// How often the listener asks the server whether it is there, so the badge
/// says offline within about two seconds of the database going away (a
/// query a second per desk: nothing for PostgreSQL).
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long an answer to the heartbeat may take before the link counts as gone.
pub const HEARTBEAT_PATIENCE: Duration = Duration::from_millis(900);

/// What the listener's heartbeat last found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hearing {
    /// Listening, and the last heartbeat was answered in time: no change can
    /// go unheard.
    Answered,
    /// Not listening (connecting, or its connection failed): whether the
    /// server still answers is for someone else to ask.
    Deaf,
    /// The heartbeat got no answer in time: the link stalled or the server hangs.
    Unanswered,
}

pub type Heard = watch::Receiver<Hearing>;

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Notification {
    Bookings(BookingsChange),
}

/// Listens until the task is aborted, forwarding every change to `sender`
/// and what its heartbeat finds to `heard`.
pub async fn listen(pool: PgPool, sender: broadcast::Sender<BookingsChange>, heard: watch::Sender<Hearing>) {
    let mut backoff = Duration::from_millis(250);
    let mut listened_before = false;
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                // Reconnecting is ours to do (and to announce), not sqlx's.
                listener.eager_reconnect(false);
                match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        backoff = Duration::from_millis(250);
                        heard.send_replace(Hearing::Answered);
                        // NOTIFY is not replayed: what changed while this
                        // station was not listening is announced as "anything,
                        // anywhere", so boards refetch and the sync task pulls.
                        if std::mem::replace(&mut listened_before, true) {
                            announce_everything(&pool, &sender).await;
                        }
                        let (hearing, lost) = relay(&mut listener, &sender).await;
                        heard.send_replace(hearing);
                        tracing::warn!(%lost, "change listener lost the server; reconnecting");
                    }
                    Err(error) => {
                        heard.send_replace(Hearing::Deaf);
                        tracing::warn!(%error, "cannot LISTEN");
                    }
                }
            }
            Err(error) => {
                heard.send_replace(Hearing::Deaf);
                tracing::debug!(%error, "change listener cannot connect");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

/// Forwards notifications and keeps the heartbeat until the connection
/// fails; says what that means and why. Waiting for a notification is cancel-safe in sqlx (a
/// message is taken off the socket's buffer only once whole), so the
/// heartbeat may interrupt it; an unanswered heartbeat ends this listener
/// (sqlx recovers or closes its connection) and a new one listens.
async fn relay(listener: &mut PgListener, sender: &broadcast::Sender<BookingsChange>) -> (Hearing, String) {
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.tick().await;
    loop {
        tokio::select! {
            note = listener.try_recv() => match note {
                Ok(Some(note)) => match serde_json::from_str::<Notification>(note.payload()) {
                    Ok(Notification::Bookings(change)) => drop(sender.send(change)),
                    Err(error) => tracing::warn!(%error, payload = note.payload(), "unreadable notification"),
                },
                Ok(None) => return (Hearing::Deaf, "the connection closed".into()),
                Err(error) => return (Hearing::Deaf, error.to_string()),
            },
            _ = beat.tick() => {
                match tokio::time::timeout(HEARTBEAT_PATIENCE, sqlx::query("SELECT 1").execute(&mut *listener)).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => return (Hearing::Deaf, error.to_string()),
                    Err(_) => {
                        let why = format!("no answer to the heartbeat within {} ms", HEARTBEAT_PATIENCE.as_millis());
                        return (Hearing::Unanswered, why);
                    }
                }
            }
        }
    }
}

async fn announce_everything(pool: &PgPool, sender: &broadcast::Sender<BookingsChange>) {
    match clinic_store::Clinic::new(pool.clone()).list_locations(true).await {
        Ok(locations) => {
            for location in locations {
                let everything = BookingsChange {
                    location_id: location.id,
                    from: DateTime::<Utc>::MIN_UTC,
                    to: DateTime::<Utc>::MAX_UTC,
                };
                drop(sender.send(everything));
            }
        }
        Err(error) => tracing::warn!(%error, "cannot list locations to catch up after reconnecting"),
    }
}

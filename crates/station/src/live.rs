//! Live refresh across stations: PostgreSQL NOTIFY (sent by the bookings
//! triggers on channel `clinic_changes`) pokes every station, which tells its
//! UI. A dropped connection is retried with backoff, and every reconnect
//! announces every location (NOTIFY is not replayed).

use std::time::Duration;

use chrono::{DateTime, Utc};
use clinic_domain::bookings::BookingsChange;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::broadcast;

pub const CHANNEL: &str = "clinic_changes";

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Notification {
    Bookings(BookingsChange),
}

/// Listens until the task is aborted, forwarding every change to `sender`.
pub async fn listen(pool: PgPool, sender: broadcast::Sender<BookingsChange>) {
    let mut backoff = Duration::from_millis(250);
    let mut listened_before = false;
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    backoff = Duration::from_millis(250);
                    // NOTIFY is not replayed: what changed while this
                    // station was not listening is announced as "anything,
                    // anywhere", so boards refetch and the sync task pulls.
                    if std::mem::replace(&mut listened_before, true) {
                        announce_everything(&pool, &sender).await;
                    }
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(note)) => match serde_json::from_str::<Notification>(note.payload()) {
                                Ok(Notification::Bookings(change)) => drop(sender.send(change)),
                                Err(error) => {
                                    tracing::warn!(%error, payload = note.payload(), "unreadable notification")
                                }
                            },
                            // The connection dropped. PgListener would reconnect on
                            // the next call without a word; reconnecting here instead
                            // announces what may have been missed meanwhile.
                            Ok(None) => {
                                tracing::warn!("change listener lost its connection; reconnecting");
                                break;
                            }
                            Err(error) => {
                                tracing::warn!(%error, "change listener lost the server");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot LISTEN"),
            },
            Err(error) => tracing::debug!(%error, "change listener cannot connect"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
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

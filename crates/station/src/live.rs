//! Live refresh across stations: PostgreSQL NOTIFY (sent by the bookings
//! triggers on channel `clinic_changes`) pokes every station, which tells its
//! UI. A dropped connection is retried with backoff.

use std::time::Duration;

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
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    backoff = Duration::from_millis(250);
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(note)) => match serde_json::from_str::<Notification>(note.payload()) {
                                Ok(Notification::Bookings(change)) => drop(sender.send(change)),
                                Err(error) => {
                                    tracing::warn!(%error, payload = note.payload(), "unreadable notification")
                                }
                            },
                            // The connection dropped; PgListener reconnects on the next call.
                            Ok(None) => tracing::warn!("change listener reconnecting"),
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
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

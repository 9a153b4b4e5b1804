//! A station's network path to the test cluster, for tests: a TCP relay to
//! the cluster's port that a test can cut (open connections reset, new ones
//! refused: a pulled cable), stall (bytes held both ways, nothing closed: a
//! dead Wi-Fi or a half-open VPN), heal, or cut right after the server
//! commits (its reply forwarded or lost).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Up,
    Cut,
    Stalled,
}

/// What the relay does at the next `COMMIT` the server confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtCommit {
    /// Relay it and go on.
    Pass,
    /// Relay the confirmation (through the ready-for-query after it), then
    /// cut and stay cut until [`TestLink::heal`]: the station saw the commit
    /// and cannot read anything back.
    CutAfterReply,
    /// Cut before relaying it, and stay cut: the server committed, the
    /// station never hears.
    LoseReply,
}

pub struct TestLink {
    pub port: u16,
    state: watch::Sender<LinkState>,
    at_commit: Arc<Mutex<AtCommit>>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    relay: tokio::task::JoinHandle<()>,
}

impl TestLink {
    /// Relays 127.0.0.1:<port> to the server at 127.0.0.1:`server_port`.
    pub async fn start(server_port: u16) -> TestLink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port for the link");
        let port = listener.local_addr().expect("the link's port").port();
        let (state, _) = watch::channel(LinkState::Up);
        let at_commit = Arc::new(Mutex::new(AtCommit::Pass));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let relay = tokio::spawn({
            let (state, at_commit, open) = (state.clone(), at_commit.clone(), open.clone());
            async move {
                while let Ok((station, _)) = listener.accept().await {
                    if *state.borrow() == LinkState::Cut {
                        continue; // dropped: the station's connection fails
                    }
                    let relayed =
                        tokio::spawn(relay_one(station, server_port, state.clone(), at_commit.clone(), open.clone()));
                    open.lock().expect("the link's connections").push(relayed.abort_handle());
                }
            }
        });
        TestLink { port, state, at_commit, open, relay }
    }

    /// Pulls the cable: open connections drop, new ones fail.
    pub fn cut(&self) {
        self.state.send_replace(LinkState::Cut);
        self.reset_open();
    }

    /// Holds every byte both ways; nothing is closed.
    pub fn stall(&self) {
        self.state.send_replace(LinkState::Stalled);
    }

    /// Back to normal (held bytes flow on, new connections are let through).
    pub fn heal(&self) {
        self.state.send_replace(LinkState::Up);
    }

    pub fn state(&self) -> LinkState {
        *self.state.borrow()
    }

    /// What to do at the next COMMIT the server confirms.
    pub fn at_next_commit(&self, what: AtCommit) {
        *self.at_commit.lock().expect("the link's commit rule") = what;
    }

    fn reset_open(&self) {
        self.open.lock().expect("the link's connections").drain(..).for_each(|c| c.abort());
    }
}

impl Drop for TestLink {
    fn drop(&mut self) {
        self.cut();
        self.relay.abort();
    }
}

async fn relay_one(
    station: TcpStream,
    server_port: u16,
    link: watch::Sender<LinkState>,
    at_commit: Arc<Mutex<AtCommit>>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)).await else { return };
    // Bytes go on as they come, as the station's and the server's own sockets
    // send them: with Nagle's algorithm on the relay, a reply split over two
    // writes waited for an acknowledgement (tens of milliseconds per call in
    // the window bench) that no real network path adds.
    if station.set_nodelay(true).is_err() || server.set_nodelay(true).is_err() {
        return;
    }
    let (mut from_station, mut to_station) = station.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let upstream = {
        let mut state = link.subscribe();
        async move {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                flowing(&mut state).await;
                let n = from_station.read(&mut buffer).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                flowing(&mut state).await;
                if to_server.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        }
    };
    let downstream = {
        let mut state = link.subscribe();
        async move {
            let mut buffer = vec![0u8; 64 * 1024];
            let mut messages = Messages::default();
            loop {
                flowing(&mut state).await;
                let n = from_server.read(&mut buffer).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                flowing(&mut state).await;
                let rule = *at_commit.lock().expect("the link's commit rule");
                let (commit, ready) = messages.commit_and_ready(&buffer[..n]);
                let cut_at = match (rule, commit, ready) {
                    (AtCommit::LoseReply, Some(commit_end), _) => Some(commit_end.saturating_sub(commit_size())),
                    (AtCommit::CutAfterReply, _, Some(ready_end)) => Some(ready_end),
                    _ => None,
                };
                if let Some(cut_at) = cut_at {
                    *at_commit.lock().expect("the link's commit rule") = AtCommit::Pass;
                    let _ = to_station.write_all(&buffer[..cut_at.min(n)]).await;
                    let _ = to_station.flush().await;
                    link.send_replace(LinkState::Cut);
                    open.lock().expect("the link's connections").drain(..).for_each(|c| c.abort());
                    return;
                }
                if to_station.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        }
    };
    tokio::join!(upstream, downstream);
}

/// Waits while the link is stalled.
async fn flowing(state: &mut watch::Receiver<LinkState>) {
    let _ = state.wait_for(|s| *s != LinkState::Stalled).await;
}

/// `CommandComplete` with tag `COMMIT`: 'C', length 11, "COMMIT\0".
fn commit_size() -> usize {
    1 + 4 + "COMMIT\0".len()
}

/// The server's messages as they stream by (type byte, length, body).
#[derive(Default)]
struct Messages {
    pending: Vec<u8>,
    /// A COMMIT was confirmed and its ready-for-query has not come yet.
    after_commit: bool,
    /// The transaction under way wrote something (only the commit of a
    /// change counts: a read-only pull commits too).
    wrote: bool,
}

impl Messages {
    /// Feeds a chunk; where (in this chunk) a COMMIT confirmation ends, and
    /// where the ready-for-query after a COMMIT ends.
    fn commit_and_ready(&mut self, chunk: &[u8]) -> (Option<usize>, Option<usize>) {
        let start = self.pending.len();
        self.pending.extend_from_slice(chunk);
        let mut at = 0;
        let (mut commit, mut ready) = (None, None);
        while self.pending.len() >= at + 5 {
            let length = u32::from_be_bytes(self.pending[at + 1..at + 5].try_into().expect("four bytes")) as usize;
            let end = at + 1 + length;
            if self.pending.len() < end {
                break;
            }
            let in_chunk = end.checked_sub(start);
            let body = &self.pending[at + 5..end];
            let wrote = [&b"INSERT"[..], b"UPDATE", b"DELETE"].iter().any(|tag| body.starts_with(tag));
            if self.pending[at] == b'C' && wrote {
                self.wrote = true;
            } else if self.pending[at] == b'C' && body == b"COMMIT\0" && self.wrote {
                self.after_commit = true;
                commit = commit.or(in_chunk);
            } else if self.pending[at] == b'Z' {
                if self.after_commit {
                    ready = ready.or(in_chunk);
                }
                // Back outside a transaction ('I'): the next one starts clean.
                if body.first() == Some(&b'I') {
                    (self.after_commit, self.wrote) = (false, false);
                }
            }
            at = end;
        }
        self.pending.drain(..at);
        (commit, ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_commit_confirmation_and_its_ready_across_chunks() {
        let mut stream = Vec::new();
        stream.extend_from_slice(b"C\0\0\0\x0bINSERT\0");
        stream.extend_from_slice(b"C\0\0\0\x0bCOMMIT\0");
        stream.extend_from_slice(b"Z\0\0\0\x05I");
        let mut messages = Messages::default();
        assert_eq!(messages.commit_and_ready(&stream[..14]), (None, None));
        assert_eq!(messages.commit_and_ready(&stream[14..]), (Some(24 - 14), Some(30 - 14)));
        // A read-only transaction's commit (a pull) is not a change's.
        assert_eq!(messages.commit_and_ready(&stream[12..]), (None, None));
    }
}

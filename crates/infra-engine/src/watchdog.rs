//! A watchdog over an apply's walk, on a thread of its own: when no operation has started or
//! finished for a quiet interval ([`QUIET`] in the CLI), it logs (at debug, `infra::apply`)
//! which operations are in flight and how many are ready, once an interval until something
//! moves. So a stall is visible in
//! `INFRA_LOG=debug` logs even when the async runtime itself is stuck (a blocking call on its
//! thread), which would silence the "Still creating..." lines: in flight and stuck means an
//! operation (or the runtime) is blocked; nothing in flight with operations ready means the walk
//! lost a wake-up.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use infra_core::Address;

/// How long the walk may go without an operation starting or finishing before it is reported
/// (the executor's `watchdog_quiet` in the CLI).
pub const QUIET: Duration = Duration::from_secs(60);

/// What the walk is doing, as the watchdog sees it.
#[derive(Debug)]
pub struct Walk {
    /// When an operation last started or finished (or the walk began).
    moved: Instant,
    /// When the watchdog last reported, so that a long stall is reported once an interval.
    reported: Option<Instant>,
    running: BTreeSet<Address>,
    ready: usize,
    finished: bool,
}

impl Walk {
    pub fn new(now: Instant) -> Walk {
        Walk { moved: now, reported: None, running: BTreeSet::new(), ready: 0, finished: false }
    }

    /// `address` started, with `ready` more waiting for a slot.
    pub fn started(&mut self, address: &Address, ready: usize, now: Instant) {
        self.running.insert(address.clone());
        self.ready = ready;
        self.moved = now;
    }

    /// `address` finished (done or failed), with `ready` waiting for a slot.
    pub fn ended(&mut self, address: &Address, ready: usize, now: Instant) {
        self.running.remove(address);
        self.ready = ready;
        self.moved = now;
    }

    /// The report due at `now`, if the walk has been quiet for `quiet`.
    pub fn stalled(&mut self, now: Instant, quiet: Duration) -> Option<String> {
        let since = now.saturating_duration_since(self.moved);
        let last = self.reported.map_or(self.moved, |reported| reported.max(self.moved));
        if self.finished || since < quiet || now.saturating_duration_since(last) < quiet {
            return None;
        }
        self.reported = Some(now);
        let running: Vec<String> = self.running.iter().map(Address::to_string).collect();
        Some(format!(
            "no operation has started or finished for {}s: {} in flight{}{}, {} ready to start",
            since.as_secs(),
            running.len(),
            if running.is_empty() { "" } else { ": " },
            running.join(", "),
            self.ready
        ))
    }
}

/// The watchdog's thread and the walk it watches; stops when dropped.
pub struct Watchdog {
    pub walk: Arc<Mutex<Walk>>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    /// Watches a walk that begins now, reporting after `quiet` without a start or an end.
    pub fn start(quiet: Duration) -> Watchdog {
        let walk = Arc::new(Mutex::new(Walk::new(Instant::now())));
        let watched = Arc::clone(&walk);
        let thread = std::thread::Builder::new()
            .name("apply-watchdog".into())
            .spawn(move || loop {
                std::thread::park_timeout(quiet / 6);
                let mut walk = watched.lock().unwrap_or_else(|p| p.into_inner());
                if walk.finished {
                    return;
                }
                if let Some(report) = walk.stalled(Instant::now(), quiet) {
                    tracing::debug!(target: "infra::apply", "{report}");
                }
            })
            .ok();
        Watchdog { walk, thread }
    }

    /// Records a change of the walk.
    pub fn note(&self, change: impl FnOnce(&mut Walk, Instant)) {
        let mut walk = self.walk.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut walk, Instant::now());
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.note(|walk, _| walk.finished = true);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Address {
        text.parse().unwrap()
    }

    #[test]
    fn a_quiet_walk_is_reported_with_what_is_in_flight_once_per_interval() {
        let start = Instant::now();
        let mut walk = Walk::new(start);
        walk.started(&address("fake_thing.main"), 3, start);
        let minute = Duration::from_secs(60);
        assert_eq!(walk.stalled(start + Duration::from_secs(59), minute), None);
        let report = walk.stalled(start + Duration::from_secs(61), minute).unwrap();
        assert_eq!(
            report,
            "no operation has started or finished for 61s: 1 in flight: fake_thing.main, 3 ready to start"
        );
        assert_eq!(walk.stalled(start + Duration::from_secs(90), minute), None);
        assert!(walk.stalled(start + Duration::from_secs(122), minute).is_some());
        // Something moves: quiet again for a minute before the next report.
        walk.ended(&address("fake_thing.main"), 3, start + Duration::from_secs(130));
        assert_eq!(walk.stalled(start + Duration::from_secs(180), minute), None);
        let report = walk.stalled(start + Duration::from_secs(191), minute).unwrap();
        assert!(report.contains("0 in flight, 3 ready to start"), "{report}");
    }
}

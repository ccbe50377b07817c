//! SIGINT and SIGTERM during an apply, as Terraform handles them: the first stops starting
//! operations (those in flight finish and are saved, the lock is released, the exit code is
//! 1); the second exits at once, leaving the pending journal to cover what was in flight.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Starts listening for SIGINT and SIGTERM; returns the flag the first one sets. Must be
/// called inside the runtime.
pub fn stop_on_signals() -> &'static AtomicBool {
    tokio::spawn(async {
        let mut signals = Signals::new();
        let mut received = 0;
        while signals.next().await {
            received += 1;
            if received == 1 {
                STOP.store(true, Ordering::SeqCst);
                eprintln!(
                    "\nInterrupt received.\nPlease wait for infra to exit or data loss may occur.\nGracefully shutting down..."
                );
            } else {
                eprintln!(
                    "\nTwo interrupts received. Exiting immediately. The operations in flight are in the state's pending journal; the next run resolves them."
                );
                std::process::exit(1);
            }
        }
    });
    &STOP
}

/// SIGINT and SIGTERM, listened for from creation on.
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                streams: signal(SignalKind::interrupt())
                    .ok()
                    .zip(signal(SignalKind::terminate()).ok()),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    /// Waits for the next signal; false when signals cannot be received.
    async fn next(&mut self) -> bool {
        #[cfg(unix)]
        {
            let Some((interrupt, terminate)) = self.streams.as_mut() else {
                return false;
            };
            tokio::select! {
                received = interrupt.recv() => received.is_some(),
                received = terminate.recv() => received.is_some(),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.is_ok()
        }
    }
}

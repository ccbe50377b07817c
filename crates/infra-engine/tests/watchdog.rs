//! The apply's watchdog against a fake provider whose create blocks the thread it runs on, as a
//! blocking call inside the async runtime would: no operation starts or finishes, the runtime
//! cannot print "Still creating...", and the watchdog's own thread logs, at debug under
//! `infra::apply`, what is in flight and what is ready (what `INFRA_LOG=debug` shows).
//!
//! One test in its own binary: it installs the process's global tracing subscriber, which
//! sees the watchdog thread's events.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use infra_core::{Attribute, Registry, Schema, Type, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

mod support;
use support::{Fake, Run, Workspace};

/// The messages logged under `infra::apply`.
#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<String>>>, Arc<AtomicU64>);

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Logged {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.1.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() == "infra::apply" {
            let mut message = Message(String::new());
            event.record(&mut message);
            self.0.lock().unwrap().push(message.0);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// `fake_slow`: creating `a` blocks its thread for 1.5 s; the others return at once.
fn fake_slow() -> Fake {
    Fake {
        name: "fake_slow",
        schema: Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String)),
        create: Box::new(|planned| {
            let name = planned.get("name").as_str().unwrap_or_default().to_string();
            if name == "a" {
                std::thread::sleep(Duration::from_millis(1500));
            }
            let mut value = planned.clone();
            if let Some(entries) = value.map_mut() {
                entries.insert("id".into(), Value::string(name));
            }
            value
        }),
    }
}

#[tokio::test]
async fn a_walk_blocked_in_an_operation_is_logged_with_what_is_in_flight_and_ready() {
    let logged = Logged::default();
    tracing::subscriber::set_global_default(logged.clone()).expect("the only subscriber");
    let workspace = Workspace::new(
        r#"
resource "fake_slow" "a" {
  name = "a"
}

resource "fake_slow" "b" {
  name = "b"
}
"#,
        |_| {
            let mut registry = Registry::new();
            registry.register_resource(Arc::new(fake_slow()));
            registry
        },
    );

    let applied = workspace
        .apply(Run { parallelism: 1, watchdog_quiet: Duration::from_millis(200), ..Run::default() })
        .await;

    applied.result.expect("the apply succeeds");
    let logged = logged.0.lock().unwrap();
    let stalls: Vec<&String> = logged
        .iter()
        .filter(|m| m.starts_with("no operation has started or finished for "))
        .collect();
    assert!(!stalls.is_empty(), "no stall reported: {logged:?}");
    for stall in &stalls {
        assert!(stall.ends_with(": 1 in flight: fake_slow.a, 1 ready to start"), "{stall}");
    }
}

//! The S3 state backend against moto in server mode: conditional writes as compare-and-swap,
//! the lock object and the DynamoDB lock, workspace keys. One moto per file and one test that
//! runs every scenario in order, since the endpoint is process-wide environment.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use infra_aws::s3_backend::{S3Backend, S3BackendConfig};
use infra_aws::Aws;
use infra_aws::ProviderSettings;
use infra_core::Value;
use infra_state::{Backend, LockInfo, ResourceState, State, StateError};
use tokio::runtime::Runtime;

const BUCKET: &str = "infra-state-test";
const TABLE: &str = "infra-locks";

struct Harness {
    runtime: Runtime,
    aws: Arc<Aws>,
}

impl Harness {
    /// A backend as a separate run would build it: its own client set and session.
    fn backend(&self, key: &str, workspace: &str) -> S3Backend {
        let config = S3BackendConfig {
            workspace: workspace.to_string(),
            ..S3BackendConfig::new(BUCKET, key)
        };
        S3Backend::new(Aws::new(ProviderSettings::default()), config, self.runtime.handle().clone())
    }

    fn object_exists(&self, key: &str) -> bool {
        self.runtime.block_on(async {
            let clients = self.aws.clients().await;
            clients.s3.head_object().bucket(BUCKET).key(key).send().await.is_ok()
        })
    }
}

fn state_with(serial: u64, vpc_id: &str) -> State {
    let mut state = State::new();
    state.serial = serial;
    state.resources.insert(
        "aws_vpc.main".parse().unwrap(),
        ResourceState {
            resource_type: "aws_vpc".into(),
            value: Value::map([
                ("id", Value::string(vpc_id)),
                ("secret", Value::string("s").mark_sensitive()),
            ]),
            ..ResourceState::default()
        },
    );
    state
}

#[test]
fn s3_backend_against_moto() {
    let _moto = support::start_moto();
    let harness = Harness {
        runtime: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
        aws: Aws::new(ProviderSettings::default()),
    };
    harness.runtime.block_on(async {
        let clients = harness.aws.clients().await;
        clients.s3.create_bucket().bucket(BUCKET).send().await.unwrap();
        clients
            .dynamodb
            .create_table()
            .table_name(TABLE)
            .attribute_definitions(
                aws_sdk_dynamodb::types::AttributeDefinition::builder()
                    .attribute_name("LockID")
                    .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                aws_sdk_dynamodb::types::KeySchemaElement::builder()
                    .attribute_name("LockID")
                    .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .send()
            .await
            .unwrap();
    });

    read_write_round_trip(&harness);
    stale_writer_gets_conflict(&harness);
    first_write_refuses_to_clobber_a_concurrent_create(&harness);
    corrupt_object_is_never_overwritten(&harness);
    lock_file_contention(&harness);
    dynamodb_lock_contention(&harness);
    a_lock_put_retried_after_a_lost_answer_holds_the_lock(&harness);
    workspace_keys_list_and_delete(&harness);
    works_from_inside_the_runtime(&harness);
}

fn read_write_round_trip(harness: &Harness) {
    let backend = harness.backend("round-trip/terraform.tfstate", "default");
    assert_eq!(backend.describe(), format!("s3://{BUCKET}/round-trip/terraform.tfstate"));
    assert!(backend.read().unwrap().is_none());
    let state = state_with(1, "vpc-1");
    backend.write(&state).unwrap();
    // Several writes in a row from one run: each uses the ETag of the one before.
    let mut next = state.clone();
    for serial in 2..5 {
        next.serial = serial;
        backend.write(&next).unwrap();
    }
    let read = harness.backend("round-trip/terraform.tfstate", "default").read().unwrap().unwrap();
    assert_eq!(read, next);
    assert!(read.get(&"aws_vpc.main".parse().unwrap()).unwrap().value.get("secret").is_sensitive());
}

fn stale_writer_gets_conflict(harness: &Harness) {
    let key = "conflict/terraform.tfstate";
    harness.backend(key, "default").write(&state_with(1, "vpc-1")).unwrap();
    let first = harness.backend(key, "default");
    let second = harness.backend(key, "default");
    let mut state = first.read().unwrap().unwrap();
    second.read().unwrap().unwrap();
    state.serial = 2;
    first.write(&state).unwrap();
    let error = second.write(&state_with(2, "vpc-stale")).unwrap_err();
    assert!(matches!(error, StateError::Conflict { .. }), "expected Conflict, got {error}");
    assert_eq!(
        error.to_string(),
        format!(
            "the state in s3://{BUCKET}/{key} was changed by another writer since it was read; \
             refusing to overwrite"
        )
    );
    // The winner's state is intact, and the winner can keep writing.
    let stored = harness.backend(key, "default").read().unwrap().unwrap();
    assert_eq!(stored.serial, 2);
    assert_eq!(stored.lineage, state.lineage);
    state.serial = 3;
    first.write(&state).unwrap();
}

fn first_write_refuses_to_clobber_a_concurrent_create(harness: &Harness) {
    let key = "create-race/terraform.tfstate";
    let first = harness.backend(key, "default");
    let second = harness.backend(key, "default");
    assert!(first.read().unwrap().is_none());
    assert!(second.read().unwrap().is_none());
    first.write(&state_with(1, "vpc-first")).unwrap();
    let error = second.write(&state_with(1, "vpc-second")).unwrap_err();
    assert!(matches!(error, StateError::Conflict { .. }), "{error}");
}

fn corrupt_object_is_never_overwritten(harness: &Harness) {
    let key = "corrupt/terraform.tfstate";
    harness.runtime.block_on(async {
        let clients = harness.aws.clients().await;
        clients
            .s3
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"{ not json"))
            .send()
            .await
            .unwrap();
    });
    let backend = harness.backend(key, "default");
    let error = backend.read().unwrap_err();
    assert!(matches!(error, StateError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains(&format!("s3://{BUCKET}/{key} is not valid JSON")));
    let error = backend.write(&state_with(1, "vpc-1")).unwrap_err();
    assert!(error.to_string().contains("refusing to overwrite"), "{error}");
}

fn lock_file_contention(harness: &Harness) {
    let key = "locks/terraform.tfstate";
    let first = harness.backend(key, "default");
    let second = harness.backend(key, "default");
    let holder = LockInfo::new("apply", &first.describe());
    let guard = first.lock(holder.clone(), Duration::ZERO).unwrap();
    assert!(harness.object_exists(&format!("{key}.tflock")));

    let error = match second.lock(LockInfo::new("plan", &second.describe()), Duration::ZERO) {
        Err(error) => error,
        Ok(_) => panic!("the second lock was granted"),
    };
    match &error {
        StateError::Locked(info) => assert_eq!(**info, holder),
        other => panic!("expected Locked, got {other}"),
    }
    assert!(error.to_string().contains(&holder.id));

    let start = Instant::now();
    assert!(second.lock(LockInfo::new("plan", "x"), Duration::from_millis(500)).is_err());
    assert!(start.elapsed() >= Duration::from_millis(500));

    // force-unlock with the wrong id names the real holder.
    match second.force_unlock("not-the-id") {
        Err(StateError::LockMismatch { holder: real, .. }) => assert_eq!(real, holder.id),
        other => panic!("expected LockMismatch, got {other:?}"),
    }

    drop(guard);
    assert!(!harness.object_exists(&format!("{key}.tflock")));
    let second_holder = LockInfo::new("plan", "x");
    let second_guard = second.lock(second_holder.clone(), Duration::ZERO).unwrap();
    // A run that died: its lock stays until force-unlock with the right id.
    std::mem::forget(second_guard);
    assert!(first.lock(LockInfo::new("apply", "x"), Duration::ZERO).is_err());
    first.force_unlock(&second_holder.id).unwrap();
    assert!(matches!(first.force_unlock(&second_holder.id), Err(StateError::NotLocked { .. })));
    drop(first.lock(LockInfo::new("apply", "x"), Duration::ZERO).unwrap());
}

fn dynamodb_lock_contention(harness: &Harness) {
    let key = "dynamo/terraform.tfstate";
    let backend = |_: ()| {
        let config = S3BackendConfig {
            use_lockfile: false,
            dynamodb_table: Some(TABLE.to_string()),
            ..S3BackendConfig::new(BUCKET, key)
        };
        S3Backend::new(
            Aws::new(ProviderSettings::default()),
            config,
            harness.runtime.handle().clone(),
        )
    };
    let first = backend(());
    let second = backend(());
    let holder = LockInfo::new("apply", &first.describe());
    let guard = first.lock(holder.clone(), Duration::ZERO).unwrap();
    assert!(!harness.object_exists(&format!("{key}.tflock")));
    match second.lock(LockInfo::new("plan", "x"), Duration::ZERO) {
        Err(StateError::Locked(info)) => assert_eq!(*info, holder),
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("the second lock was granted"),
    }
    // The item is Terraform's: LockID = bucket/key.
    let item = harness.runtime.block_on(async {
        let clients = harness.aws.clients().await;
        clients
            .dynamodb
            .get_item()
            .table_name(TABLE)
            .key("LockID", aws_sdk_dynamodb::types::AttributeValue::S(format!("{BUCKET}/{key}")))
            .send()
            .await
            .unwrap()
            .item
    });
    assert!(item.is_some());
    drop(guard);
    drop(second.lock(LockInfo::new("plan", "x"), Duration::ZERO).unwrap());
}

/// The SDK retries a lock PUT whose answer was lost. If the first attempt made the lock, the
/// retry's conditional write fails, and the lock it finds carries our own ID: it is ours, not
/// another run's. (The lost answer is stood for by a lock left from a first call with the same
/// ID.) Both the lock object and the DynamoDB item.
fn a_lock_put_retried_after_a_lost_answer_holds_the_lock(harness: &Harness) {
    for (key, use_lockfile, table) in [
        ("retried/file.tfstate.json", true, None),
        ("retried/item.tfstate.json", false, Some(TABLE.to_string())),
    ] {
        let backend = || {
            let config = S3BackendConfig {
                use_lockfile,
                dynamodb_table: table.clone(),
                ..S3BackendConfig::new(BUCKET, key)
            };
            S3Backend::new(
                Aws::new(ProviderSettings::default()),
                config,
                harness.runtime.handle().clone(),
            )
        };
        let holder = LockInfo::new("apply", key);
        std::mem::forget(backend().lock(holder.clone(), Duration::ZERO).unwrap());
        let retried = backend()
            .lock(holder.clone(), Duration::ZERO)
            .unwrap_or_else(|error| panic!("{key}: the retried lock is not ours: {error}"));
        // Another run's lock is still refused.
        assert!(matches!(
            backend().lock(LockInfo::new("plan", "x"), Duration::ZERO),
            Err(StateError::Locked(_))
        ));
        drop(retried);
        drop(
            backend()
                .lock(LockInfo::new("plan", "x"), Duration::ZERO)
                .unwrap_or_else(|error| panic!("{key}: the lock was not released: {error}")),
        );
    }
}

fn workspace_keys_list_and_delete(harness: &Harness) {
    let key = "ws/terraform.tfstate";
    let default = harness.backend(key, "default");
    let staging = harness.backend(key, "staging");
    let prod = harness.backend(key, "prod");
    assert_eq!(default.state_key(), key);
    assert_eq!(staging.state_key(), format!("env:/staging/{key}"));
    assert_eq!(staging.describe(), format!("s3://{BUCKET}/env:/staging/{key}"));
    default.write(&state_with(1, "vpc-default")).unwrap();
    staging.write(&state_with(1, "vpc-staging")).unwrap();
    prod.write(&State::new()).unwrap();
    assert!(harness.object_exists(&format!("env:/staging/{key}")));
    // Another key in the same bucket is another configuration's workspace, not ours.
    harness.backend("other/terraform.tfstate", "qa").write(&State::new()).unwrap();
    assert_eq!(default.list_workspaces().unwrap(), vec!["default", "prod", "staging"]);
    // A workspace still tracking resources is kept unless forced.
    let error = default.delete_workspace("staging", false).unwrap_err();
    assert!(error.to_string().contains("not empty"), "{error}");
    default.delete_workspace("prod", false).unwrap();
    default.delete_workspace("staging", true).unwrap();
    assert!(default.delete_workspace("default", true).is_err());
    assert_eq!(default.list_workspaces().unwrap(), vec!["default"]);
    assert!(staging.for_workspace("staging").read().unwrap().is_none());
}

/// The CLI calls the backend from inside its multi-thread runtime.
fn works_from_inside_the_runtime(harness: &Harness) {
    let backend = harness.backend("inside/terraform.tfstate", "default");
    let state = state_with(1, "vpc-1");
    let read = harness.runtime.block_on(async {
        tokio::spawn(async move {
            backend.write(&state).unwrap();
            let guard = backend.lock(LockInfo::new("apply", "x"), Duration::ZERO).unwrap();
            drop(guard);
            backend.read().unwrap()
        })
        .await
        .unwrap()
    });
    assert_eq!(read.map(|state| state.serial), Some(1));
}

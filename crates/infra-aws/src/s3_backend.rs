//! The S3 state backend: state in one object, written with compare-and-swap (`If-Match` on
//! the ETag last read, `If-None-Match: *` for the first write), so a writer that lost a race
//! is told instead of silently overwriting. Locking is a `<key>.tflock` object created with
//! `If-None-Match: *` (Terraform's `use_lockfile`) and/or a DynamoDB item created with
//! `attribute_not_exists(LockID)` (Terraform's `dynamodb_table`).
//!
//! During an apply, one operation's record is not a PUT of the whole state: it is a small
//! object of its own, `<key>.infra-journal/<serial>` (the local journal's line for the object,
//! [`infra_state::journal`]), created with `If-None-Match: *`. Each is durable in S3 when its
//! PUT returns, so a run whose machine died mid-apply loses nothing: the next read lists the
//! journal objects and replays them over the state object in serial order. The whole state is
//! written again when the journal has grown to `COMPACT_RATIO` times it, when the last whole
//! write is Terraform's 20-second persist interval old (`journal::WholeWrites`), and at the end
//! of the apply; after that write succeeds the journal objects it holds are deleted (objects of
//! a serial the state already has, left by a delete that failed, are skipped by the replay). A
//! journal key holds the serial and the state's lineage, so that records of an earlier state at
//! this key (a deleted workspace, whose journal is deleted with it) never collide. An encrypted
//! state is written whole every time, as locally; a bucket policy that refuses the journal's
//! keys (AccessDenied) makes the run write whole too.
//!
//! Terraform and OpenTofu do not read the journal: after an infra run died, they see the state
//! object as last written whole, at most 20 seconds behind (as Terraform's own is when it dies).
//! Each record names the serial of the state object it extends, so that once another tool has
//! written the object, reading is an error naming the records' objects instead of a replay over
//! what that tool wrote (`infra_state::journal::replay`), as for the local journal.
//!
//! The [`Backend`] contract is synchronous; this backend blocks on the runtime it is given
//! (inside a multi-thread runtime via `block_in_place`). It does not decide the file format:
//! that is `infra_state::format`, the same bytes as a local state file.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use infra_core::ProviderError;
use infra_state::backend::retry_delay;
use infra_state::encryption::Encryption;
use infra_state::{format, journal, Backend, LockGuard, LockInfo, State, StateError};
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::error::aws_error;
use crate::Aws;

/// The `backend "s3"` settings this backend uses.
#[derive(Clone, Debug, PartialEq)]
pub struct S3BackendConfig {
    pub bucket: String,
    /// The default workspace's object key.
    pub key: String,
    pub workspace: String,
    /// Other workspaces live at `<prefix>/<workspace>/<key>`; Terraform's default is `env:`.
    pub workspace_key_prefix: String,
    /// Lock with a `<key>.tflock` object.
    pub use_lockfile: bool,
    /// Lock with an item in this DynamoDB table (hash key `LockID`, a string).
    pub dynamodb_table: Option<String>,
}

impl S3BackendConfig {
    /// The default workspace, `env:` prefix, lock file on, no DynamoDB table.
    pub fn new(bucket: &str, key: &str) -> S3BackendConfig {
        S3BackendConfig {
            bucket: bucket.to_string(),
            key: key.to_string(),
            workspace: "default".to_string(),
            workspace_key_prefix: "env:".to_string(),
            use_lockfile: true,
            dynamodb_table: None,
        }
    }

    /// The state object's key for the configured workspace.
    pub fn state_key(&self) -> String {
        workspace_key(&self.workspace_key_prefix, &self.workspace, &self.key)
    }
}

/// `key` for `default`, `<prefix>/<workspace>/<key>` otherwise.
pub fn workspace_key(prefix: &str, workspace: &str, key: &str) -> String {
    if workspace == "default" {
        key.to_string()
    } else {
        format!("{prefix}/{workspace}/{key}")
    }
}

/// State in S3. One value per workspace; the ETag it last read or wrote is the expected
/// version for its next write.
pub struct S3Backend {
    aws: Arc<Aws>,
    config: S3BackendConfig,
    runtime: Handle,
    session: Mutex<Session>,
    /// `terraform { encryption { state { ... } } }`: the object is encrypted at rest.
    encryption: Option<Arc<Encryption>>,
}

#[derive(Default)]
struct Session {
    /// The ETag of the object as last read or written by this backend.
    etag: Option<String>,
    /// Why the stored object could not be decoded; such an object is never overwritten.
    unreadable: Option<String>,
    /// The journal objects read or written since the state object was last written: deleted
    /// once the next whole write holds them.
    journal_keys: Vec<String>,
    /// How many bytes those objects hold.
    journal_bytes: u64,
    /// The size of the state object as last read or written.
    state_bytes: u64,
    /// The journal cannot be written (S3 refused access to its keys: a policy that grants
    /// only the state object's): every record is a whole write for the rest of the run.
    journal_refused: bool,
    /// The serial of the state object as last read or written (`Some(None)`: there is none),
    /// which each journal record names; `None` until this run has read or written it.
    file_serial: Option<Option<u64>>,
    /// When the journal is compacted for its age.
    whole_writes: journal::WholeWrites,
}

impl S3Backend {
    pub fn new(aws: Arc<Aws>, config: S3BackendConfig, runtime: Handle) -> S3Backend {
        S3Backend {
            aws,
            config,
            runtime,
            session: Mutex::new(Session::default()),
            encryption: None,
        }
    }

    /// The same backend, with its object encrypted at rest.
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> S3Backend {
        self.encryption = encryption;
        self
    }

    /// The same bucket and settings, for another workspace.
    pub fn for_workspace(&self, workspace: &str) -> S3Backend {
        let config = S3BackendConfig { workspace: workspace.to_string(), ..self.config.clone() };
        S3Backend::new(self.aws.clone(), config, self.runtime.clone())
            .with_encryption(self.encryption.clone())
    }

    pub fn config(&self) -> &S3BackendConfig {
        &self.config
    }

    pub fn state_key(&self) -> String {
        self.config.state_key()
    }

    /// The prefix of the journal's objects: `<key>.infra-journal/`.
    pub fn journal_prefix(&self) -> String {
        format!("{}{}/", self.state_key(), journal::JOURNAL_SUFFIX)
    }

    pub fn lock_key(&self) -> String {
        format!("{}.tflock", self.state_key())
    }

    /// `s3://bucket/key`.
    pub fn location(&self) -> String {
        format!("s3://{}/{}", self.config.bucket, self.state_key())
    }

    /// Terraform's DynamoDB `LockID`: `bucket/key`.
    fn dynamodb_lock_id(&self) -> String {
        format!("{}/{}", self.config.bucket, self.state_key())
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn failed(&self, what: &str, error: impl std::fmt::Display) -> StateError {
        StateError::Backend(format!("{what} {} failed: {error}", self.location()))
    }

    /// What `init` checks, as Terraform's does before any plan: the bucket exists, and the
    /// DynamoDB lock table (when one is configured) exists with the string hash key `LockID`.
    pub fn check(&self) -> Result<(), StateError> {
        block_on(&self.runtime, async {
            let clients = self.aws.clients().await;
            let bucket = &self.config.bucket;
            if let Err(error) = clients.s3.head_bucket().bucket(bucket).send().await {
                return Err(if is_not_found(&error) {
                    StateError::Backend(format!("S3 bucket \"{bucket}\" does not exist."))
                } else {
                    sdk_failed(format!("S3 bucket \"{bucket}\" cannot be read"), error)
                });
            }
            let Some(table) = &self.config.dynamodb_table else {
                return Ok(());
            };
            let described =
                clients.dynamodb.describe_table().table_name(table).send().await.map_err(
                    |error| {
                        let doing =
                            format!("the lock table \"{table}\" (dynamodb_table) cannot be used");
                        sdk_failed(doing, error)
                    },
                )?;
            let definition = described.table();
            let hash_key = definition
                .map(|t| t.key_schema())
                .unwrap_or_default()
                .iter()
                .find(|k| k.key_type() == &aws_sdk_dynamodb::types::KeyType::Hash)
                .map(|k| k.attribute_name().to_string());
            let string_key =
                definition.map(|t| t.attribute_definitions()).unwrap_or_default().iter().any(|a| {
                    a.attribute_name() == "LockID"
                        && a.attribute_type() == &aws_sdk_dynamodb::types::ScalarAttributeType::S
                });
            if hash_key.as_deref() != Some("LockID") || !string_key {
                return Err(StateError::Backend(format!(
                    "the lock table \"{table}\" (dynamodb_table) must have the string hash key \
                     \"LockID\"; its hash key is {}",
                    hash_key.map_or("missing".to_string(), |k| format!("\"{k}\""))
                )));
            }
            Ok(())
        })?
    }

    /// Every workspace with a state in the bucket: `default` first, then the others by name.
    pub fn list_workspaces(&self) -> Result<Vec<String>, StateError> {
        let prefix = format!("{}/", self.config.workspace_key_prefix);
        let suffix = format!("/{}", self.config.key);
        let keys = block_on(&self.runtime, self.list_keys(&prefix, "listing workspaces in"))??;
        let mut names: Vec<String> = keys
            .iter()
            .filter_map(|key| key.strip_prefix(&prefix)?.strip_suffix(&suffix))
            .filter(|name| !name.is_empty() && !name.contains('/') && *name != "default")
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        names.insert(0, "default".to_string());
        Ok(names)
    }

    /// The keys of the bucket's objects under `prefix`, in key order. `what` names the listing
    /// in an error.
    async fn list_keys(&self, prefix: &str, what: &str) -> Result<Vec<String>, StateError> {
        let clients = self.aws.clients().await;
        let mut keys = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let page = clients
                .s3
                .list_objects_v2()
                .bucket(&self.config.bucket)
                .prefix(prefix)
                .set_continuation_token(continuation.take())
                .send()
                .await
                .map_err(|error| {
                    sdk_failed(format!("{what} s3://{}/{prefix} failed", self.config.bucket), error)
                })?;
            keys.extend(page.contents().iter().filter_map(|o| o.key()).map(str::to_string));
            match page.next_continuation_token() {
                Some(token) if page.is_truncated() == Some(true) => {
                    continuation = Some(token.to_string())
                }
                _ => break,
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// The journal's objects, in serial order, and their lines one after another.
    async fn read_journal(&self) -> Result<(Vec<String>, Vec<u8>), StateError> {
        let keys = self.list_keys(&self.journal_prefix(), "listing the journal of").await?;
        let mut lines = Vec::new();
        for key in &keys {
            if let Some((_, body)) = self.get_object(key.clone(), "reading the journal of").await? {
                lines.extend(body);
            }
        }
        Ok((keys, lines))
    }

    /// The state object with its journal replayed, read once.
    fn read_once(&self) -> Result<Option<State>, StateError> {
        // Read whatever the state's encryption: a run that died before encryption was turned
        // on left plaintext records, which are replayed and deleted like any.
        let (journal_keys, lines) = block_on(&self.runtime, self.read_journal())??;
        let fetched = block_on(&self.runtime, async {
            let clients = self.aws.clients().await;
            let got = clients
                .s3
                .get_object()
                .bucket(&self.config.bucket)
                .key(self.state_key())
                .send()
                .await;
            match got {
                Ok(output) => {
                    let etag = output.e_tag().map(str::to_string);
                    let bytes = output
                        .body
                        .collect()
                        .await
                        .map_err(|error| self.failed("reading", error))?
                        .into_bytes();
                    Ok(Some((bytes.to_vec(), etag)))
                }
                Err(error) if is_not_found(&error) => Ok(None),
                Err(error) => Err(self.failed("reading", aws_error(error))),
            }
        })??;
        let mut session = self.session();
        let replay = |base: Option<State>, base_bytes: &[u8]| {
            let journal = format!("s3://{}/{}", self.config.bucket, self.journal_prefix());
            journal::replay(base, base_bytes, &lines, &journal)
        };
        let journal_bytes = lines.len() as u64;
        let Some((bytes, etag)) = fetched else {
            *session = Session {
                journal_keys,
                journal_bytes,
                file_serial: Some(None),
                ..Session::default()
            };
            return replay(None, &[]);
        };
        match format::decode_with(&bytes, &self.location(), self.encryption.as_deref()) {
            Ok(state) => {
                *session = Session {
                    etag,
                    unreadable: None,
                    journal_keys,
                    journal_bytes,
                    state_bytes: bytes.len() as u64,
                    journal_refused: session.journal_refused,
                    file_serial: Some(Some(state.serial)),
                    whole_writes: journal::WholeWrites::default(),
                };
                replay(Some(state), &bytes)
            }
            Err(error) => {
                *session = Session {
                    etag: None,
                    unreadable: Some(error.to_string()),
                    ..Session::default()
                };
                Err(error)
            }
        }
    }

    /// Creates the journal object `key` holding `body` (`If-None-Match: *`). The outer error is
    /// the state's (another writer's object at the key); the inner one AWS's answer.
    async fn put_journal_object(
        &self,
        key: &str,
        body: &[u8],
    ) -> Result<Result<(), ProviderError>, StateError> {
        let clients = self.aws.clients().await;
        let put = clients
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(key)
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Ok(())),
            // A resent PUT whose first attempt wrote: the object holds exactly this body.
            Err(error) if is_precondition_failed(&error) => {
                match self.get_object(key.to_string(), "reading the journal of").await? {
                    Some((_, written)) if written == body => Ok(Ok(())),
                    _ => Err(StateError::Conflict {
                        location: format!("s3://{}/{key}", self.config.bucket),
                    }),
                }
            }
            Err(error) => Ok(Err(aws_error(error))),
        }
    }

    /// Deletes journal objects the state object now holds. A failure is left for the next
    /// whole write: the compaction's marker object tells the replay they are in the state.
    async fn delete_journal(&self, keys: &[String]) {
        let clients = self.aws.clients().await;
        for batch in keys.chunks(1000) {
            let objects: Vec<_> = batch
                .iter()
                .filter_map(|key| {
                    aws_sdk_s3::types::ObjectIdentifier::builder().key(key).build().ok()
                })
                .collect();
            let Ok(delete) =
                aws_sdk_s3::types::Delete::builder().set_objects(Some(objects)).quiet(true).build()
            else {
                continue;
            };
            match clients
                .s3
                .delete_objects()
                .bucket(&self.config.bucket)
                .delete(delete)
                .send()
                .await
            {
                Err(error) => {
                    tracing::warn!(target: "infra::state", error = %aws_error(error), "deleting journal objects failed; the next whole write tries again");
                }
                Ok(output) if !output.errors().is_empty() => {
                    tracing::warn!(target: "infra::state", failed = output.errors().len(), "some journal objects could not be deleted; the next whole write tries again");
                }
                Ok(_) => {}
            }
        }
    }

    /// Deletes a workspace's state object. Refuses `default`, and (unless `force`) a state
    /// that still tracks resources or cannot be read.
    pub fn delete_workspace(&self, workspace: &str, force: bool) -> Result<(), StateError> {
        if workspace == "default" {
            return Err(StateError::Backend(
                "the `default` workspace cannot be deleted".to_string(),
            ));
        }
        let target = self.for_workspace(workspace);
        match target.read() {
            Ok(Some(state)) if !force && !state.resources.is_empty() => {
                return Err(StateError::Backend(format!(
                    "workspace `{workspace}` ({}) is not empty: its state tracks {} resource \
                     instance(s); destroy them first, or delete with force to forget them",
                    target.location(),
                    state.resources.len()
                )))
            }
            Ok(None) if !force => {
                return Err(StateError::Backend(format!(
                    "workspace `{workspace}` does not exist ({} not found)",
                    target.location()
                )))
            }
            Err(error) if !force => return Err(error),
            _ => {}
        }
        block_on(&self.runtime, async {
            let clients = target.aws.clients().await;
            clients
                .s3
                .delete_object()
                .bucket(&target.config.bucket)
                .key(target.state_key())
                .send()
                .await
                .map_err(|error| target.failed("deleting", aws_error(error)))?;
            // The journal of a run that died in this workspace goes with it.
            let journal =
                target.list_keys(&target.journal_prefix(), "listing the journal of").await?;
            target.delete_journal(&journal).await;
            Ok(())
        })?
    }

    /// One attempt at the lock object. `Ok(None)` when taken, `Ok(Some(holder))` when busy.
    async fn try_lock_file(&self, info: &LockInfo) -> Result<Option<LockInfo>, StateError> {
        let clients = self.aws.clients().await;
        let put = clients
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(self.lock_key())
            .if_none_match("*")
            .content_type("application/json")
            .body(ByteStream::from(info.to_json().into_bytes()))
            .send()
            .await;
        match put {
            // A store whose conditional write checks and writes in two steps (moto; some S3
            // compatibles) can let two writers both "create" the lock: read it back, and
            // only the writer whose ID is there holds it. S3 itself is atomic, so on AWS
            // this read always finds our own ID.
            Ok(_) => match self.read_lock_file().await? {
                Some(holder) if holder.id != info.id => Ok(Some(holder)),
                _ => Ok(None),
            },
            // The SDK retries a PUT whose answer was lost; if the first attempt made the lock,
            // the retry finds it there with our own ID, and it is ours.
            Err(error) if is_precondition_failed(&error) => match self.read_lock_file().await? {
                Some(holder) if holder.id == info.id => Ok(None),
                holder => {
                    Ok(Some(holder.unwrap_or_else(|| LockInfo::unknown_holder(&self.location()))))
                }
            },
            Err(error) => Err(self.failed("locking", aws_error(error))),
        }
    }

    /// An object of the bucket, with its ETag; `None` when there is none. `what` names the
    /// read in an error ("reading the lock of").
    async fn get_object(
        &self,
        key: String,
        what: &str,
    ) -> Result<Option<(Option<String>, Vec<u8>)>, StateError> {
        let clients = self.aws.clients().await;
        let got = clients.s3.get_object().bucket(&self.config.bucket).key(key).send().await;
        let output = match got {
            Ok(output) => output,
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(self.failed(what, aws_error(error))),
        };
        let etag = output.e_tag().map(str::to_string);
        let body =
            output.body.collect().await.map_err(|error| self.failed(what, error))?.into_bytes();
        Ok(Some((etag, body.to_vec())))
    }

    /// The state object's ETag when it holds exactly `bytes`, else `None`.
    async fn read_own_write(&self, bytes: &[u8]) -> Result<Option<String>, StateError> {
        Ok(self
            .get_object(self.state_key(), "reading")
            .await?
            .and_then(|(etag, body)| etag.filter(|_| body == bytes)))
    }

    /// The lock object's info; `None` when there is no lock object.
    async fn read_lock_file(&self) -> Result<Option<LockInfo>, StateError> {
        Ok(self.get_object(self.lock_key(), "reading the lock of").await?.map(|(_, bytes)| {
            LockInfo::from_json(&bytes)
                .unwrap_or_else(|| LockInfo::unknown_holder(&self.location()))
        }))
    }

    /// One attempt at the DynamoDB lock item. `Ok(None)` when taken, `Ok(Some(holder))` when busy.
    async fn try_lock_item(
        &self,
        table: &str,
        info: &LockInfo,
    ) -> Result<Option<LockInfo>, StateError> {
        let clients = self.aws.clients().await;
        let put = clients
            .dynamodb
            .put_item()
            .table_name(table)
            .item("LockID", AttributeValue::S(self.dynamodb_lock_id()))
            .item("Info", AttributeValue::S(info.to_json()))
            .condition_expression("attribute_not_exists(LockID)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(None),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                // As for the lock object: a retried put that finds our own ID holds the lock.
                match self.read_lock_item(table).await? {
                    Some(holder) if holder.id == info.id => Ok(None),
                    holder => Ok(Some(
                        holder.unwrap_or_else(|| LockInfo::unknown_holder(&self.location())),
                    )),
                }
            }
            Err(error) => {
                Err(self.failed(&format!("locking (DynamoDB table {table})"), aws_error(error)))
            }
        }
    }

    async fn read_lock_item(&self, table: &str) -> Result<Option<LockInfo>, StateError> {
        let clients = self.aws.clients().await;
        let output = clients
            .dynamodb
            .get_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(self.dynamodb_lock_id()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| {
                self.failed(
                    &format!("reading the lock (DynamoDB table {table}) of"),
                    aws_error(error),
                )
            })?;
        Ok(output.item().map(|item| {
            item.get("Info")
                .and_then(|info| info.as_s().ok())
                .and_then(|info| LockInfo::from_json(info.as_bytes()))
                .unwrap_or_else(|| LockInfo::unknown_holder(&self.location()))
        }))
    }

    fn release_parts(&self) -> LockRelease {
        LockRelease {
            aws: self.aws.clone(),
            runtime: self.runtime.clone(),
            bucket: self.config.bucket.clone(),
            lock_key: None,
            dynamodb: None,
            id: String::new(),
        }
    }
}

impl Backend for S3Backend {
    fn read(&self) -> Result<Option<State>, StateError> {
        // The journal's records and the state object are listed and read apart.
        journal::read_consistently(|| self.read_once())
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let mut session = self.session();
        if let Some(reason) = &session.unreadable {
            return Err(StateError::Backend(format!(
                "refusing to overwrite {}, which could not be read: {reason}",
                self.location()
            )));
        }
        let started = Instant::now();
        let bytes = format::encode_with(state, self.encryption.as_deref())?;
        let state_bytes = bytes.len() as u64;
        let written = bytes.clone();
        let expected = session.etag.clone();
        if !session.journal_keys.is_empty() {
            // The journal records that its objects are in these bytes before they are written
            // ([`journal::compacted_marker`]), in an object that sorts after them.
            let key = format!(
                "{}{:020}-{}.compacted",
                self.journal_prefix(),
                state.serial,
                state.lineage
            );
            let marker = journal::compacted_marker(&bytes);
            if let Err(error) = block_on(&self.runtime, self.put_journal_object(&key, &marker))?? {
                return Err(self.failed("writing the journal of", error));
            }
            session.journal_keys.push(key);
            infra_state::written::journal(marker.len());
        }
        let new_etag = block_on(&self.runtime, async {
            let clients = self.aws.clients().await;
            let mut put = clients
                .s3
                .put_object()
                .bucket(&self.config.bucket)
                .key(self.state_key())
                .content_type("application/json")
                .body(ByteStream::from(bytes));
            put = match &expected {
                Some(etag) => put.if_match(etag),
                None => put.if_none_match("*"),
            };
            match put.send().await {
                Ok(output) => match output.e_tag() {
                    Some(etag) => Ok(etag.to_string()),
                    // Some S3-compatible stores omit it; ask, or the next write cannot be
                    // conditional.
                    None => clients
                        .s3
                        .head_object()
                        .bucket(&self.config.bucket)
                        .key(self.state_key())
                        .send()
                        .await
                        .map_err(|error| self.failed("reading the ETag of", aws_error(error)))?
                        .e_tag()
                        .map(str::to_string)
                        .ok_or_else(|| {
                            self.failed("reading the ETag of", "the response has no ETag")
                        }),
                },
                // The SDK retries a PUT whose answer was lost; if the first attempt wrote, the
                // retry's condition fails against our own write. Under our lock, the object
                // holding exactly these bytes is that write: take its ETag.
                Err(error) if is_precondition_failed(&error) => {
                    match self.read_own_write(&written).await? {
                        Some(etag) => Ok(etag),
                        None => Err(StateError::Conflict { location: self.location() }),
                    }
                }
                Err(error) => Err(self.failed("writing", aws_error(error))),
            }
        })??;
        session.etag = Some(new_etag);
        session.state_bytes = state_bytes;
        infra_state::written::whole(state_bytes as usize);
        session.journal_bytes = 0;
        session.file_serial = Some(Some(state.serial));
        session.whole_writes.written(started);
        let held = std::mem::take(&mut session.journal_keys);
        drop(session);
        if !held.is_empty() {
            block_on(&self.runtime, self.delete_journal(&held))?;
        }
        Ok(())
    }

    /// One object's record as a journal object of its own (see the module documentation);
    /// the whole state when it is encrypted or the journal has grown large.
    fn write_object(&self, state: &State, address: &infra_core::Address) -> Result<(), StateError> {
        let mut session = self.session();
        let line =
            session.file_serial.map(|file_serial| journal::entry(state, address, file_serial));
        let whole = match &line {
            // Not read in this run: no record can name the object it extends.
            None => true,
            Some(line) => {
                self.encryption.is_some()
                    || session.unreadable.is_some()
                    || session.journal_refused
                    || journal::should_compact(
                        session.journal_bytes,
                        line.len() as u64,
                        session.state_bytes,
                    )
                    || {
                        let journal_bytes = session.journal_bytes;
                        session.whole_writes.due(journal_bytes)
                    }
            }
        };
        let Some(line) = line.filter(|_| !whole) else {
            drop(session);
            return self.write(state);
        };
        // Serial first, so that the keys sort in serial order; the lineage, so that records
        // of an earlier state of this key (a deleted workspace) never collide with these.
        let key = format!("{}{:020}-{}", self.journal_prefix(), state.serial, state.lineage);
        let written = block_on(&self.runtime, self.put_journal_object(&key, &line))??;
        match written {
            Ok(()) => {}
            // The journal's keys are not the state object's: a bucket policy may grant only
            // the state object. Then this run writes the whole state, as before the journal.
            // (moto does not enforce bucket policies, so no test shows this fallback.)
            Err(error) if error.code.as_deref() == Some("AccessDenied") => {
                tracing::warn!(target: "infra::state", error = %error, "the S3 journal cannot be written; writing the whole state after each operation");
                session.journal_refused = true;
                drop(session);
                return self.write(state);
            }
            Err(error) => return Err(self.failed("writing the journal of", error)),
        }
        session.journal_bytes += line.len() as u64;
        session.journal_keys.push(key);
        infra_state::written::journal(line.len());
        tracing::debug!(target: "infra::state", write = "journal", bytes = line.len(), %address, "state written");
        Ok(())
    }

    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<Box<dyn LockGuard>, StateError> {
        let mut release = self.release_parts();
        release.id = info.id.clone();
        let start = Instant::now();
        // Each lock is taken in turn; the guard built so far releases what was taken if a
        // later one fails.
        if self.config.use_lockfile {
            lock_in_time(start, timeout, || block_on(&self.runtime, self.try_lock_file(&info))?)?;
            release.lock_key = Some(self.lock_key());
        }
        if let Some(table) = &self.config.dynamodb_table {
            lock_in_time(start, timeout, || {
                block_on(&self.runtime, self.try_lock_item(table, &info))?
            })?;
            release.dynamodb = Some((table.clone(), self.dynamodb_lock_id()));
        }
        Ok(Box::new(release))
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        let mut holders = Vec::new();
        if self.config.use_lockfile {
            if let Some(holder) = block_on(&self.runtime, self.read_lock_file())?? {
                holders.push((holder, None));
            }
        }
        if let Some(table) = &self.config.dynamodb_table {
            if let Some(holder) = block_on(&self.runtime, self.read_lock_item(table))?? {
                holders.push((holder, Some(table.clone())));
            }
        }
        if holders.is_empty() {
            return Err(StateError::NotLocked { path: self.location() });
        }
        if let Some((holder, _)) = holders.iter().find(|(holder, _)| holder.id != id) {
            return Err(StateError::LockMismatch {
                path: self.location(),
                requested: id.to_string(),
                holder: holder.id.clone(),
            });
        }
        let mut release = self.release_parts();
        release.id = id.to_string();
        for (_, table) in holders {
            match table {
                None => release.lock_key = Some(self.lock_key()),
                Some(table) => release.dynamodb = Some((table, self.dynamodb_lock_id())),
            }
        }
        release.release()
    }

    fn describe(&self) -> String {
        self.location()
    }
}

/// The locks one `lock` call took; dropping it releases them.
struct LockRelease {
    aws: Arc<Aws>,
    runtime: Handle,
    bucket: String,
    lock_key: Option<String>,
    /// The table and the item's `LockID`.
    dynamodb: Option<(String, String)>,
    /// Only a lock still holding this id is removed: after a force-unlock, another run's
    /// lock may be there.
    id: String,
}

impl LockGuard for LockRelease {}

impl LockRelease {
    fn release(&mut self) -> Result<(), StateError> {
        let lock_key = self.lock_key.take();
        let dynamodb = self.dynamodb.take();
        if lock_key.is_none() && dynamodb.is_none() {
            return Ok(());
        }
        block_on(&self.runtime, async {
            let clients = self.aws.clients().await;
            if let Some(key) = lock_key {
                let location = format!("s3://{}/{key}", self.bucket);
                let current =
                    match clients.s3.get_object().bucket(&self.bucket).key(&key).send().await {
                        Ok(output) => output
                            .body
                            .collect()
                            .await
                            .ok()
                            .and_then(|bytes| LockInfo::from_json(&bytes.into_bytes())),
                        Err(error) if is_not_found(&error) => None,
                        Err(error) => {
                            return Err(sdk_failed(format!("unlocking {location} failed"), error))
                        }
                    };
                if current.is_some_and(|info| info.id == self.id) {
                    clients
                        .s3
                        .delete_object()
                        .bucket(&self.bucket)
                        .key(&key)
                        .send()
                        .await
                        .map_err(|error| {
                            sdk_failed(format!("unlocking {location} failed"), error)
                        })?;
                }
            }
            if let Some((table, lock_id)) = dynamodb {
                // Deleting only our own item is one conditional call.
                let deleted = clients
                    .dynamodb
                    .delete_item()
                    .table_name(&table)
                    .key("LockID", AttributeValue::S(lock_id.clone()))
                    .condition_expression("contains(Info, :id)")
                    .expression_attribute_values(":id", AttributeValue::S(self.id.clone()))
                    .send()
                    .await;
                match deleted {
                    Ok(_) => {}
                    Err(error)
                        if error
                            .as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                    Err(error) => {
                        return Err(sdk_failed(
                            format!("unlocking {lock_id} (DynamoDB table {table}) failed"),
                            error,
                        ))
                    }
                }
            }
            Ok(())
        })?
    }
}

impl Drop for LockRelease {
    fn drop(&mut self) {
        // A release that fails leaves a lock for `force-unlock`; a destructor cannot report it.
        let _ = self.release();
    }
}

/// Runs `future` to completion from synchronous code: directly when called outside a
/// runtime, through `block_in_place` from a multi-thread runtime's worker. A current-thread
/// runtime cannot be blocked on from inside, which is an error rather than a deadlock.
pub(crate) fn block_on<F: Future>(runtime: &Handle, future: F) -> Result<F::Output, StateError> {
    match Handle::try_current() {
        Err(_) => Ok(runtime.block_on(future)),
        Ok(current) if current.runtime_flavor() == RuntimeFlavor::MultiThread => {
            Ok(tokio::task::block_in_place(|| runtime.block_on(future)))
        }
        Ok(_) => Err(StateError::Backend(
            "the S3 state backend must be used from a multi-thread tokio runtime".to_string(),
        )),
    }
}

/// Takes one lock: `try_lock` (the holder while another run holds it) again after the
/// backend's retry delays until it takes the lock, or until `timeout` from `start` has passed
/// (then the holder's `Locked` error).
fn lock_in_time(
    start: Instant,
    timeout: Duration,
    try_lock: impl Fn() -> Result<Option<LockInfo>, StateError>,
) -> Result<(), StateError> {
    let mut attempt = 0;
    while let Some(holder) = try_lock()? {
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(StateError::Locked(Box::new(holder)));
        }
        std::thread::sleep(retry_delay(attempt).min(timeout - elapsed));
        attempt += 1;
    }
    Ok(())
}

/// A failed AWS call as the backend's error: what was being done, then AWS's error.
fn sdk_failed<E>(doing: String, error: SdkError<E, HttpResponse>) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    StateError::Backend(format!("{doing}: {}", aws_error(error)))
}

fn http_status<E>(error: &SdkError<E, HttpResponse>) -> Option<u16> {
    match error {
        SdkError::ServiceError(context) => Some(context.raw().status().as_u16()),
        SdkError::ResponseError(context) => Some(context.raw().status().as_u16()),
        _ => None,
    }
}

/// HTTP 412 (the condition did not hold) or 409 (a concurrent conditional write won).
fn is_precondition_failed<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> bool {
    matches!(http_status(error), Some(412 | 409))
        || matches!(error.code(), Some("PreconditionFailed" | "ConditionalRequestConflict"))
}

fn is_not_found<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> bool {
    http_status(error) == Some(404) || matches!(error.code(), Some("NoSuchKey" | "NotFound"))
}

//! The local file backend: `terraform.tfstate` next to the configuration, as Terraform keeps it.
//!
//! Writes are atomic (temp file, fsync, rename, fsync of the directory) and the file is
//! always mode 0600, since state holds secrets. One object's change during an apply is a line
//! appended to the journal beside the file instead ([`crate::journal`]; not when the state is
//! encrypted, whose every write is whole). The state as it was at the start of the run
//! is kept as `<path>.backup`.
//!
//! The lock is Terraform's: an fcntl write lock on the state file itself, which dies with its
//! process, plus `.terraform.tfstate.lock.info` beside it saying who holds it
//! (`internal/states/statemgr/filesystem.go` and `filesystem_lock_unix.go`), so that Terraform,
//! OpenTofu and infra exclude each other on one local state. infra takes the lock as an
//! open-file-description lock (Linux's `F_OFD_SETLK`): it conflicts with Terraform's, and is
//! not dropped when the process closes another descriptor of the file, as reading the state
//! does. A write replaces the file by a rename, so infra locks the new file before it takes the
//! name, and holds every file it locked until the run lets go: a run that opened the state file
//! before the rename still meets the lock.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::backend::{retry_delay, Backend, LockGuard};
use crate::encryption::Encryption;
use crate::error::StateError;
use crate::format;
use crate::journal;
use crate::lock::LockInfo;
use crate::model::State;

/// The default workspace's file name, Terraform's.
pub const STATE_FILE_NAME: &str = "terraform.tfstate";
/// The directory holding the other workspaces' states, one sub-directory each, Terraform's.
pub const WORKSPACES_DIR_NAME: &str = "terraform.tfstate.d";
/// The file infra kept its state in (its own format 1) before it wrote Terraform's.
pub const LEGACY_STATE_FILE_NAME: &str = "infra.tfstate.json";
/// The directory infra kept other workspaces' states in before it wrote Terraform's.
pub const LEGACY_WORKSPACES_DIR_NAME: &str = "infra.tfstate.d";

/// The state file of `workspace` in the stack directory `dir`: `dir/terraform.tfstate` for
/// `default`, `dir/terraform.tfstate.d/NAME/terraform.tfstate` otherwise.
pub fn workspace_state_path(dir: &Path, workspace: &str) -> PathBuf {
    if workspace == "default" {
        dir.join(STATE_FILE_NAME)
    } else {
        dir.join(WORKSPACES_DIR_NAME).join(workspace).join(STATE_FILE_NAME)
    }
}

/// Where infra kept the state of `workspace` before it wrote Terraform's file:
/// `dir/infra.tfstate.json`, `dir/infra.tfstate.d/NAME/infra.tfstate.json`.
pub fn legacy_workspace_state_path(dir: &Path, workspace: &str) -> PathBuf {
    if workspace == "default" {
        dir.join(LEGACY_STATE_FILE_NAME)
    } else {
        dir.join(LEGACY_WORKSPACES_DIR_NAME).join(workspace).join(LEGACY_STATE_FILE_NAME)
    }
}

/// State in a local file.
pub struct LocalBackend {
    path: PathBuf,
    /// Serializes writes (they share one temp file name) and remembers whether the file as it
    /// was before this run has been checked and backed up.
    session: Mutex<WriteSession>,
    /// `terraform { encryption { state { ... } } }`: the file is encrypted at rest.
    encryption: Option<Arc<Encryption>>,
    /// Where infra kept this state before it wrote Terraform's file: while only that file
    /// exists, reads and writes refuse and say to run `infra init -migrate-state`.
    legacy: Option<PathBuf>,
    /// While this backend holds the lock: every file it locked under the state file's name
    /// (the one it found, then each it renamed over it), shared with the lock's guard.
    held: Arc<Mutex<Vec<File>>>,
}

#[derive(Default)]
struct WriteSession {
    existing_checked: bool,
    /// The bytes of the file as this run last read and decoded it: when the file still holds
    /// them, the first overwrite need not decode them again to know they are a readable state.
    decoded: Option<Vec<u8>>,
    /// How many bytes the journal holds (`None`: not known yet in this run).
    journal_bytes: Option<u64>,
    /// The size of the state file as last read or written: the journal is compacted into the
    /// file when it grows [`journal::COMPACT_RATIO`] times larger.
    state_bytes: u64,
    /// The serial of the state file as last read or written (`Some(None)`: there is none),
    /// which each journal line names; `None` until this run has read or written it.
    file_serial: Option<Option<u64>>,
    /// When the journal is compacted for its age.
    whole_writes: journal::WholeWrites,
}

impl LocalBackend {
    /// A backend for the state file at `path`. Build one per run and share it: the backup
    /// is taken on this value's first overwrite, so a new value per write would back up the
    /// previous write instead of the state from before the run.
    pub fn new(path: PathBuf) -> LocalBackend {
        LocalBackend {
            path,
            session: Mutex::new(WriteSession::default()),
            encryption: None,
            legacy: None,
            held: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The same backend, refusing to start a new state while infra's earlier file `legacy`
    /// holds this one.
    pub fn with_legacy(mut self, legacy: PathBuf) -> LocalBackend {
        self.legacy = Some(legacy);
        self
    }

    /// An error when this state still lives only in infra's earlier file.
    fn check_not_legacy(&self) -> Result<(), StateError> {
        match &self.legacy {
            Some(legacy) if fs::metadata(legacy).is_ok_and(|m| m.len() > 0) => {
                Err(StateError::NeedsMigration {
                    legacy: legacy.display().to_string(),
                    path: self.display(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The same backend, with its file encrypted at rest.
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> LocalBackend {
        self.encryption = encryption;
        self
    }

    fn encryption(&self) -> Option<&Encryption> {
        self.encryption.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<path>.backup`: the state as it was before this run first overwrote it.
    pub fn backup_path(&self) -> PathBuf {
        sibling(&self.path, ".backup")
    }

    /// The journal of changes not yet in the file: `<path>.infra-journal`.
    pub fn journal_path(&self) -> PathBuf {
        sibling(&self.path, journal::JOURNAL_SUFFIX)
    }

    /// Terraform's `.terraform.tfstate.lock.info` beside the state file: who holds the lock.
    pub fn lock_info_path(&self) -> PathBuf {
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let name = name.strip_prefix('.').unwrap_or(&name);
        self.path.with_file_name(format!(".{name}.lock.info"))
    }

    fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// The file's bytes, `None` when it does not exist or is empty (as Terraform treats an
    /// empty state file: no state yet).
    fn read_bytes(&self) -> Result<Option<Vec<u8>>, StateError> {
        match fs::read(&self.path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(None),
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(StateError::io(self.display(), error)),
        }
    }

    /// Writes the whole state (compacting the journal into it), `session` held.
    fn write_whole(&self, session: &mut WriteSession, state: &State) -> Result<(), StateError> {
        let started = Instant::now();
        let bytes = format::encode_with(state, self.encryption())?;
        if !session.existing_checked {
            // The first overwrite in this run: never replace a file we could not read (it may
            // be a newer format or hand-damaged), and keep the old one as the backup.
            if let Some(existing) = self.read_bytes()? {
                if session.decoded.as_ref() != Some(&existing) {
                    format::decode_with(&existing, &self.display(), self.encryption())?;
                }
                let backup = self.backup_path();
                write_atomic(&backup, &existing)
                    .map_err(|error| StateError::io(backup.display(), error))?;
            } else {
                self.check_not_legacy()?;
            }
            session.existing_checked = true;
            session.decoded = None;
        }
        if let Some(parent) = parent_dir(&self.path) {
            fs::create_dir_all(parent).map_err(|error| StateError::io(parent.display(), error))?;
        }
        if session.journal_bytes != Some(0) {
            self.mark_compacted(&bytes)?;
        }
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let locked = !held.is_empty();
        let written = replace_file(&self.path, &bytes, locked)
            .map_err(|error| StateError::io(self.display(), error))?;
        held.extend(written);
        drop(held);
        session.state_bytes = bytes.len() as u64;
        session.file_serial = Some(Some(state.serial));
        crate::written::whole(bytes.len());
        tracing::debug!(target: "infra::state", write = "whole", bytes = bytes.len(), "state written");
        // Everything the journal held is in the file now.
        if session.journal_bytes != Some(0) {
            let path = self.journal_path();
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(StateError::io(path.display(), error)),
            }
        }
        session.journal_bytes = Some(0);
        session.whole_writes.written(started);
        Ok(())
    }

    /// Before the file is replaced by `file`, a journal beside it records that its lines are
    /// in `file` ([`journal::compacted_marker`]): a kill before the journal is removed then
    /// leaves nothing that reads as newer than the file.
    fn mark_compacted(&self, file: &[u8]) -> Result<(), StateError> {
        let path = self.journal_path();
        let mut journal = match OpenOptions::new().append(true).open(&path) {
            Ok(journal) => journal,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(StateError::io(path.display(), error)),
        };
        let marker = journal::compacted_marker(file);
        journal
            .write_all(&marker)
            .and_then(|()| journal.sync_data())
            .map_err(|error| StateError::io(path.display(), error))?;
        crate::written::journal(marker.len());
        Ok(())
    }

    /// The file with its journal replayed, read once.
    fn read_once(&self) -> Result<Option<State>, StateError> {
        let bytes = self.read_bytes()?;
        let state = match &bytes {
            None => {
                self.check_not_legacy()?;
                self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).file_serial =
                    Some(None);
                None
            }
            Some(bytes) => {
                let state = format::decode_with(bytes, &self.display(), self.encryption())?;
                let mut session =
                    self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                session.state_bytes = bytes.len() as u64;
                session.file_serial = Some(Some(state.serial));
                if !session.existing_checked {
                    session.decoded = Some(bytes.clone());
                }
                Some(state)
            }
        };
        let journal_path = self.journal_path();
        match fs::read(&journal_path) {
            Ok(lines) => journal::replay(
                state,
                bytes.as_deref().unwrap_or_default(),
                &lines,
                &journal_path.display().to_string(),
            ),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(state),
            Err(error) => Err(StateError::io(journal_path.display(), error)),
        }
    }

    fn read_lock_info(&self) -> Option<LockInfo> {
        fs::read(self.lock_info_path()).ok().and_then(|bytes| LockInfo::from_json(&bytes))
    }
}

impl Backend for LocalBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        journal::read_consistently(|| self.read_once())
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.write_whole(&mut session, state)
    }

    fn write_object(&self, state: &State, address: &infra_core::Address) -> Result<(), StateError> {
        let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(file_serial) = session.file_serial else {
            // Not read in this run: no journal line can name the file it extends.
            return self.write_whole(&mut session, state);
        };
        let line = journal::entry(state, address, file_serial);
        let path = self.journal_path();
        let io_error = |error| StateError::io(path.display(), error);
        let held = match session.journal_bytes {
            Some(bytes) => bytes,
            None => match fs::metadata(&path) {
                Ok(metadata) => metadata.len(),
                Err(error) if error.kind() == io::ErrorKind::NotFound => 0,
                Err(error) => return Err(io_error(error)),
            },
        };
        if self.encryption().is_some()
            || journal::should_compact(held, line.len() as u64, session.state_bytes)
            || session.whole_writes.due(held)
        {
            return self.write_whole(&mut session, state);
        }
        if let Some(parent) = parent_dir(&path) {
            fs::create_dir_all(parent).map_err(|e| StateError::io(parent.display(), e))?;
        }
        // Opened for each line, so that a journal that cannot be written (a full disk, a path
        // taken) fails the save that needs it, as a state file that cannot be written does.
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(io_error)?;
        file.write_all(&line).map_err(io_error)?;
        file.sync_data().map_err(io_error)?;
        if held == 0 {
            // The new file's name must survive a power cut too.
            File::open(parent_dir(&path).unwrap_or(Path::new(".")))
                .and_then(|directory| directory.sync_all())
                .map_err(io_error)?;
        }
        session.journal_bytes = Some(held + line.len() as u64);
        crate::written::journal(line.len());
        tracing::debug!(target: "infra::state", write = "journal", bytes = line.len(), %address, "state written");
        Ok(())
    }

    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<Box<dyn LockGuard>, StateError> {
        if let Some(parent) = parent_dir(&self.path) {
            fs::create_dir_all(parent).map_err(|error| StateError::io(parent.display(), error))?;
        }
        let io_error = |error| StateError::io(self.display(), error);
        let created = !self.path.exists();
        let start = Instant::now();
        let mut attempt = 0;
        let file = loop {
            // Terraform creates the file to lock it, too, and removes it if it stays empty.
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(&self.path)
                .map_err(io_error)?;
            if try_lock_whole_file(&file).map_err(io_error)? {
                // A run that held the lock may have renamed a new file over the one opened
                // here: then this lock guards nothing, and the new file is tried.
                let same = fs::metadata(&self.path).is_ok_and(|now| {
                    file.metadata()
                        .is_ok_and(|opened| (opened.dev(), opened.ino()) == (now.dev(), now.ino()))
                });
                if same {
                    break file;
                }
                continue;
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                let holder = self
                    .read_lock_info()
                    .unwrap_or_else(|| LockInfo::unknown_holder(&self.display()));
                return Err(StateError::Locked(Box::new(holder)));
            }
            std::thread::sleep(retry_delay(attempt).min(timeout - elapsed));
            attempt += 1;
        };
        // Holding the lock: temp files a killed run left are stale, and so is any info file
        // still there, which is replaced.
        remove_stale_temp_files(&self.path);
        remove_stale_temp_files(&self.lock_info_path());
        let info_path = self.lock_info_path();
        write_atomic(&info_path, info.to_json().as_bytes())
            .map_err(|error| StateError::io(info_path.display(), error))?;
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = vec![file];
        Ok(Box::new(LocalLockGuard {
            held: self.held.clone(),
            info_path,
            id: info.id,
            created: created.then(|| self.path.clone()),
        }))
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        let info_path = self.lock_info_path();
        let bytes = match fs::read(&info_path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(StateError::NotLocked { path: self.display() })
            }
            Err(error) => return Err(StateError::io(info_path.display(), error)),
        };
        let holder = LockInfo::from_json(&bytes)
            .map(|info| info.id)
            .unwrap_or_else(|| "(unreadable lock info)".to_string());
        if holder != id {
            return Err(StateError::LockMismatch {
                path: self.display(),
                requested: id.to_string(),
                holder,
            });
        }
        // The OS lock needs no removal: it died with the process that held it.
        fs::remove_file(&info_path).map_err(|error| StateError::io(info_path.display(), error))
    }

    fn describe(&self) -> String {
        format!("local state {}", self.display())
    }
}

/// Holds the lock (released when its files close) and removes the info file it wrote.
struct LocalLockGuard {
    held: Arc<Mutex<Vec<File>>>,
    info_path: PathBuf,
    id: String,
    /// The state file, when taking the lock created it: removed if nothing was written to it.
    created: Option<PathBuf>,
}

impl LockGuard for LocalLockGuard {}

impl Drop for LocalLockGuard {
    fn drop(&mut self) {
        // Only our own info: after a force-unlock another run may have written its own.
        let ours = fs::read(&self.info_path)
            .ok()
            .and_then(|bytes| LockInfo::from_json(&bytes))
            .is_some_and(|info| info.id == self.id);
        if ours {
            let _ = fs::remove_file(&self.info_path);
        }
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(path) = &self.created {
            if fs::metadata(path).is_ok_and(|m| m.len() == 0) {
                let _ = fs::remove_file(path);
            }
        }
        held.clear();
    }
}

/// A write lock on the whole file, however it grows, as Terraform asks for it.
fn whole_file_write_lock() -> libc::flock {
    libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: 0,
        // Zero: to the end of the file.
        l_len: 0,
        // Must be zero for an open-file-description lock.
        l_pid: 0,
    }
}

/// Takes a write lock on the whole of `file` without waiting; `false` when another holds one.
/// It is an open-file-description lock (`F_OFD_SETLK`, Linux 3.15 and later), which conflicts
/// with the POSIX record lock Terraform takes (`F_SETLK`), lives as long as this open file,
/// and is not released when the process closes some other descriptor of the same file.
fn try_lock_whole_file(file: &File) -> io::Result<bool> {
    use nix::fcntl::{fcntl, FcntlArg};
    match fcntl(file, FcntlArg::F_OFD_SETLK(&whole_file_write_lock())) {
        Ok(_) => Ok(true),
        Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EACCES) => Ok(false),
        Err(errno) => Err(io::Error::from(errno)),
    }
}

/// `path` with `suffix` appended to its file name: `terraform.tfstate.backup`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn parent_dir(path: &Path) -> Option<&Path> {
    path.parent().filter(|parent| !parent.as_os_str().is_empty())
}

/// Removes `<path>.tmp-<pid>` files [`write_atomic`] left when a run was killed between writing
/// and renaming: those whose process is gone (a live one, with `-lock=false`, may still rename
/// its own). Whether a process is gone is read from `/proc` (Linux).
fn remove_stale_temp_files(path: &Path) {
    let (Some(directory), Some(name)) = (
        Some(parent_dir(path).unwrap_or(Path::new("."))),
        path.file_name().and_then(|n| n.to_str()),
    ) else {
        return;
    };
    let prefix = format!("{name}.tmp-");
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        // Where there is no /proc to ask (macOS), nothing is known to be dead: kept.
        let gone = pid != std::process::id() as i32
            && Path::new("/proc/self").exists()
            && !Path::new("/proc").join(pid.to_string()).exists();
        if gone {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replaces `path` with `bytes` so that a crash leaves either the old or the new file, never
/// a mix: write a temp file (0600 from creation, so secrets are never world-readable), fsync,
/// rename over, fsync the directory so the rename itself survives a power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(path, bytes, false).map(drop)
}

/// [`write_atomic`]; with `locked`, the new file is locked ([`try_lock_whole_file`]) before it
/// takes the name and is returned open, so that the lock is never missing from `path`.
fn replace_file(path: &Path, bytes: &[u8], locked: bool) -> io::Result<Option<File>> {
    let temp = sibling(path, &format!(".tmp-{}", std::process::id()));
    // A leftover from a crashed run with the same pid would keep its old mode; start afresh.
    let _ = fs::remove_file(&temp);
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temp)?;
        // The umask may have narrowed the mode further; make it exactly 0600.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        if locked && !try_lock_whole_file(&file)? {
            return Err(io::Error::other("a new state file was locked by another process"));
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        Ok(locked.then_some(file))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    let file = result?;
    let directory = parent_dir(path).unwrap_or(Path::new("."));
    File::open(directory)?.sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests;

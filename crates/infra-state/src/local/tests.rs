use std::os::unix::fs::PermissionsExt;

use infra_core::Value;

use super::*;
use crate::model::ResourceState;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "infra-state-{label}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn state_path(&self) -> PathBuf {
        self.0.join(STATE_FILE_NAME)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Takes the lock at once as `operation` by `who`, which must succeed.
fn lock_now(backend: &LocalBackend, operation: &str, who: &str) -> Box<dyn LockGuard> {
    backend.lock(LockInfo::new(operation, who), Duration::ZERO).unwrap()
}

/// An object of `resource_type` whose `id` is `id`.
fn object(resource_type: &str, id: &str) -> ResourceState {
    ResourceState {
        resource_type: resource_type.into(),
        value: Value::map([("id", Value::string(id))]),
        ..ResourceState::default()
    }
}

/// A backend in a fresh directory named after `label`, holding [`state_with_serial`]`(1)`,
/// which is returned too.
fn written_backend(label: &str) -> (TempDir, LocalBackend, State) {
    let dir = TempDir::new(label);
    let backend = LocalBackend::new(dir.state_path());
    let state = state_with_serial(1);
    backend.write(&state).unwrap();
    (dir, backend, state)
}

fn state_with_serial(serial: u64) -> State {
    let mut state = State::new();
    state.serial = serial;
    state.resources.insert("aws_vpc.main".parse().unwrap(), object("aws_vpc", "vpc-1"));
    state
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn missing_or_empty_file_is_no_state() {
    let dir = TempDir::new("missing");
    let backend = LocalBackend::new(dir.state_path());
    assert!(backend.read().unwrap().is_none());
    fs::write(dir.state_path(), "\n").unwrap();
    assert!(backend.read().unwrap().is_none());
    assert_eq!(backend.describe(), format!("local state {}", dir.state_path().display()));
}

#[test]
fn write_then_read_with_mode_0600() {
    let dir = TempDir::new("mode");
    let path = dir.state_path();
    fs::write(&path, encode_serial(1)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let backend = LocalBackend::new(path.clone());
    let state = state_with_serial(2);
    backend.write(&state).unwrap();
    assert_eq!(backend.read().unwrap(), Some(state));
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&backend.backup_path()), 0o600);
    // No temp file is left behind.
    let names: Vec<String> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

fn encode_serial(serial: u64) -> Vec<u8> {
    format::encode(&state_with_serial(serial))
}

#[test]
fn backup_is_the_state_from_before_the_run() {
    let dir = TempDir::new("backup");
    let path = dir.state_path();
    let first_run = LocalBackend::new(path.clone());
    first_run.write(&state_with_serial(1)).unwrap();
    first_run.write(&state_with_serial(2)).unwrap();
    // A run that created the file has nothing to back up.
    assert!(!first_run.backup_path().exists());

    let second_run = LocalBackend::new(path.clone());
    second_run.write(&state_with_serial(3)).unwrap();
    second_run.write(&state_with_serial(4)).unwrap();
    let backup = format::decode(&fs::read(second_run.backup_path()).unwrap(), "b").unwrap();
    assert_eq!(backup.serial, 2);
    assert_eq!(second_run.read().unwrap().unwrap().serial, 4);
}

#[test]
fn creates_workspace_directories_on_write() {
    let dir = TempDir::new("wsdir");
    let path = workspace_state_path(&dir.0, "staging");
    LocalBackend::new(path.clone()).write(&state_with_serial(1)).unwrap();
    assert!(path.exists());
}

#[test]
fn corrupt_and_newer_files_are_refused_and_left_untouched() {
    for (content, newer) in [
        (&b"{\n  \"version\": 1,\n  oops\n}"[..], false),
        (br#"{"version": 99, "serial": 1, "lineage": "x"}"#, true),
    ] {
        let dir = TempDir::new("refuse");
        let path = dir.state_path();
        fs::write(&path, content).unwrap();
        let backend = LocalBackend::new(path.clone());
        let read_error = backend.read().unwrap_err();
        let write_error = backend.write(&state_with_serial(1)).unwrap_err();
        for error in [&read_error, &write_error] {
            if newer {
                assert!(matches!(error, StateError::NewerFormat { found: 99, .. }), "{error}");
            } else {
                assert!(matches!(error, StateError::Corrupt { .. }), "{error}");
                assert!(error.to_string().contains("is not valid JSON: line 3"), "{error}");
            }
            assert!(error.to_string().contains(&path.display().to_string()));
        }
        // A second attempt is refused too, and nothing was changed or backed up.
        assert!(backend.write(&state_with_serial(1)).is_err());
        assert_eq!(fs::read(&path).unwrap(), content);
        assert!(!backend.backup_path().exists());
    }
}

#[test]
fn second_lock_is_refused_naming_the_holder() {
    let dir = TempDir::new("lock");
    let first = LocalBackend::new(dir.state_path());
    let second = LocalBackend::new(dir.state_path());
    let holder = LockInfo::new("apply", &dir.state_path().display().to_string());
    let guard = first.lock(holder.clone(), Duration::ZERO).unwrap();
    assert_eq!(mode(&first.lock_info_path()), 0o600);

    let error = match second.lock(LockInfo::new("plan", "x"), Duration::ZERO) {
        Err(error) => error,
        Ok(_) => panic!("the second lock was granted"),
    };
    match &error {
        StateError::Locked(info) => assert_eq!(**info, holder),
        other => panic!("expected Locked, got {other}"),
    }
    assert!(error.to_string().contains(&holder.id));
    assert!(error.to_string().contains("Operation: apply"));

    // With a timeout it retries for that long before giving up.
    let start = Instant::now();
    assert!(second.lock(LockInfo::new("plan", "x"), Duration::from_millis(300)).is_err());
    assert!(start.elapsed() >= Duration::from_millis(300));

    drop(guard);
    assert!(!first.lock_info_path().exists());
    let _again = lock_now(&second, "plan", "x");
}

#[test]
fn lock_waits_for_release_within_timeout() {
    let dir = TempDir::new("wait");
    let first = LocalBackend::new(dir.state_path());
    let guard = lock_now(&first, "apply", "x");
    // The holder lets go 200 ms after the second run starts asking, and says when: a lock
    // granted before that did not wait.
    let released = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (asking, asked) = std::sync::mpsc::channel::<()>();
    let releaser = {
        let released = released.clone();
        std::thread::spawn(move || {
            asked.recv().unwrap();
            std::thread::sleep(Duration::from_millis(200));
            released.store(true, std::sync::atomic::Ordering::SeqCst);
            drop(guard);
        })
    };
    let second = LocalBackend::new(dir.state_path());
    asking.send(()).unwrap();
    second.lock(LockInfo::new("plan", "x"), Duration::from_secs(10)).unwrap();
    assert!(
        released.load(std::sync::atomic::Ordering::SeqCst),
        "the second lock was granted while the first was held"
    );
    releaser.join().unwrap();
}

#[test]
fn stale_lock_info_is_not_a_lock() {
    let dir = TempDir::new("stale");
    let backend = LocalBackend::new(dir.state_path());
    let stale = LockInfo::new("apply", "x");
    fs::write(backend.lock_info_path(), stale.to_json()).unwrap();
    let mine = LockInfo::new("plan", "x");
    let _guard = backend.lock(mine.clone(), Duration::ZERO).unwrap();
    let written = LockInfo::from_json(&fs::read(backend.lock_info_path()).unwrap()).unwrap();
    assert_eq!(written, mine);
}

#[test]
fn force_unlock_checks_the_id() {
    let dir = TempDir::new("force");
    let backend = LocalBackend::new(dir.state_path());
    assert!(matches!(backend.force_unlock("anything"), Err(StateError::NotLocked { .. })));
    let holder = LockInfo::new("apply", "x");
    // Simulates a run that died: its info file is left, its OS lock is gone.
    drop(backend.lock(holder.clone(), Duration::ZERO).unwrap());
    fs::write(backend.lock_info_path(), holder.to_json()).unwrap();

    let error = backend.force_unlock("wrong-id").unwrap_err();
    match &error {
        StateError::LockMismatch { requested, holder: real, .. } => {
            assert_eq!(requested, "wrong-id");
            assert_eq!(real, &holder.id);
        }
        other => panic!("expected LockMismatch, got {other}"),
    }
    assert!(error.to_string().contains(&holder.id));
    backend.force_unlock(&holder.id).unwrap();
    assert!(!backend.lock_info_path().exists());
}

/// Two processes: the child holds the lock while the parent is refused. The child is this
/// test binary re-run with an environment variable.
#[test]
fn lock_contention_between_processes() {
    const CHILD: &str = "INFRA_STATE_TEST_LOCK_CHILD";
    if let Ok(path) = std::env::var(CHILD) {
        let backend = LocalBackend::new(PathBuf::from(path));
        let _guard = lock_now(&backend, "apply", "child");
        println!("locked");
        // Hold until the parent closes our stdin.
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        return;
    }
    let dir = TempDir::new("process");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "local::tests::lock_contention_between_processes", "--nocapture"])
        .env(CHILD, dir.state_path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "child exited");
        if line.contains("locked") {
            break;
        }
    }
    let backend = LocalBackend::new(dir.state_path());
    match backend.lock(LockInfo::new("plan", "parent"), Duration::ZERO) {
        Err(StateError::Locked(info)) => {
            assert_eq!(info.pid, child.id());
            assert_eq!(info.operation, "apply");
        }
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("the lock was granted while the child held it"),
    }
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    // The child's lock died with it.
    let _guard = lock_now(&backend, "plan", "parent");
}

#[test]
fn concurrent_writes_from_one_run_never_tear_the_file() {
    let dir = TempDir::new("threads");
    let backend = std::sync::Arc::new(LocalBackend::new(dir.state_path()));
    let writers: Vec<_> = (0..8)
        .map(|serial| {
            let backend = backend.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    backend.write(&state_with_serial(serial)).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert!(backend.read().unwrap().unwrap().serial < 8);
}

#[test]
fn taking_the_lock_removes_temp_files_of_killed_runs() {
    let dir = TempDir::new("stale");
    let backend = LocalBackend::new(dir.state_path());
    // A pid no process has: a killed run's leftover. (Not a spawned child's: forking while
    // another test holds a lock would let the child share it for a moment.)
    let dead = (1..4_000_000u32)
        .rev()
        .find(|pid| !Path::new("/proc").join(pid.to_string()).exists())
        .unwrap();
    let stale = sibling(&dir.state_path(), &format!(".tmp-{dead}"));
    let stale_info = sibling(&backend.lock_info_path(), &format!(".tmp-{dead}"));
    let live = sibling(&dir.state_path(), &format!(".tmp-{}", std::process::id()));
    for path in [&stale, &stale_info, &live] {
        fs::write(path, b"{}").unwrap();
    }
    let _guard = lock_now(&backend, "apply", "x");
    assert!(!stale.exists(), "a dead run's temp state is removed");
    assert!(!stale_info.exists(), "and its temp lock info");
    assert!(live.exists(), "a live process's is not");
}

#[test]
fn a_state_only_in_infras_earlier_file_asks_for_migration() {
    let dir = TempDir::new("legacy");
    let legacy = dir.0.join(crate::local::LEGACY_STATE_FILE_NAME);
    fs::write(&legacy, br#"{"format_version": 1, "serial": 1, "lineage": "l"}"#).unwrap();
    let backend = LocalBackend::new(dir.state_path()).with_legacy(legacy.clone());
    for error in [backend.read().unwrap_err(), backend.write(&state_with_serial(2)).unwrap_err()] {
        assert!(matches!(error, StateError::NeedsMigration { .. }), "{error}");
        assert!(error.to_string().contains("infra init -migrate-state"), "{error}");
    }
    assert!(!dir.state_path().exists(), "nothing written");
    // Once Terraform's file exists, the earlier one no longer matters.
    LocalBackend::new(dir.state_path()).write(&state_with_serial(3)).unwrap();
    assert_eq!(backend.read().unwrap().unwrap().serial, 3);
}

/// One object's change is a journal line, not a new state file; a reader (the next run, after
/// a crash) sees it replayed over the file; a whole write compacts the journal into the file
/// and removes it. The journal is 0600 like the state.
#[test]
fn an_objects_change_goes_to_the_journal_until_the_whole_state_is_written() {
    let (dir, backend, mut state) = written_backend("journal");
    let file_before = fs::read(dir.state_path()).unwrap();

    let added: infra_core::Address = "aws_subnet.a".parse().unwrap();
    state.serial = 2;
    state.resources.insert(added.clone(), object("aws_subnet", "subnet-1"));
    backend.write_object(&state, &added).unwrap();
    let removed: infra_core::Address = "aws_vpc.main".parse().unwrap();
    state.serial = 3;
    state.resources.remove(&removed);
    backend.write_object(&state, &removed).unwrap();

    assert_eq!(fs::read(dir.state_path()).unwrap(), file_before);
    let journal = backend.journal_path();
    assert_eq!(mode(&journal), 0o600);
    let journal_bytes = fs::metadata(&journal).unwrap().len();
    assert!(journal_bytes < 2_000, "{journal_bytes} bytes for two small objects");

    // What another run reads: the file with the journal replayed.
    let reader = LocalBackend::new(dir.state_path());
    assert_eq!(reader.read().unwrap(), Some(state.clone()));

    backend.write(&state).unwrap();
    assert!(!journal.exists());
    assert_eq!(reader.read().unwrap(), Some(state));
}

/// The journal is compacted into the file once it grows to `COMPACT_RATIO` times it (and at
/// least 1 MiB), so that a long apply keeps
/// neither a huge journal nor rewrites the whole state per object.
#[test]
fn a_journal_larger_than_the_state_is_compacted() {
    let (dir, backend, mut state) = written_backend("compact");
    let address: infra_core::Address = "aws_vpc.main".parse().unwrap();
    let big = "x".repeat(100_000);
    let mut compactions = 0;
    for serial in 2..40 {
        state.serial = serial;
        state.resources.get_mut(&address).unwrap().value =
            Value::map([("id", Value::string(format!("{serial}{big}")))]);
        backend.write_object(&state, &address).unwrap();
        if !backend.journal_path().exists() {
            compactions += 1;
        }
        assert!(fs::metadata(backend.journal_path()).map_or(0, |m| m.len()) <= 1 << 20);
    }
    assert!(compactions >= 2, "{compactions}");
    assert_eq!(LocalBackend::new(dir.state_path()).read().unwrap(), Some(state));
}

/// The journal is also compacted once the last whole write is Terraform's persist interval
/// old, so that Terraform, which reads the file alone after an infra run died, misses no more
/// than its own file would; a file that Terraform wrote since makes the journal an error that
/// names its objects, not a replay over what Terraform wrote.
#[test]
fn an_old_journal_is_compacted_and_one_that_terraform_wrote_over_is_refused() {
    let (dir, backend, mut state) = written_backend("persist-interval");
    // The interval is 20 s; here, any age is old enough.
    backend.session.lock().unwrap().whole_writes = journal::WholeWrites::every(Duration::ZERO);
    let subnet = |state: &mut State, serial: u64| {
        let address: infra_core::Address = format!("aws_subnet.s{serial}").parse().unwrap();
        state.serial = serial;
        state.resources.insert(address.clone(), object("aws_subnet", &format!("subnet-{serial}")));
        address
    };
    let file_alone = || {
        let bytes = fs::read(dir.state_path()).unwrap();
        format::decode(&bytes, "terraform.tfstate").unwrap()
    };
    let address = subnet(&mut state, 2);
    backend.write_object(&state, &address).unwrap();
    assert!(!file_alone().resources.contains_key(&address));
    let address = subnet(&mut state, 3);
    backend.write_object(&state, &address).unwrap();
    assert_eq!(file_alone(), state, "the second record found the journal old and compacted it");
    assert!(!backend.journal_path().exists());

    // The run records one more object and dies; Terraform then reads the file (serial 3) and
    // writes it (serial 4) with an object of its own.
    let address = subnet(&mut state, 4);
    backend.write_object(&state, &address).unwrap();
    let mut terraform = file_alone();
    terraform.serial = 4;
    terraform.resources.insert("aws_vpc.other".parse().unwrap(), object("aws_vpc", "vpc-9"));
    fs::write(dir.state_path(), format::encode(&terraform)).unwrap();
    let error = LocalBackend::new(dir.state_path()).read().unwrap_err();
    assert!(
        matches!(&error, StateError::StaleJournal { objects, file_serial: Some(4), .. }
            if objects == &vec!["aws_subnet.s4 (subnet-4)".to_string()]),
        "{error}"
    );
    // Nothing was changed: moved aside, the file reads as Terraform wrote it.
    fs::rename(backend.journal_path(), dir.0.join("journal-aside")).unwrap();
    assert_eq!(LocalBackend::new(dir.state_path()).read().unwrap(), Some(terraform));
}

/// Terraform's lock on a local state (`statemgr.Filesystem.lock`): a POSIX record lock,
/// `F_SETLK` with `F_WRLCK` over the whole state file, on a descriptor of its own. `true`
/// when granted.
fn terraform_lock(file: &File) -> bool {
    nix::fcntl::fcntl(file, nix::fcntl::FcntlArg::F_SETLK(&whole_file_write_lock())).is_ok()
}

fn open_state(path: &Path) -> File {
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).unwrap()
}

/// infra and Terraform exclude each other on one local state: Terraform's lock refuses infra,
/// naming the holder from Terraform's `.terraform.tfstate.lock.info`, and infra's lock refuses
/// Terraform's, on the file infra found and on each file a write renamed over it.
#[test]
fn terraforms_lock_and_infras_exclude_each_other() {
    let dir = TempDir::new("terraform-lock");
    let backend = LocalBackend::new(dir.state_path());
    assert_eq!(backend.lock_info_path(), dir.0.join(".terraform.tfstate.lock.info"));

    // Terraform holds it, and wrote its info as Terraform 1.x writes it.
    let terraform = open_state(&dir.state_path());
    assert!(terraform_lock(&terraform));
    fs::write(
        backend.lock_info_path(),
        br#"{"ID":"6c2a9c1e-0000-4000-8000-000000000001","Operation":"OperationTypeApply","Info":"","Who":"alice@laptop","Version":"1.12.0","Created":"2026-11-25T10:00:00.000000Z","Path":"terraform.tfstate"}"#,
    )
    .unwrap();
    match backend.lock(LockInfo::new("plan", "x"), Duration::ZERO) {
        Err(StateError::Locked(info)) => {
            assert_eq!(info.id, "6c2a9c1e-0000-4000-8000-000000000001");
            assert_eq!(info.who, "alice@laptop");
        }
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("infra took the lock Terraform holds"),
    }
    drop(terraform);
    fs::remove_file(backend.lock_info_path()).unwrap();

    // infra holds it: Terraform is refused on the file infra found, and after infra's writes
    // (each renames a new file over the name) on the file that holds the name now.
    let guard = lock_now(&backend, "apply", "x");
    assert!(!terraform_lock(&open_state(&dir.state_path())));
    backend.write(&state_with_serial(1)).unwrap();
    backend.write(&state_with_serial(2)).unwrap();
    assert!(!terraform_lock(&open_state(&dir.state_path())));
    // Reading the state opens and closes the file, which drops a process's POSIX record
    // locks; infra's lock survives it.
    assert_eq!(backend.read().unwrap().unwrap().serial, 2);
    assert!(!terraform_lock(&open_state(&dir.state_path())));
    drop(guard);
    assert!(terraform_lock(&open_state(&dir.state_path())));
}

/// Taking the lock creates the state file, as Terraform's does; if nothing was written to it,
/// letting go removes it again.
#[test]
fn a_lock_on_no_state_leaves_no_file() {
    let dir = TempDir::new("lock-no-state");
    let backend = LocalBackend::new(dir.state_path());
    let guard = lock_now(&backend, "plan", "x");
    assert!(backend.read().unwrap().is_none());
    drop(guard);
    assert!(!dir.state_path().exists());
    assert!(!backend.lock_info_path().exists());
}

/// A run killed anywhere in a journal append or a compaction leaves files from which the next
/// read is the state as the last completed record left it (issue 34: "kills placed inside
/// journal writes and compactions"). Each on-disk moment a kill can leave is made here and read
/// back: a line cut short mid-append; a compaction killed after its temp file was written but
/// before the rename; one killed after the rename but before the journal was removed.
#[test]
fn every_moment_a_kill_can_leave_in_a_journal_write_or_a_compaction_reads_back() {
    let (dir, backend, mut state) = written_backend("killed");
    let mut recorded = Vec::new();
    for (serial, id) in [(2, "subnet-1"), (3, "subnet-2"), (4, "subnet-3")] {
        let address: infra_core::Address = format!("aws_subnet.s{serial}").parse().unwrap();
        state.serial = serial;
        state.resources.insert(address.clone(), object("aws_subnet", id));
        backend.write_object(&state, &address).unwrap();
        recorded.push(state.clone());
    }
    let journal = backend.journal_path();
    let lines = fs::read(&journal).unwrap();
    let read = || LocalBackend::new(dir.state_path()).read().unwrap();

    // Killed mid-append: every cut of the last line reads as the record before it.
    let last_line_starts = lines[..lines.len() - 1].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    for cut in [last_line_starts + 1, (last_line_starts + lines.len()) / 2, lines.len() - 1] {
        fs::write(&journal, &lines[..cut]).unwrap();
        assert_eq!(read(), Some(recorded[1].clone()), "cut at byte {cut}");
    }
    fs::write(&journal, &lines).unwrap();
    assert_eq!(read(), Some(recorded[2].clone()));

    // A compaction killed before its rename: a temp file beside the state, which a read
    // ignores; the file and the journal are as they were.
    let file = fs::read(dir.state_path()).unwrap();
    let temp = dir.state_path().with_file_name("terraform.tfstate.tmp-4242");
    fs::write(&temp, format::encode(&recorded[2])).unwrap();
    assert_eq!(read(), Some(recorded[2].clone()));
    fs::remove_file(&temp).unwrap();

    // The compaction appends a marker naming the new file's digest before the rename. Killed
    // between the two, the marker names bytes the file does not hold, and the lines replay.
    state.serial = 5;
    state.resources.remove(&"aws_subnet.s3".parse::<infra_core::Address>().unwrap());
    let mut marked = lines.clone();
    marked.extend(journal::compacted_marker(&format::encode(&state)));
    fs::write(&journal, &marked).unwrap();
    assert_eq!(read(), Some(recorded[2].clone()));
    fs::remove_file(&journal).unwrap();

    // Killed after the rename, before the journal was removed: the lines before the marker
    // are in the file, and are skipped (here the compacted state has moved on: a subnet the
    // old lines hold is gone, and must stay gone).
    backend.write(&state).unwrap();
    assert!(!journal.exists());
    fs::write(&journal, &marked).unwrap();
    assert_eq!(read(), Some(state.clone()));
    // The real compaction writes that marker (seen through a second link to the journal).
    fs::remove_file(&journal).unwrap();
    let address: infra_core::Address = "aws_subnet.s2".parse().unwrap();
    state.serial = 6;
    backend.write_object(&state, &address).unwrap();
    let aside = dir.0.join("journal-aside");
    fs::hard_link(&journal, &aside).unwrap();
    state.serial = 7;
    backend.write(&state).unwrap();
    assert!(!journal.exists());
    let kept = fs::read(&aside).unwrap();
    let marker = journal::compacted_marker(&fs::read(dir.state_path()).unwrap());
    assert!(kept.ends_with(&marker), "{}", String::from_utf8_lossy(&kept));
    assert_ne!(fs::read(dir.state_path()).unwrap(), file);
}

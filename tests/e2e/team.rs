//! Team use (issue 6): state in S3 through the CLI, concurrent runs, state recovery and
//! migration, workspaces (local and S3), and the CI example run command by command.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use infra_testkit::{infra_command, repo_root, Moto, Stack};

use super::{apply_run, assert_contains, infra, plan_run, python_lines, BINARY, NO_VARS};

const BUCKET: &str = "infra-team-state";
const KEY: &str = "team/terraform.tfstate";

/// Sends `kill -NAME` to a process.
fn signal(pid: u32, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{name} {pid}");
}

fn create_bucket(moto: &Moto, bucket: &str) {
    moto.python(&format!("import boto3\nboto3.client('s3').create_bucket(Bucket='{bucket}')"));
}

/// The S3 fixture with its bucket created.
fn s3_stack(moto: &Moto) -> Stack {
    create_bucket(moto, BUCKET);
    Stack::from_fixture("tests/fixtures/s3")
}

/// Every object key in `bucket`, sorted.
fn object_keys(moto: &Moto, bucket: &str) -> Vec<String> {
    python_lines(moto, &format!(
        "import boto3\nr = boto3.client('s3').list_objects_v2(Bucket='{bucket}')\nprint('\\n'.join(sorted(o['Key'] for o in r.get('Contents', []))))"
    ))
}

/// A state object's body, flattened as [`infra_testkit::flat_state`] does.
fn object_json(moto: &Moto, bucket: &str, key: &str) -> serde_json::Value {
    let text = moto.python(&format!(
        "import boto3\nprint(boto3.client('s3').get_object(Bucket='{bucket}', Key='{key}')['Body'].read().decode())"
    ));
    let state: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("s3://{bucket}/{key}: {e}\n{text}"));
    infra_testkit::flat_state(&state)
}

fn addresses(state: &serde_json::Value) -> Vec<String> {
    state["resources"]
        .as_array()
        .map(|resources| {
            resources.iter().filter_map(|r| r["address"].as_str().map(str::to_string)).collect()
        })
        .unwrap_or_default()
}

/// The VPC ids in moto whose Name tag is `name`.
fn vpcs_named(moto: &Moto, name: &str) -> Vec<String> {
    python_lines(moto, &format!(
        "import boto3\nvs = boto3.client('ec2').describe_vpcs(Filters=[{{'Name': 'tag:Name', 'Values': ['{name}']}}])['Vpcs']\nprint('\\n'.join(v['VpcId'] for v in vs))"
    ))
}

#[test]
fn apply_plan_and_state_recovery_with_the_s3_backend() {
    let moto = Moto::start();
    let stack = s3_stack(&moto);

    let init = infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    assert_contains(&init.stdout, &format!("backend: s3://{BUCKET}/{KEY}"));
    let apply = apply_run(&stack, &moto, NO_VARS).ok();
    assert_contains(&apply.stdout, "Apply complete! Resources: 10 added, 0 changed, 0 destroyed.");
    assert!(
        !stack.path().join("terraform.tfstate").exists(),
        "the state goes to S3, not to a local file"
    );
    // The lock object is gone once the run ends.
    assert_eq!(object_keys(&moto, BUCKET), vec![KEY.to_string()]);
    let stored = object_json(&moto, BUCKET, KEY);
    assert_eq!(addresses(&stored).len(), 10, "{stored}");
    assert!(addresses(&stored).contains(&"aws_vpc.main".to_string()));
    assert_eq!(vpcs_named(&moto, "team-default").len(), 1);

    let again = plan_run(&stack, &moto, NO_VARS).expect_code(0);
    assert_contains(&again.stdout, "No changes.");
    let fewer = plan_run(&stack, &moto, &["-var", "subnets=7"]).expect_code(2);
    assert_contains(&fewer.stdout, "# aws_subnet.private[7] will be destroyed");

    // `state pull` prints the stored state; pushing it back after the state moved on is
    // refused, and the stored state is untouched.
    let pulled = infra(&stack, Some(&moto), &["state", "pull"]).ok();
    let pulled_json: serde_json::Value = serde_json::from_str(&pulled.stdout).unwrap();
    assert_eq!(pulled_json["lineage"], stored["lineage"]);
    assert_eq!(pulled_json["serial"], stored["serial"]);
    stack.write("old.json", &pulled.stdout);
    apply_run(&stack, &moto, &["-var", "subnets=7"]).ok();
    let newer = object_json(&moto, BUCKET, KEY);
    assert_eq!(addresses(&newer).len(), 9);
    let refused = infra(&stack, Some(&moto), &["state", "push", "old.json"]).expect_code(1);
    assert_contains(&refused.stderr, "over newer state with serial");
    assert_eq!(object_json(&moto, BUCKET, KEY), newer);
    assert_eq!(object_keys(&moto, BUCKET), vec![KEY.to_string()]);
}

#[test]
fn two_concurrent_applies_one_runs_the_other_names_the_lock_holder() {
    // Both applies start together and race for the lock. The one that prints its plan holds
    // the lock (an apply plans under it), and is stopped there with SIGSTOP until the other
    // has ended, so the other must meet the held lock: it cannot run first and finish before
    // the holder locks, which made this test flaky when the two ran one after the other.
    // moto's conditional PUT is made atomic, as S3's is (tests/support/moto_server.py).
    let moto = Moto::start();
    let stack = s3_stack(&moto);
    let start = |name: &str| {
        let path = stack.path().join(name);
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command
            .args(["apply", "-input=false", "-auto-approve"])
            .stdout(std::fs::File::create(&path).expect("stdout file"))
            .stderr(std::fs::File::create(path.with_extension("stderr")).expect("stderr file"));
        (command.spawn().expect("start infra apply"), path)
    };
    let mut applies = [start("first.stdout"), start("second.stdout")];
    let pids = [applies[0].0.id(), applies[1].0.id()];
    let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap_or_default();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let winner = loop {
        if let Some(winner) = (0..2).find(|&i| read(&applies[i].1).contains("will perform")) {
            break winner;
        }
        for (child, path) in &mut applies {
            if let Some(status) = child.try_wait().expect("poll an apply") {
                if status.code() != Some(1) {
                    panic!(
                        "an apply ended ({status}) before either planned: {}\n{}",
                        read(path),
                        read(&path.with_extension("stderr"))
                    );
                }
            }
        }
        assert!(std::time::Instant::now() < deadline, "neither apply planned within two minutes");
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let loser = 1 - winner;
    signal(pids[winner], "STOP");
    let loser_status = applies[loser].0.wait().expect("the other apply");
    signal(pids[winner], "CONT");
    let winner_status = applies[winner].0.wait().expect("the holding apply");
    let outputs: Vec<(String, String)> = applies
        .iter()
        .map(|(_, path)| (read(path), read(&path.with_extension("stderr"))))
        .collect();
    let report = outputs
        .iter()
        .map(|(stdout, stderr)| format!("--- stdout\n{stdout}\n--- stderr\n{stderr}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(winner_status.code(), Some(0), "the holder applies: {report}");
    assert_eq!(loser_status.code(), Some(1), "the other is refused: {report}");

    let refused = &outputs[loser].1;
    assert_contains(refused, "Error acquiring the state lock");
    assert_contains(refused, "OperationTypeApply");
    assert_contains(refused, &format!("s3://{BUCKET}/{KEY}"));
    // The holder is the other process.
    let holder_pid = pids[winner].to_string();
    assert!(
        refused
            .lines()
            .any(|l| l.trim_start().starts_with("PID:") && l.trim_end().ends_with(&holder_pid)),
        "the holder's PID {holder_pid} is named: {refused}"
    );
    let lock_id = refused
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("ID:"))
        .map(str::trim)
        .unwrap_or_else(|| panic!("a lock ID: {refused}"));
    assert_contains(refused, &format!("infra force-unlock {lock_id}"));
    assert!(outputs[loser].0.lines().all(|l| !l.contains("Creation complete")));

    // One set of objects, all of them in the state, and no lock left behind.
    assert_eq!(vpcs_named(&moto, "team-default").len(), 1);
    assert_eq!(addresses(&object_json(&moto, BUCKET, KEY)).len(), 10);
    assert_eq!(object_keys(&moto, BUCKET), vec![KEY.to_string()]);
    plan_run(&stack, &moto, NO_VARS).expect_code(0);
}

#[test]
fn a_stale_lock_object_is_refused_until_force_unlock() {
    let moto = Moto::start();
    let stack = s3_stack(&moto);
    let lock = r#"{"ID":"1b4e0f7c-dead-4bee-9a1e-5c0ffee00001","Operation":"OperationTypeApply","Info":"","Who":"ci@runner-7","Version":"0.1.0","Created":"2024-05-01T10:00:00Z","Path":"s3://infra-team-state/team/terraform.tfstate"}"#;
    moto.python(&format!(
        "import boto3\nboto3.client('s3').put_object(Bucket='{BUCKET}', Key='{KEY}.tflock', Body=r'''{lock}''')"
    ));
    let refused = apply_run(&stack, &moto, NO_VARS).expect_code(1);
    assert_contains(&refused.stderr, "Error acquiring the state lock");
    assert_contains(&refused.stderr, "1b4e0f7c-dead-4bee-9a1e-5c0ffee00001");
    assert_contains(&refused.stderr, "ci@runner-7");
    assert!(vpcs_named(&moto, "team-default").is_empty());

    // The wrong ID is refused; the right one removes the lock.
    infra(&stack, Some(&moto), &["force-unlock", "not-the-id"]).expect_code(1);
    infra(&stack, Some(&moto), &["force-unlock", "1b4e0f7c-dead-4bee-9a1e-5c0ffee00001"]).ok();
    assert!(object_keys(&moto, BUCKET).is_empty());
    apply_run(&stack, &moto, &["-lock-timeout=10s"]).ok();
    assert_eq!(vpcs_named(&moto, "team-default").len(), 1);
}

#[test]
fn migrate_state_moves_a_local_state_into_the_bucket() {
    let moto = Moto::start();
    let stack = s3_stack(&moto);
    let backend_file = stack.read("backend.tf");
    std::fs::remove_file(stack.path().join("backend.tf")).unwrap();
    apply_run(&stack, &moto, NO_VARS).ok();
    let local: serde_json::Value = stack.state();
    assert_eq!(addresses(&local).len(), 10);
    assert!(object_keys(&moto, BUCKET).is_empty());

    // The stack moves to S3: a plan without migrating sees an empty state.
    stack.write("backend.tf", &backend_file);
    let unmigrated = plan_run(&stack, &moto, NO_VARS).expect_code(2);
    assert_contains(&unmigrated.stdout, "10 to add");

    let migrated = infra(&stack, Some(&moto), &["init", "-input=false", "-migrate-state"]).ok();
    assert_contains(
        &migrated.stdout,
        &format!("Migrated 10 resources from local state to s3://{BUCKET}/{KEY}"),
    );
    let remote = object_json(&moto, BUCKET, KEY);
    assert_eq!(remote["lineage"], local["lineage"]);
    assert_eq!(remote["resources"], local["resources"]);
    assert_eq!(remote["outputs"], local["outputs"]);
    plan_run(&stack, &moto, NO_VARS).expect_code(0);
    let listed = infra(&stack, Some(&moto), &["state", "list"]).ok();
    assert_eq!(listed.stdout.lines().count(), 10, "{}", listed.stdout);

    // A second migration does not overwrite the bucket's state.
    let again =
        infra(&stack, Some(&moto), &["init", "-input=false", "-migrate-state"]).expect_code(1);
    assert_contains(&again.stderr, "refusing to overwrite");
    assert_eq!(object_json(&moto, BUCKET, KEY), remote);
}

#[test]
fn local_workspaces_keep_separate_states() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/s3");
    std::fs::remove_file(stack.path().join("backend.tf")).unwrap();

    apply_run(&stack, &moto, &["-var", "subnets=1"]).ok();
    let created = infra(&stack, Some(&moto), &["workspace", "new", "staging"]).ok();
    assert_contains(&created.stdout, "Created and switched to workspace \"staging\"");
    assert_eq!(infra(&stack, Some(&moto), &["workspace", "show"]).ok().stdout.trim(), "staging");
    // A new workspace starts empty.
    plan_run(&stack, &moto, &["-var", "subnets=1"]).expect_code(2);
    let staged = apply_run(&stack, &moto, &["-var", "subnets=2", "-var", "cidr=10.9.0.0/16"]).ok();
    assert_contains(&staged.stdout, "workspace = \"staging\"");
    let staging: serde_json::Value =
        stack.state_at("terraform.tfstate.d/staging/terraform.tfstate");
    let default: serde_json::Value = stack.state();
    assert_eq!(addresses(&staging).len(), 4);
    assert_eq!(addresses(&default).len(), 3);
    assert_ne!(staging["lineage"], default["lineage"]);
    assert_eq!(vpcs_named(&moto, "team-staging").len(), 1);
    assert_eq!(vpcs_named(&moto, "team-default").len(), 1);

    let listed = infra(&stack, Some(&moto), &["workspace", "list"]).ok();
    assert_eq!(listed.stdout, "  default\n* staging\n");
    infra(&stack, Some(&moto), &["workspace", "select", "default"]).ok();
    plan_run(&stack, &moto, &["-var", "subnets=1"]).expect_code(0);
    let missing = infra(&stack, Some(&moto), &["workspace", "select", "prod"]).expect_code(1);
    assert_contains(&missing.stderr, "doesn't exist");
    let not_empty = infra(&stack, Some(&moto), &["workspace", "delete", "staging"]).expect_code(1);
    assert_contains(&not_empty.stderr, "not empty");
    assert!(stack.path().join("terraform.tfstate.d/staging/terraform.tfstate").exists());

    // INFRA_WORKSPACE (as CI sets it) overrides the selection; a name that is not a safe
    // path segment is refused.
    let with_workspace = |name: &str| {
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command.env("INFRA_WORKSPACE", name);
        infra_testkit::run(command, &["workspace", "show"])
    };
    assert_eq!(with_workspace("staging").ok().stdout, "staging\n");
    let escaped = with_workspace("../escape").expect_code(1);
    assert_contains(&escaped.stderr, "invalid workspace name");
}

#[test]
fn s3_workspaces_keep_separate_states_under_env_prefix() {
    let moto = Moto::start();
    // -backend-config overrides the block's bucket, and is remembered for later runs.
    let bucket = "team-other-bucket";
    create_bucket(&moto, bucket);
    let stack = s3_stack(&moto);
    infra(
        &stack,
        Some(&moto),
        &["init", "-input=false", &format!("-backend-config=bucket={bucket}")],
    )
    .ok();

    apply_run(&stack, &moto, &["-var", "subnets=1"]).ok();
    let created = infra(&stack, Some(&moto), &["workspace", "new", "staging"]).ok();
    assert_contains(&created.stdout, "staging");
    // The new workspace exists in the bucket at once, so other clones can select it.
    assert_eq!(object_keys(&moto, bucket), vec![format!("env:/staging/{KEY}"), KEY.to_string()]);
    let listed = infra(&stack, Some(&moto), &["workspace", "list"]).ok();
    assert_eq!(listed.stdout, "  default\n* staging\n");
    let staged = apply_run(&stack, &moto, &["-var", "subnets=2", "-var", "cidr=10.9.0.0/16"]).ok();
    assert_contains(&staged.stdout, "Resources: 4 added");
    let staging = object_json(&moto, bucket, &format!("env:/staging/{KEY}"));
    let default = object_json(&moto, bucket, KEY);
    assert_eq!(addresses(&staging).len(), 4);
    assert_eq!(addresses(&default).len(), 3);
    assert_ne!(staging["lineage"], default["lineage"]);
    assert_eq!(vpcs_named(&moto, "team-staging").len(), 1);
    assert_eq!(vpcs_named(&moto, "team-default").len(), 1);

    // Another clone (only the configuration and its backend settings) sees both workspaces.
    let clone = Stack::from_fixture("tests/fixtures/s3");
    infra(
        &clone,
        Some(&moto),
        &["init", "-input=false", &format!("-backend-config=bucket={bucket}")],
    )
    .ok();
    let listed = infra(&clone, Some(&moto), &["workspace", "list"]).ok();
    assert_eq!(listed.stdout, "* default\n  staging\n");
    infra(&clone, Some(&moto), &["workspace", "select", "staging"]).ok();
    infra(
        &clone,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-detailed-exitcode",
            "-var",
            "subnets=2",
            "-var",
            "cidr=10.9.0.0/16",
        ],
    )
    .expect_code(0);
    let exists = infra(&clone, Some(&moto), &["workspace", "new", "staging"]).expect_code(1);
    assert_contains(&exists.stderr, "already exists");
    let missing = infra(&clone, Some(&moto), &["workspace", "select", "prod"]).expect_code(1);
    assert_contains(&missing.stderr, "doesn't exist");

    // Deleting: not the active workspace, not while it tracks resources, then for real.
    let active = infra(&clone, Some(&moto), &["workspace", "delete", "staging"]).expect_code(1);
    assert_contains(&active.stderr, "active workspace");
    infra(&stack, Some(&moto), &["workspace", "select", "default"]).ok();
    let not_empty = infra(&stack, Some(&moto), &["workspace", "delete", "staging"]).expect_code(1);
    assert_contains(&not_empty.stderr, "not empty");
    infra(
        &clone,
        Some(&moto),
        &[
            "destroy",
            "-input=false",
            "-auto-approve",
            "-var",
            "subnets=2",
            "-var",
            "cidr=10.9.0.0/16",
        ],
    )
    .ok();
    infra(&stack, Some(&moto), &["workspace", "delete", "staging"]).ok();
    assert_eq!(object_keys(&moto, bucket), vec![KEY.to_string()]);
    let listed = infra(&stack, Some(&moto), &["workspace", "list"]).ok();
    assert_eq!(listed.stdout, "* default\n");
    assert!(object_keys(&moto, BUCKET).is_empty(), "the block's bucket is unused");
}

/// One job of the CI workflow, as read line by line from the YAML.
#[derive(Debug, Default)]
struct Job {
    name: String,
    /// The job's `env:` entries.
    env: BTreeMap<String, String>,
    /// `matrix: environment: [a, b]`.
    matrix: Vec<String>,
    /// `environment: NAME` (a GitHub environment, for approvals).
    environment: Option<String>,
    /// Every `infra ...` line of its `run:` steps, in order.
    commands: Vec<String>,
}

/// Reads the workflow's top-level `env:`, the working directory, and its jobs. The workflow
/// keeps a regular shape for this: two-space indentation, jobs at indent 2, job keys at 4,
/// and each infra command on its own line (`run: infra ...` or a line of a `run: |` block).
fn read_workflow(text: &str) -> (BTreeMap<String, String>, String, Vec<Job>) {
    let mut global_env = BTreeMap::new();
    let mut working_directory = String::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut section = String::new();
    let mut job_key = String::new();
    let mut in_run_block: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(block_indent) = in_run_block {
            if indent > block_indent {
                if trimmed.starts_with("infra ") {
                    if let Some(job) = jobs.last_mut() {
                        job.commands.push(trimmed.to_string());
                    }
                }
                continue;
            }
            in_run_block = None;
        }
        if indent == 0 {
            section = trimmed.trim_end_matches(':').to_string();
            continue;
        }
        let (key, value) = match trimmed.trim_start_matches("- ").split_once(':') {
            Some((key, value)) => (key.trim().to_string(), value.trim().to_string()),
            None => (String::new(), String::new()),
        };
        match section.as_str() {
            "env" if indent == 2 => {
                global_env.insert(key, value.trim_matches('"').to_string());
            }
            "defaults" if key == "working-directory" => working_directory = value,
            "jobs" if indent == 2 => jobs.push(Job { name: key, ..Job::default() }),
            "jobs" => {
                let Some(job) = jobs.last_mut() else { continue };
                if indent == 4 {
                    job_key = key.clone();
                    if key == "environment" && !value.is_empty() {
                        job.environment = Some(value.clone());
                    }
                } else if job_key == "env" && indent == 6 {
                    job.env.insert(key.clone(), value.trim_matches('"').to_string());
                } else if job_key == "strategy" && key == "environment" {
                    job.matrix = value
                        .trim_matches(['[', ']'])
                        .split(',')
                        .map(|v| v.trim().to_string())
                        .collect();
                }
                if key == "run" {
                    if value == "|" {
                        in_run_block = Some(indent);
                    } else if value.starts_with("infra ") {
                        job.commands.push(value);
                    }
                }
            }
            _ => {}
        }
    }
    (global_env, working_directory, jobs)
}

/// `${{ ... }}` expressions the test gives values for; any other one fails the test, so the
/// workflow stays runnable here.
fn expand(value: &str, bucket: &str, environment: Option<&str>) -> String {
    let mut out = value.to_string();
    while let Some(start) = out.find("${{") {
        let end = out[start..]
            .find("}}")
            .map(|e| start + e + 2)
            .unwrap_or_else(|| panic!("unclosed expression in `{value}`"));
        let expression = out[start + 3..end - 2].trim();
        let replacement = match expression {
            "vars.INFRA_STATE_BUCKET" => bucket.to_string(),
            "matrix.environment" => {
                environment.unwrap_or_else(|| panic!("`{value}` outside a matrix job")).to_string()
            }
            "github.event.pull_request.number" => "42".to_string(),
            "github.token" => "not-used".to_string(),
            other => panic!("the test has no value for `${{{{ {other} }}}}` in `{value}`"),
        };
        out.replace_range(start..end, &replacement);
    }
    out
}

#[test]
fn the_ci_example_runs_against_the_emulator() {
    let workflow_path = repo_root().join("examples/ci/github-actions.yml");
    let text = std::fs::read_to_string(&workflow_path).expect("the CI example");
    let (global_env, working_directory, jobs) = read_workflow(&text);

    // The shape the issue asks for.
    assert!(text.contains("pull_request:"), "runs on pull requests");
    assert!(text.contains("push:\n    branches: [main]"), "applies on merge to main");
    assert!(text.contains("actions/upload-artifact"), "uploads the plan");
    assert!(text.contains("gh pr comment"), "comments the plan");
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, vec!["plan", "staging", "production"]);
    let job = |name: &str| jobs.iter().find(|j| j.name == name).unwrap();
    assert_eq!(job("plan").matrix, vec!["staging", "production"]);
    assert_eq!(job("production").environment.as_deref(), Some("production"));
    assert!(text.contains("needs: staging"));
    assert!(job("plan")
        .commands
        .iter()
        .any(|c| c.starts_with("infra plan -input=false -out=plan.json -detailed-exitcode")));
    assert!(job("plan")
        .commands
        .iter()
        .any(|c| c.starts_with("infra show -format=markdown plan.json")));
    for name in ["staging", "production"] {
        assert_eq!(job(name).env["INFRA_WORKSPACE"], name);
        assert!(
            job(name).commands.iter().any(|c| c
                .starts_with("infra apply -input=false -auto-approve -lock-timeout=5m -var-file=")),
            "{:?}",
            job(name).commands
        );
    }

    // The line-based reading agrees with a YAML parser (PyYAML, which moto installs).
    let moto = Moto::start();
    let parsed = moto.python(&format!(
        r#"
import yaml
workflow = yaml.safe_load(open({path:?}))
for name, job in workflow["jobs"].items():
    for step in job["steps"]:
        for line in step.get("run", "").splitlines():
            if line.strip().startswith("infra "):
                print(name + "\t" + line.strip())
"#,
        path = workflow_path.display().to_string()
    ));
    let read: Vec<String> = jobs
        .iter()
        .flat_map(|j| j.commands.iter().map(move |c| format!("{}\t{c}", j.name)))
        .collect();
    assert_eq!(parsed.lines().collect::<Vec<_>>(), read);

    // Run every infra command of each job, as the workflow would: the pull request's plans,
    // then the merge's applies, each job in a fresh checkout of the stack.
    let bucket = "ci-state";
    create_bucket(&moto, bucket);
    let bin_dir = std::path::Path::new(BINARY).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut runs = Vec::new();
    for job in &jobs {
        let environments: Vec<Option<&str>> = if job.matrix.is_empty() {
            vec![None]
        } else {
            job.matrix.iter().map(|e| Some(e.as_str())).collect()
        };
        for environment in environments {
            let stack = Stack::from_fixture(&working_directory);
            for command in &job.commands {
                let mut shell = Command::new("bash");
                shell
                    .args(["-c", command])
                    .current_dir(stack.path())
                    .stdin(Stdio::null())
                    .envs(moto.env())
                    .env("PATH", &path)
                    .env_remove("TF_WORKSPACE")
                    .env_remove("INFRA_WORKSPACE");
                for (key, value) in global_env.iter().chain(&job.env) {
                    shell.env(key, expand(value, bucket, environment));
                }
                let output = shell.output().expect("run bash");
                let code = output.status.code().unwrap_or(-1);
                let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                let allowed: &[i32] =
                    if command.contains("-detailed-exitcode") { &[0, 2] } else { &[0] };
                assert!(
                    allowed.contains(&code),
                    "job {} ({environment:?}): `{command}` exited {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                    job.name
                );
                assert!(
                    !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
                    "no terminal escapes without a TTY: {stdout}"
                );
                runs.push((job.name.clone(), environment, command.clone(), code, stdout));
            }
            if job.name == "plan" {
                // The Markdown summary the pull request comment is made of.
                let comment = stack.read("comment.md");
                assert!(comment.starts_with("### infra plan"), "{comment}");
                let to_add = if environment == Some("production") { 4 } else { 3 };
                assert_contains(
                    &comment,
                    &format!("**{to_add} to add, 0 to change, 0 to destroy.**"),
                );
                assert_contains(&comment, "aws_vpc.main");
                assert!(stack.path().join("plan.json").exists());
            }
        }
    }

    // The pull request's plans saw changes; the applies created each environment in its own
    // workspace, with its own variables; nothing was written in the default workspace.
    let plan_codes: Vec<i32> =
        runs.iter().filter(|r| r.2.starts_with("infra plan")).map(|r| r.3).collect();
    assert_eq!(plan_codes, vec![2, 2]);
    let shown: Vec<&String> =
        runs.iter().filter(|r| r.2.starts_with("infra workspace show")).map(|r| &r.4).collect();
    assert_eq!(shown, vec!["staging\n", "production\n", "staging\n", "production\n"]);
    assert_eq!(
        object_keys(&moto, bucket),
        vec![
            "env:/production/ci/terraform.tfstate".to_string(),
            "env:/staging/ci/terraform.tfstate".to_string()
        ]
    );
    let staging = object_json(&moto, bucket, "env:/staging/ci/terraform.tfstate");
    let production = object_json(&moto, bucket, "env:/production/ci/terraform.tfstate");
    assert_eq!(addresses(&staging).len(), 3, "{staging}");
    assert_eq!(addresses(&production).len(), 4, "{production}");
    assert_eq!(vpcs_named(&moto, "ci-staging").len(), 1);
    assert_eq!(vpcs_named(&moto, "ci-production").len(), 1);
}

/// The S3 state and its lock through the fault proxy, half of S3's answers lost (the work
/// done, the answer never heard): the SDK retries, and a retried conditional PUT that finds
/// its own first attempt done is ours (the lock object with our ID, the state object with
/// exactly our bytes, a journal object with exactly our line), not "another writer". Every run exits 0, the state ends as applied,
/// and no lock is left that no one holds.
#[test]
fn the_s3_state_and_its_lock_survive_lost_answers() {
    use infra_testkit::fault_proxy::{FaultProxy, FaultSettings};

    let moto = Moto::start();
    let stack = s3_stack(&moto);
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    proxy.configure(serde_json::json!({ "seed": 1, "after": 0.5, "services": ["s3"] }));
    // And the first answer of each of the lock's, the state's and the journal's PUTs, so
    // that each is shown whatever the seed draws.
    proxy.lose_first(&[format!("PUT /{BUCKET}/{KEY}")], infra_testkit::fault_proxy::LostAs::Error);
    let run = |args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command.envs(proxy.env());
        infra_testkit::run(command, args)
    };
    for (args, when) in [
        (vec!["apply", "-input=false", "-auto-approve", "-var", "subnets=2"], "the apply"),
        (vec!["apply", "-input=false", "-auto-approve", "-var", "subnets=3"], "the second apply"),
        (vec!["plan", "-input=false", "-detailed-exitcode", "-var", "subnets=3"], "the plan"),
    ] {
        let done = run(&args);
        assert_eq!(done.code, 0, "{when}: {}", done.all());
        assert!(
            !object_keys(&moto, BUCKET).iter().any(|k| k.ends_with(".tflock")),
            "{when} left a lock: {:?}",
            object_keys(&moto, BUCKET)
        );
    }
    let lost: Vec<String> = proxy
        .request_log()
        .iter()
        .filter(|entry| entry["fault"].as_str().is_some_and(|f| f.starts_with("answer lost")))
        .filter_map(|entry| entry["operation"].as_str().map(str::to_string))
        .collect();
    for wanted in [
        format!("PUT /{BUCKET}/{KEY}.tflock"),
        format!("PUT /{BUCKET}/{KEY}"),
        format!("PUT /{BUCKET}/{KEY}.infra-journal/"),
    ] {
        assert!(
            lost.iter()
                .any(|op| op == &wanted || (wanted.ends_with('/') && op.starts_with(&wanted))),
            "no answer to `{wanted}` was lost, so this test shows nothing of it: {lost:?}"
        );
    }
    let state = object_json(&moto, BUCKET, KEY);
    assert_eq!(addresses(&state).len(), 5, "{state}");
}

/// The subnets in moto whose Name tag starts with `prefix`.
fn subnets_named(moto: &Moto, prefix: &str) -> usize {
    moto.python(&format!(
        "import boto3\nss = boto3.client('ec2').describe_subnets()['Subnets']\nprint(len([s for s in ss if any(t['Key'] == 'Name' and t['Value'].startswith('{prefix}') for t in s.get('Tags', []))]))"
    ))
    .trim()
    .parse()
    .unwrap_or(usize::MAX)
}

/// With the S3 backend, each operation's record is a small journal object, not a PUT of the
/// whole state (issue 34): an apply writes the state object once or twice, not per object.
/// An apply killed mid-way (its machine gone: nothing local survives) leaves its journal in
/// the bucket; the next run replays it, so the objects made before the kill are in the state
/// and the one being made is adopted, not made twice. Afterwards the bucket holds the state
/// object alone.
#[test]
fn an_s3_apply_journals_each_operation_and_the_next_run_replays_a_killed_ones() {
    use infra_testkit::fault_proxy::{FaultProxy, FaultSettings, HoldWhen};

    let moto = Moto::start();
    let stack = s3_stack(&moto);
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let command = |args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command.envs(proxy.env()).args(args);
        command
    };
    let apply = ["apply", "-input=false", "-auto-approve"];

    // The fifth subnet's create is held after moto made it, then the run is killed.
    proxy.hold_operation("ec2", "CreateSubnet", 5, HoldWhen::AfterForwarding);
    let mut child = command(&apply)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start infra apply");
    let held = proxy.wait_held_or_exit(&mut child);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    proxy.release();
    assert!(held.is_some(), "the apply never created the fifth subnet");
    let journal: Vec<String> = object_keys(&moto, BUCKET)
        .into_iter()
        .filter(|key| key.starts_with(&format!("{KEY}.infra-journal/")))
        .collect();
    assert!(
        journal.len() >= 6,
        "the killed apply's records are in the bucket: {:?}",
        object_keys(&moto, BUCKET)
    );

    // The next run (the lock the killed one left, broken first) replays the journal.
    let lock = object_keys(&moto, BUCKET).into_iter().find(|key| key.ends_with(".tflock"));
    if lock.is_some() {
        let info: serde_json::Value = serde_json::from_str(&moto.python(&format!(
            "import boto3\nprint(boto3.client('s3').get_object(Bucket='{BUCKET}', Key='{KEY}.tflock')['Body'].read().decode())"
        )))
        .expect("lock info");
        let id = info["ID"].as_str().unwrap_or_default().to_string();
        let unlocked = infra_testkit::run(command(&["force-unlock", &id]), &[]);
        assert_eq!(unlocked.code, 0, "{}", unlocked.all());
    }
    let start = proxy.requests() as usize;
    let applied = infra_testkit::run(command(&apply), &[]);
    assert_eq!(applied.code, 0, "the apply after the kill: {}", applied.all());
    assert_eq!(vpcs_named(&moto, "team-default"), vec![state_vpc(&moto)]);
    assert_eq!(subnets_named(&moto, "team-default-"), 8);
    assert_eq!(object_keys(&moto, BUCKET), vec![KEY.to_string()]);
    let stored = object_json(&moto, BUCKET, KEY);
    assert_eq!(addresses(&stored).len(), 10, "{stored}");

    // That apply made what the killed one had not: its records went to the journal, and the
    // state object was written once, at the end.
    let state_puts = proxy.request_log()[start..]
        .iter()
        .filter(|entry| entry["operation"] == format!("PUT /{BUCKET}/{KEY}"))
        .count();
    let journal_puts = proxy.request_log()[start..]
        .iter()
        .filter(|entry| {
            entry["operation"]
                .as_str()
                .is_some_and(|op| op.starts_with(&format!("PUT /{BUCKET}/{KEY}.infra-journal/")))
        })
        .count();
    // The whole state is written where the run resolved the killed one's pending create, and
    // at its end; each of its creates wrote two journal objects (pending, then done).
    assert!(state_puts <= 2, "whole-state PUTs: {state_puts}");
    assert!(journal_puts >= 6, "journal PUTs: {journal_puts}");
    let plan = infra_testkit::run(command(&["plan", "-input=false", "-detailed-exitcode"]), &[]);
    assert_eq!(plan.code, 0, "{}", plan.all());
}

/// The VPC id the S3 state holds.
fn state_vpc(moto: &Moto) -> String {
    object_json(moto, BUCKET, KEY)["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == "aws_vpc.main")
        .and_then(|r| r["attributes"]["id"].as_str().map(str::to_string))
        .unwrap_or_default()
}

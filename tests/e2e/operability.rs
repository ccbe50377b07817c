//! Operability and secrets at rest (issue 19): logs (`INFRA_LOG`, `TF_LOG`, JSON lines, one
//! event per AWS call, never a secret) and state and plan files encrypted at rest as OpenTofu
//! does it (pbkdf2 and aws_kms key providers, aes_gcm, fallback, enforced, TF_ENCRYPTION).

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use infra_testkit::{infra_command, run, Moto, Run, Stack};
use serde_json::Value as Json;

use super::BINARY;

const PASSWORD: &str = "log-secret-7f3a9c2e";

/// A database, a secret and a SecureString parameter, each holding [`PASSWORD`].
const SECRETS_STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "db" {
  identifier          = "logs-db"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
}

resource "aws_secretsmanager_secret" "db" {
  name = "logs-db-password"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = var.db_password
}

resource "aws_ssm_parameter" "db" {
  name  = "/logs/db-password"
  type  = "SecureString"
  value = var.db_password
}
"#;

fn command(stack: &Stack, moto: &Moto, env: &[(&str, &str)]) -> Command {
    let mut command = infra_command(BINARY, stack.path(), Some(moto));
    command.env("TF_VAR_db_password", PASSWORD);
    command.envs(env.iter().copied());
    command
}

fn infra_env(stack: &Stack, moto: &Moto, env: &[(&str, &str)], args: &[&str]) -> Run {
    run(command(stack, moto, env), args)
}

const APPLY: &[&str] = &["apply", "-input=false", "-auto-approve"];

#[test]
fn trace_logs_in_json_name_every_aws_call_and_never_the_secret() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", SECRETS_STACK);
    let log = stack.path().join("infra.log");
    let log_path = log.display().to_string();
    let env = [
        ("INFRA_LOG", "trace"),
        ("INFRA_LOG_FORMAT", "json"),
        ("INFRA_LOG_PATH", log_path.as_str()),
    ];
    let apply = infra_env(&stack, &moto, &env, APPLY).ok();
    // Logs go to the file, never into the plan on stdout or the errors on stderr.
    assert!(!apply.stdout.contains("\"level\""), "{}", apply.stdout);
    assert!(!apply.stderr.contains("\"level\""), "{}", apply.stderr);
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the log file is private");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Json> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines.len() > 50, "{} lines", lines.len());

    // One event per AWS call, inside the operation's span that names the address.
    let calls: Vec<&Json> = lines
        .iter()
        .filter(|l| {
            l["fields"]["message"] == "AWS call" || l["fields"]["message"] == "AWS call failed"
        })
        .collect();
    let create = calls
        .iter()
        .find(|c| c["fields"]["operation"] == "CreateDBInstance")
        .unwrap_or_else(|| panic!("no CreateDBInstance call in the log:\n{text}"));
    let fields = &create["fields"];
    assert_eq!(fields["status"], 200, "{create}");
    assert!(
        !fields["service"].as_str().unwrap_or("").is_empty(),
        "{create}"
    );
    assert!(
        !fields["request_id"].as_str().unwrap_or("").is_empty(),
        "{create}"
    );
    assert!(fields["attempts"].as_u64().unwrap_or(0) >= 1, "{create}");
    assert!(fields["duration_ms"].is_u64(), "{create}");
    let spans = create["spans"].as_array().expect("the call's spans");
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "operation" && s["address"] == "aws_db_instance.db"),
        "{create}"
    );
    for operation in ["CreateSecret", "PutSecretValue", "PutParameter"] {
        assert!(
            calls.iter().any(|c| c["fields"]["operation"] == operation),
            "no {operation} call in the log"
        );
    }
    // The engine's phases are spans, closed with their duration.
    for phase in ["load", "plan", "operation"] {
        assert!(
            lines.iter().any(|l| l["span"]["name"] == phase
                && l["fields"]["message"] == "close"
                && l["fields"]["time.busy"].is_string()),
            "no closed {phase} span"
        );
    }
    // The SDK's own trace events are there too, and none of it holds the password.
    assert!(text.contains("aws_smithy"), "the SDK's events are wired in");
    assert!(!text.contains(PASSWORD), "the password is in the trace log");

    // A plan in text to stderr: the refresh per type is a span, and stdout is only the plan.
    let plan = infra_env(
        &stack,
        &moto,
        &[("TF_LOG", "debug")],
        &["plan", "-input=false"],
    )
    .ok();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("AWS call"), "{}", plan.stdout);
    assert!(plan.stderr.contains("AWS call"), "{}", plan.stderr);
    assert!(
        plan.stderr
            .contains("refresh{provider=\"\" resource_type=\"aws_db_instance\""),
        "{}",
        plan.stderr
    );
    assert!(!plan.stderr.contains(PASSWORD));
}

#[test]
fn an_unknown_log_level_warns_and_logs_at_trace_as_terraform_does() {
    let stack = Stack::new();
    stack.write("main.tf", "variable \"x\" {\n  default = 1\n}\n");
    let mut command = infra_command(BINARY, stack.path(), None);
    command.env("TF_LOG", "loud");
    let validate = run(command, &["validate"]).ok();
    assert!(
        validate
            .stderr
            .contains("[WARN] Invalid log level: \"loud\""),
        "{}",
        validate.stderr
    );
    assert!(validate.stderr.contains("TRACE"), "{}", validate.stderr);
}

/// A stack whose state holds a secret, and an `encryption` block (or none) before it.
fn encrypted_stack(encryption: &str) -> String {
    format!(
        r#"
terraform {{
{encryption}
}}

provider "aws" {{
  region = "us-east-1"
}}

variable "db_password" {{
  type      = string
  sensitive = true
}}

resource "aws_ssm_parameter" "db" {{
  name  = "/enc/db-password"
  type  = "SecureString"
  value = var.db_password
}}
"#
    )
}

/// pbkdf2 with the fewest iterations OpenTofu accepts, so that the unoptimised test binary
/// derives keys quickly.
fn pbkdf2_block(name: &str, passphrase: &str) -> String {
    format!(
        "  key_provider \"pbkdf2\" \"{name}\" {{\n    passphrase    = \"{passphrase}\"\n    iterations    = 200000\n    hash_function = \"sha256\"\n  }}\n  method \"aes_gcm\" \"{name}\" {{\n    keys = key_provider.pbkdf2.{name}\n  }}\n"
    )
}

fn encryption(blocks: &str, state: &str) -> String {
    format!("  encryption {{\n{blocks}{state}  }}\n")
}

fn state_bytes(stack: &Stack) -> Vec<u8> {
    std::fs::read(stack.path().join("infra.tfstate.json")).expect("state file")
}

fn assert_encrypted(bytes: &[u8], provider: &str) {
    let text = String::from_utf8_lossy(bytes);
    let document: Json = serde_json::from_slice(bytes).expect("JSON");
    assert_eq!(document["encryption_version"], "v0", "{text}");
    assert!(
        document["meta"].get(provider).is_some(),
        "written with {provider}: {text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!text.contains("aws_ssm_parameter"), "{text}");
}

#[test]
fn a_local_state_is_encrypted_rotated_and_refused_with_a_wrong_passphrase() {
    let moto = Moto::start();
    let stack = Stack::new();
    let none: &[(&str, &str)] = &[];
    // A plain state first, then encrypted through `fallback { method = unencrypted }`.
    stack.write("main.tf", &encrypted_stack(""));
    infra_env(&stack, &moto, none, APPLY).ok();
    let old = "the first passphrase!";
    let first = encryption(
        &(pbkdf2_block("first", old) + "  method \"unencrypted\" \"plain\" {}\n"),
        "    state {\n      method = method.aes_gcm.first\n      fallback {\n        method = method.unencrypted.plain\n      }\n    }\n",
    );
    stack.write("main.tf", &encrypted_stack(&first));
    stack.write(
        "extra.tf",
        "resource \"aws_cloudwatch_log_group\" \"a\" {\n  name = \"/enc/a\"\n}\n",
    );
    infra_env(&stack, &moto, none, APPLY).ok();
    assert_encrypted(&state_bytes(&stack), "key_provider.pbkdf2.first");
    let backup = std::fs::read(stack.path().join("infra.tfstate.json.backup")).unwrap();
    assert!(!backup.is_empty());
    let mode = std::fs::metadata(stack.path().join("infra.tfstate.json"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let plan = infra_env(
        &stack,
        &moto,
        none,
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());

    // `state pull` prints the plaintext with the key.
    let pull = infra_env(&stack, &moto, none, &["state", "pull"]).ok();
    let pulled: Json = serde_json::from_str(&pull.stdout).expect("plaintext state");
    assert!(
        pull.stdout.contains("aws_cloudwatch_log_group"),
        "{}",
        pull.stdout
    );
    assert!(pulled["lineage"].is_string());

    // A wrong passphrase: exit 1, the reason, nothing written.
    let before = state_bytes(&stack);
    let wrong = encryption(
        &pbkdf2_block("first", "not the passphrase!"),
        "    state {\n      method = method.aes_gcm.first\n    }\n",
    );
    stack.write("main.tf", &encrypted_stack(&wrong));
    let refused = infra_env(&stack, &moto, none, APPLY).expect_code(1);
    assert!(
        refused.stderr.contains("message authentication failed"),
        "{}",
        refused.all()
    );
    let pull = infra_env(&stack, &moto, none, &["state", "pull"]).expect_code(1);
    assert!(
        !pull.stdout.contains("aws_cloudwatch_log_group"),
        "{}",
        pull.stdout
    );
    assert_eq!(state_bytes(&stack), before, "a wrong key wrote the state");

    // No encryption configuration at all: the state says it is encrypted.
    stack.write("main.tf", &encrypted_stack(""));
    let unconfigured = infra_env(&stack, &moto, none, &["plan", "-input=false"]).expect_code(1);
    assert!(
        unconfigured
            .stderr
            .contains("is encrypted and can not be read without an encryption configuration"),
        "{}",
        unconfigured.all()
    );
    assert_eq!(state_bytes(&stack), before);

    // Key rotation: the new key first, the old one as the fallback; the next write uses the
    // new key, which alone then opens the state. The passphrase comes from TF_ENCRYPTION.
    let rotated_env = format!(
        "{}{}state {{\n  method = method.aes_gcm.second\n  fallback {{\n    method = method.aes_gcm.first\n  }}\n}}\n",
        pbkdf2_block("second", "the second passphrase"),
        pbkdf2_block("first", old)
    );
    let env = [("TF_ENCRYPTION", rotated_env.as_str())];
    stack.write(
        "extra.tf",
        "resource \"aws_cloudwatch_log_group\" \"b\" {\n  name = \"/enc/b\"\n}\n",
    );
    infra_env(&stack, &moto, &env, APPLY).ok();
    assert_encrypted(&state_bytes(&stack), "key_provider.pbkdf2.second");
    let second_only = format!(
        "{}state {{\n  method = method.aes_gcm.second\n}}\n",
        pbkdf2_block("second", "the second passphrase")
    );
    let plan = infra_env(
        &stack,
        &moto,
        &[("TF_ENCRYPTION", second_only.as_str())],
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());
    let first_only = format!(
        "{}state {{\n  method = method.aes_gcm.first\n}}\n",
        pbkdf2_block("first", old)
    );
    let refused = infra_env(
        &stack,
        &moto,
        &[("TF_ENCRYPTION", first_only.as_str())],
        &["plan", "-input=false"],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("no decryption key available"),
        "{}",
        refused.all()
    );
}

#[test]
fn enforced_encryption_refuses_the_unencrypted_method_at_its_line() {
    let stack = Stack::new();
    let config = encryption(
        &(pbkdf2_block("k", "a long enough passphrase") + "  method \"unencrypted\" \"plain\" {}\n"),
        "    state {\n      enforced = true\n      method   = method.aes_gcm.k\n      fallback {\n        method = method.unencrypted.plain\n      }\n    }\n",
    );
    stack.write("main.tf", &encrypted_stack(&config));
    let refused = run(
        infra_command(BINARY, stack.path(), None),
        &["plan", "-input=false", "-var", "db_password=x"],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("Unencrypted method is forbidden"),
        "{}",
        refused.all()
    );
    assert!(
        refused.stderr.contains("main.tf:"),
        "located: {}",
        refused.all()
    );
    let short = encryption(
        &pbkdf2_block("k", "short"),
        "    state {\n      method = method.aes_gcm.k\n    }\n",
    );
    stack.write("main.tf", &encrypted_stack(&short));
    let refused = run(
        infra_command(BINARY, stack.path(), None),
        &["plan", "-input=false", "-var", "db_password=x"],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("passphrase is too short"),
        "{}",
        refused.all()
    );
}

#[test]
fn an_s3_state_and_a_plan_file_are_encrypted_with_a_kms_data_key() {
    let moto = Moto::start();
    let key_id = moto
        .python("import boto3\nprint(boto3.client('kms').create_key()['KeyMetadata']['KeyId'])")
        .trim()
        .to_string();
    moto.python("import boto3\nboto3.client('s3').create_bucket(Bucket='enc-state')");
    let stack = Stack::new();
    let config = format!(
        "  backend \"s3\" {{\n    bucket = \"enc-state\"\n    key    = \"app.tfstate\"\n    region = \"us-east-1\"\n  }}\n{}",
        encryption(
            &format!(
                "  key_provider \"aws_kms\" \"k\" {{\n    kms_key_id = \"{key_id}\"\n    key_spec   = \"AES_256\"\n    region     = \"us-east-1\"\n  }}\n  method \"aes_gcm\" \"k\" {{\n    keys = key_provider.aws_kms.k\n  }}\n"
            ),
            "    state {\n      method = method.aes_gcm.k\n    }\n    plan {\n      method = method.aes_gcm.k\n    }\n",
        )
    );
    stack.write("main.tf", &encrypted_stack(&config));
    let none: &[(&str, &str)] = &[];
    infra_env(&stack, &moto, none, &["init", "-input=false"]).ok();

    // A plan file, encrypted, applied.
    infra_env(
        &stack,
        &moto,
        none,
        &["plan", "-input=false", "-out=app.tfplan"],
    )
    .ok();
    let plan_file = std::fs::read(stack.path().join("app.tfplan")).unwrap();
    let document: Json = serde_json::from_slice(&plan_file).expect("an encrypted plan is JSON");
    assert_eq!(document["encryption_version"], "v0");
    assert!(document.get("serial").is_none(), "a plan has no serial");
    let meta = &document["meta"]["key_provider.aws_kms.k"];
    assert!(meta.is_string(), "{document}");
    assert!(!String::from_utf8_lossy(&plan_file).contains(PASSWORD));
    let show = infra_env(&stack, &moto, none, &["show", "app.tfplan"]).ok();
    assert!(
        show.stdout.contains("aws_ssm_parameter.db"),
        "{}",
        show.stdout
    );
    infra_env(
        &stack,
        &moto,
        none,
        &["apply", "-input=false", "app.tfplan"],
    )
    .ok();

    // The state object in S3 is encrypted; a plan reads it back clean.
    let object = moto.python(
        "import boto3\nprint(boto3.client('s3').get_object(Bucket='enc-state', Key='app.tfstate')['Body'].read().decode())",
    );
    assert_encrypted(object.trim().as_bytes(), "key_provider.aws_kms.k");
    let plan = infra_env(
        &stack,
        &moto,
        none,
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());

    // Without the configuration, neither the plan file nor the state opens.
    stack.write("main.tf", &encrypted_stack(
        "  backend \"s3\" {\n    bucket = \"enc-state\"\n    key    = \"app.tfstate\"\n    region = \"us-east-1\"\n  }\n",
    ));
    let refused = infra_env(&stack, &moto, none, &["show", "app.tfplan"]).expect_code(1);
    assert!(
        refused.stderr.contains("plan file is encrypted"),
        "{}",
        refused.all()
    );
    let refused = infra_env(&stack, &moto, none, &["state", "pull"]).expect_code(1);
    assert!(refused.stderr.contains("is encrypted"), "{}", refused.all());
}

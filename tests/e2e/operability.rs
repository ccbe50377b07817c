//! Operability and secrets at rest (issue 19): logs (`INFRA_LOG`, `TF_LOG`, JSON lines, one
//! event per AWS call, never a secret) and state and plan files encrypted at rest as OpenTofu
//! does it (pbkdf2 and aws_kms key providers, aes_gcm, fallback, enforced, TF_ENCRYPTION).

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use infra_testkit::{infra_command, run, Moto, Run, Stack};
use serde_json::Value as Json;

use super::{assert_contains, BINARY};

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
    assert!(!fields["service"].as_str().unwrap_or("").is_empty(), "{create}");
    assert!(!fields["request_id"].as_str().unwrap_or("").is_empty(), "{create}");
    assert!(fields["attempts"].as_u64().unwrap_or(0) >= 1, "{create}");
    assert!(fields["duration_ms"].is_u64(), "{create}");
    let spans = create["spans"].as_array().expect("the call's spans");
    assert!(
        spans.iter().any(|s| s["name"] == "operation" && s["address"] == "aws_db_instance.db"),
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
    let plan = infra_env(&stack, &moto, &[("TF_LOG", "debug")], &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "No changes");
    assert!(!plan.stdout.contains("AWS call"), "{}", plan.stdout);
    assert_contains(&plan.stderr, "AWS call");
    assert_contains(&plan.stderr, "refresh{provider=\"\" resource_type=\"aws_db_instance\"");
    assert!(!plan.stderr.contains(PASSWORD));
}

#[test]
fn an_unknown_log_level_warns_and_logs_at_trace_as_terraform_does() {
    let stack = Stack::new();
    stack.write("main.tf", "variable \"x\" {\n  default = 1\n}\n");
    let mut command = infra_command(BINARY, stack.path(), None);
    command.env("TF_LOG", "loud");
    let validate = run(command, &["validate"]).ok();
    assert_contains(&validate.stderr, "[WARN] Invalid log level: \"loud\"");
    assert_contains(&validate.stderr, "TRACE");
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
    std::fs::read(stack.path().join("terraform.tfstate")).expect("state file")
}

fn assert_encrypted(bytes: &[u8], provider: &str) {
    let text = String::from_utf8_lossy(bytes);
    let document: Json = serde_json::from_slice(bytes).expect("JSON");
    assert_eq!(document["encryption_version"], "v0", "{text}");
    assert!(document["meta"].get(provider).is_some(), "written with {provider}: {text}");
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
    let backup = std::fs::read(stack.path().join("terraform.tfstate.backup")).unwrap();
    assert!(!backup.is_empty());
    let mode =
        std::fs::metadata(stack.path().join("terraform.tfstate")).unwrap().permissions().mode()
            & 0o777;
    assert_eq!(mode, 0o600);
    let plan = infra_env(&stack, &moto, none, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());

    // `state pull` prints the plaintext with the key.
    let pull = infra_env(&stack, &moto, none, &["state", "pull"]).ok();
    let pulled: Json = serde_json::from_str(&pull.stdout).expect("plaintext state");
    assert_contains(&pull.stdout, "aws_cloudwatch_log_group");
    assert!(pulled["lineage"].is_string());

    // A wrong passphrase: exit 1, the reason, nothing written.
    let before = state_bytes(&stack);
    let wrong = encryption(
        &pbkdf2_block("first", "not the passphrase!"),
        "    state {\n      method = method.aes_gcm.first\n    }\n",
    );
    stack.write("main.tf", &encrypted_stack(&wrong));
    let refused = infra_env(&stack, &moto, none, APPLY).expect_code(1);
    assert!(refused.stderr.contains("message authentication failed"), "{}", refused.all());
    let pull = infra_env(&stack, &moto, none, &["state", "pull"]).expect_code(1);
    assert!(!pull.stdout.contains("aws_cloudwatch_log_group"), "{}", pull.stdout);
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
    let first_only =
        format!("{}state {{\n  method = method.aes_gcm.first\n}}\n", pbkdf2_block("first", old));
    let refused = infra_env(
        &stack,
        &moto,
        &[("TF_ENCRYPTION", first_only.as_str())],
        &["plan", "-input=false"],
    )
    .expect_code(1);
    assert!(refused.stderr.contains("no decryption key available"), "{}", refused.all());
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
    assert!(refused.stderr.contains("Unencrypted method is forbidden"), "{}", refused.all());
    assert!(refused.stderr.contains("main.tf:"), "located: {}", refused.all());
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
    assert!(refused.stderr.contains("passphrase is too short"), "{}", refused.all());
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
    infra_env(&stack, &moto, none, &["plan", "-input=false", "-out=app.tfplan"]).ok();
    let plan_file = std::fs::read(stack.path().join("app.tfplan")).unwrap();
    let document: Json = serde_json::from_slice(&plan_file).expect("an encrypted plan is JSON");
    assert_eq!(document["encryption_version"], "v0");
    assert!(document.get("serial").is_none(), "a plan has no serial");
    let meta = &document["meta"]["key_provider.aws_kms.k"];
    assert!(meta.is_string(), "{document}");
    assert!(!String::from_utf8_lossy(&plan_file).contains(PASSWORD));
    let show = infra_env(&stack, &moto, none, &["show", "app.tfplan"]).ok();
    assert_contains(&show.stdout, "aws_ssm_parameter.db");
    infra_env(&stack, &moto, none, &["apply", "-input=false", "app.tfplan"]).ok();

    // The state object in S3 is encrypted; a plan reads it back clean.
    let object = moto.python(
        "import boto3\nprint(boto3.client('s3').get_object(Bucket='enc-state', Key='app.tfstate')['Body'].read().decode())",
    );
    assert_encrypted(object.trim().as_bytes(), "key_provider.aws_kms.k");
    let plan = infra_env(&stack, &moto, none, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());

    // Without the configuration, neither the plan file nor the state opens.
    stack.write("main.tf", &encrypted_stack(
        "  backend \"s3\" {\n    bucket = \"enc-state\"\n    key    = \"app.tfstate\"\n    region = \"us-east-1\"\n  }\n",
    ));
    let refused = infra_env(&stack, &moto, none, &["show", "app.tfplan"]).expect_code(1);
    assert!(refused.stderr.contains("plan file is encrypted"), "{}", refused.all());
    let refused = infra_env(&stack, &moto, none, &["state", "pull"]).expect_code(1);
    assert!(refused.stderr.contains("is encrypted"), "{}", refused.all());
}

/// A stack for the machine-readable UI: two resources, one of them counted, a data source,
/// and a plain and a sensitive output.
const UI_STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

data "aws_region" "current" {}

resource "aws_cloudwatch_log_group" "app" {
  count = 2
  name  = "/ui/app-${count.index}"
}

resource "aws_ssm_parameter" "region" {
  name  = "/ui/region"
  type  = "String"
  value = data.aws_region.current.name
}

output "groups" {
  value = aws_cloudwatch_log_group.app[*].name
}

output "secret" {
  value     = aws_ssm_parameter.region.value
  sensitive = true
}
"#;

/// The messages of a `-json` run: every stdout line is one, with Terraform's common keys.
fn messages(run: &Run) -> Vec<Json> {
    let timestamp = regex_like_rfc3339_micros;
    run.stdout
        .lines()
        .map(|line| {
            let message: Json = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON message ({e}): {line}\n{}", run.all()));
            for key in ["@level", "@message", "@module", "@timestamp", "type"] {
                assert!(message[key].is_string(), "{key} missing in {line}");
            }
            assert!(
                matches!(message["@level"].as_str(), Some("info" | "warn" | "error")),
                "{line}"
            );
            assert_eq!(message["@module"], "terraform.ui", "{line}");
            assert!(timestamp(message["@timestamp"].as_str().unwrap()), "{line}");
            check_message(&message);
            message
        })
        .collect()
}

/// `2026-11-23T21:38:34.137481Z`: RFC 3339 with microseconds.
fn regex_like_rfc3339_micros(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.len() == 27
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && bytes[19] == b'.'
        && text.ends_with('Z')
        && text[20..26].bytes().all(|b| b.is_ascii_digit())
}

/// Terraform's resource object.
fn check_resource(resource: &Json, context: &Json) {
    for key in ["addr", "module", "resource", "implied_provider", "resource_type", "resource_name"]
    {
        assert!(resource[key].is_string(), "{key} in {context}");
    }
    assert!(resource.get("resource_key").is_some(), "resource_key in {context}");
    assert_eq!(resource["implied_provider"], "aws", "{context}");
}

const ACTIONS: &[&str] =
    &["noop", "create", "read", "update", "replace", "delete", "move", "import", "remove"];

/// Each type's payload as Terraform's machine-readable UI documents it.
fn check_message(message: &Json) {
    let kind = message["type"].as_str().unwrap();
    match kind {
        "version" => {
            assert!(message["terraform"].is_string() && message["ui"].is_string(), "{message}");
        }
        "planned_change" | "resource_drift" => {
            let change = &message["change"];
            check_resource(&change["resource"], message);
            assert!(ACTIONS.contains(&change["action"].as_str().unwrap_or("")), "{message}");
        }
        "change_summary" => {
            let changes = &message["changes"];
            for key in ["add", "change", "import", "remove"] {
                assert!(changes[key].is_u64(), "{key} in {message}");
            }
            assert!(
                matches!(changes["operation"].as_str(), Some("plan" | "apply" | "destroy")),
                "{message}"
            );
        }
        "outputs" => {
            for (_, output) in message["outputs"].as_object().expect("outputs object") {
                assert!(output["sensitive"].is_boolean(), "{message}");
                if output["sensitive"] == true {
                    assert!(output.get("value").is_none(), "a sensitive value: {message}");
                }
            }
        }
        "apply_start" | "apply_progress" | "apply_complete" | "apply_errored" => {
            let hook = &message["hook"];
            check_resource(&hook["resource"], message);
            assert!(ACTIONS.contains(&hook["action"].as_str().unwrap_or("")), "{message}");
            if kind != "apply_start" {
                assert!(hook["elapsed_seconds"].is_u64(), "{message}");
            }
            if hook.get("id_key").is_some() {
                assert!(hook["id_value"].is_string(), "{message}");
            }
        }
        "refresh_start" | "refresh_complete" => {
            check_resource(&message["hook"]["resource"], message)
        }
        "diagnostic" => {
            let diagnostic = &message["diagnostic"];
            assert!(
                matches!(diagnostic["severity"].as_str(), Some("error" | "warning")),
                "{message}"
            );
            assert!(
                diagnostic["summary"].is_string() && diagnostic["detail"].is_string(),
                "{message}"
            );
            if let Some(range) = diagnostic.get("range") {
                assert!(range["filename"].is_string(), "{message}");
                for end in ["start", "end"] {
                    for key in ["line", "column", "byte"] {
                        assert!(range[end][key].is_u64(), "{message}");
                    }
                }
                let snippet = &diagnostic["snippet"];
                assert!(snippet["code"].is_string() && snippet["start_line"].is_u64(), "{message}");
                assert!(snippet["values"].is_array(), "{message}");
            }
        }
        "log" => {}
        // infra's own, documented in json_ui.rs and the README.
        "deployment_step" | "recovered" => check_resource(&message["hook"]["resource"], message),
        other => {
            panic!("a message type Terraform does not document and infra does not own: {other}")
        }
    }
}

fn of_type<'a>(messages: &'a [Json], kind: &str) -> Vec<&'a Json> {
    messages.iter().filter(|m| m["type"] == kind).collect()
}

#[test]
fn plan_apply_and_destroy_speak_terraforms_machine_readable_ui() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", UI_STACK);
    let none: &[(&str, &str)] = &[];

    let plan = infra_env(&stack, &moto, none, &["plan", "-json"]).ok();
    let plan = messages(&plan);
    assert_eq!(plan[0]["type"], "version");
    let planned = of_type(&plan, "planned_change");
    assert_eq!(planned.len(), 3, "{plan:?}");
    let counted = planned
        .iter()
        .find(|m| m["change"]["resource"]["addr"] == "aws_cloudwatch_log_group.app[1]")
        .expect("the counted instance");
    assert_eq!(counted["change"]["resource"]["resource_key"], 1);
    assert_eq!(counted["change"]["action"], "create");
    assert_eq!(counted["@message"], "aws_cloudwatch_log_group.app[1]: Plan to create");
    let summary = of_type(&plan, "change_summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["changes"]["add"], 3);
    assert_eq!(summary[0]["changes"]["operation"], "plan");
    assert_eq!(summary[0]["@message"], "Plan: 3 to add, 0 to change, 0 to destroy.");
    let outputs = of_type(&plan, "outputs");
    assert_eq!(outputs[0]["outputs"]["groups"]["action"], "create");

    // -json cannot prompt: apply without a plan file needs -auto-approve.
    let refused = infra_env(&stack, &moto, none, &["apply", "-json"]).expect_code(1);
    let refused = messages(&refused);
    assert!(of_type(&refused, "diagnostic")[0]["diagnostic"]["summary"]
        .as_str()
        .unwrap()
        .contains("auto-approve required"));

    let apply = infra_env(&stack, &moto, none, &["apply", "-json", "-auto-approve"]).ok();
    let apply = messages(&apply);
    assert_eq!(apply[0]["type"], "version");
    let started = of_type(&apply, "apply_start");
    let complete = of_type(&apply, "apply_complete");
    assert!(started.len() >= 3 && complete.len() == 3, "{apply:?}");
    let parameter = complete
        .iter()
        .find(|m| m["hook"]["resource"]["addr"] == "aws_ssm_parameter.region")
        .expect("the parameter completes");
    assert_eq!(parameter["hook"]["id_value"], "/ui/region");
    assert!(
        parameter["@message"]
            .as_str()
            .unwrap()
            .starts_with("aws_ssm_parameter.region: Creation complete after "),
        "{parameter}"
    );
    let summaries = of_type(&apply, "change_summary");
    let last = summaries.last().unwrap();
    assert_eq!(last["changes"]["operation"], "apply");
    assert_eq!(last["@message"], "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    let outputs = of_type(&apply, "outputs");
    let outputs = &outputs.last().unwrap()["outputs"];
    assert_eq!(outputs["groups"]["value"], serde_json::json!(["/ui/app-0", "/ui/app-1"]));
    assert_eq!(outputs["groups"]["type"], serde_json::json!(["tuple", ["string", "string"]]));
    assert_eq!(outputs["secret"]["sensitive"], true);
    assert!(outputs["secret"].get("value").is_none());
    assert!(!apply
        .iter()
        .any(|m| m.to_string().contains("us-east-1\"}") && m["type"] == "outputs"));

    // Drift: a group deleted outside infra.
    moto.python("import boto3\nboto3.client('logs').delete_log_group(logGroupName='/ui/app-1')");
    let plan = infra_env(&stack, &moto, none, &["plan", "-json"]).ok();
    let plan = messages(&plan);
    assert!(of_type(&plan, "refresh_start").len() >= 3, "{plan:?}");
    let drift = of_type(&plan, "resource_drift");
    assert_eq!(drift.len(), 1, "{plan:?}");
    assert_eq!(drift[0]["change"]["action"], "delete");
    assert_eq!(drift[0]["@message"], "aws_cloudwatch_log_group.app[1]: Drift detected (delete)");

    // The same drift with -refresh-only: drift only, no planned change.
    let refresh_only = infra_env(&stack, &moto, none, &["plan", "-json", "-refresh-only"]).ok();
    let refresh_only = messages(&refresh_only);
    assert_eq!(of_type(&refresh_only, "resource_drift").len(), 1, "{refresh_only:?}");
    assert!(of_type(&refresh_only, "planned_change").is_empty(), "{refresh_only:?}");

    let destroy = infra_env(&stack, &moto, none, &["destroy", "-json", "-auto-approve"]).ok();
    let destroy = messages(&destroy);
    assert!(of_type(&destroy, "apply_start").iter().all(|m| m["hook"]["action"] == "delete"));
    let last = of_type(&destroy, "change_summary");
    let last = last.last().unwrap();
    assert_eq!(last["changes"]["operation"], "destroy");
    assert!(last["@message"].as_str().unwrap().starts_with("Destroy complete! Resources: "));

    // A failed operation: `apply_errored`, then a diagnostic naming the address. The parameter
    // exists already and is not this configuration's, so the create is refused.
    moto.python(
        "import boto3\nboto3.client('ssm').put_parameter(Name='/ui/region', Value='taken', Type='String')",
    );
    let failed =
        infra_env(&stack, &moto, none, &["apply", "-json", "-auto-approve"]).expect_code(1);
    let failed = messages(&failed);
    let errored = of_type(&failed, "apply_errored");
    assert_eq!(errored.len(), 1, "{failed:?}");
    assert_eq!(errored[0]["hook"]["resource"]["addr"], "aws_ssm_parameter.region");
    assert!(
        of_type(&failed, "diagnostic")
            .iter()
            .any(|m| m["diagnostic"]["address"] == "aws_ssm_parameter.region"),
        "{failed:?}"
    );

    // A configuration error is a diagnostic with its range and snippet.
    stack.write("broken.tf", "resource \"aws_ssm_parameter\" \"bad\" {\n  name = \"/ui/bad\"\n  type = \"String\"\n  value = var.missing\n}\n");
    let broken = infra_env(&stack, &moto, none, &["plan", "-json"]).expect_code(1);
    let broken = messages(&broken);
    let diagnostic = &of_type(&broken, "diagnostic")[0]["diagnostic"];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["range"]["filename"], "broken.tf");
    assert_eq!(diagnostic["range"]["start"]["line"], 4);
}

/// Write-only arguments, their values from the environment and their versions from `-var`.
const WRITE_ONLY_STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "password_version" {
  type = number
}

resource "aws_db_instance" "db" {
  identifier          = "wo-db"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password_wo         = var.db_password
  password_wo_version = var.password_version
  skip_final_snapshot = true
}

resource "aws_secretsmanager_secret" "db" {
  name = "wo-db-password"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = var.db_password
  secret_string_wo_version = var.password_version
}

resource "aws_ssm_parameter" "db" {
  name             = "/wo/db-password"
  type             = "SecureString"
  value_wo         = var.db_password
  value_wo_version = var.password_version
}
"#;

fn stored_secret(moto: &Moto) -> String {
    moto.python(
        "import boto3\nprint(boto3.client('secretsmanager').get_secret_value(SecretId='wo-db-password')['SecretString'])\nprint(boto3.client('ssm').get_parameter(Name='/wo/db-password', WithDecryption=True)['Parameter']['Value'])",
    )
}

#[test]
fn write_only_arguments_are_sent_never_stored_and_sent_again_when_their_version_changes() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", WRITE_ONLY_STACK);
    let first = "first-wo-password-1";
    let second = "second-wo-password-2";
    let with = |password: &'static str, version: &str, args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command.env("TF_VAR_db_password", password);
        command.args(args).args(["-var", &format!("password_version={version}")]);
        run(command, &[])
    };
    with(first, "1", APPLY).ok();
    assert_eq!(stored_secret(&moto), format!("{first}\n{first}\n"), "sent on create");
    let state = stack.read("terraform.tfstate");
    assert!(!state.contains(first), "the state holds the password: {state}");
    let document: Json = stack.state();
    let parameter = document["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_ssm_parameter")
        .expect("the parameter");
    let attributes = &parameter["attributes"];
    assert_eq!(attributes["has_value_wo"], true, "{attributes}");
    assert!(attributes["value_wo"].is_null() && attributes["value"].is_null(), "{attributes}");
    assert_eq!(attributes["value_wo_version"], 1);

    // A new password alone changes nothing: write-only values are never compared.
    let plan = with(second, "1", &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    // A plan file of the same holds no password either.
    with(second, "2", &["plan", "-input=false", "-out=rotate.tfplan"]).ok();
    let plan_file = stack.read("rotate.tfplan");
    assert!(!plan_file.contains(second) && !plan_file.contains(first));

    // A new version sends it: the secret gets a new version, the parameter a new value, the
    // database a ModifyDBInstance (moto does not report passwords; the call is in the log).
    let log = stack.path().join("rotate.log");
    let mut apply = infra_command(BINARY, stack.path(), Some(&moto));
    apply
        .env("TF_VAR_db_password", second)
        .env("INFRA_LOG", "debug")
        .env("INFRA_LOG_PATH", &log)
        .args(["apply", "-input=false", "rotate.tfplan"]);
    let applied = run(apply, &[]).ok();
    assert_contains(&applied.stdout, "aws_secretsmanager_secret_version.db: Destroying");
    assert_eq!(stored_secret(&moto), format!("{second}\n{second}\n"), "sent again");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("operation=\"ModifyDBInstance\""), "no ModifyDBInstance in\n{log}");
    assert!(!log.contains(second));
    let state = stack.read("terraform.tfstate");
    assert!(!state.contains(second) && !state.contains(first));
    let plan = with(second, "2", &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());

    // A version without its write-only argument is refused at plan time, located.
    stack.write("extra.tf", "resource \"aws_ssm_parameter\" \"bad\" {\n  name             = \"/wo/bad\"\n  type             = \"String\"\n  value            = \"x\"\n  value_wo_version = 1\n}\n");
    let refused = with(second, "2", &["plan", "-input=false"]).expect_code(1);
    assert!(
        refused.stderr.contains("all of `value_wo,value_wo_version` must be specified"),
        "{}",
        refused.all()
    );
}

/// Ephemeral resources (Terraform 1.10) chained through write-only arguments: a password is
/// generated, written to a secret, read back from the secret (when the secret exists, so
/// during apply), copied into a parameter and read from the parameter by its ARN.
const EPHEMERAL_STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

ephemeral "random_password" "db" {
  length  = 24
  special = false
}

resource "aws_secretsmanager_secret" "db" {
  name = "eph-db-password"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = ephemeral.random_password.db.result
  secret_string_wo_version = 1
}

ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret_version.db.secret_id
}

resource "aws_ssm_parameter" "copy" {
  name             = "/eph/copy"
  type             = "SecureString"
  value_wo         = ephemeral.aws_secretsmanager_secret_version.db.secret_string
  value_wo_version = 1
}

ephemeral "aws_ssm_parameter" "copy" {
  arn = aws_ssm_parameter.copy.arn
}

resource "aws_ssm_parameter" "again" {
  name             = "/eph/again"
  type             = "SecureString"
  value_wo         = ephemeral.aws_ssm_parameter.copy.value
  value_wo_version = 1
}
"#;

#[test]
fn ephemeral_resources_are_opened_when_known_feed_write_only_arguments_and_are_never_stored() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", EPHEMERAL_STACK);
    let infra = || infra_command(BINARY, stack.path(), Some(&moto));

    let mut plan = infra();
    plan.args(["plan", "-input=false", "-out=eph.tfplan"]);
    let planned = run(plan, &[]).ok();
    // Terraform's four lines, in its order: opened, then closed once the plan's reads are done.
    let lines: Vec<&str> = planned
        .stdout
        .lines()
        .filter(|line| line.starts_with("ephemeral.random_password.db: "))
        .collect();
    assert_eq!(
        lines,
        [
            "ephemeral.random_password.db: Opening...",
            "ephemeral.random_password.db: Opening complete after 0s",
            "ephemeral.random_password.db: Closing...",
            "ephemeral.random_password.db: Closing complete after 0s",
        ],
        "{}",
        planned.stdout
    );
    assert!(
        !planned.stdout.contains("ephemeral.aws_secretsmanager_secret_version.db"),
        "an ephemeral resource is not a change of the plan:\n{}",
        planned.stdout
    );
    assert!(planned.stdout.contains("Plan: 4 to add, 0 to change, 0 to destroy."));
    let plan_file = stack.read("eph.tfplan");
    let document: Json = serde_json::from_str(&plan_file).unwrap();
    for change in document["resource_changes"].as_array().unwrap() {
        assert_eq!(change["mode"], "managed", "{change}");
    }

    let mut apply = infra();
    apply.args(["apply", "-input=false", "eph.tfplan"]);
    let applied = run(apply, &[]).ok();
    // The one the plan deferred is opened during the apply, after the secret's value is
    // written, and closed at the apply's end; so is the saved plan's random_password, opened
    // again for the apply.
    for name in ["aws_secretsmanager_secret_version.db", "random_password.db"] {
        // (Without the time an opening took: reading a secret may take a second.)
        let lines: Vec<&str> = applied
            .stdout
            .lines()
            .filter(|line| line.starts_with(&format!("ephemeral.{name}: ")))
            .map(|line| line.split(" after ").next().unwrap_or(line))
            .collect();
        assert_eq!(
            lines,
            [
                format!("ephemeral.{name}: Opening..."),
                format!("ephemeral.{name}: Opening complete"),
                format!("ephemeral.{name}: Closing..."),
                format!("ephemeral.{name}: Closing complete"),
            ],
            "{}",
            applied.stdout
        );
    }
    let closing = applied.stdout.find("ephemeral.aws_secretsmanager_secret_version.db: Closing...");
    let last_create = applied.stdout.find("aws_ssm_parameter.again: Creation complete");
    assert!(closing > last_create, "closed at the end:\n{}", applied.stdout);
    let values = moto.python(
        "import boto3\nssm = boto3.client('ssm')\nprint(boto3.client('secretsmanager').get_secret_value(SecretId='eph-db-password')['SecretString'])\nfor name in ['/eph/copy', '/eph/again']:\n    print(ssm.get_parameter(Name=name, WithDecryption=True)['Parameter']['Value'])",
    );
    let values: Vec<&str> = values.lines().collect();
    assert_eq!(values.len(), 3, "{values:?}");
    let password = values[0];
    assert_eq!(password.len(), 24);
    assert!(password.chars().all(char::is_alphanumeric), "{password}");
    assert_eq!(values, [password; 3], "the password went through each step");
    let state = stack.read("terraform.tfstate");
    assert!(!state.contains(password), "the state holds the password: {state}");
    assert!(!state.contains("ephemeral"), "{state}");
    assert!(!applied.all().contains(password), "{}", applied.all());

    // Opened again on the next plan (a new password), which changes nothing: write-only
    // values are not compared.
    // Terraform 1.10's machine-readable lines for the opening and the closing.
    let mut again = infra();
    again.args(["plan", "-input=false", "-detailed-exitcode", "-json"]);
    let again = run(again, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    let steps: Vec<(String, String, String)> = again
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|message| message["hook"]["resource"]["addr"] == "ephemeral.random_password.db")
        .map(|message| {
            (
                message["type"].as_str().unwrap_or_default().to_string(),
                message["hook"]["action"].as_str().unwrap_or_default().to_string(),
                message["@message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let step = |kind: &str, action: &str, message: &str| {
        (kind.to_string(), action.to_string(), format!("ephemeral.random_password.db: {message}"))
    };
    assert_eq!(
        steps,
        [
            step("ephemeral_op_start", "open", "Opening..."),
            step("ephemeral_op_complete", "open", "Opening complete after 0s"),
            step("ephemeral_op_start", "close", "Closing..."),
            step("ephemeral_op_complete", "close", "Closing complete after 0s"),
        ],
        "{}",
        again.stdout
    );
}

#[test]
fn an_ephemeral_variable_flows_only_into_write_only_arguments_and_is_asked_for_again_at_apply() {
    let moto = Moto::start();
    let stack = Stack::new();
    let ephemeral_stack = WRITE_ONLY_STACK.replace(
        "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}",
        "variable \"db_password\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}",
    );
    assert_ne!(ephemeral_stack, WRITE_ONLY_STACK);
    stack.write("main.tf", &ephemeral_stack);
    // A child module passes the value on through an ephemeral variable and output.
    stack.write(
        "modules/pass/main.tf",
        "variable \"secret\" {\n  type      = string\n  ephemeral = true\n}\n\noutput \"secret\" {\n  value     = var.secret\n  ephemeral = true\n}\n",
    );
    stack.write(
        "via_module.tf",
        "module \"pass\" {\n  source = \"./modules/pass\"\n  secret = var.db_password\n}\n\nresource \"aws_ssm_parameter\" \"via_module\" {\n  name             = \"/wo/via-module\"\n  type             = \"SecureString\"\n  value_wo         = module.pass.secret\n  value_wo_version = 1\n}\n\noutput \"masked\" {\n  value = ephemeralasnull({ secret = var.db_password, plain = \"kept\", both = [var.db_password, \"kept\"] })\n}\n",
    );
    let password = "ephemeral-password-3";
    let command = |password: Option<&str>, args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        if let Some(password) = password {
            command.env("TF_VAR_db_password", password);
        }
        command.args(args).args(["-var", "password_version=1"]);
        run(command, &[])
    };
    command(Some(password), &["plan", "-input=false", "-out=eph.tfplan"]).ok();
    let plan_file = stack.read("eph.tfplan");
    let document: Json = serde_json::from_str(&plan_file).unwrap();
    assert!(document["variables"].get("db_password").is_none(), "{}", document["variables"]);
    assert!(!plan_file.contains(password));

    // Ephemeral variables are not in a saved plan: apply asks for them again.
    let missing = command(None, &["apply", "-input=false", "eph.tfplan"]).expect_code(1);
    assert!(missing.stderr.contains("db_password"), "{}", missing.all());
    command(Some(password), &["apply", "-input=false", "eph.tfplan"]).ok();
    let via_module = moto.python(
        "import boto3\nprint(boto3.client('ssm').get_parameter(Name='/wo/via-module', WithDecryption=True)['Parameter']['Value'])",
    );
    assert_eq!(via_module.trim(), password);
    let output = run(infra_command(BINARY, stack.path(), Some(&moto)), &["output", "-json"]).ok();
    let outputs: Json = serde_json::from_str(&output.stdout).unwrap();
    // Only the ephemeral parts are null.
    assert_eq!(
        outputs["masked"]["value"],
        serde_json::json!({"secret": null, "plain": "kept", "both": [null, "kept"]}),
        "{outputs}"
    );
    let state = stack.read("terraform.tfstate");
    assert!(!state.contains(password));

    // Anything else is Terraform's error at the expression.
    let misuses = [
        (
            "resource \"aws_ssm_parameter\" \"plain\" {\n  name  = \"/wo/plain\"\n  type  = \"String\"\n  value = var.db_password\n}\n",
            "Ephemeral values are not valid for \"value\"",
            4,
        ),
        (
            "locals {\n  derived = \"prefix-${var.db_password}\"\n}\n\nresource \"aws_cloudwatch_log_group\" \"g\" {\n  name = local.derived\n}\n",
            "Ephemeral values are not valid for \"name\"",
            6,
        ),
        (
            "output \"leak\" {\n  value = var.db_password\n}\n",
            "This output value is not declared as returning an ephemeral value",
            2,
        ),
        (
            "output \"root\" {\n  value     = \"x\"\n  ephemeral = true\n}\n",
            "Ephemeral outputs are not allowed in context of a root module",
            1,
        ),
        (
            "module \"plain\" {\n  source = \"./modules/plain\"\n  secret = var.db_password\n}\n",
            "does not accept ephemeral values",
            3,
        ),
    ];
    stack.write("modules/plain/main.tf", "variable \"secret\" {\n  type = string\n}\n");
    for (text, message, line) in misuses {
        stack.write("misuse.tf", text);
        let refused = command(Some(password), &["validate"]).expect_code(1);
        assert!(refused.stderr.contains(message), "{text}\n{}", refused.all());
        assert!(
            refused.stderr.contains(&format!("misuse.tf:{line}")),
            "located at line {line}: {}",
            refused.all()
        );
    }
}

#[test]
fn manage_master_user_password_keeps_the_database_password_in_secrets_manager() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_db_instance" "db" {
  identifier                  = "managed-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  skip_final_snapshot         = true
}

output "secret_arn" {
  value = aws_db_instance.db.master_user_secret[0].secret_arn
}
"#,
    );
    let none: &[(&str, &str)] = &[];
    infra_env(&stack, &moto, none, APPLY).ok();
    let plan = infra_env(&stack, &moto, none, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    let output =
        run(infra_command(BINARY, stack.path(), Some(&moto)), &["output", "-raw", "secret_arn"])
            .ok();
    let secrets = moto.python(
        "import boto3\nprint([s['ARN'] for s in boto3.client('secretsmanager').list_secrets()['SecretList']])",
    );
    assert!(
        output.stdout.starts_with("arn:aws:secretsmanager:")
            && secrets.contains(output.stdout.trim()),
        "the output {} names none of {secrets}",
        output.stdout
    );
    let state: Json = stack.state();
    let attributes = &state["resources"][0]["attributes"];
    assert_eq!(attributes["manage_master_user_password"], true);
    assert!(attributes["password"].is_null(), "{attributes}");
    infra_env(&stack, &moto, none, &["destroy", "-input=false", "-auto-approve"]).ok();
}

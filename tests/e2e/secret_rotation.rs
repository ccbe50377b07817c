//! Secret rotation: a secret with a value is rotated by a Lambda function (its role, its code
//! from a zip beside the stack with `source_code_hash = filebase64sha256(...)`, and the
//! permission that lets Secrets Manager invoke it) every `automatically_after_days`. A plan
//! afterwards shows no changes; the days change in place; a renamed secret replaces the secret,
//! its version, the permission (whose `source_arn` is the secret) and the rotation; the
//! rotation imports by the secret's ARN; destroy leaves no secret (deleted without a recovery
//! window), function or role in the emulator.
//!
//! moto invokes the rotation function on RotateSecret; the emulator runs Lambda without Docker
//! (`tests/support/moto_lambda.py`), where an invoke succeeds without running the code.

use std::path::PathBuf;

use infra_testkit::module_registry::zip_bytes;
use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "rotation_days" {
  type    = number
  default = 30
}

variable "secret_name" {
  type    = string
  default = "rotated/db"
}

resource "aws_iam_role" "rotator" {
  name = "secret-rotator"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "rotator" {
  function_name    = "secret-rotator"
  role             = aws_iam_role.rotator.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "rotator.zip"
  source_code_hash = filebase64sha256("rotator.zip")
}

resource "aws_lambda_permission" "secrets_manager" {
  statement_id  = "AllowSecretsManager"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rotator.function_name
  principal     = "secretsmanager.amazonaws.com"
  source_arn    = aws_secretsmanager_secret.db.arn
}

resource "aws_secretsmanager_secret" "db" {
  name                    = var.secret_name
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = "first-password" })
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotator.arn

  rotation_rules {
    automatically_after_days = var.rotation_days
  }

  depends_on = [aws_lambda_permission.secrets_manager, aws_secretsmanager_secret_version.db]
}

output "rotation_enabled" {
  value = aws_secretsmanager_secret_rotation.db.rotation_enabled
}

output "rotation_id_is_secret_arn" {
  value = aws_secretsmanager_secret_rotation.db.id == aws_secretsmanager_secret.db.arn
}
"#;

/// The rotation function's code; moto never runs it.
const HANDLER: &str = "def handler(event, context):\n    return {\"step\": event[\"Step\"]}\n";

/// Writes `rotator.zip` (holding `index.py`) into the stack directory.
fn write_function_package(stack: &Stack) {
    stack.write("package/index.py", HANDLER);
    let package = zip_bytes(&stack.path().join("package"), &[PathBuf::from("index.py")]);
    std::fs::write(stack.path().join("rotator.zip"), package).expect("write rotator.zip");
}

/// The stack's secrets (also those scheduled for deletion) with their rotation (enabled, days,
/// function name), its functions with their policy statements, and its role, as the emulator
/// holds them (sorted lines).
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3, json
out = []
sm = boto3.client('secretsmanager')
for listed in sm.list_secrets(IncludePlannedDeletion=True)['SecretList']:
    if not listed['Name'].startswith('rotated/'): continue
    s = sm.describe_secret(SecretId=listed['ARN'])
    if s.get('RotationEnabled'):
        days = s.get('RotationRules', {}).get('AutomaticallyAfterDays')
        out.append(f"secret {s['Name']} rotation {days} {s.get('RotationLambdaARN', '').split(':')[-1]}")
    else:
        out.append(f"secret {s['Name']} no-rotation")
lam = boto3.client('lambda')
for f in lam.list_functions()['Functions']:
    if not f['FunctionName'].startswith('secret-rotator'): continue
    out.append('function ' + f['FunctionName'])
    try:
        policy = json.loads(lam.get_policy(FunctionName=f['FunctionName'])['Policy'])
    except lam.exceptions.ResourceNotFoundException:
        policy = {'Statement': []}
    for statement in policy['Statement']:
        principal = statement['Principal']
        principal = principal.get('Service', principal) if isinstance(principal, dict) else principal
        out.append(f"permission {statement['Sid']} {principal}")
for r in boto3.client('iam').list_roles()['Roles']:
    if r['RoleName'].startswith('secret-rotator'): out.append('role ' + r['RoleName'])
print('\n'.join(sorted(out)))
"#,
    )
}

fn output(stack: &Stack, moto: &Moto, name: &str) -> String {
    infra(stack, Some(moto), &["output", "-raw", name]).ok().stdout.trim().to_string()
}

#[test]
fn secret_rotation_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    write_function_package(&stack);
    let mut vars: Vec<String> = vec![];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 6 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        "function secret-rotator\n\
         permission AllowSecretsManager secretsmanager.amazonaws.com\n\
         role secret-rotator\n\
         secret rotated/db rotation 30 secret-rotator\n"
    );
    assert_eq!(output(&stack, &moto, "rotation_enabled"), "true");
    assert_eq!(output(&stack, &moto, "rotation_id_is_secret_arn"), "true");
    assert_eq!(
        state_id(&stack, "aws_secretsmanager_secret_rotation.db"),
        state_id(&stack, "aws_secretsmanager_secret.db")
    );

    // In place: the rotation schedule.
    vars.push("-var=rotation_days=60".to_string());
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert!(
        emulator_view(&moto).contains("secret rotated/db rotation 60 secret-rotator\n"),
        "{}",
        emulator_view(&moto)
    );

    // A new secret name replaces the secret, and with it its version, the permission whose
    // source is the secret, and the rotation (`secret_id` forces a new one).
    vars.push("-var=secret_name=rotated/db-2".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 4 added, 0 changed, 4 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto),
        "function secret-rotator\n\
         permission AllowSecretsManager secretsmanager.amazonaws.com\n\
         role secret-rotator\n\
         secret rotated/db-2 rotation 60 secret-rotator\n"
    );

    // Import: the rotation by the secret's ARN. (The secret itself is not imported here: its
    // configuration-only `recovery_window_in_days = 0` reads back as the import default 30, as
    // in the provider, so the next plan would update it.)
    let secret_arn = state_id(&stack, "aws_secretsmanager_secret.db");
    assert!(
        secret_arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:rotated/"),
        "{secret_arn}"
    );
    reimport(
        &stack,
        &moto,
        &vars,
        &[("aws_secretsmanager_secret_rotation.db", secret_arn.as_str())],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 6 destroyed.");
    assert_eq!(emulator_view(&moto), "\n");
}

//! Lambda's provider v6 arguments: a function on a Lambda Managed Instances capacity provider
//! (`capacity_provider_config`) that publishes to `$LATEST.PUBLISHED` (`publish = true`,
//! `publish_to = "LATEST_PUBLISHED"`), and a durable function (`durable_config`), with their
//! execution role. A plan afterwards shows no changes; the capacity provider's concurrency per
//! execution environment and the durable execution timeout change in place (the first function
//! publishes a new version); taking `durable_config` away replaces the durable function (whose
//! destroy first lists its running executions to stop them); both import by name; destroy leaves
//! nothing in the emulator.
//!
//! moto 5.2.5 accepts `CapacityProviderConfig`, `DurableConfig` and `PublishTo` on
//! CreateFunction, UpdateFunctionConfiguration and PublishVersion but ignores them and leaves
//! both blocks out of its answers, so what is checked here is that the requests go through and
//! that the state keeps what was configured (drift on those blocks is not seen). Because moto
//! does not return `CapacityProviderConfig`, the import reads none and the next apply sets it
//! in place (against AWS the import reads it). The replacement needs moto to answer
//! ListDurableExecutionsByFunction, which 5.2.5 does not route (the test support's
//! `lambda_durable_executions` adds it, with no executions: moto runs no code).
//!
//! The capacity provider's ARN is a literal: infra has no `aws_lambda_capacity_provider`, and
//! moto does not look it up. No function is invoked.

use infra_testkit::{Moto, Stack};

use super::{apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-2"
}

variable "max_concurrency" {
  type    = number
  default = 10
}

variable "durable" {
  type    = bool
  default = true
}

variable "durable_timeout" {
  type    = number
  default = 3600
}

resource "aws_iam_role" "lambda" {
  name = "infra-lambda-v6-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "managed" {
  function_name    = "infra-lmi"
  role             = aws_iam_role.lambda.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "lambda.zip"
  source_code_hash = filebase64sha256("lambda.zip")
  memory_size      = 2048
  publish          = true
  publish_to       = "LATEST_PUBLISHED"

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn                     = "arn:aws:lambda:us-east-2:123456789012:capacity-provider:infra-lmi"
      per_execution_environment_max_concurrency = var.max_concurrency
    }
  }
}

resource "aws_lambda_function" "durable" {
  function_name    = "infra-durable"
  role             = aws_iam_role.lambda.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "lambda.zip"
  source_code_hash = filebase64sha256("lambda.zip")

  dynamic "durable_config" {
    for_each = var.durable ? [var.durable_timeout] : []
    content {
      execution_timeout = durable_config.value
    }
  }
}

output "durable" {
  value = [aws_lambda_function.durable.durable_config, aws_lambda_function.managed.version]
}
"#;

/// Writes `lambda.zip` (one `index.py`) into the stack directory, with a fixed timestamp.
fn write_package(moto: &Moto, stack: &Stack) {
    let path = stack.path().join("lambda.zip");
    moto.python(&format!(
        r#"
import zipfile
source = "def handler(event, context):\n    return 'ok'\n"
with zipfile.ZipFile(r'{path}', 'w') as archive:
    archive.writestr(zipfile.ZipInfo('index.py', date_time=(2024, 1, 1, 0, 0, 0)), source)
"#,
        path = path.display()
    ));
}

/// Every function in us-east-2 with its memory size and versions, and the IAM roles, as the
/// emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
lam = boto3.client('lambda', region_name='us-east-2')
for f in sorted(lam.list_functions()['Functions'], key=lambda f: f['FunctionName']):
    name = f['FunctionName']
    versions = [v['Version'] for v in lam.list_versions_by_function(FunctionName=name)['Versions']]
    print('function', name, f['MemorySize'], versions)
for r in boto3.client('iam').list_roles()['Roles']:
    print('role', r['RoleName'])
"#,
    )
}

/// `infra plan VARS`, which must succeed; its stdout.
fn plan(stack: &Stack, moto: &Moto, vars: &[String]) -> String {
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    infra(stack, Some(moto), &args).ok().stdout
}

#[test]
fn lambda_capacity_provider_publish_to_and_durable_config_apply_update_replace_import_and_destroy()
{
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    write_package(&moto, &stack);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        "function infra-durable 128 ['$LATEST']\n\
         function infra-lmi 2048 ['$LATEST', '1']\n\
         role infra-lambda-v6-role\n"
    );
    // The state holds the durable settings as configured, with the default retention period.
    let output = infra(&stack, Some(&moto), &["output", "-json", "durable"]).ok().stdout;
    let output: serde_json::Value = serde_json::from_str(&output).expect("output JSON");
    assert_eq!(
        output,
        serde_json::json!([[{"execution_timeout": 3600, "retention_period": 14}], "1"]),
        "{output}"
    );

    // In place: the concurrency per execution environment (UpdateFunctionConfiguration, then
    // PublishVersion to LATEST_PUBLISHED: version 2) and the durable execution timeout.
    vars.extend(["-var=max_concurrency=20".to_string(), "-var=durable_timeout=7200".to_string()]);
    let planned = plan(&stack, &moto, &vars);
    assert!(
        planned.contains("# aws_lambda_function.managed will be updated in-place")
            && planned.contains("# aws_lambda_function.durable will be updated in-place")
            && planned.contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{planned}"
    );
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto),
        "function infra-durable 128 ['$LATEST']\n\
         function infra-lmi 2048 ['$LATEST', '1', '2']\n\
         role infra-lambda-v6-role\n"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "durable"]).ok().stdout;
    let output: serde_json::Value = serde_json::from_str(&output).expect("output JSON");
    assert_eq!(
        output,
        serde_json::json!([[{"execution_timeout": 7200, "retention_period": 14}], "2"]),
        "{output}"
    );

    // Taking `durable_config` away replaces the durable function.
    vars.push("-var=durable=false".to_string());
    let planned = plan(&stack, &moto, &vars);
    assert!(
        planned.contains("# aws_lambda_function.durable must be replaced")
            && planned.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{planned}"
    );
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto),
        "function infra-durable 128 ['$LATEST']\n\
         function infra-lmi 2048 ['$LATEST', '1', '2']\n\
         role infra-lambda-v6-role\n"
    );

    // Import by function name. `filename`, `publish` and `publish_to` are configuration only,
    // as in the provider, and moto does not return `capacity_provider_config`: each function
    // plans one in-place update that records them; the managed one sends its capacity provider
    // settings and publishes version 3 (to LATEST_PUBLISHED). Nothing is uploaded: AWS runs the
    // package of the configured hash.
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_lambda_function.managed", "infra-lmi"),
            ("aws_lambda_function.durable", "infra-durable"),
        ],
    );
    let planned = plan(&stack, &moto, &vars);
    assert!(
        planned.contains("# aws_lambda_function.managed will be updated in-place")
            && planned.contains("# aws_lambda_function.durable will be updated in-place")
            && planned.contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{planned}"
    );
    let recorded = apply(&stack, &moto, &vars);
    assert_contains(&recorded, "Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the imports");
    assert_eq!(
        emulator_view(&moto),
        "function infra-durable 128 ['$LATEST']\n\
         function infra-lmi 2048 ['$LATEST', '1', '2', '3']\n\
         role infra-lambda-v6-role\n"
    );

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

//! Lambda: a function deployed from a local zip (with its execution role), an alias to the
//! version it publishes, and a permission that lets EventBridge invoke the alias. A plan
//! afterwards shows no changes; a new package, memory size, environment variable, reserved
//! concurrency and tag change the function in place and publish a new version, which the alias
//! (whose description changes too) follows in the same apply; a new function name replaces all
//! three; each imports by its Terraform import ID; destroy leaves nothing in the emulator.
//!
//! The zip is written into the stack directory by the test (Python's `zipfile`, with a fixed
//! timestamp), and `source_code_hash = filebase64sha256("lambda.zip")` follows it. The function
//! is never invoked: the emulator needs Docker for that.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean,
    reimport,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "function_name" {
  type    = string
  default = "infra-lambda"
}

variable "memory_size" {
  type    = number
  default = 128
}

variable "stage" {
  type    = string
  default = "dev"
}

variable "concurrency" {
  type    = number
  default = 5
}

variable "env" {
  type    = string
  default = "dev"
}

variable "alias_description" {
  type    = string
  default = "live traffic"
}

resource "aws_iam_role" "lambda" {
  name = "infra-lambda-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "app" {
  function_name                  = var.function_name
  role                           = aws_iam_role.lambda.arn
  handler                        = "index.handler"
  runtime                        = "python3.12"
  filename                       = "lambda.zip"
  source_code_hash               = filebase64sha256("lambda.zip")
  publish                        = true
  description                    = "infra test function"
  memory_size                    = var.memory_size
  timeout                        = 10
  reserved_concurrent_executions = var.concurrency

  environment {
    variables = {
      STAGE = var.stage
    }
  }

  tags = {
    Env = var.env
  }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = var.alias_description
  function_name    = aws_lambda_function.app.function_name
  function_version = aws_lambda_function.app.version
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowExecutionFromEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.app.function_name
  principal     = "events.amazonaws.com"
  source_arn    = "arn:aws:events:us-east-1:123456789012:rule/infra-lambda-schedule"
  qualifier     = aws_lambda_alias.live.name
}

output "function" {
  value = [aws_lambda_function.app.qualified_arn, aws_lambda_function.app.invoke_arn, aws_lambda_function.app.code_sha256]
}
"#;

/// Writes `lambda.zip` (one `index.py` returning `word`) into the stack directory; returns its
/// base64 SHA-256, as `filebase64sha256` and Lambda's `CodeSha256` give it.
fn write_package(moto: &Moto, stack: &Stack, word: &str) -> String {
    let path = stack.path().join("lambda.zip");
    let script = format!(
        r#"
import base64, hashlib, zipfile
path = r'{path}'
source = "def handler(event, context):\n    return '{word}'\n"
with zipfile.ZipFile(path, 'w') as archive:
    archive.writestr(zipfile.ZipInfo('index.py', date_time=(2024, 1, 1, 0, 0, 0)), source)
with open(path, 'rb') as package:
    print(base64.b64encode(hashlib.sha256(package.read()).digest()).decode())
"#,
        path = path.display()
    );
    moto.python(&script).trim().to_string()
}

/// Every function with its memory size, environment, code hash, versions, reserved concurrency
/// and tags, its aliases, the statements of the `live` alias's policy, and the IAM roles, as the
/// emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3, json
lam = boto3.client('lambda')
for f in sorted(lam.list_functions()['Functions'], key=lambda f: f['FunctionName']):
    name = f['FunctionName']
    got = lam.get_function(FunctionName=name)
    versions = [v['Version'] for v in lam.list_versions_by_function(FunctionName=name)['Versions']]
    variables = sorted(f"{k}={v}" for k, v in (f.get('Environment') or {}).get('Variables', {}).items())
    tags = sorted(f"{k}={v}" for k, v in (got.get('Tags') or {}).items() if not k.startswith('infra:'))
    concurrency = (got.get('Concurrency') or {}).get('ReservedConcurrentExecutions')
    print('function', name, f['MemorySize'], variables, f['CodeSha256'], versions, concurrency, tags)
    for a in lam.list_aliases(FunctionName=name)['Aliases']:
        print('alias', a['Name'], a['FunctionVersion'], a.get('Description'))
    try:
        policy = json.loads(lam.get_policy(FunctionName=name, Qualifier='live')['Policy'])
        for s in policy['Statement']:
            print('permission', s['Sid'], s['Resource'].split(':')[-1])
    except lam.exceptions.ResourceNotFoundException:
        pass
for r in boto3.client('iam').list_roles()['Roles']:
    print('role', r['RoleName'])
"#,
    )
}

#[test]
fn lambda_function_alias_and_permission_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let first = write_package(&moto, &stack, "one");
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "function infra-lambda 128 ['STAGE=dev'] {first} ['$LATEST', '1'] 5 ['Env=dev']\n\
             alias live 1 live traffic\n\
             permission AllowExecutionFromEventBridge live\n\
             role infra-lambda-role\n"
        )
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "function"]).ok().stdout;
    for expected in [
        "arn:aws:lambda:us-east-1:123456789012:function:infra-lambda:1",
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:infra-lambda/invocations",
        first.as_str(),
    ] {
        assert!(output.contains(expected), "{expected} in {output}");
    }

    // In place: a new package, memory, an environment variable, no reserved concurrency and a
    // tag on the function, which publishes version 2; the alias's description changes and it
    // moves to the new version in the same apply.
    let second = write_package(&moto, &stack, "two");
    assert_ne!(first, second);
    vars.extend([
        "-var=memory_size=256".to_string(),
        "-var=stage=prod".to_string(),
        "-var=concurrency=-1".to_string(),
        "-var=env=prod".to_string(),
        "-var=alias_description=all traffic".to_string(),
    ]);
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 2 changed, 0 destroyed.",
        "after the in-place update",
    );
    assert_eq!(
        emulator_view(&moto),
        format!(
            "function infra-lambda 256 ['STAGE=prod'] {second} ['$LATEST', '1', '2'] None ['Env=prod']\n\
             alias live 2 all traffic\n\
             permission AllowExecutionFromEventBridge live\n\
             role infra-lambda-role\n"
        )
    );

    // A new function name replaces the function, and with it the alias and the permission.
    vars.push("-var=function_name=infra-lambda-next".to_string());
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert_contains(&plan, "# aws_lambda_function.app must be replaced");
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 3 added, 0 changed, 3 destroyed.",
        "after the replacement",
    );
    assert_eq!(
        emulator_view(&moto),
        format!(
            "function infra-lambda-next 256 ['STAGE=prod'] {second} ['$LATEST', '1'] None ['Env=prod']\n\
             alias live 1 all traffic\n\
             permission AllowExecutionFromEventBridge live\n\
             role infra-lambda-role\n"
        )
    );

    // Import by the Terraform import IDs: the function name, `FUNCTION/ALIAS`, and
    // `FUNCTION:QUALIFIER/STATEMENT_ID`.
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_lambda_function.app", "infra-lambda-next"),
            ("aws_lambda_alias.live", "infra-lambda-next/live"),
            (
                "aws_lambda_permission.events",
                "infra-lambda-next:live/AllowExecutionFromEventBridge",
            ),
        ],
    );
    // As in Terraform, `filename` and `publish` are configuration only: after the import the
    // function plans one in-place update that records them. The package AWS runs has the
    // configured hash, so nothing is uploaded; `publish` changing to true publishes a version
    // (as the provider does), so `version` is known only after apply and the alias, which
    // references it, is planned to follow it in the same apply.
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        plan.contains("# aws_lambda_function.app will be updated in-place")
            && plan.contains("# aws_lambda_alias.live will be updated in-place")
            && plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{plan}"
    );
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 2 changed, 0 destroyed.",
        "after the imports",
    );
    assert!(
        emulator_view(&moto).starts_with(&format!(
            "function infra-lambda-next 256 ['STAGE=prod'] {second} ['$LATEST', '1', '2'] None"
        )) && emulator_view(&moto).contains("alias live 2 all traffic"),
        "{}",
        emulator_view(&moto)
    );

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 4 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

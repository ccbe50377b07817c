//! A stack of application services (SSM parameters, Secrets Manager secrets, a KMS key and
//! alias, an ECR repository with its policies, and their data sources) applies and plans clean;
//! in-place changes and a replacement apply and plan clean; a parameter and a repository import
//! by their Terraform IDs; destroy leaves none of the objects in the emulator. The secret value
//! (a literal in the configuration, not a sensitive variable) never appears in any output.

use infra_testkit::{Moto, Stack};

use super::{apply_run, assert_contains, destroy_run, infra, python_lines, NO_VARS};

/// A value that only the secret and the SecureString parameter hold.
const SECRET: &str = "Hunter2-e2e-9f3a";
const NEW_SECRET: &str = "Rotated-e2e-77c1";
/// A value set behind infra's back.
const DRIFTED: &str = "Drifted-e2e-5b2d";

const STACK: &str = r#"
variable "secret" {
  type    = string
  default = "Hunter2-e2e-9f3a"
}

variable "param_value" {
  type    = string
  default = "first"
}

variable "key_description" {
  type    = string
  default = "application key"
}

variable "mutability" {
  type    = string
  default = "MUTABLE_WITH_EXCLUSION"
}

resource "aws_kms_key" "app" {
  description             = var.key_description
  deletion_window_in_days = 7
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
  tags = {
    app = "web"
  }
}

resource "aws_kms_alias" "app" {
  name          = "alias/e2e-app"
  target_key_id = aws_kms_key.app.key_id
}

resource "aws_ssm_parameter" "plain" {
  name           = "/e2e/app/plain"
  type           = "String"
  insecure_value = var.param_value
  description    = "a plain setting"
  tags = {
    app = "web"
  }
}

resource "aws_ssm_parameter" "secret" {
  name   = "/e2e/app/password"
  type   = "SecureString"
  value  = var.secret
  key_id = aws_kms_key.app.key_id
}

resource "aws_ssm_parameter" "hosts" {
  name            = "/e2e/app/hosts"
  type            = "StringList"
  value           = "alpha,beta"
  tier            = "Standard"
  allowed_pattern = "^[a-z,]+$"
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "e2e/db"
  description             = "database credentials"
  kms_key_id              = aws_kms_key.app.key_id
  recovery_window_in_days = 0

  replica {
    region = "us-west-2"
  }

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
  tags = {
    app = "web"
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = var.secret })
}

resource "aws_ecr_repository" "app" {
  name                 = "e2e-app"
  image_tag_mutability = var.mutability

  image_tag_mutability_exclusion_filter {
    filter      = "latest*"
    filter_type = "WILDCARD"
  }

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = {
    app = "web"
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "expire untagged images"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 14
      }
      action = { type = "expire" }
    }]
  })
}

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "pull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

data "aws_ssm_parameter" "secret" {
  name = aws_ssm_parameter.secret.name
}

data "aws_secretsmanager_secret" "db" {
  arn = aws_secretsmanager_secret.db.arn
}

data "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret_version.db.secret_id
}

data "aws_kms_key" "app" {
  key_id = aws_kms_alias.app.name
}

data "aws_kms_alias" "app" {
  name = aws_kms_alias.app.name
}

data "aws_ecr_repository" "app" {
  name = aws_ecr_repository.app.name
}

output "alias_target" {
  value = data.aws_kms_alias.app.target_key_id == aws_kms_key.app.key_id
}

output "key_enabled" {
  value = data.aws_kms_key.app.enabled
}

output "secret_arn" {
  value = data.aws_secretsmanager_secret.db.arn == aws_secretsmanager_secret.db.arn
}

output "secret_current" {
  value = contains(data.aws_secretsmanager_secret_version.db.version_stages, "AWSCURRENT")
}

output "repository_url" {
  value = data.aws_ecr_repository.app.repository_url == aws_ecr_repository.app.repository_url
}

output "param_type" {
  value = data.aws_ssm_parameter.secret.type
}
"#;

/// Every object of this stack's services in moto, as `kind name` lines (sorted). KMS keys
/// pending deletion and AWS managed aliases are left out: a destroyed key is one scheduled for
/// deletion, as in AWS.
fn service_objects(moto: &Moto) -> Vec<String> {
    let script = r#"
import boto3
out = []
ssm = boto3.client('ssm')
for p in ssm.describe_parameters()['Parameters']: out.append('parameter ' + p['Name'])
for region in ['us-east-1', 'us-west-2']:
    sm = boto3.client('secretsmanager', region_name=region)
    for s in sm.list_secrets(IncludePlannedDeletion=True)['SecretList']: out.append('secret ' + region + ' ' + s['Name'])
kms = boto3.client('kms')
for k in kms.list_keys()['Keys']:
    m = kms.describe_key(KeyId=k['KeyId'])['KeyMetadata']
    if m['KeyManager'] == 'CUSTOMER' and m['KeyState'] != 'PendingDeletion': out.append('key ' + m['KeyId'])
for a in kms.list_aliases()['Aliases']:
    if not a['AliasName'].startswith('alias/aws/'): out.append('alias ' + a['AliasName'])
ecr = boto3.client('ecr')
for r in ecr.describe_repositories()['repositories']: out.append('repository ' + r['repositoryName'])
print('\n'.join(sorted(out)))
"#;
    python_lines(moto, script)
}

fn assert_no_secret(output: &str) {
    for secret in [SECRET, NEW_SECRET] {
        assert!(!output.contains(secret), "a secret value appears in the output:\n{output}");
    }
}

fn plan_is_clean(stack: &Stack, moto: &Moto, args: &[&str]) {
    let mut full = vec!["plan", "-input=false", "-detailed-exitcode"];
    full.extend_from_slice(args);
    let plan = infra(stack, Some(moto), &full);
    assert_eq!(plan.code, 0, "a plan shows changes:\n{}", plan.all());
    assert_no_secret(&plan.all());
}

#[test]
fn application_services_apply_update_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let apply = apply_run(&stack, &moto, NO_VARS).ok();
    assert!(apply.stdout.contains("Apply complete! Resources: 10 added"), "{}", apply.all());
    assert_no_secret(&apply.all());
    for (name, expected) in [
        ("alias_target", "true"),
        ("key_enabled", "true"),
        ("secret_arn", "true"),
        ("secret_current", "true"),
        ("repository_url", "true"),
        ("param_type", "SecureString"),
    ] {
        let output = infra(&stack, Some(&moto), &["output", "-raw", name]).ok();
        assert_eq!(output.stdout.trim(), expected, "output {name}");
    }
    assert!(
        service_objects(&moto).contains(&"secret us-west-2 e2e/db".to_string()),
        "the secret is replicated: {:?}",
        service_objects(&moto)
    );
    plan_is_clean(&stack, &moto, &[]);

    // Drift made behind infra's back is seen, and undone, without showing the values.
    moto.python(&format!(
        "import boto3\nboto3.client('ssm').put_parameter(Name='/e2e/app/password', Type='SecureString', Value='{DRIFTED}', Overwrite=True)\nboto3.client('ecr').put_image_tag_mutability(repositoryName='e2e-app', imageTagMutability='MUTABLE')"
    ));
    let drift = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert!(drift.stdout.contains("0 to add, 2 to change, 0 to destroy"), "{}", drift.all());
    assert!(!drift.all().contains(DRIFTED), "{}", drift.all());
    let undo = apply_run(&stack, &moto, NO_VARS).ok();
    assert!(!undo.all().contains(DRIFTED), "{}", undo.all());
    plan_is_clean(&stack, &moto, &[]);

    // In place: a parameter value, the key's description, the repository's tag mutability.
    let changed = [
        "-var=param_value=second",
        "-var=key_description=application key v2",
        "-var=mutability=IMMUTABLE_WITH_EXCLUSION",
    ];
    let update = apply_run(&stack, &moto, &changed).ok();
    assert!(update.stdout.contains("0 added, 3 changed, 0 destroyed"), "{}", update.all());
    plan_is_clean(&stack, &moto, &changed);
    let read_back = moto.python(
        "import boto3\nprint(boto3.client('ssm').get_parameter(Name='/e2e/app/plain')['Parameter']['Value'])\nprint(boto3.client('ecr').describe_repositories(repositoryNames=['e2e-app'])['repositories'][0]['imageTagMutability'])",
    );
    assert_eq!(read_back.trim(), "second\nIMMUTABLE_WITH_EXCLUSION");

    // A new secret: the version is replaced (its value forces a new one), the SecureString
    // parameter changes in place, and neither value is shown.
    let mut rotated = changed.to_vec();
    let new_secret = format!("-var=secret={NEW_SECRET}");
    rotated.push(&new_secret);
    let mut args = vec!["plan", "-input=false"];
    args.extend_from_slice(&rotated);
    let plan = infra(&stack, Some(&moto), &args).ok();
    assert!(plan.stdout.contains("1 to add, 1 to change, 1 to destroy"), "{}", plan.all());
    assert_contains(&plan.stdout, "(sensitive value)");
    assert_no_secret(&plan.all());
    let replace = apply_run(&stack, &moto, &rotated).ok();
    assert!(replace.stdout.contains("1 added, 1 changed, 1 destroyed"), "{}", replace.all());
    assert_no_secret(&replace.all());
    plan_is_clean(&stack, &moto, &rotated);
    let current = moto.python(
        "import boto3, json\nprint(json.loads(boto3.client('secretsmanager').get_secret_value(SecretId='e2e/db')['SecretString'])['password'])",
    );
    assert_eq!(current.trim(), NEW_SECRET);

    // Import by Terraform ID: a parameter by name, a repository by name, a secret version by
    // `ARN|VERSION_ID`.
    let state: serde_json::Value = stack.state();
    let version_id = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == "aws_secretsmanager_secret_version.db")
        .map(|r| r["attributes"]["id"].as_str().unwrap_or_default().to_string())
        .expect("the secret version in state");
    for (address, id) in [
        ("aws_ssm_parameter.hosts", "/e2e/app/hosts"),
        ("aws_ecr_repository.app", "e2e-app"),
        ("aws_secretsmanager_secret_version.db", version_id.as_str()),
    ] {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false"];
        args.extend_from_slice(&rotated);
        args.extend_from_slice(&[address, id]);
        let import = infra(&stack, Some(&moto), &args);
        assert_eq!(import.code, 0, "import {address} {id}:\n{}", import.all());
        assert_no_secret(&import.all());
    }
    plan_is_clean(&stack, &moto, &rotated);

    let destroy = destroy_run(&stack, &moto, &rotated).ok();
    assert!(
        destroy.stdout.contains("Destroy complete! Resources: 10 destroyed."),
        "{}",
        destroy.all()
    );
    assert_no_secret(&destroy.all());
    assert_eq!(service_objects(&moto), Vec::<String>::new());
}

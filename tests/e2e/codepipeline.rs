//! CodePipeline: a V2 pipeline with a service role and an S3 artifact bucket. Its Source stage
//! has an S3 source action and a GitHub (version 1) source action whose OAuth token must never
//! show; its Deploy stage deploys the S3 source's artifact back to S3 and rolls back on failure.
//! A plan afterwards shows no changes; the source object key, the token and a tag change in
//! place; a new name replaces the pipeline; the pipeline imports by its name; destroy leaves no
//! pipeline, role or bucket. Webhooks (GitHub HMAC and IP) on a pipeline apply, change a filter
//! and a tag in place, import by ARN and are destroyed; moto has no webhook API, so
//! tests/support/moto_codepipeline.py adds it as AWS documents it.
//!
//! moto checks that the role exists and trusts `codepipeline.amazonaws.com` (so the role is a
//! real one), and that the pipeline has at least two stages; it does not validate action
//! providers or their configuration.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean,
    reimport, state_id,
};

const FIRST_TOKEN: &str = "ghp-first-pipeline-token";
const SECOND_TOKEN: &str = "ghp-second-pipeline-token";

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "pipeline_name" {
  type    = string
  default = "release"
}

variable "object_key" {
  type    = string
  default = "source.zip"
}

variable "github_token" {
  type    = string
  default = "ghp-first-pipeline-token"
}

variable "env" {
  type    = string
  default = "dev"
}

resource "aws_iam_role" "pipeline" {
  name = "codepipeline-release"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codepipeline.amazonaws.com" }
    }]
  })
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "infra-codepipeline-artifacts"
  force_destroy = true
}

resource "aws_codepipeline" "main" {
  name           = var.pipeline_name
  role_arn       = aws_iam_role.pipeline.arn
  pipeline_type  = "V2"
  execution_mode = "QUEUED"

  artifact_store {
    location = aws_s3_bucket.artifacts.bucket
    type     = "S3"
  }

  variable {
    name          = "Release"
    default_value = "v1"
    description   = "Release label"
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "S3"
      version          = "1"
      output_artifacts = ["source_output"]
      namespace        = "SourceVariables"

      configuration = {
        S3Bucket             = aws_s3_bucket.artifacts.bucket
        S3ObjectKey          = var.object_key
        PollForSourceChanges = "false"
      }
    }

    action {
      name             = "GitHub"
      category         = "Source"
      owner            = "ThirdParty"
      provider         = "GitHub"
      version          = "1"
      output_artifacts = ["github_output"]

      configuration = {
        Owner      = "example"
        Repo       = "app"
        Branch     = "main"
        OAuthToken = var.github_token
      }
    }
  }

  stage {
    name = "Deploy"

    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "S3"
      version         = "1"
      input_artifacts = ["source_output"]
      run_order       = 1

      configuration = {
        BucketName = aws_s3_bucket.artifacts.bucket
        Extract    = "true"
      }
    }

    on_failure {
      result = "ROLLBACK"
    }
  }

  tags = {
    Env = var.env
  }
}

output "pipeline" {
  value = [aws_codepipeline.main.arn, aws_codepipeline.main.pipeline_type]
}
"#;

/// Every pipeline (name, type, mode, the S3 source's object key, the GitHub action's token
/// and the visible tags), then the stack's role and bucket, as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
codepipeline = boto3.client('codepipeline')
for summary in codepipeline.list_pipelines()['pipelines']:
    answer = codepipeline.get_pipeline(name=summary['name'])
    pipeline = answer['pipeline']
    actions = {a['name']: a for s in pipeline['stages'] for a in s['actions']}
    key = actions['Source']['configuration']['S3ObjectKey']
    token = actions['GitHub']['configuration']['OAuthToken']
    tags = codepipeline.list_tags_for_resource(resourceArn=answer['metadata']['pipelineArn'])['tags']
    visible = sorted(f"{t['key']}={t['value']}" for t in tags if not t['key'].startswith('infra:'))
    print('pipeline', pipeline['name'], pipeline['pipelineType'], pipeline['executionMode'], key, token, visible)
for role in boto3.client('iam').list_roles()['Roles']:
    if role['RoleName'].startswith('codepipeline-'): print('role', role['RoleName'])
for bucket in boto3.client('s3').list_buckets()['Buckets']:
    if bucket['Name'].startswith('infra-codepipeline-'): print('bucket', bucket['Name'])
"#,
    )
}

#[test]
fn codepipeline_applies_updates_replaces_imports_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = vec![];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    assert!(!created.contains(FIRST_TOKEN), "the token leaked: {created}");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "pipeline release V2 QUEUED source.zip {FIRST_TOKEN} ['Env=dev']\n\
             role codepipeline-release\n\
             bucket infra-codepipeline-artifacts\n"
        )
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "pipeline"]).ok();
    assert_contains(&output.stdout, "arn:aws:codepipeline:us-east-1:123456789012:release");

    // In place: the S3 source's object key, the GitHub token and a tag. The plan shows the
    // token only as a sensitive value.
    vars.extend([
        "-var=object_key=release.zip".to_string(),
        format!("-var=github_token={SECOND_TOKEN}"),
        "-var=env=prod".to_string(),
    ]);
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok();
    assert!(plan.stdout.contains("0 to add, 1 to change, 0 to destroy"), "{}", plan.all());
    assert_contains(&plan.stdout, "(sensitive value)");
    assert!(
        !plan.all().contains(FIRST_TOKEN) && !plan.all().contains(SECOND_TOKEN),
        "the token leaked: {}",
        plan.all()
    );
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Resources: 0 added, 1 changed, 0 destroyed.");
    assert!(!changed.contains(SECOND_TOKEN), "the token leaked: {changed}");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "pipeline release V2 QUEUED release.zip {SECOND_TOKEN} ['Env=prod']\n\
             role codepipeline-release\n\
             bucket infra-codepipeline-artifacts\n"
        )
    );

    // A new name replaces the pipeline.
    vars.push("-var=pipeline_name=release-next".to_string());
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 1 added, 0 changed, 1 destroyed.",
        "after the replacement",
    );
    assert_eq!(
        emulator_view(&moto),
        format!(
            "pipeline release-next V2 QUEUED release.zip {SECOND_TOKEN} ['Env=prod']\n\
             role codepipeline-release\n\
             bucket infra-codepipeline-artifacts\n"
        )
    );

    // Import by the Terraform import ID, the pipeline name.
    reimport(&stack, &moto, &vars, &[("aws_codepipeline.main", "release-next")]);
    plan_is_clean(&stack, &moto, &vars, "after the import");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

const WEBHOOK_SECRET: &str = "webhook-shared-secret";

const WEBHOOK_STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "branch" {
  type    = string
  default = "main"
}

variable "env" {
  type    = string
  default = "dev"
}

resource "aws_iam_role" "pipeline" {
  name = "codepipeline-hooked"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codepipeline.amazonaws.com" }
    }]
  })
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "infra-codepipeline-hooked"
  force_destroy = true
}

resource "aws_codepipeline" "main" {
  name     = "hooked"
  role_arn = aws_iam_role.pipeline.arn

  artifact_store {
    location = aws_s3_bucket.artifacts.bucket
    type     = "S3"
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "S3"
      version          = "1"
      output_artifacts = ["source_output"]

      configuration = {
        S3Bucket             = aws_s3_bucket.artifacts.bucket
        S3ObjectKey          = "source.zip"
        PollForSourceChanges = "false"
      }
    }
  }

  stage {
    name = "Deploy"

    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "S3"
      version         = "1"
      input_artifacts = ["source_output"]

      configuration = {
        BucketName = aws_s3_bucket.artifacts.bucket
        Extract    = "true"
      }
    }
  }
}

resource "aws_codepipeline_webhook" "github" {
  name            = "hooked-github"
  authentication  = "GITHUB_HMAC"
  target_action   = "Source"
  target_pipeline = aws_codepipeline.main.name

  authentication_configuration {
    secret_token = "webhook-shared-secret"
  }

  filter {
    json_path    = "$.ref"
    match_equals = "refs/heads/${var.branch}"
  }
}

resource "aws_codepipeline_webhook" "ip" {
  name            = "hooked-ip"
  authentication  = "IP"
  target_action   = "Source"
  target_pipeline = aws_codepipeline.main.name

  authentication_configuration {
    allowed_ip_range = "192.0.2.0/24"
  }

  filter {
    json_path    = "$.ref"
    match_equals = "refs/heads/main"
  }

  filter {
    json_path    = "$.repository.name"
    match_equals = "app"
  }

  tags = {
    Env = var.env
  }
}

output "hooks" {
  value = [aws_codepipeline_webhook.github.url, aws_codepipeline_webhook.ip.arn]
}
"#;

/// Every webhook (name, authentication, its configuration as AWS answers it, target, filters
/// and visible tags), as the emulator holds them.
fn webhooks_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
codepipeline = boto3.client('codepipeline')
for page in codepipeline.get_paginator('list_webhooks').paginate():
    for hook in page['webhooks']:
        d = hook['definition']
        filters = sorted(f"{f['jsonPath']}={f['matchEquals']}" for f in d['filters'])
        tags = codepipeline.list_tags_for_resource(resourceArn=hook['arn'])['tags']
        visible = sorted(f"{t['key']}={t['value']}" for t in tags if not t['key'].startswith('infra:'))
        managed = sorted(t['key'] for t in tags if t['key'].startswith('infra:'))
        print('webhook', d['name'], d['authentication'], d['authenticationConfiguration'], d['targetPipeline'], d['targetAction'], filters, visible, managed)
"#,
    )
}

/// A GitHub HMAC webhook and an IP webhook on a pipeline: applied with their managed tags (the
/// secret token never shown), a clean plan after; a filter and a tag change in place; the IP
/// webhook imports by its ARN; destroy leaves nothing. The GitHub webhook is not imported: AWS
/// redacts its secret token, so an imported one holds the redacted token and plans a
/// replacement, as in the provider.
#[test]
fn codepipeline_webhooks_apply_update_in_place_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", WEBHOOK_STACK);
    let mut vars: Vec<String> = vec![];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    assert!(!created.contains(WEBHOOK_SECRET), "the secret leaked: {created}");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    let managed = "['infra:address', 'infra:lineage']";
    assert_eq!(
        webhooks_view(&moto),
        format!(
            "webhook hooked-github GITHUB_HMAC {{'SecretToken': '****'}} hooked Source ['$.ref=refs/heads/main'] [] {managed}\n\
             webhook hooked-ip IP {{'AllowedIPRange': '192.0.2.0/24'}} hooked Source ['$.ref=refs/heads/main', '$.repository.name=app'] ['Env=dev'] {managed}\n"
        )
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "hooks"]).ok();
    assert!(
        output.stdout.contains("https://us-east-1.webhooks.aws/trigger?t=")
            && output
                .stdout
                .contains("arn:aws:codepipeline:us-east-1:123456789012:webhook:hooked-ip"),
        "{}",
        output.stdout
    );

    // In place: the GitHub webhook's filter (PutWebhook) and the IP webhook's tag (TagResource).
    vars.extend(["-var=branch=release".to_string(), "-var=env=prod".to_string()]);
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok();
    assert!(plan.stdout.contains("0 to add, 2 to change, 0 to destroy"), "{}", plan.all());
    assert!(!plan.all().contains(WEBHOOK_SECRET), "the secret leaked: {}", plan.all());
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 2 changed, 0 destroyed.",
        "after the in-place update",
    );
    assert_eq!(
        webhooks_view(&moto),
        format!(
            "webhook hooked-github GITHUB_HMAC {{'SecretToken': '****'}} hooked Source ['$.ref=refs/heads/release'] [] {managed}\n\
             webhook hooked-ip IP {{'AllowedIPRange': '192.0.2.0/24'}} hooked Source ['$.ref=refs/heads/main', '$.repository.name=app'] ['Env=prod'] {managed}\n"
        )
    );

    // Import by the Terraform import ID, the webhook's ARN.
    let arn = state_id(&stack, "aws_codepipeline_webhook.ip");
    assert_eq!(arn, "arn:aws:codepipeline:us-east-1:123456789012:webhook:hooked-ip");
    reimport(&stack, &moto, &vars, &[("aws_codepipeline_webhook.ip", &arn)]);
    plan_is_clean(&stack, &moto, &vars, "after the import");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 5 destroyed.");
    assert_eq!(webhooks_view(&moto), "");
}

/// moto has no CodeStar Connections service, so a connection is shown at plan only: it plans
/// a create (its ARN and status known after apply), and its plan-time checks are located
/// errors.
#[test]
fn a_codestar_connection_plans_and_its_arguments_are_checked() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_codestarconnections_connection" "github" {
  name          = "github"
  provider_type = "GitHub"
  tags = {
    Team = "platform"
  }
}

output "connection" {
  value = aws_codestarconnections_connection.github.arn
}
"#,
    );
    let planned = infra(&stack, None, &["plan", "-input=false", "-refresh=false"]).ok();
    assert_contains(&planned.stdout, "aws_codestarconnections_connection.github will be created");
    assert_contains(&planned.stdout, "connection_status = (known after apply)");
    assert_contains(&planned.stdout, "Plan: 1 to add, 0 to change, 0 to destroy.");

    stack.write(
        "main.tf",
        r#"
resource "aws_codestarconnections_connection" "both" {
  name          = "github"
  provider_type = "Gitea"
  host_arn      = "arn:aws:codestar-connections:us-east-1:123456789012:host/ghe-1"
}
"#,
    );
    let refused = infra(&stack, None, &["plan", "-input=false", "-refresh=false"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    for message in [
        "\"provider_type\": conflicts with host_arn",
        "\"host_arn\": conflicts with provider_type",
        "main.tf:4",
    ] {
        assert!(refused.all().contains(message), "{message}: {}", refused.all());
    }
    assert!(refused.all().contains("Gitea"), "{}", refused.all());
}

//! CodeBuild and CodeCommit: a CodeCommit repository, a service role, and a CodeBuild project
//! that builds the repository (source CODECOMMIT at the repository's HTTPS clone URL) with
//! plain-text and Parameter Store environment variables, CloudWatch logs, a local cache, a
//! badge and a concurrency limit. A plan afterwards shows no changes; the project's
//! description, build timeout and an environment variable (and the repository's description)
//! change in place; a new project name replaces the project; both types import by their
//! Terraform import IDs (the names); destroy leaves no project, repository or role.
//!
//! moto 5.2.5 lacks UpdateProject and most of CodeCommit's calls; the emulator runs with
//! tests/support/moto_codebuild.py and moto_codecommit.py, which add them.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "project_name" {
  type    = string
  default = "app-build"
}

variable "description" {
  type    = string
  default = "Builds the app"
}

variable "build_timeout" {
  type    = number
  default = 30
}

variable "stage" {
  type    = string
  default = "dev"
}

variable "repository_description" {
  type    = string
  default = "App sources"
}

resource "aws_iam_role" "build" {
  name = "codebuild-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_codecommit_repository" "app" {
  repository_name = "app"
  description     = var.repository_description

  tags = {
    Team = "platform"
  }
}

resource "aws_codebuild_project" "app" {
  name                   = var.project_name
  description            = var.description
  service_role           = aws_iam_role.build.arn
  build_timeout          = var.build_timeout
  queued_timeout         = 60
  concurrent_build_limit = 2
  badge_enabled          = true
  source_version         = "refs/heads/main"

  artifacts {
    type = "NO_ARTIFACTS"
  }

  cache {
    type  = "LOCAL"
    modes = ["LOCAL_SOURCE_CACHE", "LOCAL_DOCKER_LAYER_CACHE"]
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"

    environment_variable {
      name  = "STAGE"
      value = var.stage
    }

    environment_variable {
      name  = "TOKEN"
      value = "/app/token"
      type  = "PARAMETER_STORE"
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name  = "/codebuild/app"
      stream_name = "build"
    }

    s3_logs {
      status = "DISABLED"
    }
  }

  source {
    type            = "CODECOMMIT"
    location        = aws_codecommit_repository.app.clone_url_http
    git_clone_depth = 1
    buildspec       = "buildspec.yml"

    git_submodules_config {
      fetch_submodules = true
    }
  }

  tags = {
    Stage = var.stage
  }
}

output "build" {
  value = [aws_codebuild_project.app.arn, aws_codecommit_repository.app.clone_url_http]
}
"#;

/// Every project (name, description, build timeout, source location, the STAGE variable, the
/// log group, the cache type, the badge and the visible tags), then the stack's repository
/// and role, as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
codebuild = boto3.client('codebuild')
for name in sorted(codebuild.list_projects()['projects']):
    project = codebuild.batch_get_projects(names=[name])['projects'][0]
    variables = {v['name']: v['value'] for v in project['environment'].get('environmentVariables', [])}
    tags = sorted(f"{t['key']}={t['value']}" for t in project.get('tags') or [] if not t['key'].startswith('infra:'))
    print('project', name, project.get('description'), project['timeoutInMinutes'], project['source']['location'],
          variables.get('STAGE'), project['logsConfig']['cloudWatchLogs'].get('groupName'), project['cache']['type'],
          project['badge']['badgeEnabled'], tags)
codecommit = boto3.client('codecommit')
try:
    repository = codecommit.get_repository(repositoryName='app')['repositoryMetadata']
    print('repository', repository['repositoryName'], repository.get('repositoryDescription'))
except codecommit.exceptions.RepositoryDoesNotExistException:
    pass
for role in boto3.client('iam').list_roles()['Roles']:
    if role['RoleName'].startswith('codebuild-'): print('role', role['RoleName'])
"#,
    )
}

const CLONE_URL: &str = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app";

#[test]
fn codebuild_and_codecommit_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = vec![];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "project app-build Builds the app 30 {CLONE_URL} dev /codebuild/app LOCAL True ['Stage=dev']\n\
             repository app App sources\n\
             role codebuild-app\n"
        )
    );
    assert_eq!(
        state_id(&stack, "aws_codebuild_project.app"),
        "arn:aws:codebuild:us-east-1:123456789012:project/app-build"
    );
    assert_eq!(state_id(&stack, "aws_codecommit_repository.app"), "app");
    let output = infra(&stack, Some(&moto), &["output", "-json", "build"]).ok();
    assert_contains(&output.stdout, CLONE_URL);

    // In place: the project's description, build timeout and STAGE variable (and its tag),
    // and the repository's description.
    vars.extend([
        "-var=description=Builds and tests the app".to_string(),
        "-var=build_timeout=45".to_string(),
        "-var=stage=prod".to_string(),
        "-var=repository_description=App sources and tests".to_string(),
    ]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "project app-build Builds and tests the app 45 {CLONE_URL} prod /codebuild/app LOCAL True ['Stage=prod']\n\
             repository app App sources and tests\n\
             role codebuild-app\n"
        )
    );

    // A new name replaces the project.
    vars.push("-var=project_name=app-build-2".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert!(
        emulator_view(&moto).starts_with(&format!(
            "project app-build-2 Builds and tests the app 45 {CLONE_URL} prod"
        )),
        "{}",
        emulator_view(&moto)
    );
    assert_eq!(emulator_view(&moto).matches("project ").count(), 1);

    // Import: the project and the repository by name. An imported project's ID is the name
    // it was imported by, as the provider documents.
    reimport(
        &stack,
        &moto,
        &vars,
        &[("aws_codebuild_project.app", "app-build-2"), ("aws_codecommit_repository.app", "app")],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");
    assert_eq!(state_id(&stack, "aws_codebuild_project.app"), "app-build-2");
    assert_eq!(state_id(&stack, "aws_codecommit_repository.app"), "app");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

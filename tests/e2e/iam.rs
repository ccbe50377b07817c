//! A user's IAM stack: roles, users, groups, managed and inline policies, their attachments,
//! an instance profile, an access key and identity providers. It applies and plans clean; a
//! policy change makes a new default version (pruning the oldest when IAM's five are used); an
//! inline policy rename replaces it; an attachment made outside the exclusive
//! `aws_iam_policy_attachment` is taken away; a policy imports by ARN, a role policy by
//! `role:name` and an access key by its ID; the access key's secret is never printed; destroy
//! leaves no IAM object. Resource checks: `pgp_key` is a located error.

use infra_testkit::{Moto, Stack};

use super::{apply_ok as apply, assert_contains, infra, python_lines, NO_VARS};

const STACK: &str = r#"
variable "action" {
  type    = string
  default = "s3:ListBucket"
}

variable "inline_name" {
  type    = string
  default = "read-logs"
}

variable "key_status" {
  type    = string
  default = "Active"
}

variable "team" {
  type    = string
  default = "platform"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "read" {
  name        = "bucket-read"
  path        = "/team/"
  description = "Read the bucket"

  delay_after_policy_creation_in_ms = 100
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = [var.action], Resource = "*" }]
  })
  tags = {
    team = var.team
  }
}

resource "aws_iam_policy" "shared" {
  name_prefix = "shared-"
  policy      = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]
    }
  EOF
}

resource "aws_iam_role_policy" "inline" {
  name = var.inline_name
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "logs:GetLogEvents", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_instance_profile" "app" {
  name_prefix = "app-"
  role        = aws_iam_role.app.name
  tags = {
    team = var.team
  }
}

resource "aws_iam_user" "ci" {
  name          = "ci"
  path          = "/robots/"
  force_destroy = true
  tags = {
    team = var.team
  }
}

resource "aws_iam_user_policy" "ci" {
  name_prefix = "ci-"
  user        = aws_iam_user.ci.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" }]
  })
}

resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_access_key" "ci" {
  user   = aws_iam_user.ci.name
  status = var.key_status
}

resource "aws_iam_group" "devs" {
  name = "devs"
  path = "/people/"
}

resource "aws_iam_group_membership" "devs" {
  name  = "devs-members"
  group = aws_iam_group.devs.name
  users = [aws_iam_user.ci.name]
}

resource "aws_iam_group_policy_attachment" "devs" {
  group      = aws_iam_group.devs.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_policy_attachment" "shared" {
  name       = "shared-everywhere"
  users      = [aws_iam_user.ci.name]
  roles      = [aws_iam_role.app.name]
  groups     = [aws_iam_group.devs.name]
  policy_arn = aws_iam_policy.shared.arn
}

resource "aws_iam_openid_connect_provider" "ci" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  tags = {
    team = var.team
  }
}

resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "infra"
  description      = "Auto Scaling for ${var.team}"
  tags = {
    team = var.team
  }
}

data "aws_iam_role" "app" {
  name = aws_iam_role.app.name
}

data "aws_iam_policy" "read" {
  arn = aws_iam_policy.read.arn
}

output "role_arn" {
  value = data.aws_iam_role.app.arn
}

output "read_policy" {
  value = data.aws_iam_policy.read.policy
}
"#;

/// The number of resources in [`STACK`].
const RESOURCES: usize = 16;

/// Every IAM object in moto a stack could have made, as `kind name` lines (sorted).
fn iam_objects(moto: &Moto) -> Vec<String> {
    let script = r#"
import boto3
iam = boto3.client('iam')
out = []
for r in iam.list_roles()['Roles']: out.append('role ' + r['RoleName'])
for u in iam.list_users()['Users']: out.append('user ' + u['UserName'])
for g in iam.list_groups()['Groups']: out.append('group ' + g['GroupName'])
for p in iam.list_policies(Scope='Local')['Policies']: out.append('policy ' + p['PolicyName'])
for p in iam.list_instance_profiles()['InstanceProfiles']: out.append('instance_profile ' + p['InstanceProfileName'])
for p in iam.list_open_id_connect_providers()['OpenIDConnectProviderList']: out.append('oidc ' + p['Arn'])
print('\n'.join(sorted(out)))
"#;
    python_lines(moto, script)
}

fn plan_code(stack: &Stack, moto: &Moto, vars: &[&str]) -> (i32, String) {
    let mut args = vec!["plan", "-input=false", "-detailed-exitcode"];
    args.extend_from_slice(vars);
    let run = infra(stack, Some(moto), &args);
    (run.code, run.all())
}

/// An attribute of one resource instance in the state file.
fn state_attribute(stack: &Stack, address: &str, attribute: &str) -> String {
    let state: serde_json::Value = stack.state();
    let resource = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in the state: {state}"));
    resource["attributes"][attribute]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("{address}.{attribute} is not a string: {resource}"))
}

#[test]
fn an_iam_stack_applies_updates_imports_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, &format!("Apply complete! Resources: {RESOURCES} added"));
    // The data sources read the role and the policy's default version.
    assert_contains(&created, "role_arn = \"arn:aws:iam::123456789012:role/app\"");
    assert_contains(&created, "s3:ListBucket");
    let (code, text) = plan_code(&stack, &moto, &[]);
    assert_eq!(code, 0, "a second plan shows changes:\n{text}");

    // The access key's secret is in the state, never in what infra prints.
    let secret = state_attribute(&stack, "aws_iam_access_key.ci", "secret");
    assert!(secret.len() >= 20, "{secret}");
    let smtp = state_attribute(&stack, "aws_iam_access_key.ci", "ses_smtp_password_v4");
    let shown = infra(&stack, Some(&moto), &["show"]).ok().all();
    for text in [&created, &text, &shown] {
        assert!(!text.contains(&secret), "the secret is shown:\n{text}");
        assert!(!text.contains(&smtp), "the SMTP password is shown:\n{text}");
    }

    // A policy change is a new default version; with IAM's five versions used, the oldest
    // non-default one goes first.
    let arn = state_attribute(&stack, "aws_iam_policy.read", "arn");
    moto.python(&format!(
        "import boto3\niam = boto3.client('iam')\nfor action in ['a:B', 'c:D', 'e:F', 'g:H']:\n    iam.create_policy_version(PolicyArn='{arn}', PolicyDocument='{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"' + action + '\", \"Resource\": \"*\"}}]}}')"
    ));
    let updated = apply(&stack, &moto, &["-var=action=s3:GetObject"]);
    assert_contains(&updated, "1 changed, 0 destroyed");
    let versions = moto.python(&format!(
        "import boto3\niam = boto3.client('iam')\nfor v in sorted(iam.list_policy_versions(PolicyArn='{arn}')['Versions'], key=lambda v: int(v['VersionId'][1:])):\n    doc = iam.get_policy_version(PolicyArn='{arn}', VersionId=v['VersionId'])['PolicyVersion']['Document']\n    print(v['VersionId'], v['IsDefaultVersion'], 's3:GetObject' in str(doc))"
    ));
    let versions: Vec<&str> = versions.lines().collect();
    assert_eq!(
        versions,
        ["v1 False False", "v3 False False", "v4 False False", "v5 False False", "v6 True True"],
        "the oldest non-default version (v2) is deleted and the new one is the default"
    );
    let (code, text) = plan_code(&stack, &moto, &["-var=action=s3:GetObject"]);
    assert_eq!(code, 0, "after the policy update:\n{text}");

    // In-place updates of the other updatable arguments.
    let vars = ["-var=action=s3:GetObject", "-var=team=data", "-var=key_status=Inactive"];
    let updated = apply(&stack, &moto, &vars);
    assert_contains(&updated, "0 added, 6 changed, 0 destroyed");
    let (code, text) = plan_code(&stack, &moto, &vars);
    assert_eq!(code, 0, "after the in-place updates:\n{text}");
    let status = moto.python(
        "import boto3\nprint(boto3.client('iam').list_access_keys(UserName='ci')['AccessKeyMetadata'][0]['Status'])",
    );
    assert_eq!(status.trim(), "Inactive");

    // An attachment of the shared policy made outside the exclusive attachment is drift, and
    // the next apply takes it away.
    let shared = state_attribute(&stack, "aws_iam_policy.shared", "arn");
    moto.python(&format!(
        "import boto3\niam = boto3.client('iam')\niam.create_role(RoleName='outsider', AssumeRolePolicyDocument='{{}}')\niam.attach_role_policy(RoleName='outsider', PolicyArn='{shared}')"
    ));
    let (code, text) = plan_code(&stack, &moto, &vars);
    assert_eq!(code, 2, "the outside attachment is not seen:\n{text}");
    assert_contains(&text, "outsider");
    apply(&stack, &moto, &vars);
    let outsider = moto.python(
        "import boto3\nprint(len(boto3.client('iam').list_attached_role_policies(RoleName='outsider')['AttachedPolicies']))",
    );
    assert_eq!(outsider.trim(), "0");
    moto.python("import boto3\nboto3.client('iam').delete_role(RoleName='outsider')");

    // Renaming an inline policy replaces it.
    let mut renamed_vars = vars.to_vec();
    renamed_vars.push("-var=inline_name=write-logs");
    let renamed = apply(&stack, &moto, &renamed_vars);
    assert_contains(&renamed, "1 added, 0 changed, 1 destroyed");
    let names = moto.python(
        "import boto3\nprint(boto3.client('iam').list_role_policies(RoleName='app')['PolicyNames'])",
    );
    assert_eq!(names.trim(), "['write-logs']");

    // Import: a managed policy by ARN, an inline role policy by `role:name`.
    let key_id = state_attribute(&stack, "aws_iam_access_key.ci", "id");
    for address in ["aws_iam_policy.read", "aws_iam_role_policy.inline", "aws_iam_access_key.ci"] {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
    }
    infra(&stack, Some(&moto), &["import", "-input=false", "aws_iam_policy.read", &arn]).ok();
    infra(
        &stack,
        Some(&moto),
        &["import", "-input=false", "aws_iam_role_policy.inline", "app:write-logs"],
    )
    .ok();
    // An access key imports by its ID (its user is looked up); its secret is not readable.
    infra(&stack, Some(&moto), &["import", "-input=false", "aws_iam_access_key.ci", &key_id]).ok();
    // The policy's delay is configuration only, so the imported policy takes it in place.
    let (code, text) = plan_code(&stack, &moto, &renamed_vars);
    assert_eq!(code, 2, "after the imports:\n{text}");
    assert!(
        text.contains("+ delay_after_policy_creation_in_ms = 100")
            && text.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "after the imports:\n{text}"
    );
    apply(&stack, &moto, &renamed_vars);
    let (code, text) = plan_code(&stack, &moto, &renamed_vars);
    assert_eq!(code, 0, "after the imports:\n{text}");
    assert_eq!(state_attribute(&stack, "aws_iam_access_key.ci", "user"), "ci");

    // An access key made outside infra: `force_destroy` lets the user go anyway.
    moto.python("import boto3\nboto3.client('iam').create_access_key(UserName='ci')");
    let destroyed = infra(
        &stack,
        Some(&moto),
        &[&["destroy", "-input=false", "-auto-approve"], &renamed_vars[..]].concat(),
    )
    .ok();
    assert_contains(
        &destroyed.stdout,
        &format!("Destroy complete! Resources: {RESOURCES} destroyed."),
    );
    assert_eq!(iam_objects(&moto), Vec::<String>::new());
}

#[test]
fn an_access_key_with_a_pgp_key_is_a_located_error() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "aws_iam_access_key" "ci" {
  user    = "ci"
  pgp_key = "keybase:someone"
}
"#,
    );
    // Resource checks run when planning, before anything is read or written.
    let moto = Moto::start();
    let run = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let text = run.all();
    assert_contains(&text, "pgp_key");
    assert_contains(&text, "cannot encrypt with PGP");
    assert!(text.contains("main.tf"), "the error is located: {text}");
}

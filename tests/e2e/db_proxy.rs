//! RDS Proxy: a proxy (its IAM role, its Secrets Manager secret, the subnets of a DB subnet
//! group), its default target group's pool settings and a DB instance registered as its
//! target. A second plan shows no changes; the proxy's tags and the pool settings change in
//! place; each of the three imports by its Terraform ID (the proxy and the group by the proxy's
//! name, the target by `proxy/group/RDS_INSTANCE/instance`) and plans clean, and a target ID
//! of another shape is refused with the provider's message; destroy leaves no proxy, instance,
//! secret or role behind. Arguments the provider checks at plan time are located errors.
//!
//! moto 5.2.5 has no ModifyDBProxy, so the proxy's in-place change here is its tags only (the
//! ModifyDBProxy request is shown by unit tests in `aws_db_proxy.rs`), and it neither stores
//! nor returns `init_query`, which this stack leaves unset.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok, assert_contains, destroy_ok, infra, plan_is_clean, python_lines, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "team" {
  type    = string
  default = "data"
}

variable "borrow_timeout" {
  type    = number
  default = 120
}

variable "max_connections" {
  type    = number
  default = 100
}

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_security_group" "proxy" {
  name   = "db-proxy"
  vpc_id = aws_vpc.main.id
}

resource "aws_db_subnet_group" "main" {
  name       = "db-proxy"
  subnet_ids = aws_subnet.db[*].id
}

resource "aws_db_instance" "main" {
  identifier           = "db-proxy-target"
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t3.micro"
  allocated_storage    = 20
  db_name              = "app"
  username             = "app"
  password             = "correct-horse-battery"
  db_subnet_group_name = aws_db_subnet_group.main.name
  skip_final_snapshot  = true
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "db-proxy/app"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = "correct-horse-battery" })
}

resource "aws_iam_role" "proxy" {
  name = "db-proxy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "rds.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "proxy" {
  name = "read-secret"
  role = aws_iam_role.proxy.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_db_proxy" "main" {
  name                   = "app-proxy"
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.proxy.arn
  vpc_subnet_ids         = aws_db_subnet_group.main.subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy.id]
  require_tls            = true
  idle_client_timeout    = 1800
  debug_logging          = false

  auth {
    auth_scheme = "SECRETS"
    description = "app user"
    iam_auth    = "DISABLED"
    secret_arn  = aws_secretsmanager_secret.db.arn
  }

  tags = {
    Team = var.team
  }

  depends_on = [aws_iam_role_policy.proxy, aws_secretsmanager_secret_version.db]
}

resource "aws_db_proxy_default_target_group" "main" {
  db_proxy_name = aws_db_proxy.main.name

  connection_pool_config {
    connection_borrow_timeout    = var.borrow_timeout
    max_connections_percent      = var.max_connections
    max_idle_connections_percent = 50
    session_pinning_filters      = ["EXCLUDE_VARIABLE_SETS"]
  }
}

resource "aws_db_proxy_target" "main" {
  db_instance_identifier = aws_db_instance.main.identifier
  db_proxy_name          = aws_db_proxy.main.name
  target_group_name      = aws_db_proxy_default_target_group.main.name
}

output "proxy" {
  value = {
    id          = aws_db_proxy.main.id
    arn_is_rds  = startswith(aws_db_proxy.main.arn, "arn:aws:rds:us-east-1:")
    endpoint    = startswith(aws_db_proxy.main.endpoint, "app-proxy.")
    group_name  = aws_db_proxy_default_target_group.main.name
    target_id   = aws_db_proxy_target.main.id
    target_type = aws_db_proxy_target.main.type
    target_rds  = aws_db_proxy_target.main.rds_resource_id
  }
}
"#;

/// The proxy as the emulator holds it: its tags and its default group's pool settings.
fn proxy_in_emulator(moto: &Moto) -> serde_json::Value {
    let printed = moto.python(
        "import boto3, json
rds = boto3.client('rds')
proxy = rds.describe_db_proxies(DBProxyName='app-proxy')['DBProxies'][0]
tags = {t['Key']: t['Value'] for t in rds.list_tags_for_resource(ResourceName=proxy['DBProxyArn'])['TagList'] if not t['Key'].startswith('infra:')}
pool = rds.describe_db_proxy_target_groups(DBProxyName='app-proxy')['TargetGroups'][0]['ConnectionPoolConfig']
targets = [t['Type'] + ' ' + t['RdsResourceId'] for t in rds.describe_db_proxy_targets(DBProxyName='app-proxy')['Targets']]
print(json.dumps({'tags': tags, 'borrow': pool['ConnectionBorrowTimeout'], 'max': pool['MaxConnectionsPercent'], 'idle': pool['MaxIdleConnectionsPercent'], 'filters': pool['SessionPinningFilters'], 'targets': targets}))",
    );
    serde_json::from_str(printed.trim()).expect("the emulator's proxy as JSON")
}

/// What the emulator still holds of this stack's proxy, database, secret and role.
fn leftovers(moto: &Moto) -> Vec<String> {
    python_lines(moto, "import boto3
rds = boto3.client('rds')
out = ['proxy ' + p['DBProxyName'] for p in rds.describe_db_proxies()['DBProxies']]
out += ['db ' + d['DBInstanceIdentifier'] for d in rds.describe_db_instances()['DBInstances']]
out += ['secret ' + s['Name'] for s in boto3.client('secretsmanager').list_secrets()['SecretList']]
out += ['role ' + r['RoleName'] for r in boto3.client('iam').list_roles()['Roles'] if r['RoleName'] == 'db-proxy']
print('\\n'.join(out))",)
}

#[test]
fn db_proxy_with_its_default_target_group_and_target_applies_updates_imports_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let apply = apply_ok(&stack, &moto, super::NO_VARS);
    assert_contains(&apply, "Apply complete! Resources: 13 added");
    let output = infra(&stack, Some(&moto), &["output", "-json", "proxy"]).ok();
    let output: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(
        output,
        serde_json::json!({
            "id": "app-proxy",
            "arn_is_rds": true,
            "endpoint": true,
            "group_name": "default",
            "target_id": "app-proxy/default/RDS_INSTANCE/db-proxy-target",
            "target_type": "RDS_INSTANCE",
            "target_rds": "db-proxy-target",
        })
    );
    assert_eq!(
        proxy_in_emulator(&moto),
        serde_json::json!({
            "tags": {"Team": "data"},
            "borrow": 120,
            "max": 100,
            "idle": 50,
            "filters": ["EXCLUDE_VARIABLE_SETS"],
            "targets": ["RDS_INSTANCE db-proxy-target"],
        })
    );
    plan_is_clean(&stack, &moto, super::NO_VARS, "after the create");

    // In place: the proxy's tags (AddTagsToResource) and the pool settings
    // (ModifyDBProxyTargetGroup).
    let vars = ["-var=team=platform", "-var=borrow_timeout=60", "-var=max_connections=90"];
    let update = apply_ok(&stack, &moto, &vars);
    assert_contains(&update, "0 added, 2 changed, 0 destroyed");
    let held = proxy_in_emulator(&moto);
    assert_eq!(held["tags"], serde_json::json!({"Team": "platform"}));
    assert_eq!((held["borrow"].as_i64(), held["max"].as_i64()), (Some(60), Some(90)));
    plan_is_clean(&stack, &moto, &vars, "after the update");

    // Import: each by its Terraform ID reads back as configured.
    assert_eq!(state_id(&stack, "aws_db_proxy.main"), "app-proxy");
    assert_eq!(state_id(&stack, "aws_db_proxy_default_target_group.main"), "app-proxy");
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_db_proxy.main", "app-proxy"),
            ("aws_db_proxy_default_target_group.main", "app-proxy"),
            ("aws_db_proxy_target.main", "app-proxy/default/RDS_INSTANCE/db-proxy-target"),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    // A target ID that is not the provider's four parts is refused with its message.
    infra(&stack, Some(&moto), &["state", "rm", "aws_db_proxy_target.main"]).ok();
    let mut args =
        vec!["import", "-input=false", "aws_db_proxy_target.main", "app-proxy/db-proxy-target"];
    args.extend(vars);
    let refused = infra(&stack, Some(&moto), &args);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.all().contains(
            "unexpected format for ID (app-proxy/db-proxy-target), expected \
             DBPROXYNAME/TARGETGROUPNAME/TARGETTYPE/RDSRESOURCEID"
        ),
        "{}",
        refused.all()
    );
    let mut args = vec![
        "import",
        "-input=false",
        "aws_db_proxy_target.main",
        "app-proxy/default/RDS_INSTANCE/db-proxy-target",
    ];
    args.extend(vars);
    infra(&stack, Some(&moto), &args).ok();
    plan_is_clean(&stack, &moto, &vars, "after the target's import");

    let destroy = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroy, "Destroy complete!");
    assert_eq!(leftovers(&moto), Vec::<String>::new());
}

/// The provider's plan-time checks are located errors, before anything reaches AWS.
#[test]
fn db_proxy_arguments_the_provider_refuses_are_located_errors() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"resource "aws_db_proxy" "bad" {
  name           = "App_Proxy"
  engine_family  = "ORACLE"
  role_arn       = "role/proxy"
  vpc_subnet_ids = ["subnet-1"]
}

resource "aws_db_proxy_target" "bad" {
  db_proxy_name     = "app-proxy"
  target_group_name = "default"
}
"#,
    );
    let run = infra(&stack, None, &["plan", "-input=false"]);
    assert_eq!(run.code, 1, "{}", run.all());
    for expected in [
        "main.tf:2:",
        "only lowercase alphanumeric characters and hyphens allowed in \"name\"",
        "main.tf:3:",
        "expected engine_family to be one of [\"MYSQL\"",
        "got ORACLE",
        "main.tf:4:",
        "\"role_arn\" (role/proxy) is an invalid ARN",
        "main.tf:8:",
        "one of `db_cluster_identifier,db_instance_identifier` must be specified",
    ] {
        assert!(run.stderr.contains(expected), "{expected:?} in {}", run.stderr);
    }
}

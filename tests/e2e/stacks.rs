//! The reference stack (`infrastructure/` with each env file) and every example under
//! `examples/`: each is applied, planned again to "No changes", and destroyed, after which the
//! emulator holds nothing that infra made.

use infra_testkit::{Moto, Run, Stack};


const PASSWORD: &str = "stack-test-password-9f2c";

/// Runs `infra ARGS` with the database password in the environment, as a user would set it.
fn infra_with_password(stack: &Stack, moto: &Moto, args: &[&str]) -> Run {
    let mut command = infra_testkit::infra_command(super::BINARY, stack.path(), Some(moto));
    command.env("TF_VAR_db_password", PASSWORD);
    infra_testkit::run(command, args)
}

/// Everything in the emulator that a stack could have made, as `kind name` lines. The
/// emulator's own defaults (the default VPC and its subnets, security groups and route
/// tables) are left out.
fn leftovers(moto: &Moto) -> Vec<String> {
    let script = r#"
import boto3
ec2 = boto3.client('ec2')
out = []
default_vpcs = {v['VpcId'] for v in ec2.describe_vpcs()['Vpcs'] if v.get('IsDefault')}
for v in ec2.describe_vpcs()['Vpcs']:
    if not v.get('IsDefault'): out.append('vpc ' + v['VpcId'])
for s in ec2.describe_subnets()['Subnets']:
    if s['VpcId'] not in default_vpcs: out.append('subnet ' + s['SubnetId'])
for g in ec2.describe_security_groups()['SecurityGroups']:
    if g['VpcId'] not in default_vpcs and g['GroupName'] != 'default': out.append('security_group ' + g['GroupId'])
for g in ec2.describe_internet_gateways()['InternetGateways']:
    if not any(a['VpcId'] in default_vpcs for a in g.get('Attachments', [])): out.append('internet_gateway ' + g['InternetGatewayId'])
for n in ec2.describe_nat_gateways()['NatGateways']:
    if n['State'] not in ('deleted', 'deleting'): out.append('nat_gateway ' + n['NatGatewayId'])
for a in ec2.describe_addresses()['Addresses']: out.append('eip ' + a['AllocationId'])
for t in ec2.describe_route_tables()['RouteTables']:
    if t['VpcId'] not in default_vpcs: out.append('route_table ' + t['RouteTableId'])
elbv2 = boto3.client('elbv2')
for lb in elbv2.describe_load_balancers()['LoadBalancers']: out.append('load_balancer ' + lb['LoadBalancerName'])
for tg in elbv2.describe_target_groups()['TargetGroups']: out.append('target_group ' + tg['TargetGroupName'])
ecs = boto3.client('ecs')
clusters = ecs.list_clusters()['clusterArns']
for c in ecs.describe_clusters(clusters=clusters)['clusters'] if clusters else []:
    if c['status'] == 'ACTIVE': out.append('ecs_cluster ' + c['clusterName'])
    for s in ecs.list_services(cluster=c['clusterArn'])['serviceArns']:
        for d in ecs.describe_services(cluster=c['clusterArn'], services=[s])['services']:
            if d['status'] == 'ACTIVE': out.append('ecs_service ' + d['serviceName'])
for t in ecs.list_task_definitions(status='ACTIVE')['taskDefinitionArns']: out.append('task_definition ' + t.split('/')[-1])
rds = boto3.client('rds')
for d in rds.describe_db_instances()['DBInstances']: out.append('db_instance ' + d['DBInstanceIdentifier'])
for g in rds.describe_db_subnet_groups()['DBSubnetGroups']:
    if g['DBSubnetGroupName'] != 'default': out.append('db_subnet_group ' + g['DBSubnetGroupName'])
iam = boto3.client('iam')
for r in iam.list_roles()['Roles']: out.append('iam_role ' + r['RoleName'])
logs = boto3.client('logs')
for g in logs.describe_log_groups()['logGroups']: out.append('log_group ' + g['logGroupName'])
print('\n'.join(sorted(out)))
"#;
    moto.python(script)
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs `infra` with `command` followed by `variables`.
fn run_with(stack: &Stack, moto: &Moto, command: &[&str], variables: &[&str]) -> Run {
    let args: Vec<&str> = command.iter().chain(variables).copied().collect();
    infra_with_password(stack, moto, &args)
}

/// Applies, then plans again and expects "No changes".
fn apply_and_plan_clean(stack: &Stack, moto: &Moto, variables: &[&str]) {
    let applied = run_with(
        stack,
        moto,
        &["apply", "-input=false", "-auto-approve"],
        variables,
    )
    .ok();
    assert!(
        applied.stdout.contains("Apply complete!"),
        "{}",
        applied.all()
    );
    assert!(
        leftovers(moto).len() > 1,
        "the apply made nothing in the emulator"
    );
    let plan = run_with(
        stack,
        moto,
        &["plan", "-input=false", "-detailed-exitcode"],
        variables,
    );
    assert_eq!(plan.code, 0, "a plan right after apply: {}", plan.all());
    assert!(
        plan.stdout
            .contains("No changes. Your infrastructure matches the configuration."),
        "{}",
        plan.all()
    );
    assert!(
        !plan.all().contains(PASSWORD) && !applied.all().contains(PASSWORD),
        "the database password was printed"
    );
}

/// Destroys, and expects nothing left in the emulator or the state.
fn destroy_clean(stack: &Stack, moto: &Moto, variables: &[&str]) {
    let destroyed = run_with(
        stack,
        moto,
        &["destroy", "-input=false", "-auto-approve"],
        variables,
    )
    .ok();
    assert!(
        destroyed.stdout.contains("Destroy complete!"),
        "{}",
        destroyed.all()
    );
    assert_eq!(leftovers(moto), Vec::<String>::new(), "left after destroy");
    let state: serde_json::Value =
        serde_json::from_str(&stack.read("infra.tfstate.json")).unwrap_or_default();
    assert!(
        state["resources"].as_array().is_none_or(|r| r.is_empty()),
        "the state still lists resources: {}",
        state["resources"]
    );
}

fn apply_plan_destroy(stack: &Stack, moto: &Moto, variables: &[&str]) {
    apply_and_plan_clean(stack, moto, variables);
    destroy_clean(stack, moto, variables);
}

fn reference_stack(environment: &str) {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let var_file = format!("-var-file=envs/{environment}.tfvars");
    apply_plan_destroy(&stack, &moto, &[&var_file]);
}

#[test]
fn reference_stack_dev_applies_plans_clean_and_destroys() {
    reference_stack("dev");
}

#[test]
fn reference_stack_staging_applies_plans_clean_and_destroys() {
    reference_stack("staging");
}

#[test]
fn reference_stack_prod_is_protected_until_protection_is_lifted() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let prod = ["-var-file=envs/prod.tfvars"];
    apply_and_plan_clean(&stack, &moto, &prod);
    // Production has deletion protection: the destroy stops at the database, exit 1.
    let refused = run_with(
        &stack,
        &moto,
        &["destroy", "-input=false", "-auto-approve"],
        &prod,
    );
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.all().contains("aws_db_instance.main"),
        "the error names the database: {}",
        refused.all()
    );
    assert!(
        leftovers(&moto).iter().any(|l| l == "db_instance shop-prod"),
        "the protected database is gone"
    );
    // Lifting the protection is an ordinary apply (it also puts back what the failed destroy
    // removed); then the destroy goes through.
    let lifted = [prod[0], "-var=deletion_protection=false"];
    apply_and_plan_clean(&stack, &moto, &lifted);
    destroy_clean(&stack, &moto, &lifted);
}

#[test]
fn example_network() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/network"), &moto, &[]);
}

#[test]
fn example_alb_ecs_rolling() {
    let moto = Moto::start();
    apply_plan_destroy(
        &Stack::from_fixture("examples/alb-ecs-rolling"),
        &moto,
        &[],
    );
}

#[test]
fn example_rds() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/rds"), &moto, &[]);
}

#[test]
fn example_module() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/module"), &moto, &[]);
}

#[test]
fn example_blue_green() {
    let moto = Moto::start();
    apply_plan_destroy(&Stack::from_fixture("examples/blue-green"), &moto, &[]);
}

#[test]
fn example_s3_backend() {
    let moto = Moto::start();
    moto.python("import boto3\nboto3.client('s3').create_bucket(Bucket='infra-example-state')");
    let stack = Stack::from_fixture("examples/s3-backend");
    infra_with_password(&stack, &moto, &["init", "-input=false"]).ok();
    apply_plan_destroy(&stack, &moto, &[]);
    assert_eq!(
        stack.read("infra.tfstate.json"),
        "",
        "the S3 backend wrote a local state file"
    );
}

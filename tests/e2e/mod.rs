//! Shared helpers for the end-to-end tests.

mod blue_green;
mod blue_green_pause;
mod codebuild_codecommit;
mod codedeploy;
mod codepipeline;
mod cognito;
mod crash;
mod db_proxy;
mod dns_tls;
mod dynamodb;
mod ec2_compute;
mod ec2_cpu_counts;
mod ec2_defaults;
mod ec2_gateways;
mod ec2_instance_interfaces;
mod ec2_instances;
mod ecs_capacity;
mod ecs_task_set;
mod errors;
mod events;
mod faults;
mod iam;
mod instance_launch_template_version;
mod lambda;
mod lambda_v6_arguments;
mod launch_template_secondary_interfaces;
mod lb_ecs_rds;
mod lifecycle;
mod locking;
mod lost_answers;
mod modules;
mod monitoring;
mod operability;
mod plan_file;
mod predictive_scaling;
mod provider_ephemeral;
mod provisioners;
mod public_modules;
mod public_vpc_versions;
mod refactoring;
mod refresh;
mod route53_health;
mod schemas_every_argument;
mod schemas_network;
mod secret_rotation;
mod service_discovery;
mod services;
mod signals;
mod stacks;
mod state_graph_formats;
mod storage;
mod team;
mod terraform_state;
mod utility_providers;
mod waf;

use infra_testkit::{infra_command, run, Moto, Run, Stack};

pub const BINARY: &str = env!("CARGO_BIN_EXE_infra");

/// Runs `infra ARGS` in `stack` against `moto`.
pub fn infra(stack: &Stack, moto: Option<&Moto>, args: &[&str]) -> Run {
    run(infra_command(BINARY, stack.path(), moto), args)
}

/// Asserts `text` contains `needle`; the message is `text`.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{}", text);
}

/// Whether `plan` has the line `expected`, white space folded: plan text pads each attribute
/// name to the longest of its object's, hidden ones included, as Terraform does
/// (`~ force_destroy = false -> true` stands for `~ force_destroy          = false -> true`).
pub fn has_plan_line(plan: &str, expected: &str) -> bool {
    let fold = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected = fold(expected);
    plan.lines().any(|line| fold(line) == expected)
}

/// No `-var` arguments, for [`apply_ok`], [`destroy_ok`] and [`plan_is_clean`].
pub const NO_VARS: &[&str] = &[];

/// The commands [`apply_run`], [`destroy_run`] and [`plan_run`] run, before their variables.
const APPLY: &[&str] = &["apply", "-input=false", "-auto-approve"];
const DESTROY: &[&str] = &["destroy", "-input=false", "-auto-approve"];
const PLAN: &[&str] = &["plan", "-input=false", "-detailed-exitcode"];

/// `infra COMMAND VARS` in `stack` against `moto`, whatever its outcome.
fn infra_with_vars<S: AsRef<str>>(stack: &Stack, moto: &Moto, command: &[&str], vars: &[S]) -> Run {
    let mut args = command.to_vec();
    args.extend(vars.iter().map(AsRef::as_ref));
    infra(stack, Some(moto), &args)
}

/// `infra apply -auto-approve VARS`, whatever its outcome.
pub fn apply_run<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S]) -> Run {
    infra_with_vars(stack, moto, APPLY, vars)
}

/// `infra apply -auto-approve VARS`, which must succeed; its stdout.
pub fn apply_ok<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S]) -> String {
    apply_run(stack, moto, vars).ok().stdout
}

/// `infra destroy -auto-approve VARS`, whatever its outcome.
pub fn destroy_run<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S]) -> Run {
    infra_with_vars(stack, moto, DESTROY, vars)
}

/// `infra destroy -auto-approve VARS`, which must succeed; its stdout.
pub fn destroy_ok<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S]) -> String {
    destroy_run(stack, moto, vars).ok().stdout
}

/// `infra plan -detailed-exitcode VARS`, whatever its outcome (2: changes).
pub fn plan_run<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S]) -> Run {
    infra_with_vars(stack, moto, PLAN, vars)
}

/// `infra plan -detailed-exitcode VARS` must find no changes; `when` names the moment.
pub fn plan_is_clean<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S], when: &str) {
    let plan = plan_run(stack, moto, vars);
    assert_eq!(plan.code, 0, "plan {when} is not clean: {}", plan.all());
}

/// [`apply_ok`], whose output must show `summary`, then [`plan_is_clean`] with the same
/// variables (`when` names the moment).
pub fn apply_and_plan_clean<S: AsRef<str>>(
    stack: &Stack,
    moto: &Moto,
    vars: &[S],
    summary: &str,
    when: &str,
) {
    assert_contains(&apply_ok(stack, moto, vars), summary);
    plan_is_clean(stack, moto, vars, when);
}

/// The lines `script` prints in moto, without empty ones.
pub fn python_lines(moto: &Moto, script: &str) -> Vec<String> {
    moto.python(script).lines().filter(|line| !line.is_empty()).map(str::to_string).collect()
}

/// [`python_lines`], sorted.
pub fn python_sorted_lines(moto: &Moto, script: &str) -> Vec<String> {
    let mut lines = python_lines(moto, script);
    lines.sort();
    lines
}

/// The `id` of `address` in the stack's local state.
pub fn state_id(stack: &Stack, address: &str) -> String {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .and_then(|r| r["attributes"]["id"].as_str())
        .unwrap_or_else(|| panic!("{address} is not in the state"))
        .to_string()
}

/// Forgets each address and imports it again by the ID given; every import must succeed.
pub fn reimport<S: AsRef<str>>(stack: &Stack, moto: &Moto, vars: &[S], imports: &[(&str, &str)]) {
    for (address, id) in imports {
        infra(stack, Some(moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, id];
        args.extend(vars.iter().map(AsRef::as_ref));
        let import = infra(stack, Some(moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "{}",
            import.all()
        );
    }
}

/// An `infra` command in `stack` against `moto` with the database password in the environment,
/// where a user puts it (`TF_VAR_db_password`), never in a file.
pub fn command_with_password(stack: &Stack, moto: &Moto, password: &str) -> std::process::Command {
    let mut command = infra_command(BINARY, stack.path(), Some(moto));
    command.env("TF_VAR_db_password", password);
    command
}

/// Runs `infra ARGS` as [`command_with_password`] builds it.
pub fn infra_with_password(stack: &Stack, moto: &Moto, password: &str, args: &[&str]) -> Run {
    run(command_with_password(stack, moto, password), args)
}

/// Creates a VPC in moto directly (an object infra did not make), named by its `Name` tag;
/// returns its id.
pub fn create_vpc(moto: &Moto, cidr: &str, name: &str) -> String {
    moto.python(&format!(
        "import boto3\nec2 = boto3.client('ec2')\nv = ec2.create_vpc(CidrBlock='{cidr}', TagSpecifications=[{{'ResourceType': 'vpc', 'Tags': [{{'Key': 'Name', 'Value': '{name}'}}]}}])['Vpc']\nprint(v['VpcId'])"
    ))
    .trim()
    .to_string()
}

/// The `Name` tags of the VPCs in one region of moto, sorted.
pub fn vpcs_in(moto: &Moto, region: &str) -> Vec<String> {
    python_sorted_lines(moto, &format!("import boto3\nec2 = boto3.client('ec2', region_name='{region}')\nfor v in ec2.describe_vpcs()['Vpcs']:\n    for t in v.get('Tags', []):\n        if t['Key'] == 'Name': print(t['Value'])"))
}

/// How many VPCs in moto carry the managed address tag `address`.
pub fn vpcs_tagged(moto: &Moto, address: &str) -> usize {
    let script = format!(
        "import boto3\nec2 = boto3.client('ec2')\nprint(len(ec2.describe_vpcs(Filters=[{{'Name': 'tag:infra:address', 'Values': ['{address}']}}])['Vpcs']))"
    );
    moto.python(&script).trim().parse().expect("a count")
}

/// Every resource in moto tagged with any `infra:address`, as `type address` lines (sorted).
pub fn managed_objects(moto: &Moto) -> Vec<String> {
    let script = r#"
import boto3
ec2 = boto3.client('ec2')
out = []
f = [{'Name': 'tag-key', 'Values': ['infra:address']}]
for v in ec2.describe_vpcs(Filters=f)['Vpcs']: out.append('vpc')
for s in ec2.describe_subnets(Filters=f)['Subnets']: out.append('subnet')
for g in ec2.describe_security_groups(Filters=f)['SecurityGroups']: out.append('sg')
print('\n'.join(sorted(out)))
"#;
    python_lines(moto, script)
}

/// Everything in the emulator that a stack could have made, as `kind name` lines. The
/// emulator's own defaults (the default VPC and its subnets, security groups and route
/// tables) are left out.
pub fn emulator_objects(moto: &Moto) -> Vec<String> {
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
for z in boto3.client('route53').list_hosted_zones()['HostedZones']: out.append('hosted_zone ' + z['Name'])
for c in boto3.client('acm').list_certificates()['CertificateSummaryList']: out.append('certificate ' + c['DomainName'])
for r in boto3.client('ecr').describe_repositories()['repositories']: out.append('ecr_repository ' + r['repositoryName'])
for s in boto3.client('secretsmanager').list_secrets()['SecretList']: out.append('secret ' + s['Name'])
scaling = boto3.client('application-autoscaling')
for t in scaling.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']: out.append('scalable_target ' + t['ResourceId'])
for p in scaling.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']: out.append('scaling_policy ' + p['PolicyName'])
s3 = boto3.client('s3')
for b in s3.list_buckets()['Buckets']:
    try: tags = s3.get_bucket_tagging(Bucket=b['Name'])['TagSet']
    except Exception: tags = []
    if any(t['Key'] == 'infra:address' for t in tags): out.append('bucket ' + b['Name'])
print('\n'.join(sorted(out)))
"#;
    python_lines(moto, script)
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_holding(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        {
            found.push(path);
        }
    }
    found
}

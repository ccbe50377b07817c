//! Nothing wedges, nothing duplicates: the reference stack (`infrastructure/` with
//! `envs/dev.tfvars`, as `stacks.rs` applies it) run by the real binary through
//! `tests/support/fault_proxy.py`, a proxy in front of moto that refuses calls (throttling
//! errors and 503s in each protocol's shape), loses answers after moto did the work, and holds
//! a chosen call forever so that the binary can be killed during it.
//!
//! After every fault the stack must converge: a later run exits 0, a plan finds no changes, and
//! the emulator holds exactly one object per managed address (every object tagged
//! `infra:address` appears once, is the object the state names, and nothing untagged is left
//! over; see [`census`]). The checks talk to moto directly, never through the proxy.

use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use infra_testkit::fault_proxy::{FaultProxy, FaultSettings, HeldRequest, HoldWhen, LostAs};
use infra_testkit::{Moto, Run, Stack};

use super::{command_with_password, emulator_objects};

const PASSWORD: &str = "fault-test-password-7d41";
/// The seed of every rate-based fault here, so that a failure can be run again. The proxy
/// draws each request's fault from the seed, its operation and how many calls of that
/// operation came before it, so the same calls fail in every run whatever the interleaving.
/// With seed 1 at 5% + 5%, the reference stack's apply loses the answers of (among others)
/// RequestCertificate, CreateRole, ChangeTagsForResource (hosted zone), CreateListener and
/// CreateRule: creates that a retry repeats.
const SEED: u64 = 1;
const APPLY: [&str; 4] = ["apply", "-input=false", "-auto-approve", "-var-file=envs/dev.tfvars"];
const PLAN: [&str; 4] = ["plan", "-input=false", "-detailed-exitcode", "-var-file=envs/dev.tfvars"];
const DESTROY: [&str; 4] =
    ["destroy", "-input=false", "-auto-approve", "-var-file=envs/dev.tfvars"];
/// An uninterrupted apply of the reference stack takes seconds; one still running after this
/// long, faults or not, is wedged.
const DEADLINE: Duration = Duration::from_secs(300);
/// What the binary may print when a call fails after its retries: the error codes and
/// messages of `fault_proxy.py`'s faults.
const FAULT_WORDS: &[&str] = &[
    "RequestLimitExceeded",
    "Throttling",
    "Unavailable",
    "SlowDown",
    "Rate exceeded",
    "Service unavailable",
];

/// An `infra` command in `stack` with the database password, against moto directly or, with
/// `proxy`, through it.
fn command(stack: &Stack, moto: &Moto, proxy: Option<&FaultProxy>) -> Command {
    let mut command = command_with_password(stack, moto, PASSWORD);
    if let Some(proxy) = proxy {
        command.envs(proxy.env());
    }
    command
}

/// Runs `infra ARGS` to its end; a run that outlives [`DEADLINE`] is killed and fails the test.
fn run(stack: &Stack, moto: &Moto, proxy: Option<&FaultProxy>, args: &[&str]) -> Run {
    let output = tempfile::tempdir().expect("a directory for the output");
    let stdout_path = output.path().join("stdout");
    let stderr_path = output.path().join("stderr");
    let mut child = command(stack, moto, proxy)
        .args(args)
        .stdout(File::create(&stdout_path).expect("stdout file"))
        .stderr(File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("start infra");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for infra") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`infra {}` wedged: still running after {DEADLINE:?}\n--- stdout\n{}\n--- stderr\n{}",
                args.join(" "),
                std::fs::read_to_string(&stdout_path).unwrap_or_default(),
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
    }
}

/// Starts `infra ARGS` through `proxy`, its output dropped (it is killed).
fn spawn(stack: &Stack, moto: &Moto, proxy: &FaultProxy, args: &[&str]) -> Child {
    command(stack, moto, Some(proxy))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start infra")
}

/// The run ended as a command does: 0 or 1, never a panic or a signal.
#[track_caller]
fn assert_orderly(run: &Run, when: &str) {
    assert!(
        (run.code == 0 || run.code == 1) && !run.all().contains("panicked"),
        "{when}: exit {} (a panic or a crash)\n{}",
        run.code,
        run.all()
    );
}

/// The run failed as a command should when AWS fails: exit 1, no panic, an error that names
/// the failure.
#[track_caller]
fn assert_fails_clearly(run: &Run, when: &str) {
    assert_eq!(run.code, 1, "{when}: exit {}\n{}", run.code, run.all());
    assert!(!run.all().contains("panicked"), "{when}: a panic\n{}", run.all());
    assert!(
        run.stderr.contains("Error:") && FAULT_WORDS.iter().any(|w| run.stderr.contains(w)),
        "{when}: the error does not name the failure (one of {FAULT_WORDS:?})\n{}",
        run.all()
    );
}

/// The state, if there is one, is whole JSON as infra reads it (the file, and the journal a
/// killed run left beside it); its managed addresses, sorted.
#[track_caller]
fn readable_state(stack: &Stack, when: &str) -> Vec<String> {
    let text = stack.state_text_at("terraform.tfstate");
    if text.trim().is_empty() {
        return Vec::new();
    }
    let state: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{when}: the state file is not JSON ({e}):\n{text}"));
    let state = infra_testkit::flat_state(&state);
    let mut addresses: Vec<String> = state["resources"]
        .as_array()
        .map(|resources| {
            resources
                .iter()
                .filter(|r| r["mode"] == "managed")
                .filter_map(|r| r["address"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    addresses.sort();
    addresses
}

/// What [`census`] found.
#[derive(Debug, PartialEq, Eq)]
struct Census {
    /// Objects of the stack's kinds in the emulator by kind (`vpc` → 1, `subnet` → 4, ...,
    /// `sg_rule` for the rules of its security groups).
    kinds: std::collections::BTreeMap<String, u64>,
    /// Distinct `infra:address` tags among them.
    addresses: u64,
    /// Everything that is not exactly one object per managed address.
    problems: Vec<String>,
}

/// Lists every object of the reference stack's kinds in moto, with its `infra:address` tag,
/// and compares them with the stack's state. A problem is: two objects with one address; an
/// object whose address is not in the state, or which is not the object the state names; an
/// object with no tag (other than the security group rules that carry none, and the ECS
/// services of a blue/green deployment, which the state's `deployments` name); a managed
/// resource of a tagged type with no object; operations left pending in the state.
const CENSUS: &str = r##"
import boto3, json, os
STATE_PATH = __STATE_PATH__
out = []  # (kind, identifier, tags)
tags = lambda l: {t['Key']: t['Value'] for t in (l or [])}
ec2 = boto3.client('ec2')
default_vpcs = {v['VpcId'] for v in ec2.describe_vpcs()['Vpcs'] if v.get('IsDefault')}
for v in ec2.describe_vpcs()['Vpcs']:
    if not v.get('IsDefault'): out.append(('vpc', v['VpcId'], tags(v.get('Tags'))))
for s in ec2.describe_subnets()['Subnets']:
    if s['VpcId'] not in default_vpcs: out.append(('subnet', s['SubnetId'], tags(s.get('Tags'))))
for g in ec2.describe_security_groups()['SecurityGroups']:
    if g['VpcId'] not in default_vpcs and g['GroupName'] != 'default':
        out.append(('security_group', g['GroupId'], tags(g.get('Tags'))))
groups = {ident for kind, ident, _ in out if kind == 'security_group'}
for r in ec2.describe_security_group_rules()['SecurityGroupRules']:
    if r['GroupId'] in groups: out.append(('sg_rule', r['SecurityGroupRuleId'], tags(r.get('Tags'))))
for g in ec2.describe_internet_gateways()['InternetGateways']:
    if not any(a['VpcId'] in default_vpcs for a in g.get('Attachments', [])):
        out.append(('internet_gateway', g['InternetGatewayId'], tags(g.get('Tags'))))
for n in ec2.describe_nat_gateways()['NatGateways']:
    if n['State'] not in ('deleted', 'deleting'): out.append(('nat_gateway', n['NatGatewayId'], tags(n.get('Tags'))))
for a in ec2.describe_addresses()['Addresses']: out.append(('eip', a['AllocationId'], tags(a.get('Tags'))))
for t in ec2.describe_route_tables()['RouteTables']:
    if t['VpcId'] not in default_vpcs and not any(a.get('Main') for a in t.get('Associations', [])):
        out.append(('route_table', t['RouteTableId'], tags(t.get('Tags'))))
elbv2 = boto3.client('elbv2')
lbs = [l['LoadBalancerArn'] for l in elbv2.describe_load_balancers()['LoadBalancers']]
tgs = [t['TargetGroupArn'] for t in elbv2.describe_target_groups()['TargetGroups']]
listeners = [l['ListenerArn'] for lb in lbs for l in elbv2.describe_listeners(LoadBalancerArn=lb)['Listeners']]
rules = [r['RuleArn'] for l in listeners for r in elbv2.describe_rules(ListenerArn=l)['Rules'] if not r['IsDefault']]
elb_tags = {}
arns = lbs + tgs + listeners + rules
for i in range(0, len(arns), 20):
    for d in elbv2.describe_tags(ResourceArns=arns[i:i + 20])['TagDescriptions']:
        elb_tags[d['ResourceArn']] = tags(d['Tags'])
for kind, kind_arns in (('load_balancer', lbs), ('target_group', tgs), ('listener', listeners), ('listener_rule', rules)):
    for arn in kind_arns: out.append((kind, arn, elb_tags.get(arn, {})))
ecs = boto3.client('ecs')
ecs_tags = lambda arn: {x['key']: x['value'] for x in ecs.list_tags_for_resource(resourceArn=arn).get('tags', [])}
clusters = ecs.list_clusters()['clusterArns']
for c in ecs.describe_clusters(clusters=clusters)['clusters'] if clusters else []:
    if c['status'] != 'ACTIVE': continue
    out.append(('ecs_cluster', c['clusterArn'], ecs_tags(c['clusterArn'])))
    for s in ecs.list_services(cluster=c['clusterArn'])['serviceArns']:
        for d in ecs.describe_services(cluster=c['clusterArn'], services=[s])['services']:
            if d['status'] == 'ACTIVE': out.append(('ecs_service', d['serviceArn'], ecs_tags(d['serviceArn'])))
for arn in ecs.list_task_definitions(status='ACTIVE')['taskDefinitionArns']:
    out.append(('task_definition', arn, ecs_tags(arn)))
rds = boto3.client('rds')
for d in rds.describe_db_instances()['DBInstances']:
    out.append(('db_instance', d['DBInstanceIdentifier'], tags(d.get('TagList'))))
for g in rds.describe_db_subnet_groups()['DBSubnetGroups']:
    if g['DBSubnetGroupName'] != 'default':
        listed = rds.list_tags_for_resource(ResourceName=g['DBSubnetGroupArn'])['TagList']
        out.append(('db_subnet_group', g['DBSubnetGroupName'], tags(listed)))
iam = boto3.client('iam')
for r in iam.list_roles()['Roles']:
    out.append(('iam_role', r['RoleName'], tags(iam.list_role_tags(RoleName=r['RoleName'])['Tags'])))
logs = boto3.client('logs')
for g in logs.describe_log_groups()['logGroups']:
    out.append(('log_group', g['logGroupName'], logs.list_tags_log_group(logGroupName=g['logGroupName']).get('tags', {})))
route53 = boto3.client('route53')
for z in route53.list_hosted_zones()['HostedZones']:
    zone = z['Id'].split('/')[-1]
    listed = route53.list_tags_for_resource(ResourceType='hostedzone', ResourceId=zone)['ResourceTagSet'].get('Tags')
    out.append(('hosted_zone', zone, tags(listed)))
acm = boto3.client('acm')
for c in acm.list_certificates()['CertificateSummaryList']:
    out.append(('certificate', c['CertificateArn'], tags(acm.list_tags_for_certificate(CertificateArn=c['CertificateArn']).get('Tags'))))
ecr = boto3.client('ecr')
for r in ecr.describe_repositories()['repositories']:
    out.append(('ecr_repository', r['repositoryName'], tags(ecr.list_tags_for_resource(resourceArn=r['repositoryArn']).get('tags'))))
for s in boto3.client('secretsmanager').list_secrets()['SecretList']:
    out.append(('secret', s['ARN'], tags(s.get('Tags'))))
s3 = boto3.client('s3')
for b in s3.list_buckets()['Buckets']:
    try: listed = s3.get_bucket_tagging(Bucket=b['Name'])['TagSet']
    except Exception: listed = []
    out.append(('bucket', b['Name'], tags(listed)))
cloudwatch = boto3.client('cloudwatch')
for a in cloudwatch.describe_alarms()['MetricAlarms']:
    out.append(('alarm', a['AlarmName'], tags(cloudwatch.list_tags_for_resource(ResourceARN=a['AlarmArn']).get('Tags'))))

state = {}
if os.path.exists(STATE_PATH) and open(STATE_PATH).read().strip():
    state = json.load(open(STATE_PATH))
# Terraform's v4 state: resources grouped, their instances keyed; infra's records under `infra`.
resources = {}
for r in state.get('resources', []):
    if r.get('mode') != 'managed': continue
    for i in r.get('instances', []):
        address = (r['module'] + '.' if r.get('module') else '') + r['type'] + '.' + r['name']
        key = i.get('index_key')
        if isinstance(key, bool) or key is None: pass
        elif isinstance(key, int): address += f'[{key}]'
        else: address += '["' + key + '"]'
        attributes = i.get('attributes') or {}
        resources[address] = {'type': r['type'], 'attributes': attributes, 'id': attributes.get('id')}
records = state.get('infra') or {}
services = {c['service_name'] for d in (records.get('deployments') or {}).values()
            for c in (d.get('colours') or {}).values() if c and c.get('service_name')}
by_address, problems = {}, []
for kind, ident, found in out:
    address = found.get('infra:address')
    if address is None:
        # Rules made inline, by aws_security_group_rule or by AWS carry no tags.
        if kind == 'sg_rule': continue
        if kind == 'ecs_service' and ident.split('/')[-1] in services: continue
        # The alarms a target tracking scaling policy makes are AWS's, untagged.
        if kind == 'alarm' and ident.startswith('TargetTracking-'): continue
        problems.append(f'{kind} {ident} carries no infra:address tag and is not in the state')
        continue
    by_address.setdefault(address, []).append((kind, ident))
for address, objects in sorted(by_address.items()):
    listed = ', '.join(f'{k} {i}' for k, i in objects)
    if len(objects) > 1:
        problems.append(f'{address} has {len(objects)} objects: {listed}')
    resource = resources.get(address)
    if resource is None:
        problems.append(f'{address} is not in the state, but the emulator holds {listed}')
        continue
    named = {v for v in list(resource.get('attributes', {}).values()) + [resource.get('id')] if isinstance(v, str)}
    for kind, ident in objects:
        if ident not in named and ident.split('/')[-1] not in named:
            problems.append(f'{address}: the state does not name {kind} {ident}')
TAGGED = {'aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_internet_gateway', 'aws_nat_gateway',
          'aws_eip', 'aws_route_table', 'aws_lb', 'aws_lb_target_group', 'aws_lb_listener',
          'aws_lb_listener_rule', 'aws_ecs_cluster', 'aws_ecs_task_definition', 'aws_db_instance',
          'aws_db_subnet_group', 'aws_iam_role', 'aws_cloudwatch_log_group', 'aws_route53_zone',
          'aws_acm_certificate', 'aws_ecr_repository', 'aws_secretsmanager_secret', 'aws_s3_bucket',
          'aws_cloudwatch_metric_alarm', 'aws_vpc_security_group_ingress_rule',
          'aws_vpc_security_group_egress_rule'}
for address, resource in sorted(resources.items()):
    if resource.get('type') in TAGGED and address not in by_address:
        problems.append(f'{address} is in the state, but no object in the emulator carries its tag')
if records.get('pending'):
    problems.append('the state has pending operations: ' + json.dumps(records['pending']))
kinds = {}
for kind, _, _ in out: kinds[kind] = kinds.get(kind, 0) + 1
print(json.dumps({'kinds': kinds, 'addresses': len(by_address), 'problems': problems}))
"##;

/// Counts the stack's objects in moto by `infra:address` against the stack's state.
fn census(moto: &Moto, stack: &Stack) -> Census {
    let state_path = stack.path().join("terraform.tfstate");
    let literal =
        serde_json::to_string(&state_path.to_string_lossy()).expect("the state path as JSON");
    let script = CENSUS.replace("__STATE_PATH__", &literal);
    let answer: serde_json::Value =
        serde_json::from_str(moto.python(&script).trim()).expect("the census answers JSON");
    Census {
        kinds: answer["kinds"]
            .as_object()
            .map(|kinds| {
                kinds
                    .iter()
                    .map(|(kind, count)| (kind.clone(), count.as_u64().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default(),
        addresses: answer["addresses"].as_u64().unwrap_or_default(),
        problems: answer["problems"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
    }
}

/// A plan against moto directly finds no changes; `None`, or what is wrong.
fn plan_problem(stack: &Stack, moto: &Moto) -> Option<String> {
    let plan = run(stack, moto, None, &PLAN);
    (plan.code != 0).then(|| format!("the plan is not clean (exit {}):\n{}", plan.code, plan.all()))
}

/// Destroys through `proxy` (a second destroy is allowed when the first fails under faults);
/// then neither the emulator nor the state holds anything of the stack.
fn destroy_clean(stack: &Stack, moto: &Moto, proxy: &FaultProxy, when: &str) {
    let first = run(stack, moto, Some(proxy), &DESTROY);
    assert_orderly(&first, &format!("{when}: the first destroy"));
    if first.code != 0 {
        readable_state(stack, &format!("{when}: after a failed destroy"));
        let second = run(stack, moto, Some(proxy), &DESTROY);
        assert_eq!(
            second.code,
            0,
            "{when}: a second destroy: {}\n--- the first destroy\n{}",
            second.all(),
            first.all()
        );
    }
    assert_eq!(emulator_objects(moto), Vec::<String>::new(), "{when}: left after destroy");
    assert_eq!(
        readable_state(stack, when),
        Vec::<String>::new(),
        "{when}: the state still lists resources after destroy"
    );
}

/// 5% of calls refused (throttling or 503) and 5% of answers lost after moto did the work,
/// each lost in one of the three ways (a 500, a throttling error, no answer until the read
/// timeout), from a fixed seed ([`SEED`]; `INFRA_FAULT_SEED` sets another, as
/// `scripts/bench-faults` does for 20 seeds). The SDK retries the calls that read or set; a
/// create whose answer was lost is where a duplicate is born, so infra sends it once and looks
/// for the object before sending it again (`lost_answer.rs`). The first apply may fail (exit 1, never a
/// panic); a second one through the same faults must succeed. With the faults off the plan is
/// clean and each managed address has exactly one object. The destroy runs at the same faults
/// (a second destroy is allowed) and leaves nothing.
#[test]
fn the_reference_stack_applies_at_ten_percent_faults() {
    let seed =
        std::env::var("INFRA_FAULT_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(SEED);
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::faults(seed, 0.05, 0.05));
    proxy.lose_as(LostAs::Mixed);
    let stack = Stack::from_fixture("infrastructure");

    let first = run(&stack, &moto, Some(&proxy), &APPLY);
    assert_orderly(&first, "the first apply at 10% faults");
    if first.code != 0 {
        readable_state(&stack, "after a failed apply at 10% faults");
        let second = run(&stack, &moto, Some(&proxy), &APPLY);
        assert_eq!(
            second.code,
            0,
            "a second apply at 10% faults: {}\n--- the first apply\n{}",
            second.all(),
            first.all()
        );
    }
    let stats = proxy.stats();
    assert!(
        stats.faults_before > 0 && stats.faults_after > 0,
        "the proxy injected no faults of one kind: {stats:?}"
    );
    // The point is a create whose answer is lost; a seed that loses none proves nothing.
    let lost_creates: Vec<String> = proxy
        .request_log()
        .iter()
        .filter(|entry| entry["fault"].as_str().is_some_and(|f| f.starts_with("answer lost")))
        .filter_map(|entry| entry["operation"].as_str())
        .filter(|operation| {
            ["Create", "Put", "Register", "Request", "Allocate", "Run", "POST "]
                .iter()
                .any(|prefix| operation.starts_with(prefix))
        })
        .map(str::to_string)
        .collect();
    // CI's seed must lose one; `scripts/bench-faults` reports the seeds that lose none.
    assert!(
        !lost_creates.is_empty() || seed != SEED,
        "seed {seed} lost no create's answer: choose another seed\n{}",
        proxy.log_text()
    );
    // BENCHMARKS.md §5 records this line (run with --nocapture; `scripts/bench-faults` runs
    // 20 seeds).
    eprintln!(
        "seed {seed}: faults absorbed: {} requests, {} refused before moto, {} answers lost ({} of \
         them to calls that create or tag: {}), in {} apply run(s)",
        stats.seen,
        stats.faults_before,
        stats.faults_after,
        lost_creates.len(),
        lost_creates.join(", "),
        if first.code == 0 { 1 } else { 2 }
    );

    proxy.faults_off();
    let plan = run(&stack, &moto, Some(&proxy), &PLAN);
    assert_eq!(
        plan.code,
        0,
        "with the faults off, the plan is not clean: {}\n--- faults ({stats:?})\n{}",
        plan.all(),
        proxy.log_text()
    );
    let found = census(&moto, &stack);
    assert!(
        found.problems.is_empty() && found.addresses > 20,
        "not exactly one object per managed address: {found:#?}\n--- faults\n{}",
        proxy.log_text()
    );

    proxy.set_faults(0.05, 0.05);
    destroy_clean(&stack, &moto, &proxy, "destroy at 10% faults");
}

/// Every call refused. An apply on an empty state, then on a stack that exists (with a
/// change, so that there is an update to make), a plan and a destroy: each exits 1 with an
/// error naming the failure, never a panic, and the state stays whole JSON that lists every
/// resource it listed. An update call refused alone (only CloudWatch Logs failing, refresh
/// off) fails the same way. With the faults off, the change applies and the plan is clean.
#[test]
fn every_call_failing_exits_1_with_a_clear_error_and_a_readable_state() {
    let moto = Moto::start();
    // The provider's default of 25 retries with backoff takes minutes per call when every call
    // fails; two attempts show the same failure.
    let proxy = FaultProxy::start(&moto, FaultSettings::faults(SEED, 1.0, 0.0))
        .with_env("AWS_MAX_ATTEMPTS", "2");
    let stack = Stack::from_fixture("infrastructure");

    let apply = run(&stack, &moto, Some(&proxy), &APPLY);
    assert_fails_clearly(&apply, "an apply with every call failing");
    // AWS's request ID of the last answer, and how many attempts the SDK made (issue 36: it
    // printed the SDK's debug dump after minutes of retries).
    assert!(
        apply.stderr.contains("request ID ") && apply.stderr.contains(", 2 attempts"),
        "the error gives no request ID and attempt count:\n{}",
        apply.all()
    );
    readable_state(&stack, "after an apply with every call failing");
    assert_eq!(emulator_objects(&moto), Vec::<String>::new(), "a refused call reached moto");

    proxy.faults_off();
    let made = run(&stack, &moto, Some(&proxy), &APPLY);
    assert_eq!(made.code, 0, "the apply with no faults: {}", made.all());
    let addresses = readable_state(&stack, "after the apply");
    assert!(addresses.len() > 20, "{addresses:?}");

    proxy.set_faults(1.0, 0.0);
    let mut changed: Vec<&str> = APPLY.to_vec();
    changed.push("-var=log_retention_days=14");
    let plan: Vec<&str> = PLAN.to_vec();
    let destroy: Vec<&str> = DESTROY.to_vec();
    for (args, when) in [
        (&changed, "an apply of a change with every call failing"),
        (&plan, "a plan with every call failing"),
        (&destroy, "a destroy with every call failing"),
    ] {
        let failed = run(&stack, &moto, Some(&proxy), args);
        assert_fails_clearly(&failed, when);
        assert_eq!(
            readable_state(&stack, when),
            addresses,
            "{when}: the state lost or gained resources"
        );
    }

    // Only the update call fails: the data sources and the other services answer.
    proxy.configure(serde_json::json!({ "before": 1.0, "services": ["logs"] }));
    let mut update = changed.clone();
    update.push("-refresh=false");
    let failed = run(&stack, &moto, Some(&proxy), &update);
    assert_fails_clearly(&failed, "an apply whose log group update is refused");
    assert!(
        failed.all().contains("aws_cloudwatch_log_group.app"),
        "the error names the resource: {}",
        failed.all()
    );
    assert_eq!(
        readable_state(&stack, "after a refused update"),
        addresses,
        "a refused update lost or gained resources"
    );

    // With the faults off, the change goes through (the bucket's lifecycle rule, which
    // takes the same variable, may have been changed already) and the plan is clean.
    proxy.configure(serde_json::json!({ "before": 0.0, "services": null }));
    let applied = run(&stack, &moto, Some(&proxy), &changed);
    assert_eq!(applied.code, 0, "the change with the faults off: {}", applied.all());
    let mut plan = PLAN.to_vec();
    plan.push("-var=log_retention_days=14");
    let plan = run(&stack, &moto, Some(&proxy), &plan);
    assert_eq!(plan.code, 0, "with the faults off, the plan is not clean: {}", plan.all());
    let found = census(&moto, &stack);
    assert!(found.problems.is_empty(), "{found:#?}");
}

/// How much of the crash sweep runs (`INFRA_SWEEP`): per push, the first changing call of
/// each AWS service and two destroys; `operations`, the first call of every changing operation
/// (at least [`MIN_APPLY_KILLS`]) and [`DESTROY_KILLS`] destroys, about 13 minutes; `all`,
/// every call of the apply (`scripts/sweep-crash`).
#[derive(Clone, Copy, PartialEq)]
enum Sweep {
    PerService,
    Operations,
    All,
}

fn sweep() -> Sweep {
    match std::env::var("INFRA_SWEEP").as_deref() {
        Ok("all") => Sweep::All,
        Ok("operations") => Sweep::Operations,
        _ => Sweep::PerService,
    }
}

/// The fewest kill points of the `operations` sweep: one a distinct changing operation of the
/// reference stack, topped up with evenly spread calls when there are fewer (issue 16: "at
/// least 40 calls, spread over every resource type").
const MIN_APPLY_KILLS: usize = 40;
/// Kill points of the destroy sweep (two per push).
const DESTROY_KILLS: usize = 8;

/// Whether a logged call changes something: anything but a read (`Describe*`, `List*`,
/// `Get*`, and REST `GET` / `HEAD`).
fn changes_something(entry: &serde_json::Value) -> bool {
    let key = entry["key"].as_str().unwrap_or_default();
    let name = key.rsplit('.').next().unwrap_or(key);
    !(key.starts_with("GET ")
        || key.starts_with("HEAD ")
        || ["Describe", "List", "Get", "Lookup"].iter().any(|p| name.starts_with(p)))
}

/// The calls of a run's log (`service`, operation key) that change something, each once, in
/// the order they first appear.
fn changing_operations(log: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for entry in log.iter().filter(|e| changes_something(e)) {
        let operation = (
            entry["service"].as_str().unwrap_or_default().to_string(),
            entry["key"].as_str().unwrap_or_default().to_string(),
        );
        if !seen.contains(&operation) {
            seen.push(operation);
        }
    }
    seen
}

/// Where one sampled kill happens: the first call of an operation, or the Nth call of the run.
#[derive(Clone, Debug)]
enum KillPoint {
    Operation(String, String),
    Call(u64),
}

impl KillPoint {
    fn hold(&self, proxy: &FaultProxy, when: HoldWhen) {
        match self {
            KillPoint::Operation(service, key) => proxy.hold_operation(service, key, 1, when),
            KillPoint::Call(n) => proxy.hold_when(*n, when),
        }
    }
}

/// The kill points of a run of `calls` calls whose log is `log`, by [`sweep`]: per push, the
/// first changing call of each service (its first create, mostly); `operations`, the first
/// call of every changing operation (so every resource type's create, update and delete
/// calls), then the middles of equal slices of the run until there are `min` of them; `all`,
/// every call.
fn kill_points(log: &[serde_json::Value], calls: u64, min: usize) -> Vec<KillPoint> {
    let operations = changing_operations(log);
    let mut points: Vec<KillPoint> = match sweep() {
        Sweep::All => return (1..=calls).map(KillPoint::Call).collect(),
        Sweep::PerService => {
            let mut services = Vec::new();
            operations
                .into_iter()
                .filter(|(service, _)| {
                    let first = !services.contains(service);
                    services.push(service.clone());
                    first
                })
                .map(|(service, key)| KillPoint::Operation(service, key))
                .collect()
        }
        Sweep::Operations => operations
            .into_iter()
            .map(|(service, key)| KillPoint::Operation(service, key))
            .collect(),
    };
    if sweep() == Sweep::Operations {
        let extra = min.saturating_sub(points.len()) as u64;
        points.extend(
            (0..extra).map(|i| KillPoint::Call(((2 * i + 1) * calls / (2 * extra)).max(1))),
        );
    }
    points
}

/// The killed run of the crash sweep's `index`th kill point also loses [`KILLED_RUN_LOSSES`]
/// of its answers after moto did the work, each in one of the three ways (a 500, throttling,
/// no answer until the read timeout), so that kills land while lost answers are looked for
/// and resent too. The run after the kill has no faults.
fn lose_answers_until_the_kill(proxy: &FaultProxy, index: usize) {
    proxy.configure(serde_json::json!({
        "seed": index as u64 + 1,
        "before": 0.0,
        "after": KILLED_RUN_LOSSES,
        "lost_as": LostAs::Mixed.name(),
    }));
}

/// The share of a killed run's answers lost after moto did the work.
const KILLED_RUN_LOSSES: f64 = 0.05;

/// How many applies of a sweep run at once ([`on_own_emulators`]).
const WORKERS: usize = 3;

/// Runs `work` on each of `items` from [`WORKERS`] threads, each with an emulator and a fault
/// proxy of its own, and returns the results in the items' order. A sweep's applies are
/// independent, so the sweep takes a third of the time it took one after another.
fn on_own_emulators<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&Moto, &FaultProxy, &T) -> R + Sync,
) -> Vec<R> {
    let work = &work;
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS.min(items.len()))
            .map(|worker| {
                scope.spawn(move || {
                    let moto = Moto::start();
                    let proxy = FaultProxy::start(&moto, FaultSettings::none());
                    (items.iter().enumerate().skip(worker).step_by(WORKERS))
                        .map(|(index, item)| (index, work(&moto, &proxy, item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        (workers.into_iter())
            .flat_map(|worker| worker.join().expect("a sweep worker panicked"))
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// One kill of the crash sweep: an apply's by its index among the apply kills, or a destroy's
/// by its index among all the kills (its seed) and among the destroy kills.
enum Kill<'a> {
    Apply(usize, &'a KillPoint),
    Destroy(usize, usize, &'a KillPoint),
}

/// What one kill showed: why it did not converge, if it did not, and whether an apply reached
/// its kill point.
struct KillOutcome {
    failure: Option<String>,
    apply_held: bool,
}

impl Kill<'_> {
    fn run(&self, moto: &Moto, proxy: &FaultProxy, expected: &Census) -> KillOutcome {
        let outcome = match *self {
            Kill::Apply(index, point) => kill_an_apply(moto, proxy, index, point, expected),
            Kill::Destroy(seed, index, point) => KillOutcome {
                failure: kill_a_destroy(moto, proxy, seed, index, point),
                apply_held: false,
            },
        };
        proxy.reset_emulator();
        outcome
    }
}

/// Kills the reference stack's apply at `point` (its `index`th); an apply without faults
/// must then converge on what the uninterrupted one made.
fn kill_an_apply(
    moto: &Moto,
    proxy: &FaultProxy,
    index: usize,
    point: &KillPoint,
    expected: &Census,
) -> KillOutcome {
    let when = if index.is_multiple_of(2) {
        HoldWhen::BeforeForwarding
    } else {
        HoldWhen::AfterForwarding
    };
    let stack = Stack::from_fixture("infrastructure");
    let held = kill_during(&stack, moto, proxy, &APPLY, point, when, index);
    let label = match &held {
        Some(request) => format!("killed during {point:?}, {request}, held {when:?}"),
        None => format!("the apply ended before {point:?}"),
    };
    let recovered = run(&stack, moto, None, &APPLY);
    let failure = if recovered.code != 0 {
        Some(format!("{label}: the next apply exits {}:\n{}", recovered.code, recovered.all()))
    } else if let Some(problem) = plan_problem(&stack, moto) {
        Some(format!("{label}: {problem}"))
    } else {
        let found = census(moto, &stack);
        (!found.problems.is_empty()
            || (&found.kinds, found.addresses) != (&expected.kinds, expected.addresses))
            .then(|| {
                format!(
                    "{label}: not exactly one object per managed address (after the \
                     uninterrupted apply: {} addresses, {:?}): {found:#?}",
                    expected.addresses, expected.kinds
                )
            })
    };
    KillOutcome { failure, apply_held: held.is_some() }
}

/// Runs `infra ARGS` in `stack` losing some answers (by `seed`), holds its call at `point`
/// (`when`) and kills it there with SIGKILL; then releases what was held and turns the faults
/// off. The request it was killed during, or `None` if the run ended first.
fn kill_during(
    stack: &Stack,
    moto: &Moto,
    proxy: &FaultProxy,
    args: &[&str],
    point: &KillPoint,
    when: HoldWhen,
    seed: usize,
) -> Option<HeldRequest> {
    lose_answers_until_the_kill(proxy, seed);
    point.hold(proxy, when);
    let mut child = spawn(stack, moto, proxy, args);
    let held = proxy.wait_held_or_exit(&mut child);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    proxy.release();
    proxy.set_faults(0.0, 0.0);
    held
}

/// Applies the reference stack, kills its destroy at `point` (the `index`th destroy kill,
/// its answers lost by `seed`); the state must stay readable and a destroy after it must
/// leave nothing.
fn kill_a_destroy(
    moto: &Moto,
    proxy: &FaultProxy,
    seed: usize,
    index: usize,
    point: &KillPoint,
) -> Option<String> {
    let stack = Stack::from_fixture("infrastructure");
    let applied = run(&stack, moto, None, &APPLY);
    assert_eq!(applied.code, 0, "the apply before the killed destroy: {}", applied.all());
    let when = if index.is_multiple_of(2) {
        HoldWhen::AfterForwarding
    } else {
        HoldWhen::BeforeForwarding
    };
    let held = kill_during(&stack, moto, proxy, &DESTROY, point, when, seed);
    readable_state(&stack, "after a killed destroy");
    let label = match held {
        Some(request) => format!("a destroy killed during {point:?}, {request}, held {when:?}"),
        None => format!("a destroy that ended before {point:?}"),
    };
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        destroy_clean(&stack, moto, proxy, &label)
    }));
    cleaned.is_err().then(|| format!("{label}: the destroy after it did not leave nothing"))
}

/// `kill -9` of the reference stack's apply during each of a deterministic sample of its
/// calls, and of its destroy during another, then a run without faults converges.
///
/// The sample ([`kill_points`]): an uninterrupted apply through the proxy logs its calls
/// (about 170); per push, the apply is killed during the first changing call of each AWS
/// service (about a dozen). `INFRA_SWEEP=operations` kills during the first call of each
/// operation that changes something (about 60: every resource type's create, tag, modify...
/// calls), and during evenly spread calls when that makes fewer than [`MIN_APPLY_KILLS`];
/// `INFRA_SWEEP=all` during every call (`scripts/sweep-crash`). The call is held (and every
/// call after it, so the emulator stays as it was), the test waits until it is, kills the
/// binary and releases the held calls. Even kill points hold the call before moto sees it; odd
/// ones after moto did it, so the work is done and never heard of. [`WORKERS`] workers share
/// the kills ([`on_own_emulators`]), each with an emulator that is reset between them.
///
/// After each kill, an apply without faults exits 0, the plan is clean, every managed address
/// has exactly one object, and the emulator holds as many objects of each kind as after the
/// uninterrupted apply. The killed runs lose some answers in the three ways as well
/// ([`lose_answers_until_the_kill`]). Then two destroys (per push; [`DESTROY_KILLS`] in the larger sweeps)
/// are killed during the first call of evenly chosen deleting operations; the state stays
/// readable and a destroy after each leaves nothing. Failures are gathered over the whole
/// sweep and reported together.
#[test]
fn an_apply_and_a_destroy_killed_during_each_of_a_sample_of_calls_converge() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());

    // The uninterrupted run: its calls logged, what it makes.
    let (apply_points, destroy_points, expected) = {
        let stack = Stack::from_fixture("infrastructure");
        let start = proxy.requests() as usize;
        let applied = run(&stack, &moto, Some(&proxy), &APPLY);
        assert_eq!(applied.code, 0, "the uninterrupted apply: {}", applied.all());
        let apply_log: Vec<serde_json::Value> = proxy.request_log()[start..].to_vec();
        if let Some(problem) = plan_problem(&stack, &moto) {
            panic!("after the uninterrupted apply, {problem}");
        }
        let expected = census(&moto, &stack);
        assert!(expected.problems.is_empty(), "{expected:#?}");
        let start = proxy.requests() as usize;
        destroy_clean(&stack, &moto, &proxy, "the uninterrupted destroy");
        let destroy_log: Vec<serde_json::Value> = proxy.request_log()[start..].to_vec();
        let apply_points = kill_points(&apply_log, apply_log.len() as u64, MIN_APPLY_KILLS);
        let deletes = changing_operations(&destroy_log);
        let destroy_kills = match sweep() {
            Sweep::PerService => 2,
            Sweep::Operations | Sweep::All => DESTROY_KILLS,
        }
        .min(deletes.len());
        let destroy_points: Vec<KillPoint> = (0..destroy_kills)
            .map(|i| {
                let (service, key) = deletes[i * deletes.len() / destroy_kills].clone();
                KillPoint::Operation(service, key)
            })
            .collect();
        (apply_points, destroy_points, expected)
    };
    drop(proxy);
    drop(moto);

    // The kills, spread over workers that each have an emulator of their own.
    let kills: Vec<Kill> = (apply_points.iter().enumerate())
        .map(|(index, point)| Kill::Apply(index, point))
        .chain(
            (destroy_points.iter().enumerate())
                .map(|(index, point)| Kill::Destroy(apply_points.len() + index, index, point)),
        )
        .collect();
    let outcomes = on_own_emulators(&kills, |moto, proxy, kill| kill.run(moto, proxy, &expected));
    let failures: Vec<&str> = (outcomes.iter()).filter_map(|o| o.failure.as_deref()).collect();
    let held_count = outcomes.iter().filter(|o| o.apply_held).count();
    let total = apply_points.len() + destroy_points.len();
    assert!(
        failures.is_empty(),
        "{} of {total} kills did not converge:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "crash sweep: {} apply kill points ({held_count} reached), {} destroy kill points",
        apply_points.len(),
        destroy_points.len()
    );
    assert!(
        held_count + 2 >= apply_points.len(),
        "only {held_count} of {} applies reached their kill point",
        apply_points.len()
    );
}

/// A destroy killed just after ECS deleted the first colour of the blue/green service (the
/// answer never heard): the colour left is found by the next refresh and deleted by the next
/// destroy. The live colour goes last, since a blue/green object is read through it; deleting
/// it first left the idle colour behind, forgotten (found by the crash sweep).
#[test]
fn a_destroy_killed_between_the_two_colours_deletes_the_other_next_time() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let stack = Stack::from_fixture("infrastructure");
    let applied = run(&stack, &moto, None, &APPLY);
    assert_eq!(applied.code, 0, "the apply: {}", applied.all());
    proxy.hold_operation("ecs", "DeleteService", 1, HoldWhen::AfterForwarding);
    let mut child = spawn(&stack, &moto, &proxy, &DESTROY);
    let held = proxy.wait_held_or_exit(&mut child);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    proxy.release();
    assert!(held.is_some(), "the destroy never deleted an ECS service");
    readable_state(&stack, "after the killed destroy");
    destroy_clean(&stack, &moto, &proxy, "the destroy after the kill");
}

/// A create killed while its call is in flight leaves a `pending` entry with the planned
/// object; the write-only password is not in it, nor anywhere else in the files infra wrote.
#[test]
fn a_create_killed_in_flight_journals_no_write_only_password() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let stack = Stack::from_fixture("infrastructure");
    proxy.hold_operation("rds", "CreateDBInstance", 1, HoldWhen::BeforeForwarding);
    let mut child = spawn(&stack, &moto, &proxy, &APPLY);
    let held = proxy.wait_held_or_exit(&mut child);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    proxy.release();
    assert!(held.is_some(), "the apply never created the database");
    let state: serde_json::Value = stack.state();
    let pending = state["pending"].to_string();
    assert!(pending.contains("aws_db_instance.main"), "no pending entry: {pending}");
    let holding = super::files_holding(stack.path(), PASSWORD);
    assert!(holding.is_empty(), "files holding the password: {holding:?}");
    let applied = run(&stack, &moto, None, &APPLY);
    assert_eq!(applied.code, 0, "the apply after the kill: {}", applied.all());
    assert!(super::files_holding(stack.path(), PASSWORD).is_empty());
}

/// The operation keys whose first answer
/// [`every_create_with_its_first_answer_lost_converges_with_one_object_per_address`] loses:
/// every call that makes or attaches something (and, with them, the tagging and `Put*` calls,
/// which the SDK may retry), and every REST call that sends a body.
const CREATING: &[&str] = &[
    "Create",
    "Allocate",
    "Associate",
    "Attach",
    "Authorize",
    "Run",
    "Register",
    "Request",
    "Put",
    "Add",
    "Change",
    "POST ",
];

/// What a lookup before a retry prints (`infra-cli`'s `lost_answer_line`).
const LOOKED_FIRST: &str = "was lost";

/// The three ways AWS loses an answer after doing the work.
const THREE_WAYS: [LostAs; 3] = [LostAs::Error, LostAs::Throttle, LostAs::Timeout];

/// Every create of the reference stack with its first answer lost, in each of the three ways
/// AWS loses an answer after doing the work: a 500 in the service's error shape, the
/// service's throttling error, and no answer until the client's read timeout (5 s through the
/// proxy). The proxy loses the first answer of each distinct request whose operation starts
/// with one of [`CREATING`]; the objects carry their address in a tag, so that is each
/// address's first create.
///
/// First all creates at once, one apply per way (57 answers lost in each); then one create at a
/// time: in CI two operations per way, chosen in turn from those the first part lost, and with
/// `INFRA_SWEEP=lost-answers` (`scripts/sweep-lost-answers`) every lost request of every
/// operation in every way. For each apply ([`apply_losing_first_answers`]): it exits 0; a plan
/// without faults is clean; the emulator holds exactly one object per managed address
/// ([`census`]: VPCs, subnets, route tables, gateways, groups, EIPs, target groups, log groups,
/// roles...) and as many of each kind as an apply without faults; and the creates that the SDK
/// sends only once (`retries.rs`) show their lookup before anything is sent again.
#[test]
fn every_create_with_its_first_answer_lost_converges_with_one_object_per_address() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("infrastructure");
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let clean = run(&stack, &moto, Some(&proxy), &APPLY);
    assert_eq!(clean.code, 0, "an apply without faults: {}", clean.all());
    let expected = census(&moto, &stack);
    assert!(expected.problems.is_empty(), "{expected:#?}");
    let prefixes: Vec<String> = CREATING.iter().map(|p| p.to_string()).collect();
    let mut failures = Vec::new();
    // (operation key, how many of its requests lost their first answer), from the first part.
    let mut lost_creates: Vec<(String, u64)> = Vec::new();
    drop(proxy);
    drop(moto);
    let outcomes = on_own_emulators(&THREE_WAYS, |moto, proxy, &how| {
        proxy.lose_first(&prefixes, how);
        apply_losing_first_answers(proxy, moto, &expected, how)
    });
    for (how, outcome) in THREE_WAYS.into_iter().zip(outcomes) {
        let looked = looked_before_resending(&outcome.stdout);
        eprintln!("first answers lost ({}): {}", how.name(), outcome.lost.len());
        if looked.len() < 15 {
            failures.push(format!(
                "{}: only {} creates looked before resending ({looked:?}):\n{}",
                how.name(),
                looked.len(),
                outcome.stdout
            ));
        }
        for kind in [
            "aws_vpc.",
            "aws_subnet.",
            "aws_route_table.",
            "aws_internet_gateway.",
            "aws_eip.",
            "aws_security_group.",
            "aws_lb_target_group.",
            "aws_cloudwatch_log_group.",
            "aws_iam_role.",
            "aws_nat_gateway.",
        ] {
            if outcome.failures.is_empty() && !looked.iter().any(|a| a.contains(kind)) {
                failures.push(format!(
                    "{}: no {kind} create looked before resending:\n{}",
                    how.name(),
                    outcome.stdout
                ));
            }
        }
        for key in &outcome.lost {
            let count = outcome.lost.iter().filter(|k| *k == key).count() as u64;
            match lost_creates.iter_mut().find(|(k, _)| k == key) {
                Some((_, most)) => *most = (*most).max(count),
                None => lost_creates.push((key.clone(), count)),
            }
        }
        failures.extend(outcome.failures);
    }
    let sweep = std::env::var("INFRA_SWEEP").as_deref() == Ok("lost-answers");
    let mut chosen: Vec<(LostAs, String, u64)> = Vec::new();
    for (turn, how) in THREE_WAYS.into_iter().enumerate() {
        if sweep {
            chosen.extend(
                (lost_creates.iter())
                    .flat_map(|(key, count)| (1..=*count).map(move |nth| (how, key.clone(), nth))),
            );
        } else {
            chosen.extend((0..2).map(|i| {
                let key = &lost_creates[(turn * 2 + i) * 7 % lost_creates.len()].0;
                (how, key.clone(), 1)
            }));
        }
    }
    let outcomes = on_own_emulators(&chosen, |moto, proxy, (how, key, nth)| {
        proxy.lose_first_only(&prefixes, key, *nth, *how);
        apply_losing_first_answers(proxy, moto, &expected, *how)
    });
    let applies = outcomes.len();
    for ((how, key, nth), outcome) in chosen.iter().zip(outcomes) {
        if outcome.lost.len() != 1 {
            failures.push(format!(
                "{} {key} #{nth}: {} answers lost, not one",
                how.name(),
                outcome.lost.len()
            ));
        }
        failures.extend(
            outcome.failures.into_iter().map(|f| format!("one at a time, {key} #{nth}: {f}")),
        );
    }
    eprintln!(
        "lost-answer sweep: {applies} applies with one create's first answer lost, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The operation keys of the reference stack whose requests must carry an idempotency token:
/// EC2's `ClientToken`, ECS's `clientToken`, ACM's `IdempotencyToken`, Route 53's
/// `CallerReference` (REST: `POST /2013-04-01/hostedzone`) and Secrets Manager's
/// `ClientRequestToken`.
const TOKEN_CARRIERS: &[&str] = &[
    "CreateNatGateway",
    "CreateService",
    "RequestCertificate",
    "POST /*/hostedzone",
    "CreateSecret",
    "PutSecretValue",
];

/// What the proxy notes for a request it refused with [`FaultProxy::refuse_first`].
const REFUSED_FIRST: &str = "refused first (500)";

/// The creates whose API takes an idempotency token send one, and the same one when they are
/// sent again. An apply of the reference stack without faults shows which requests carry a
/// token (every one of [`TOKEN_CARRIERS`] at least). A second apply, on an empty emulator,
/// has the first request of each of those operations refused with a 500 before moto sees it:
/// infra cannot tell that from a lost answer, so it looks for the object, finds nothing and
/// sends the call again (for ECS's `CreateService` the SDK resends it). Each refused token must
/// come back in a resend that goes through; a resend with a new token would be refused again.
/// The apply exits 0, the plan after it is clean, and the emulator holds one object per
/// address.
#[test]
fn every_create_that_takes_an_idempotency_token_resends_the_same_one() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let clean_stack = Stack::from_fixture("infrastructure");
    let clean = run(&clean_stack, &moto, Some(&proxy), &APPLY);
    assert_eq!(clean.code, 0, "an apply without faults: {}", clean.all());
    let expected = census(&moto, &clean_stack);
    let carriers: std::collections::BTreeSet<String> = proxy
        .request_log()
        .iter()
        .filter(|entry| entry["token"].is_string())
        .filter_map(|entry| entry["key"].as_str().map(str::to_string))
        .collect();
    for known in TOKEN_CARRIERS {
        assert!(
            carriers.contains(*known),
            "{known} carried no idempotency token; the requests that did: {carriers:?}"
        );
    }

    proxy.reset_emulator();
    let stack = Stack::from_fixture("infrastructure");
    let expected_after = proxy.request_log().len();
    proxy.refuse_first(&carriers.iter().cloned().collect::<Vec<_>>());
    let applied = run(&stack, &moto, Some(&proxy), &APPLY);
    proxy.refuse_first(&[]);
    let log = proxy.request_log().split_off(expected_after);
    assert_eq!(applied.code, 0, "the apply: {}", applied.all());

    let refused: Vec<&serde_json::Value> =
        log.iter().filter(|entry| entry["fault"] == REFUSED_FIRST).collect();
    let mut problems = Vec::new();
    for known in TOKEN_CARRIERS {
        if !refused.iter().any(|entry| entry["key"] == *known) {
            problems.push(format!("no {known} request was refused"));
        }
    }
    for entry in &refused {
        let key = entry["key"].as_str().unwrap_or_default();
        let resent = log.iter().any(|later| {
            later["n"].as_u64() > entry["n"].as_u64()
                && later["key"] == entry["key"]
                && later["token"] == entry["token"]
                && later["fault"].is_null()
        });
        if !entry["token"].is_string() || !resent {
            problems.push(format!(
                "{key}: the token {} of request {} did not come back in a resend that went \
                 through",
                entry["token"], entry["n"]
            ));
        }
    }
    assert!(problems.is_empty(), "{}\n\nthe requests: {log:#?}", problems.join("\n"));
    eprintln!(
        "{} requests refused before moto, each resent with its token: {:?}",
        refused.len(),
        refused.iter().map(|entry| &entry["key"]).collect::<Vec<_>>()
    );
    if let Some(problem) = plan_problem(&stack, &moto) {
        panic!("{problem}");
    }
    let found = census(&moto, &stack);
    assert!(
        found.problems.is_empty() && found.kinds == expected.kinds,
        "not one object per address: {found:#?}\nwithout faults: {:#?}",
        expected.kinds
    );
}

/// What one apply with first answers lost did.
struct LostAnswersApply {
    /// The operation keys whose answer was lost, one entry a request.
    lost: Vec<String>,
    stdout: String,
    failures: Vec<String>,
}

/// Resets the emulator and applies the reference stack afresh through `proxy` (set to lose
/// first answers); then checks it as the test above says, against `expected` (the census of an
/// apply without faults).
fn apply_losing_first_answers(
    proxy: &FaultProxy,
    moto: &Moto,
    expected: &Census,
    how: LostAs,
) -> LostAnswersApply {
    proxy.reset_emulator();
    let stack = Stack::from_fixture("infrastructure");
    let seen = proxy.request_log().len();
    let applied = run(&stack, moto, Some(proxy), &APPLY);
    let lost: Vec<String> = proxy.request_log()[seen..]
        .iter()
        .filter(|entry| entry["fault"].as_str().is_some_and(|f| f.starts_with("answer lost")))
        .filter_map(|entry| entry["key"].as_str().map(str::to_string))
        .collect();
    let way = how.name();
    let mut failures = Vec::new();
    if applied.code != 0 {
        failures.push(format!("{way}: the apply exited {}:\n{}", applied.code, applied.all()));
        return LostAnswersApply { lost, stdout: applied.stdout, failures };
    }
    if let Some(problem) = plan_problem(&stack, moto) {
        failures.push(format!("{way}: {problem}"));
    }
    let mut found = census(moto, &stack);
    // moto makes a target tracking policy's alarms anew on each PutScalingPolicy (AWS keeps
    // one pair per policy): the SDK's retry of the lost answer adds two.
    if let Some(alarms) = expected.kinds.get("alarm") {
        found.kinds.insert("alarm".into(), *alarms);
    }
    if !found.problems.is_empty() || found.kinds != expected.kinds {
        failures.push(format!(
            "{way}: not one object per address: {found:#?}\nwithout faults: {:#?}",
            expected.kinds
        ));
    }
    LostAnswersApply { lost, stdout: applied.stdout, failures }
}

/// The addresses whose create lost its answer, then found its object (adopted) before the
/// create completed, in the order of an apply's output.
fn looked_before_resending(stdout: &str) -> Vec<String> {
    let mut looked = Vec::new();
    for line in stdout.lines().filter(|line| line.contains(LOOKED_FIRST)) {
        let Some((address, _)) = line.split_once(": ") else {
            continue;
        };
        let after: Vec<&str> = stdout
            .split(line)
            .nth(1)
            .unwrap_or_default()
            .lines()
            .filter(|later| later.starts_with(&format!("{address}: ")))
            .collect();
        let adopted = after.iter().position(|l| l.contains("already existed"));
        let complete = after.iter().position(|l| l.contains("Creation complete"));
        if matches!((adopted, complete), (Some(a), Some(c)) if a < c) {
            looked.push(address.to_string());
        }
    }
    looked
}

/// Objects whose names infra generates (`name_prefix`, or no name at all), as the provider
/// does: a create sent again after its answer was lost must ask for the same name, or the
/// first attempt's object is left behind as a duplicate (issue 33).
const GENERATED_NAMES: &str = r#"
resource "aws_iam_role" "app" {
  name_prefix = "gen-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "app" {
  name_prefix = "gen-"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "logs:CreateLogStream", Resource = "*" }]
  })
}

resource "aws_iam_instance_profile" "app" {
  name_prefix = "gen-"
  role        = aws_iam_role.app.name
}

resource "aws_cloudwatch_log_group" "app" {
  name_prefix = "gen-"
}

resource "aws_secretsmanager_secret" "app" {
  name_prefix = "gen-"
}

resource "aws_kms_key" "app" {
  deletion_window_in_days = 7
}

resource "aws_s3_bucket" "app" {
  bucket_prefix = "gen-"
}

# Not a generated name, but tagged by its create: the parameter whose answer was lost carries
# this address's tags, so it is adopted, not refused as someone else's.
resource "aws_ssm_parameter" "app" {
  name  = "gen-parameter"
  type  = "String"
  value = "v"
}

resource "aws_kms_alias" "app" {
  name_prefix   = "alias/gen-"
  target_key_id = aws_kms_key.app.key_id
}
"#;

/// How many objects with a generated `gen-` name the emulator holds, per kind.
fn generated_copies(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
iam = boto3.client('iam')
counts = [
    len([r for r in iam.list_roles()['Roles'] if r['RoleName'].startswith('gen-')]),
    len([p for p in iam.list_policies(Scope='Local')['Policies'] if p['PolicyName'].startswith('gen-')]),
    len([p for p in iam.list_instance_profiles()['InstanceProfiles'] if p['InstanceProfileName'].startswith('gen-')]),
    len(boto3.client('logs').describe_log_groups(logGroupNamePrefix='gen-')['logGroups']),
    len([s for s in boto3.client('secretsmanager').list_secrets()['SecretList'] if s['Name'].startswith('gen-')]),
    len([a for a in boto3.client('kms').list_aliases()['Aliases'] if a['AliasName'].startswith('alias/gen-')]),
    len([b for b in boto3.client('s3').list_buckets()['Buckets'] if b['Name'].startswith('gen-')]),
    len(boto3.client('ssm').describe_parameters()['Parameters']),
]
print(' '.join(str(c) for c in counts))
"#,
    )
    .trim()
    .to_string()
}

/// Each create of an object with a generated name has its first answer lost, in each of the
/// three ways; the resend (the SDK's or infra's, after looking) asks for the name of the first
/// attempt, so the apply exits 0, the plan is clean, and there is one object of each. The
/// bucket, whose tags come after CreateBucket, is adopted by its generated name.
#[test]
fn a_create_with_a_generated_name_and_its_first_answer_lost_makes_one_object() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let creates: Vec<String> = [
        "CreateRole",
        "CreatePolicy",
        "CreateInstanceProfile",
        "CreateLogGroup",
        "CreateSecret",
        "CreateAlias",
        "PutParameter",
        // S3's CreateBucket (path style; the bucket's name holds digits), and the bucket's
        // later PUTs with it.
        "PUT /*",
    ]
    .iter()
    .map(|key| key.to_string())
    .collect();
    for how in THREE_WAYS {
        proxy.reset_emulator();
        proxy.lose_first(&creates, how);
        let stack = Stack::new();
        stack.write("main.tf", GENERATED_NAMES);
        let seen = proxy.request_log().len();
        let applied = run(&stack, &moto, Some(&proxy), &["apply", "-input=false", "-auto-approve"]);
        assert_eq!(applied.code, 0, "{}: {}", how.name(), applied.all());
        let lost = proxy.request_log()[seen..]
            .iter()
            .filter(|entry| entry["fault"].as_str().is_some_and(|f| f.starts_with("answer lost")))
            .count();
        assert!(lost >= creates.len(), "{}: {lost} answers lost", how.name());
        assert_eq!(generated_copies(&moto), "1 1 1 1 1 1 1 1", "{}", how.name());
        let plan = run(&stack, &moto, None, &["plan", "-input=false", "-detailed-exitcode"]);
        assert_eq!(plan.code, 0, "{}: {}", how.name(), plan.all());
    }
    proxy.lose_none();
}

/// Objects whose create cannot carry the managed tags: a bucket and a service-linked role are
/// tagged by a later call, an access key has no tags (and its secret is only in the answer).
const TAGGED_AFTER_CREATE: &str = r#"
resource "aws_s3_bucket" "app" {
  bucket = "after-create-bucket"
}

resource "aws_iam_service_linked_role" "app" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "after"
}

resource "aws_iam_user" "ci" {
  name = "after-create-user"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
"#;

/// How many buckets, service-linked roles of the suffix and access keys of the user the
/// emulator holds.
fn tagged_after_create_copies(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
iam = boto3.client('iam')
roles = iam.list_roles(PathPrefix='/aws-service-role/autoscaling.amazonaws.com/')['Roles']
counts = [
    len([b for b in boto3.client('s3').list_buckets()['Buckets'] if b['Name'] == 'after-create-bucket']),
    len([r for r in roles if r['RoleName'].endswith('_after')]),
    len(iam.list_access_keys(UserName='after-create-user')['AccessKeyMetadata']),
]
print(' '.join(str(c) for c in counts))
"#,
    )
    .trim()
    .to_string()
}

/// The creates that cannot send the managed tags have their first answer lost, in each of the
/// three ways. The bucket and the role were absent before the first send, so the objects found
/// after it are the create's and are adopted; the access key found after it has lost its secret,
/// so it is deleted and the create sent again. The apply exits 0, the plan is clean, and there
/// is one object of each (the key's secret is in the state).
#[test]
fn a_create_tagged_after_it_or_untaggable_and_its_first_answer_lost_makes_one_object() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let creates: Vec<String> =
        ["PUT /after-create-bucket/", "CreateServiceLinkedRole", "CreateAccessKey"]
            .iter()
            .map(|key| key.to_string())
            .collect();
    for how in THREE_WAYS {
        proxy.reset_emulator();
        proxy.lose_first(&creates, how);
        let stack = Stack::new();
        stack.write("main.tf", TAGGED_AFTER_CREATE);
        let seen = proxy.request_log().len();
        let applied = run(&stack, &moto, Some(&proxy), &["apply", "-input=false", "-auto-approve"]);
        assert_eq!(applied.code, 0, "{}: {}", how.name(), applied.all());
        let log = &proxy.request_log()[seen..];
        let lost = log
            .iter()
            .filter(|entry| entry["fault"].as_str().is_some_and(|f| f.starts_with("answer lost")))
            .count();
        assert!(lost >= creates.len(), "{}: {lost} answers lost", how.name());
        assert_eq!(tagged_after_create_copies(&moto), "1 1 1", "{}", how.name());
        let secret = stack.state()["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == "aws_iam_access_key.ci")
            .map(|r| r["attributes"]["secret"].clone())
            .unwrap_or_default();
        assert!(
            secret.as_str().is_some_and(|s| !s.is_empty()),
            "{}: the key's secret is in the state",
            how.name()
        );
        let plan = run(&stack, &moto, None, &["plan", "-input=false", "-detailed-exitcode"]);
        assert_eq!(plan.code, 0, "{}: {}", how.name(), plan.all());
    }
    proxy.lose_none();
}

/// A create of a generated name killed after AWS did it: the pending entry holds the name the
/// create sent (`with_generated_names`), so the next run finds that object instead of making
/// a second one under a new name.
#[test]
fn a_create_with_a_generated_name_killed_after_aws_did_it_is_found_by_the_next_run() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto, FaultSettings::none());
    let stack = Stack::new();
    stack.write("main.tf", GENERATED_NAMES);
    let apply = ["apply", "-input=false", "-auto-approve"];
    proxy.hold_operation("iam", "CreateRole", 1, HoldWhen::AfterForwarding);
    let mut child = spawn(&stack, &moto, &proxy, &apply);
    let held = proxy.wait_held_or_exit(&mut child);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    proxy.release();
    assert!(held.is_some(), "the apply never created the role");
    let pending = stack.state()["pending"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["address"] == "aws_iam_role.app")
        .cloned()
        .unwrap_or_default();
    let journaled = pending["planned"]["name"].as_str().unwrap_or_default().to_string();
    assert!(journaled.starts_with("gen-"), "the pending entry: {pending}");
    let applied = run(&stack, &moto, None, &apply);
    assert_eq!(applied.code, 0, "the apply after the kill: {}", applied.all());
    assert_eq!(generated_copies(&moto), "1 1 1 1 1 1 1 1");
    let role = moto.python(
        "import boto3\nprint([r['RoleName'] for r in boto3.client('iam').list_roles()['Roles'] if r['RoleName'].startswith('gen-')][0])",
    );
    assert_eq!(role.trim(), journaled);
    let plan = run(&stack, &moto, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
}

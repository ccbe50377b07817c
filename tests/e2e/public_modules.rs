//! Public modules from the Terraform Registry, vendored unchanged as fixtures, run as their
//! users run them: validate, apply, plan to "No changes", destroy to an empty emulator.

use infra_testkit::{Moto, Stack};

use super::{apply_run, assert_contains, destroy_run, infra, plan_run, NO_VARS};

/// What the vpc module made in eu-west-1, counted through the AWS API: non-default VPCs,
/// subnets, NAT gateways, and the database, ElastiCache and Redshift subnet groups.
fn objects_left(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         ec2 = boto3.client('ec2', region_name='eu-west-1')\n\
         vpcs = [v for v in ec2.describe_vpcs()['Vpcs'] if not v['IsDefault']]\n\
         ids = [v['VpcId'] for v in vpcs]\n\
         subnets = [s for s in ec2.describe_subnets()['Subnets'] if s['VpcId'] in ids]\n\
         nats = [n for n in ec2.describe_nat_gateways()['NatGateways'] if n['State'] != 'deleted']\n\
         rds = boto3.client('rds', region_name='eu-west-1').describe_db_subnet_groups()['DBSubnetGroups']\n\
         cache = boto3.client('elasticache', region_name='eu-west-1').describe_cache_subnet_groups()['CacheSubnetGroups']\n\
         cache = [g for g in cache if g['CacheSubnetGroupName'] != 'default']\n\
         redshift = boto3.client('redshift', region_name='eu-west-1').describe_cluster_subnet_groups()['ClusterSubnetGroups']\n\
         print(f'vpcs={len(vpcs)} subnets={len(subnets)} nat={len(nats)} db={len(rds)} cache={len(cache)} redshift={len(redshift)}')",
    )
    .trim()
    .to_string()
}

#[test]
fn the_public_vpc_module_validates_applies_plans_clean_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/vpc_module");

    let validate = infra(&stack, None, &["validate"]).ok();
    assert!(validate.stdout.contains("The configuration is valid"), "{}", validate.all());

    let apply = apply_run(&stack, &moto, NO_VARS).ok();
    assert_contains(&apply.stdout, "Apply complete!");
    assert_eq!(
        objects_left(&moto),
        "vpcs=1 subnets=15 nat=1 db=1 cache=0 redshift=1",
        "{}",
        apply.stdout
    );

    let plan = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(plan.code, 0, "a second plan shows changes:\n{}", plan.all());

    destroy_run(&stack, &moto, NO_VARS).ok();
    assert_eq!(objects_left(&moto), "vpcs=0 subnets=0 nat=0 db=0 cache=0 redshift=0");
}

/// What the alb module made in eu-west-1, counted through the AWS API: load balancers,
/// listeners, rules (defaults left out), target groups, registered targets, the web ACL's
/// protection, the alias record, and the Cognito user pool, its client and its domain.
fn alb_objects(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         elb = boto3.client('elbv2', region_name='eu-west-1')\n\
         lbs = elb.describe_load_balancers()['LoadBalancers']\n\
         listeners = [l for lb in lbs for l in elb.describe_listeners(LoadBalancerArn=lb['LoadBalancerArn'])['Listeners']]\n\
         rules = [r for l in listeners for r in elb.describe_rules(ListenerArn=l['ListenerArn'])['Rules'] if not r['IsDefault']]\n\
         groups = elb.describe_target_groups()['TargetGroups']\n\
         targets = sum(len(elb.describe_target_health(TargetGroupArn=g['TargetGroupArn'])['TargetHealthDescriptions']) for g in groups)\n\
         waf = boto3.client('wafv2', region_name='eu-west-1')\n\
         protected = sum(1 for lb in lbs if 'WebACL' in waf.get_web_acl_for_resource(ResourceArn=lb['LoadBalancerArn']))\n\
         r53 = boto3.client('route53')\n\
         zones = r53.list_hosted_zones()['HostedZones']\n\
         aliases = [r for z in zones for r in r53.list_resource_record_sets(HostedZoneId=z['Id'])['ResourceRecordSets'] if 'AliasTarget' in r]\n\
         idp = boto3.client('cognito-idp', region_name='eu-west-1')\n\
         pools = [idp.describe_user_pool(UserPoolId=p['Id'])['UserPool'] for p in idp.list_user_pools(MaxResults=60)['UserPools']]\n\
         clients = sum(len(idp.list_user_pool_clients(UserPoolId=p['Id'])['UserPoolClients']) for p in pools)\n\
         domains = sum(1 for p in pools if p.get('Domain'))\n\
         print(f'lbs={len(lbs)} listeners={len(listeners)} rules={len(rules)} groups={len(groups)} targets={targets} protected={protected} aliases={len(aliases)} pools={len(pools)} clients={clients} domains={domains}')",
    )
    .trim()
    .to_string()
}

/// terraform-aws-modules/alb 10.5.0, called as its complete-alb example calls it
/// (`tests/fixtures/alb_module/main.tf`, whose header lists every difference: the ex-oidc
/// listener off the port ex-jwt takes): validate, apply, a clean plan, destroy to an
/// empty emulator. Its rules' `regex_values`, `transform` and `jwt_validation` are held by the
/// test's moto as AWS holds them (tests/support/moto_server.py), so the clean plan shows infra
/// reads them back.
#[test]
fn the_public_alb_module_validates_applies_plans_clean_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/alb_module");
    let pems = moto.python(
        "import datetime\n\
         from cryptography import x509\n\
         from cryptography.hazmat.primitives import hashes, serialization\n\
         from cryptography.hazmat.primitives.asymmetric import rsa\n\
         from cryptography.x509.oid import NameOID\n\
         key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n\
         name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'terraform-aws-modules.modules.tf')])\n\
         now = datetime.datetime.now(datetime.timezone.utc)\n\
         cert = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1001).not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256())\n\
         print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode() + '%%' + cert.public_bytes(serialization.Encoding.PEM).decode())",
    );
    let (key, cert) = pems.trim().split_once("%%").expect("a key and a certificate");
    stack.write("key.pem", key);
    stack.write("cert.pem", cert);
    let validate = infra(&stack, None, &["validate"]).ok();
    assert!(validate.stdout.contains("The configuration is valid"), "{}", validate.all());
    let web_acl = moto
        .python(
            "import boto3\n\
             acl = boto3.client('wafv2', region_name='eu-west-1').create_web_acl(Name='alb-module', Scope='REGIONAL', DefaultAction={'Allow': {}}, \
             VisibilityConfig={'SampledRequestsEnabled': False, 'CloudWatchMetricsEnabled': False, 'MetricName': 'alb-module'})\n\
             print(acl['Summary']['ARN'])",
        )
        .trim()
        .to_string();
    let var = format!("-var=web_acl_arn={web_acl}");

    let apply = apply_run(&stack, &moto, &[&var]).ok();
    assert_contains(&apply.stdout, "Apply complete!");
    assert_eq!(
        alb_objects(&moto),
        "lbs=1 listeners=7 rules=9 groups=3 targets=4 protected=1 aliases=2 pools=1 clients=1 domains=1",
        "{}",
        apply.stdout
    );

    let plan = plan_run(&stack, &moto, &[&var]);
    assert_eq!(plan.code, 0, "a second plan shows changes:\n{}", plan.all());

    destroy_run(&stack, &moto, &[&var]).ok();
    assert_eq!(
        alb_objects(&moto),
        "lbs=0 listeners=0 rules=0 groups=0 targets=0 protected=0 aliases=0 pools=0 clients=0 domains=0"
    );
}

/// What the ecs example made in eu-west-1, counted through the AWS API: active clusters,
/// services (and their ECS Exec flag) and task definitions, load balancers, target groups.
fn ecs_objects(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         ecs = boto3.client('ecs', region_name='eu-west-1')\n\
         arns = ecs.list_clusters()['clusterArns']\n\
         clusters = [c['clusterArn'] for c in ecs.describe_clusters(clusters=arns)['clusters'] if c['status'] == 'ACTIVE'] if arns else []\n\
         services = [s for c in clusters for s in ecs.describe_services(cluster=c, services=ecs.list_services(cluster=c)['serviceArns'])['services'] if s['status'] == 'ACTIVE'] if clusters else []\n\
         exec_on = sum(1 for s in services if s.get('enableExecuteCommand'))\n\
         task_definitions = ecs.list_task_definitions(status='ACTIVE')['taskDefinitionArns']\n\
         elb = boto3.client('elbv2', region_name='eu-west-1')\n\
         lbs = elb.describe_load_balancers()['LoadBalancers']\n\
         groups = elb.describe_target_groups()['TargetGroups']\n\
         print(f'clusters={len(clusters)} services={len(services)} exec={exec_on} task_definitions={len(task_definitions)} lbs={len(lbs)} groups={len(groups)}')",
    )
    .trim()
    .to_string()
}

/// terraform-aws-modules/ecs 7.5.0's fargate example, with the alb and vpc modules it calls
/// (`tests/fixtures/ecs_module/main.tf` says what differs): validate, apply (a cluster, a
/// blue/green service with ECS Exec and service connect, a standalone task definition, the
/// load balancer with the service's two target groups), a clean plan, destroy.
#[test]
fn the_public_ecs_module_validates_applies_plans_clean_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/ecs_module");
    let validate = infra(&stack, None, &["validate"]).ok();
    assert!(validate.stdout.contains("The configuration is valid"), "{}", validate.all());

    let apply = apply_run(&stack, &moto, NO_VARS).ok();
    assert_contains(&apply.stdout, "Apply complete!");
    assert_eq!(
        ecs_objects(&moto),
        // The blue/green service is two ECS services, `<name>-blue` and `<name>-green` (README,
        // "Blue/green deployments"), both with ECS Exec.
        "clusters=1 services=2 exec=2 task_definitions=2 lbs=1 groups=2",
        "{}",
        apply.stdout
    );

    let plan = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(plan.code, 0, "a second plan shows changes:\n{}", plan.all());

    let destroy = destroy_run(&stack, &moto, NO_VARS).ok();
    assert_eq!(
        ecs_objects(&moto),
        "clusters=0 services=0 exec=0 task_definitions=0 lbs=0 groups=0",
        "{}",
        destroy.all()
    );
}

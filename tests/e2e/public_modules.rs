//! Public modules from the Terraform Registry, vendored unchanged as fixtures, run as their
//! users run them: validate, apply, plan to "No changes", destroy to an empty emulator.

use infra_testkit::{Moto, Stack};

use super::infra;

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
    assert!(
        validate.stdout.contains("The configuration is valid"),
        "{}",
        validate.all()
    );

    let apply = infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    assert!(apply.stdout.contains("Apply complete!"), "{}", apply.stdout);
    assert_eq!(
        objects_left(&moto),
        "vpcs=1 subnets=15 nat=1 db=1 cache=0 redshift=1",
        "{}",
        apply.stdout
    );

    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "a second plan shows changes:\n{}", plan.all());

    infra(
        &stack,
        Some(&moto),
        &["destroy", "-input=false", "-auto-approve"],
    )
    .ok();
    assert_eq!(
        objects_left(&moto),
        "vpcs=0 subnets=0 nat=0 db=0 cache=0 redshift=0"
    );
}

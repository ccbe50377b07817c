//! Shared helpers for the end-to-end tests.

mod blue_green;
mod crash;
mod errors;
mod lifecycle;
mod locking;
mod plan_file;
mod stacks;
mod team;

use infra_testkit::{infra_command, run, Moto, Run, Stack};

pub const BINARY: &str = env!("CARGO_BIN_EXE_infra");

/// Runs `infra ARGS` in `stack` against `moto`.
pub fn infra(stack: &Stack, moto: Option<&Moto>, args: &[&str]) -> Run {
    run(infra_command(BINARY, stack.path(), moto), args)
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
    moto.python(script)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

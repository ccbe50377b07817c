//! EC2 instances on existing network interfaces: one instance attaches an interface at `eth0`
//! with a `network_interface` block, another with `primary_network_interface`, protected
//! against termination and with `force_destroy`. A plan afterwards shows no changes, and
//! `primary_network_interface_id` names the attached interfaces. A tag changes both instances
//! in place; another interface replaces the first instance; both import by their instance
//! IDs (the imported `force_destroy` is false, as in Terraform, so one in-place update sets it
//! again); removing the instances terminates them, the protected one thanks to
//! `force_destroy`, and leaves the interfaces, which the test then deletes; destroy leaves
//! nothing.
//!
//! The interfaces exist before the instances (infra has no `aws_network_interface` yet): the
//! test makes them in the emulator with boto3, in the subnet a first apply made, and passes
//! their IDs in with `-var`.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_run, has_plan_line, infra, plan_is_clean, reimport,
    state_id, NO_VARS,
};

const NETWORK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "web" {
  name   = "interfaces-web"
  vpc_id = aws_vpc.main.id
}
"#;

const INSTANCES: &str = r#"
variable "eni" {
  type = string
}

variable "api_eni" {
  type = string
}

variable "env" {
  type    = string
  default = "test"
}

# An existing interface at eth0 (the deprecated block): another interface replaces the
# instance.
resource "aws_instance" "web" {
  ami           = "ami-1e749f67"
  instance_type = "t3.micro"

  network_interface {
    device_index         = 0
    network_interface_id = var.eni
  }

  tags = {
    Name = "interfaces-web"
    Env  = var.env
  }
}

# The primary interface named as such; protected, so only force_destroy lets destroy end it.
resource "aws_instance" "api" {
  ami                     = "ami-1e749f67"
  instance_type           = "t3.micro"
  disable_api_termination = true
  force_destroy           = true

  primary_network_interface {
    network_interface_id = var.api_eni
  }

  tags = {
    Name = "interfaces-api"
    Env  = var.env
  }
}

output "interfaces" {
  value = [aws_instance.web.primary_network_interface_id, aws_instance.api.primary_network_interface_id, aws_instance.web.subnet_id]
}
"#;

/// Makes three network interfaces in the subnet, with the group; returns their IDs in the
/// order `interfaces-web-a`, `interfaces-web-b`, `interfaces-api` (their descriptions).
fn network_interfaces(moto: &Moto, subnet: &str, group: &str) -> Vec<String> {
    moto.python(&format!(
        r#"
import boto3
ec2 = boto3.client('ec2')
for name in ('web-a', 'web-b', 'api'):
    eni = ec2.create_network_interface(SubnetId='{subnet}', Groups=['{group}'], Description='interfaces-' + name)
    print(eni['NetworkInterface']['NetworkInterfaceId'])
"#
    ))
    .split_whitespace()
    .map(str::to_string)
    .collect()
}

/// Live instances as `instance NAME INDEX:INTERFACE Env=ENV protected=BOOL` lines (the
/// interfaces by description), as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
described = {n['NetworkInterfaceId']: n['Description'] for n in ec2.describe_network_interfaces()['NetworkInterfaces']}
lines = []
for reservation in ec2.describe_instances()['Reservations']:
    for i in reservation['Instances']:
        if i['State']['Name'] in ('terminated', 'shutting-down'): continue
        tags = {t['Key']: t['Value'] for t in i.get('Tags', [])}
        attached = sorted(f"{n['Attachment']['DeviceIndex']}:{described.get(n['NetworkInterfaceId'], '?')}" for n in i.get('NetworkInterfaces', []))
        protected = ec2.describe_instance_attribute(InstanceId=i['InstanceId'], Attribute='disableApiTermination')['DisableApiTermination']['Value']
        lines.append(f"instance {tags.get('Name', '-')} {' '.join(attached)} Env={tags.get('Env', '-')} protected={protected}")
print('\n'.join(sorted(lines)))
"#,
    )
}

/// The stack's objects left in the emulator: VPCs but the default one, subnets, security
/// groups but the default ones and network interfaces of the stack's CIDR, and instances not
/// terminated; as `kind detail` lines.
fn leftovers(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
out = []
for v in ec2.describe_vpcs()['Vpcs']:
    if not v.get('IsDefault'): out.append('vpc ' + v['CidrBlock'])
for s in ec2.describe_subnets()['Subnets']:
    if s['CidrBlock'].startswith('10.40.'): out.append('subnet ' + s['CidrBlock'])
for g in ec2.describe_security_groups()['SecurityGroups']:
    if g['GroupName'].startswith('interfaces-'): out.append('security_group ' + g['GroupName'])
for n in ec2.describe_network_interfaces()['NetworkInterfaces']:
    if n['Description'].startswith('interfaces-'): out.append('network_interface ' + n['Description'])
for reservation in ec2.describe_instances()['Reservations']:
    for i in reservation['Instances']:
        if i['State']['Name'] != 'terminated': out.append('instance ' + i['State']['Name'])
print('\n'.join(sorted(out)))
"#,
    )
}

fn instance_vars(web_eni: &str, api_eni: &str, env: &str) -> Vec<String> {
    vec![
        format!("-var=eni={web_eni}"),
        format!("-var=api_eni={api_eni}"),
        format!("-var=env={env}"),
    ]
}

#[test]
fn instances_on_existing_interfaces_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("network.tf", NETWORK);

    // The network first: the interfaces need its subnet and group.
    let network = apply(&stack, &moto, NO_VARS);
    assert_contains(&network, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    let subnet = state_id(&stack, "aws_subnet.a");
    let group = state_id(&stack, "aws_security_group.web");
    let enis = network_interfaces(&moto, &subnet, &group);
    assert_eq!(enis.len(), 3, "{enis:?}");
    let (web_a, web_b, api) = (&enis[0], &enis[1], &enis[2]);
    assert!(enis.iter().all(|id| id.starts_with("eni-")), "{enis:?}");

    stack.write("instances.tf", INSTANCES);
    let vars = instance_vars(web_a, api, "test");
    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance interfaces-api 0:interfaces-api Env=test protected=True\n\
         instance interfaces-web 0:interfaces-web-a Env=test protected=False"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "interfaces"]).ok().stdout;
    for expected in [web_a, api, &subnet] {
        assert!(output.contains(expected.as_str()), "{expected}: {output}");
    }

    // In place: the tags of both instances.
    let vars = instance_vars(web_a, api, "prod");
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance interfaces-api 0:interfaces-api Env=prod protected=True\n\
         instance interfaces-web 0:interfaces-web-a Env=prod protected=False"
    );

    // Replacement: an interface attached at boot cannot change.
    let vars = instance_vars(web_b, api, "prod");
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        plan.contains("# aws_instance.web must be replaced")
            && plan.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{plan}"
    );
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance interfaces-api 0:interfaces-api Env=prod protected=True\n\
         instance interfaces-web 0:interfaces-web-b Env=prod protected=False"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "interfaces"]).ok().stdout;
    assert!(output.contains(web_b.as_str()) && !output.contains(web_a.as_str()), "{output}");

    // Import by instance ID. As in Terraform, `force_destroy` is configuration only: an import
    // reads it as false, so the protected instance plans one in-place update.
    let ids: Vec<(&str, String)> = ["aws_instance.web", "aws_instance.api"]
        .into_iter()
        .map(|address| (address, state_id(&stack, address)))
        .collect();
    let imports: Vec<(&str, &str)> = ids.iter().map(|(a, id)| (*a, id.as_str())).collect();
    reimport(&stack, &moto, &vars, &imports);
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        plan.contains("Plan: 0 to add, 1 to change, 0 to destroy.")
            && plan.contains("# aws_instance.api will be updated in-place")
            && has_plan_line(&plan, "~ force_destroy = false -> true"),
        "{plan}"
    );
    let updated = apply(&stack, &moto, &vars);
    assert_contains(&updated, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    // The instances go (the protected one through force_destroy); the interfaces made outside
    // the stack stay, and the test deletes them.
    stack.write("instances.tf", "");
    let removed = apply(&stack, &moto, NO_VARS);
    assert_contains(&removed, "Apply complete! Resources: 0 added, 0 changed, 2 destroyed.");
    assert_eq!(emulator_view(&moto).trim(), "");
    assert_eq!(
        leftovers(&moto).trim(),
        "network_interface interfaces-api\n\
         network_interface interfaces-web-a\n\
         network_interface interfaces-web-b\n\
         security_group interfaces-web\n\
         subnet 10.40.1.0/24\n\
         vpc 10.40.0.0/16"
    );
    moto.python(&format!(
        r#"
import boto3
ec2 = boto3.client('ec2')
for eni in {enis:?}:
    ec2.delete_network_interface(NetworkInterfaceId=eni)
"#
    ));

    let destroyed = destroy_run(&stack, &moto, NO_VARS).ok().stdout;
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(leftovers(&moto).trim(), "");
}

//! Launch template secondary interfaces: a template with two `secondary_interfaces` blocks (one
//! with addresses, one with an address count) applies and plans clean; a changed device index
//! and address count make a new version in place (the default stays 1, as no
//! `update_default_version` is set); a new name replaces the template; it imports by its ID;
//! destroy leaves no launch template. A bad address or interface type fails at plan time with
//! the provider's wording.
//!
//! moto (5.2.5) has no secondary networks (no CreateSecondarySubnet) and checks no subnet in
//! launch data, so the secondary subnet is a literal ID; it holds and returns every field of
//! `SecondaryInterfaces` as sent.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "template_name" {
  type    = string
  default = "secondary-interfaces"
}

variable "first_device" {
  type    = number
  default = 1
}

variable "address_count" {
  type    = number
  default = 2
}

variable "secondary_subnet_id" {
  type    = string
  default = "ss-0123456789abcdef0"
}

resource "aws_launch_template" "secondary" {
  name          = var.template_name
  image_id      = "ami-12c6146b"
  instance_type = "c6in.32xlarge"

  secondary_interfaces {
    delete_on_termination = true
    device_index          = var.first_device
    interface_type        = "secondary"
    network_card_index    = 0
    private_ip_addresses  = ["10.90.1.11", "10.90.1.10"]
    secondary_subnet_id   = var.secondary_subnet_id
  }

  secondary_interfaces {
    delete_on_termination    = true
    device_index             = 2
    network_card_index       = 1
    private_ip_address_count = var.address_count
    secondary_subnet_id      = var.secondary_subnet_id
  }

  tags = {
    Name = "secondary-interfaces"
  }
}

output "versions" {
  value = [aws_launch_template.secondary.default_version, aws_launch_template.secondary.latest_version]
}
"#;

/// The launch templates in the emulator, each as a `template name default/latest` line followed
/// by one `interface ...` line per secondary interface of its latest version.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
lines = []
for t in sorted(ec2.describe_launch_templates()['LaunchTemplates'], key=lambda t: t['LaunchTemplateName']):
    v = ec2.describe_launch_template_versions(LaunchTemplateId=t['LaunchTemplateId'], Versions=['$Latest'])['LaunchTemplateVersions'][0]
    lines.append(f"template {t['LaunchTemplateName']} {t['DefaultVersionNumber']}/{t['LatestVersionNumber']}")
    for s in v['LaunchTemplateData'].get('SecondaryInterfaces', []):
        addresses = ','.join(sorted(a['PrivateIpAddress'] for a in s.get('PrivateIpAddresses', []))) or '-'
        lines.append(f"interface device {s.get('DeviceIndex')} card {s.get('NetworkCardIndex')} delete {s.get('DeleteOnTermination')} type {s.get('InterfaceType', '-')} count {s.get('PrivateIpAddressCount', '-')} addresses {addresses} subnet {s.get('SecondarySubnetId', '-')}")
print('\n'.join(lines))
"#,
    )
}

fn versions(stack: &Stack, moto: &Moto) -> serde_json::Value {
    let run = infra(stack, Some(moto), &["output", "-json", "versions"]).ok();
    serde_json::from_str(&run.stdout).expect("output JSON")
}

#[test]
fn launch_template_secondary_interfaces_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto).trim(),
        "template secondary-interfaces 1/1\n\
         interface device 1 card 0 delete True type secondary count - addresses 10.90.1.10,10.90.1.11 subnet ss-0123456789abcdef0\n\
         interface device 2 card 1 delete True type - count 2 addresses - subnet ss-0123456789abcdef0"
    );
    assert_eq!(versions(&stack, &moto), serde_json::json!([1, 1]));

    // In place: a new version with the changed interfaces; the default stays version 1.
    vars.extend(["-var=first_device=3".to_string(), "-var=address_count=3".to_string()]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto).trim(),
        "template secondary-interfaces 1/2\n\
         interface device 3 card 0 delete True type secondary count - addresses 10.90.1.10,10.90.1.11 subnet ss-0123456789abcdef0\n\
         interface device 2 card 1 delete True type - count 3 addresses - subnet ss-0123456789abcdef0"
    );
    assert_eq!(versions(&stack, &moto), serde_json::json!([1, 2]));

    // Replacement: a new name makes a new template carrying the same interfaces.
    vars.push("-var=template_name=secondary-interfaces-2".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto).trim(),
        "template secondary-interfaces-2 1/1\n\
         interface device 3 card 0 delete True type secondary count - addresses 10.90.1.10,10.90.1.11 subnet ss-0123456789abcdef0\n\
         interface device 2 card 1 delete True type - count 3 addresses - subnet ss-0123456789abcdef0"
    );

    // Import by the template ID: the interfaces read back as configured.
    let id = state_id(&stack, "aws_launch_template.secondary");
    assert!(id.starts_with("lt-"), "{id}");
    reimport(&stack, &moto, &vars, &[("aws_launch_template.secondary", id.as_str())]);
    plan_is_clean(&stack, &moto, &vars, "after the import");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 1 destroyed.");
    assert_eq!(emulator_view(&moto).trim(), "");
}

#[test]
fn launch_template_secondary_interfaces_are_checked_at_plan_time() {
    let moto = Moto::start();
    let cases = [
        (
            r#"secondary_interfaces {
    private_ip_addresses = ["10.90.1.300"]
  }"#,
            "expected secondary_interfaces.0.private_ip_addresses.0 to contain a valid IPv4 address, got: 10.90.1.300",
        ),
        (
            r#"secondary_interfaces {
    interface_type = "primary"
  }"#,
            "expected interface_type to be one of [\"secondary\"], got primary",
        ),
    ];
    for (block, message) in cases {
        let stack = Stack::new();
        stack.write(
            "main.tf",
            &format!(
                "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\n\
                 resource \"aws_launch_template\" \"bad\" {{\n  name = \"bad\"\n\n  {block}\n}}\n"
            ),
        );
        let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]);
        assert_ne!(plan.code, 0, "{block}: {}", plan.all());
        assert!(plan.all().contains(message), "{block}: {}", plan.all());
    }
    let templates = moto.python(
        "import boto3\nprint(len(boto3.client('ec2').describe_launch_templates()['LaunchTemplates']))",
    );
    assert_eq!(templates.trim(), "0");
}

//! EC2 instances and launch templates: a stack launches an instance with a key pair, an
//! instance profile, user data, metadata options and root and data volumes, next to two launch
//! templates (one with block devices, metadata, placement and tag specifications, one with
//! instance requirements and a network interface). A plan afterwards shows no changes. A
//! changed instance type changes the instance in place (stopped, modified, started) and makes
//! a new template version that becomes the default; a new AMI replaces the instance and a new
//! name replaces a template; both import by their IDs; destroy leaves nothing running.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, has_plan_line, infra,
    plan_is_clean, reimport, state_id,
};

const STACK: &str = r##"
provider "aws" {
  region = "us-east-1"
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

variable "ami" {
  type    = string
  default = "ami-1e749f67"
}

variable "template_name" {
  type    = string
  default = "instances-eni"
}

variable "protected" {
  type    = bool
  default = true
}

variable "env" {
  type    = string
  default = "test"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "web" {
  name   = "instances-web"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "extra" {
  name   = "instances-extra"
  vpc_id = aws_vpc.main.id
}

resource "aws_key_pair" "deploy" {
  key_name   = "instances-deploy"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILl5aCn7U7++wGD5IHSH5q8/PyjWUKFTzVFnuQxPS6aM deploy"
}

resource "aws_iam_role" "web" {
  name = "instances-web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web" {
  name = "instances-web"
  role = aws_iam_role.web.name
}

resource "aws_launch_template" "web" {
  name_prefix                          = "instances-web-"
  description                          = "web servers"
  image_id                             = "ami-12c6146b"
  instance_type                        = var.instance_type
  key_name                             = aws_key_pair.deploy.key_name
  user_data                            = base64encode("#!/bin/sh\necho hi\n")
  ebs_optimized                        = true
  disable_api_termination              = true
  instance_initiated_shutdown_behavior = "terminate"
  update_default_version               = true
  vpc_security_group_ids               = [aws_security_group.web.id]

  block_device_mappings {
    device_name = "/dev/sdf"
    ebs {
      volume_size           = 20
      volume_type           = "gp3"
      iops                  = 3000
      throughput            = 125
      delete_on_termination = true
      encrypted             = true
    }
  }

  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }

  monitoring {
    enabled = true
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "enabled"
  }

  placement {
    availability_zone = "us-east-1a"
  }

  tag_specifications {
    resource_type = "instance"
    tags = {
      Name = "web"
    }
  }

  tags = {
    Team = "web"
  }
}

resource "aws_launch_template" "eni" {
  name     = var.template_name
  image_id = "ami-12c6146b"

  instance_requirements {
    vcpu_count {
      min = 2
      max = 4
    }
    memory_mib {
      min = 2048
    }
    allowed_instance_types = ["m5.*"]
  }

  network_interfaces {
    device_index                = 0
    associate_public_ip_address = true
    delete_on_termination       = true
    subnet_id                   = aws_subnet.a.id
    security_groups             = [aws_security_group.web.id]
  }
}

resource "aws_instance" "web" {
  ami                                  = var.ami
  instance_type                        = var.instance_type
  subnet_id                            = aws_subnet.a.id
  vpc_security_group_ids               = var.protected ? [aws_security_group.web.id] : [aws_security_group.web.id, aws_security_group.extra.id]
  key_name                             = aws_key_pair.deploy.key_name
  iam_instance_profile                 = aws_iam_instance_profile.web.name
  user_data                            = "#!/bin/bash\necho hello\n"
  monitoring                           = true
  disable_api_termination              = var.protected
  instance_initiated_shutdown_behavior = "stop"
  source_dest_check                    = false

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  root_block_device {
    volume_size = 10
    volume_type = "gp3"
    tags = {
      Name = "web-root"
    }
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 5
    tags = {
      Name = "web-data"
    }
  }

  tags = {
    Name = "web"
    Env  = var.env
  }
}

variable "worker_script" {
  type    = string
  default = "#!/bin/sh\necho one\n"
}

# A user data change replaces this one (user_data_replace_on_change) instead of stopping,
# updating and starting it.
resource "aws_instance" "worker" {
  ami                         = "ami-1e749f67"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.a.id
  vpc_security_group_ids      = [aws_security_group.web.id]
  user_data                   = var.worker_script
  user_data_replace_on_change = true

  tags = {
    Env = "worker"
  }
}

output "instance" {
  value = [aws_instance.web.instance_state, aws_instance.web.arn, aws_instance.web.private_ip]
}

output "template" {
  value = [aws_launch_template.web.latest_version, aws_launch_template.web.default_version, aws_launch_template.web.arn]
}
"##;

/// Running instances as `type ami groups Env=...` lines and launch templates as
/// `name default/latest type` lines, as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
lines = []
for reservation in ec2.describe_instances()['Reservations']:
    for i in reservation['Instances']:
        if i['State']['Name'] in ('terminated', 'shutting-down'): continue
        tags = sorted(f"{t['Key']}={t['Value']}" for t in i.get('Tags', []) if t['Key'] == 'Env')
        lines.append(f"instance {i['InstanceType']} {i['ImageId']} {len(i['SecurityGroups'])} {' '.join(tags)}")
for t in ec2.describe_launch_templates()['LaunchTemplates']:
    latest = ec2.describe_launch_template_versions(LaunchTemplateId=t['LaunchTemplateId'], Versions=['$Latest'])['LaunchTemplateVersions'][0]
    lines.append(f"template {t['LaunchTemplateName'].split('-')[1]} {t['DefaultVersionNumber']}/{t['LatestVersionNumber']} {latest['LaunchTemplateData'].get('InstanceType', '-')}")
print('\n'.join(sorted(lines)))
"#,
    )
}

#[test]
fn instances_and_launch_templates_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 11 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance t3.micro ami-1e749f67 1 Env=test\n\
         instance t3.micro ami-1e749f67 1 Env=worker\n\
         template eni 1/1 -\n\
         template web 1/1 t3.micro"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json"]).ok().stdout;
    assert_contains(&output, "\"running\"");
    assert_contains(&output, ":launch-template/lt-");

    // In place: the instance's type, groups, protection and tags; a new template version
    // that becomes the default.
    vars.extend([
        "-var=instance_type=t3.small".to_string(),
        "-var=protected=false".to_string(),
        "-var=env=prod".to_string(),
    ]);
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 2 changed, 0 destroyed.",
        "after the in-place update",
    );
    // A type of another CPU architecture (Graviton) is a new instance, as in the provider.
    let mut args = vec!["plan", "-input=false", "-var=instance_type=t4g.small"];
    args.extend(vars.iter().map(String::as_str).filter(|v| !v.starts_with("-var=instance_type=")));
    let graviton = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        graviton.contains("must be replaced") && graviton.contains("# forces replacement"),
        "{graviton}"
    );
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance t3.micro ami-1e749f67 1 Env=worker\n\
         instance t3.small ami-1e749f67 2 Env=prod\n\
         template eni 1/1 -\n\
         template web 2/2 t3.small"
    );

    // Replacement: a new AMI, a new template name, and new user data where that replaces.
    vars.extend([
        "-var=ami=ami-35e92e4c".to_string(),
        "-var=template_name=instances-eni2".to_string(),
        "-var=worker_script=#!/bin/sh\necho two\n".to_string(),
    ]);
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert_contains(&plan, "# aws_instance.worker must be replaced");
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 3 added, 0 changed, 3 destroyed.",
        "after the replacements",
    );
    assert_eq!(
        emulator_view(&moto).trim(),
        "instance t3.micro ami-1e749f67 1 Env=worker\n\
         instance t3.small ami-35e92e4c 2 Env=prod\n\
         template eni2 1/1 -\n\
         template web 2/2 t3.small"
    );

    // Import by ID.
    let ids: Vec<(&str, String)> =
        ["aws_instance.web", "aws_launch_template.web", "aws_launch_template.eni"]
            .into_iter()
            .map(|address| (address, state_id(&stack, address)))
            .collect();
    let imports: Vec<(&str, &str)> = ids.iter().map(|(a, id)| (*a, id.as_str())).collect();
    reimport(&stack, &moto, &vars, &imports);
    // As in Terraform, `update_default_version` is configuration only: an import reads it
    // as false, so the template plans one in-place update, which makes no new version.
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars.iter().map(String::as_str));
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        plan.contains("Plan: 0 to add, 1 to change, 0 to destroy.")
            && has_plan_line(&plan, "~ update_default_version = false -> true"),
        "{plan}"
    );
    apply(&stack, &moto, &vars);
    plan_is_clean(&stack, &moto, &vars, "after the imports");
    assert!(emulator_view(&moto).contains("template web 2/2 t3.small"), "{}", emulator_view(&moto));

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 11 destroyed.");
    assert_eq!(emulator_view(&moto).trim(), "");
}

//! EC2 compute: a stack reads the VPC, subnet, security group and route table it made, the
//! emulator's default VPC, an Amazon AMI and an AWS-managed prefix list through the data
//! sources, and registers key pairs; a plan afterwards shows no changes, a changed lookup
//! input is read again, a key pair's tags change in place and a new public key replaces it,
//! a key pair imports by name, and destroy leaves no key pairs. Lookups that match nothing or
//! too much fail with the provider's wording.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean,
    python_sorted_lines, state_id, NO_VARS,
};

const RSA_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC5FsIkhKDwsgsh1FgCn2q4j56W39j01kn96KXEYnL7gnbPHQCi6KRyQCAUTL2DIEj0lfsb5MULxUIc2FsaJruHnUAUZD0KnDagRKfbziJntyDcB6PHKRWiAkg/qYKAZSCTaDjZb1KHOohAzPKnRRMEHOeBHWBDE0+SkbMwm/kC/cNuozOrefjx5TFBEGWMsZxHEr7KPRAgoPxW3eJrBRfZ8KL5TTLOzmh4041RWVfcuRSjp0/TWMfdkwsc3fiEfzPJcZXIapLaBdjBf9fqbP2Nu81xaHNHl7GsXAcBhcaxVgcQQJe5eSHNnbGa33hOSzVNSCM23gY2TY0gcPJrLOV/ deploy2";

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "tier" {
  type    = string
  default = "app"
}

variable "key_env" {
  type    = string
  default = "dev"
}

variable "public_key" {
  type    = string
  default = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILl5aCn7U7++wGD5IHSH5q8/PyjWUKFTzVFnuQxPS6aM deploy"
}

resource "aws_key_pair" "deploy" {
  key_name   = "compute-deploy"
  public_key = var.public_key
  tags = {
    Env = var.key_env
  }
}

resource "aws_key_pair" "generated" {
  key_name_prefix = "compute-"
  public_key      = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC5FsIkhKDwsgsh1FgCn2q4j56W39j01kn96KXEYnL7gnbPHQCi6KRyQCAUTL2DIEj0lfsb5MULxUIc2FsaJruHnUAUZD0KnDagRKfbziJntyDcB6PHKRWiAkg/qYKAZSCTaDjZb1KHOohAzPKnRRMEHOeBHWBDE0+SkbMwm/kC/cNuozOrefjx5TFBEGWMsZxHEr7KPRAgoPxW3eJrBRfZ8KL5TTLOzmh4041RWVfcuRSjp0/TWMfdkwsc3fiEfzPJcZXIapLaBdjBf9fqbP2Nu81xaHNHl7GsXAcBhcaxVgcQQJe5eSHNnbGa33hOSzVNSCM23gY2TY0gcPJrLOV/ deploy2"
}

resource "aws_vpc" "main" {
  cidr_block = "10.80.0.0/16"
  tags = {
    Name = "compute"
  }
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.1.0/24"
  availability_zone = "us-east-1a"
  tags = {
    Name = "compute-app"
    Tier = "app"
  }
}

resource "aws_subnet" "db" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.80.2.0/24"
  availability_zone = "us-east-1b"
  tags = {
    Name = "compute-db"
    Tier = "db"
  }
}

resource "aws_security_group" "app" {
  name        = "compute-app"
  description = "app servers"
  vpc_id      = aws_vpc.main.id
  tags = {
    Name = "compute-app"
  }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
  tags = {
    Name = "compute-app"
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

data "aws_vpc" "main" {
  id = aws_vpc.main.id
}

data "aws_vpc" "default" {
  default = true
}

data "aws_vpcs" "compute" {
  tags = {
    Name = "compute"
  }
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
}

data "aws_subnet" "tier" {
  vpc_id = aws_vpc.main.id
  tags = {
    Tier = var.tier
  }
  depends_on = [aws_subnet.app, aws_subnet.db]
}

# The VPC's route tables: its main one and the app's; then the app's alone, by tag.
data "aws_route_tables" "all" {
  vpc_id     = aws_vpc.main.id
  depends_on = [aws_route_table.app]
}

data "aws_route_tables" "app" {
  vpc_id = aws_vpc.main.id
  tags = {
    Name = "compute-app"
  }
  depends_on = [aws_route_table.app]
}

data "aws_subnets" "main" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  depends_on = [aws_subnet.app, aws_subnet.db]
}

data "aws_security_group" "app" {
  name   = aws_security_group.app.name
  vpc_id = aws_vpc.main.id
}

data "aws_route_table" "app" {
  subnet_id = aws_route_table_association.app.subnet_id
}

data "aws_ami" "amazon_linux" {
  owners      = ["amazon"]
  most_recent = true
  name_regex  = "^amzn2?-ami-(minimal-)?hvm-.*-x86_64"

  filter {
    name   = "name"
    values = ["amzn*"]
  }
  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

data "aws_ec2_managed_prefix_list" "s3" {
  name = "com.amazonaws.us-east-1.s3"
}

output "vpc" {
  value = [data.aws_vpc.main.cidr_block, data.aws_vpc.main.tags.Name, tostring(data.aws_vpc.main.default), data.aws_vpc.main.main_route_table_id, data.aws_vpc.main.cidr_block_associations[0].cidr_block]
}

output "default_vpc" {
  value = data.aws_vpc.default.default
}

output "vpcs" {
  value = data.aws_vpcs.compute.ids
}

output "subnet" {
  value = [data.aws_subnet.tier.id, data.aws_subnet.tier.cidr_block, data.aws_subnet.tier.availability_zone, data.aws_subnet.tier.arn]
}

output "subnets" {
  value = sort(data.aws_subnets.main.ids)
}

output "route_tables" {
  value = [length(data.aws_route_tables.all.ids), contains(data.aws_route_tables.all.ids, aws_route_table.app.id), data.aws_route_tables.app.ids]
}

output "security_group" {
  value = [data.aws_security_group.app.id, data.aws_security_group.app.description, data.aws_security_group.app.tags.Name]
}

output "route_table" {
  value = [data.aws_route_table.app.id, data.aws_route_table.app.routes[0].gateway_id, data.aws_route_table.app.associations[0].subnet_id]
}

output "ami" {
  value = [data.aws_ami.amazon_linux.id, data.aws_ami.amazon_linux.name, data.aws_ami.amazon_linux.root_device_type]
}

output "key_pairs" {
  value = [aws_key_pair.deploy.key_type, aws_key_pair.deploy.fingerprint, aws_key_pair.deploy.arn, aws_key_pair.deploy.key_pair_id, aws_key_pair.generated.key_name]
}

output "prefix_list" {
  value = [data.aws_ec2_managed_prefix_list.s3.id, data.aws_ec2_managed_prefix_list.s3.address_family]
}
"#;

fn outputs(stack: &Stack, moto: &Moto) -> serde_json::Value {
    let run = infra(stack, Some(moto), &["output", "-json"]).ok();
    let all: serde_json::Value = serde_json::from_str(&run.stdout).expect("output JSON");
    let mut values = serde_json::Map::new();
    for (name, output) in all.as_object().expect("outputs") {
        values.insert(name.clone(), output["value"].clone());
    }
    serde_json::Value::Object(values)
}

/// What moto answers directly for the AMI lookup: the newest x86_64 HVM Amazon Linux images
/// whose name the regex accepts (several when their creation dates are equal), and how many
/// images the regex accepts.
fn newest_amazon_linux(moto: &Moto) -> (Vec<String>, usize) {
    let answer = moto.python(
        r#"
import boto3, re
images = boto3.client('ec2').describe_images(Owners=['amazon'], Filters=[{'Name': 'name', 'Values': ['amzn*']}, {'Name': 'virtualization-type', 'Values': ['hvm']}])['Images']
images = [i for i in images if re.search(r'^amzn2?-ami-(minimal-)?hvm-.*-x86_64', i['Name'])]
newest = max(i['CreationDate'] for i in images)
print(len(images))
for i in images:
    if i['CreationDate'] == newest: print(i['ImageId'])
"#,
    );
    let mut lines = answer.lines().filter(|line| !line.is_empty());
    let count = lines.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (lines.map(str::to_string).collect(), count)
}

#[test]
fn ec2_compute_stack_applies_updates_replaces_imports_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 9 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");

    let vpc = state_id(&stack, "aws_vpc.main");
    let app = state_id(&stack, "aws_subnet.app");
    let db = state_id(&stack, "aws_subnet.db");
    let table = state_id(&stack, "aws_route_table.app");
    let gateway = state_id(&stack, "aws_internet_gateway.main");
    let group = state_id(&stack, "aws_security_group.app");
    let values = outputs(&stack, &moto);
    assert_eq!(values["vpc"][0], "10.80.0.0/16");
    assert_eq!(values["vpc"][1], "compute");
    assert_eq!(values["vpc"][2], "false");
    assert!(values["vpc"][3].as_str().is_some_and(|id| id.starts_with("rtb-")), "{values}");
    assert_eq!(values["vpc"][4], "10.80.0.0/16");
    assert_eq!(values["default_vpc"], true);
    assert_eq!(values["vpcs"], serde_json::json!([vpc]));
    assert_eq!(values["subnet"][0], app.as_str());
    assert_eq!(values["subnet"][1], "10.80.1.0/24");
    assert_eq!(values["subnet"][2], "us-east-1a");
    assert!(values["subnet"][3]
        .as_str()
        .is_some_and(|arn| arn.ends_with(&format!("subnet/{app}"))));
    let mut both = vec![app.clone(), db.clone()];
    both.sort();
    assert_eq!(values["subnets"], serde_json::json!(both));
    assert_eq!(values["security_group"], serde_json::json!([group, "app servers", "compute-app"]));
    assert_eq!(values["route_table"], serde_json::json!([table, gateway, app]));
    assert_eq!(values["route_tables"], serde_json::json!([2, true, [table]]));
    let (newest, matching) = newest_amazon_linux(&moto);
    assert!(matching > 1, "most_recent chooses among {matching} images");
    assert!(
        newest.iter().any(|id| values["ami"][0] == id.as_str()),
        "{values} is not among the newest {newest:?}"
    );
    assert_eq!(values["ami"][2], "ebs");
    assert!(values["prefix_list"][0].as_str().is_some_and(|id| id.starts_with("pl-")), "{values}");
    assert_eq!(values["prefix_list"][1], "IPv4");
    assert_eq!(values["key_pairs"][0], "ed25519");
    assert!(values["key_pairs"][1].as_str().is_some_and(|f| !f.is_empty()), "{values}");
    assert!(
        values["key_pairs"][2]
            .as_str()
            .is_some_and(|arn| arn.starts_with("arn:aws:ec2:us-east-1:")
                && arn.ends_with(":key-pair/compute-deploy")),
        "{values}"
    );
    assert!(values["key_pairs"][3].as_str().is_some_and(|id| id.starts_with("key-")), "{values}");
    let generated = values["key_pairs"][4].as_str().unwrap_or_default().to_string();
    assert!(generated.starts_with("compute-") && generated.len() > 20, "{values}");
    assert_eq!(state_id(&stack, "aws_key_pair.generated"), generated);

    // In place: a changed lookup input reads the other subnet, and the key pair's tags change.
    let vars = ["-var=tier=db", "-var=key_env=prod"];
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 1 changed, 0 destroyed.",
        "after the in-place update",
    );
    assert_eq!(outputs(&stack, &moto)["subnet"][0], db.as_str());
    let mut expected =
        vec!["compute-deploy ed25519 Env=prod".to_string(), format!("{generated} rsa")];
    expected.sort();
    assert_eq!(key_pairs(&moto), expected);

    // A new public key replaces the key pair.
    let public_key = format!("-var=public_key={RSA_KEY}");
    let vars = ["-var=tier=db", "-var=key_env=prod", public_key.as_str()];
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 1 added, 0 changed, 1 destroyed.",
        "after the replacement",
    );
    assert!(
        key_pairs(&moto).contains(&"compute-deploy rsa Env=prod".to_string()),
        "{:?}",
        key_pairs(&moto)
    );

    // Import by the key name.
    infra(&stack, Some(&moto), &["state", "rm", "aws_key_pair.deploy"]).ok();
    let mut args = vec!["import", "-input=false", "aws_key_pair.deploy", "compute-deploy"];
    args.extend_from_slice(&vars);
    let import = infra(&stack, Some(&moto), &args);
    assert!(import.code == 0 && import.stdout.contains("Import successful!"), "{}", import.all());
    plan_is_clean(&stack, &moto, &vars, "after the import");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 9 destroyed.");
    assert!(key_pairs(&moto).is_empty(), "{:?}", key_pairs(&moto));
}

/// The key pairs in moto as `name type Key=Value...` lines, sorted by name.
fn key_pairs(moto: &Moto) -> Vec<String> {
    python_sorted_lines(
        moto,
        r#"
import boto3
for k in boto3.client('ec2').describe_key_pairs()['KeyPairs']:
    tags = ' '.join(t['Key'] + '=' + t['Value'] for t in sorted(k.get('Tags', []), key=lambda t: t['Key']) if not t['Key'].startswith('infra:'))
    print((k['KeyName'] + ' ' + k.get('KeyType', '') + ' ' + tags).strip())
"#,
    )
}

#[test]
fn ec2_lookups_that_match_nothing_or_too_much_fail_like_the_provider() {
    let moto = Moto::start();
    let cases = [
        (
            r#"data "aws_vpc" "x" {
  cidr_block = "10.99.0.0/16"
}"#,
            "no matching EC2 VPC found",
        ),
        (
            r#"data "aws_subnet" "x" {
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}"#,
            "multiple EC2 Subnets matched; use additional constraints to reduce matches to a single EC2 Subnet",
        ),
        (
            r#"data "aws_ami" "x" {
  owners = ["amazon"]
  filter {
    name   = "name"
    values = ["amzn*"]
  }
}"#,
            "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
        ),
        (
            r#"data "aws_ami" "x" {
  owners     = ["amazon"]
  name_regex = "^no-such-image$"
}"#,
            "Your query returned no results. Please change your search criteria and try again.",
        ),
        (
            r#"data "aws_route_table" "x" {}"#,
            "one of route_table_id, vpc_id, subnet_id, gateway_id, filters, or tags must be assigned",
        ),
        (
            r#"data "aws_security_group" "x" {
  name = "no-such-group"
}"#,
            "no matching EC2 Security Group found",
        ),
        (
            r#"data "aws_ec2_managed_prefix_list" "x" {
  name = "no-such-list"
}"#,
            "no matching EC2 Managed Prefix List found",
        ),
    ];
    for (body, message) in cases {
        let stack = Stack::new();
        stack.write(
            "main.tf",
            &format!("provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\n{body}\n"),
        );
        let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]);
        assert_ne!(plan.code, 0, "{body}: {}", plan.all());
        assert!(plan.all().contains(message), "{body}: {}", plan.all());
    }
}

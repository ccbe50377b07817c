//! The VPC-edge types the terraform-aws-modules VPC module uses: DHCP options and their
//! association, a secondary CIDR block, flow logs to CloudWatch Logs (with an IAM role) and to
//! S3, VPN and customer gateways, a VPN gateway attachment, and Gateway and Interface VPC
//! endpoints. A stack using them applies, plans clean, changes in place, replaces on a
//! force-new argument, imports by Terraform's import IDs, and destroys leaving nothing behind.
//! The types moto cannot run (route propagation, Block Public Access) validate and plan with
//! `count = 0`, as the module gates them.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, apply_run, assert_contains, destroy_ok, destroy_run,
    infra, plan_is_clean, plan_run, python_sorted_lines, state_id, NO_VARS,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "domain_name" {
  type    = string
  default = "corp.internal"
}

variable "secondary_cidr" {
  type    = string
  default = "10.61.0.0/16"
}

variable "s3_traffic" {
  type    = string
  default = "REJECT"
}

variable "endpoint_subnets" {
  type    = number
  default = 1
}

variable "env" {
  type    = string
  default = "dev"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.60.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_vpc" "other" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "secondary" {
  vpc_id     = aws_vpc.main.id
  cidr_block = var.secondary_cidr
}

resource "aws_vpc_dhcp_options" "main" {
  domain_name          = var.domain_name
  domain_name_servers  = ["AmazonProvidedDNS"]
  ntp_servers          = ["169.254.169.123"]
  netbios_name_servers = ["10.60.0.10"]
  netbios_node_type    = 2

  tags = {
    Name = "main"
    Env  = var.env
  }
}

resource "aws_vpc_dhcp_options_association" "main" {
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.main.id
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject"]
      Resource  = "*"
    }]
  })

  tags = {
    Name = "s3"
    Env  = var.env
  }
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = slice(aws_subnet.private[*].id, 0, var.endpoint_subnets)
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpn_gateway" "main" {
  vpc_id          = aws_vpc.main.id
  amazon_side_asn = "64620"

  tags = {
    Name = "main"
    Env  = var.env
  }
}

resource "aws_vpn_gateway" "spare" {
  availability_zone = "us-east-1a"
}

resource "aws_vpn_gateway_attachment" "other" {
  vpc_id         = aws_vpc.other.id
  vpn_gateway_id = aws_vpn_gateway.spare.id
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = "65000"
  ip_address = "203.0.113.10"
  type       = "ipsec.1"

  tags = {
    Name = "office"
    Env  = var.env
  }
}

resource "aws_cloudwatch_log_group" "flow" {
  name = "vpc-flow-logs"
}

resource "aws_iam_role" "flow" {
  name = "vpc-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_flow_log" "cloudwatch" {
  iam_role_arn             = aws_iam_role.flow.arn
  log_destination          = aws_cloudwatch_log_group.flow.arn
  traffic_type             = "ALL"
  vpc_id                   = aws_vpc.main.id
  max_aggregation_interval = 60

  tags = {
    Env = var.env
  }
}

resource "aws_flow_log" "s3" {
  log_destination      = "arn:aws:s3:::flow-log-bucket"
  log_destination_type = "s3"
  traffic_type         = var.s3_traffic
  subnet_id            = aws_subnet.private[0].id
  log_format           = "$${version} $${interface-id} $${srcaddr} $${dstaddr} $${action}"

  destination_options {
    file_format                = "parquet"
    hive_compatible_partitions = true
    per_hour_partition         = true
  }
}
"#;

/// How many objects of each kind moto still holds (deleted VPN and customer gateways are
/// listed by AWS for a while in state `deleted`, so those are left out).
fn leftovers(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         ec2 = boto3.client('ec2')\n\
         live = lambda items: [i for i in items if i.get('State') not in ('deleted', 'deleting')]\n\
         print('endpoints', len([e for e in ec2.describe_vpc_endpoints()['VpcEndpoints'] if e['State'].lower() != 'deleted']))\n\
         print('flow_logs', len(ec2.describe_flow_logs()['FlowLogs']))\n\
         print('vpn_gateways', len(live(ec2.describe_vpn_gateways()['VpnGateways'])))\n\
         print('customer_gateways', len(live(ec2.describe_customer_gateways()['CustomerGateways'])))\n\
         print('dhcp_options', len([d for d in ec2.describe_dhcp_options()['DhcpOptions'] if any(t['Key'] == 'infra:address' for t in d.get('Tags', []))]))\n\
         print('secondary_cidrs', sum(len([a for a in v['CidrBlockAssociationSet'] if a['CidrBlock'] != v['CidrBlock'] and a['CidrBlockState']['State'] != 'disassociated']) for v in ec2.describe_vpcs()['Vpcs']))",
    )
}

#[test]
fn vpc_edge_types_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    moto.python("import boto3\nboto3.client('s3').create_bucket(Bucket='flow-log-bucket')");
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 19 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");
    let vpc_id = state_id(&stack, "aws_vpc.main");
    let dhcp_id = state_id(&stack, "aws_vpc_dhcp_options.main");
    assert_eq!(
        state_id(&stack, "aws_vpc_dhcp_options_association.main"),
        format!("{dhcp_id}-{vpc_id}")
    );
    assert_eq!(
        moto.python(&format!(
            "import boto3\nprint(boto3.client('ec2').describe_vpcs(VpcIds=['{vpc_id}'])['Vpcs'][0]['DhcpOptionsId'])"
        ))
        .trim(),
        dhcp_id
    );

    // In place: tags of the DHCP options, VPN and customer gateways, Gateway endpoint and flow
    // log, and a second subnet for the Interface endpoint.
    let changed = apply(&stack, &moto, &["-var=env=prod", "-var=endpoint_subnets=2"]);
    assert_contains(&changed, "Resources: 0 added, 6 changed, 0 destroyed.");
    plan_is_clean(
        &stack,
        &moto,
        &["-var=env=prod", "-var=endpoint_subnets=2"],
        "after the in-place update",
    );
    let subnets = moto.python(
        "import boto3\nfor e in boto3.client('ec2').describe_vpc_endpoints(Filters=[{'Name': 'vpc-endpoint-type', 'Values': ['Interface']}])['VpcEndpoints']: print(len(e['SubnetIds']))",
    );
    assert_eq!(subnets.trim(), "2", "the Interface endpoint's subnets");

    // Replacements: a new DHCP options set (re-associated in place), a new secondary CIDR, a
    // new S3 flow log.
    let vars = [
        "-var=env=prod",
        "-var=endpoint_subnets=2",
        "-var=domain_name=corp.example",
        "-var=secondary_cidr=10.62.0.0/16",
        "-var=s3_traffic=ALL",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 3 added, 1 changed, 3 destroyed.",
        "after the replacements",
    );
    assert_ne!(state_id(&stack, "aws_vpc_dhcp_options.main"), dhcp_id);

    // Import by Terraform's IDs: the association by its VPC id, the others by their own id.
    let imports = [
        ("aws_vpc_dhcp_options_association.main", vpc_id.clone()),
        ("aws_vpc_dhcp_options.main", state_id(&stack, "aws_vpc_dhcp_options.main")),
        (
            "aws_vpc_ipv4_cidr_block_association.secondary",
            state_id(&stack, "aws_vpc_ipv4_cidr_block_association.secondary"),
        ),
        ("aws_flow_log.cloudwatch", state_id(&stack, "aws_flow_log.cloudwatch")),
        ("aws_vpc_endpoint.s3", state_id(&stack, "aws_vpc_endpoint.s3")),
        ("aws_vpn_gateway.main", state_id(&stack, "aws_vpn_gateway.main")),
        ("aws_customer_gateway.office", state_id(&stack, "aws_customer_gateway.office")),
    ];
    for (address, id) in &imports {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, id.as_str()];
        args.extend_from_slice(&vars);
        let import = infra(&stack, Some(&moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "import {address} {id}: {}",
            import.all()
        );
    }
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 19 destroyed.");
    assert_eq!(
        leftovers(&moto),
        "endpoints 0\nflow_logs 0\nvpn_gateways 0\ncustomer_gateways 0\ndhcp_options 0\nsecondary_cidrs 0\n"
    );
}

const GATED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "enabled" {
  type    = bool
  default = false
}

locals {
  vpc_id         = "vpc-0123456789abcdef0"
  route_table_id = "rtb-0123456789abcdef0"
  n              = var.enabled ? 1 : 0
}

resource "aws_vpc_dhcp_options" "this" {
  count               = local.n
  domain_name_servers = ["AmazonProvidedDNS"]
}

resource "aws_vpc_dhcp_options_association" "this" {
  count           = local.n
  vpc_id          = local.vpc_id
  dhcp_options_id = aws_vpc_dhcp_options.this[0].id
}

resource "aws_vpc_ipv4_cidr_block_association" "this" {
  count      = local.n
  vpc_id     = local.vpc_id
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "this" {
  count                = local.n
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::bucket"
  traffic_type         = "ALL"
  vpc_id               = local.vpc_id

  dynamic "destination_options" {
    for_each = [true]
    content {
      file_format        = "parquet"
      per_hour_partition = true
    }
  }
}

resource "aws_vpn_gateway" "this" {
  count  = local.n
  vpc_id = local.vpc_id
}

resource "aws_vpn_gateway_attachment" "this" {
  count          = local.n
  vpc_id         = local.vpc_id
  vpn_gateway_id = "vgw-0123456789abcdef0"
}

resource "aws_vpn_gateway_route_propagation" "this" {
  count          = local.n
  route_table_id = local.route_table_id
  vpn_gateway_id = element(concat(aws_vpn_gateway.this[*].id, aws_vpn_gateway_attachment.this[*].vpn_gateway_id), count.index)
}

resource "aws_customer_gateway" "this" {
  for_each   = var.enabled ? { office = "203.0.113.1" } : {}
  bgp_asn    = "65000"
  ip_address = each.value
  type       = "ipsec.1"
}

resource "aws_vpc_endpoint" "this" {
  for_each          = var.enabled ? { s3 = "Gateway" } : {}
  vpc_id            = local.vpc_id
  service_name      = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type = each.value
  route_table_ids   = [local.route_table_id]
}

resource "aws_vpc_block_public_access_options" "this" {
  count                       = local.n
  internet_gateway_block_mode = "block-bidirectional"
}

resource "aws_vpc_block_public_access_exclusion" "this" {
  for_each                        = var.enabled ? { vpc = local.vpc_id } : {}
  vpc_id                          = each.value
  internet_gateway_exclusion_mode = "allow-egress"
}
"#;

#[test]
fn vpc_edge_types_gated_off_with_count_zero_validate_and_plan() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", GATED);
    let validate = infra(&stack, Some(&moto), &["validate"]).ok();
    assert!(validate.stdout.contains("The configuration is valid"), "{}", validate.all());
    let plan = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes");

    // Turned on, every type plans a create (the configuration is valid for each).
    let on = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-refresh=false", "-var=enabled=true"],
    )
    .ok();
    assert_contains(&on.stdout, "Plan: 11 to add, 0 to change, 0 to destroy.");

    // As in the provider, these two types have no import.
    for address in
        ["aws_vpn_gateway_attachment.this[0]", "aws_vpn_gateway_route_propagation.this[0]"]
    {
        let import = infra(
            &stack,
            Some(&moto),
            &["import", "-input=false", "-var=enabled=true", address, "x"],
        );
        assert_ne!(import.code, 0, "{}", import.all());
        assert!(import.all().contains("doesn't support import"), "{address}: {}", import.all());
    }
}

#[test]
fn vpc_edge_types_reject_invalid_arguments_at_plan() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "aws_flow_log" "both" {
  vpc_id                   = "vpc-1"
  subnet_id                = "subnet-1"
  traffic_type             = "ALL"
  log_destination          = "arn:aws:s3:::b"
  log_destination_type     = "s3"
  max_aggregation_interval = 300
}

resource "aws_vpc_block_public_access_exclusion" "neither" {
  internet_gateway_exclusion_mode = "allow-egress"
}

resource "aws_vpn_gateway" "asn" {
  amazon_side_asn = "100"
}

resource "aws_vpc_endpoint" "mode" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gatewayy"
}

resource "aws_nat_gateway" "regional" {
  availability_mode = "regional"
  subnet_id         = "subnet-1"
}

resource "aws_nat_gateway" "private" {
  connectivity_type                  = "private"
  subnet_id                          = "subnet-1"
  secondary_allocation_ids           = ["eipalloc-1"]
  secondary_private_ip_address_count = 2
  secondary_private_ip_addresses     = ["10.0.1.5"]
}
"#,
    );
    // The type checks run when planning, as in Terraform (the provider's ValidateResourceConfig).
    let moto = Moto::start();
    let validate = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_ne!(validate.code, 0, "{}", validate.all());
    let all = validate.all();
    for expected in [
        "exactly one of eni_id, subnet_id",
        "expected max_aggregation_interval to be one of [60 600], got 300",
        "exactly one of vpc_id or subnet_id",
        "amazon_side_asn",
        "Gatewayy",
        "vpc_id is required with availability_mode = \"regional\"",
        "subnet_id is not supported with availability_mode = \"regional\"",
        "secondary_allocation_ids is not supported with connectivity_type = \"private\"",
        "\"secondary_private_ip_address_count\": conflicts with secondary_private_ip_addresses",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
}

/// A Gateway endpoint whose route tables are associated one by one.
const ENDPOINT_ROUTE_TABLES: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "b" {
  vpc_id = aws_vpc.main.id
}

data "aws_vpc_endpoint_service" "s3" {
  service      = "s3"
  service_type = "Gateway"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = data.aws_vpc_endpoint_service.s3.service_name
}

output "s3_service" {
  value = [data.aws_vpc_endpoint_service.s3.service_name, data.aws_vpc_endpoint_service.s3.service_type, data.aws_vpc_endpoint_service.s3.owner, data.aws_vpc_endpoint_service.s3.arn]
}

resource "aws_vpc_endpoint_route_table_association" "a" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_route_table.a.id
}

resource "aws_vpc_endpoint_route_table_association" "b" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_route_table.b.id
}
"#;

/// The endpoint's route tables as moto holds them, sorted.
fn endpoint_route_tables(moto: &Moto, endpoint: &str) -> Vec<String> {
    python_sorted_lines(moto, &format!(
            "import boto3\nfor t in boto3.client('ec2').describe_vpc_endpoints(VpcEndpointIds=['{endpoint}'])['VpcEndpoints'][0].get('RouteTableIds', []):\n    print(t)"
        ))
}

/// `aws_vpc_endpoint_route_table_association`: each association adds its table to the
/// endpoint (whose own `route_table_ids` is left unset, so it does not fight them), the plan
/// after is clean, an import by `VPC_ENDPOINT_ID/ROUTE_TABLE_ID` plans clean, a table removed
/// outside infra is planned again, and destroy removes them. The endpoint's service name comes
/// from `data.aws_vpc_endpoint_service` (by `service`, as terraform-aws-modules/vpc's endpoints
/// module looks it up), and a lookup that matches nothing is the provider's error.
#[test]
fn endpoint_route_table_associations_add_read_import_and_remove() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ENDPOINT_ROUTE_TABLES);
    let created = apply_run(&stack, &moto, NO_VARS);
    assert_eq!(created.code, 0, "{}", created.all());
    let endpoint = state_id(&stack, "aws_vpc_endpoint.s3");
    // The endpoint's service came from data.aws_vpc_endpoint_service.
    assert!(
        created.stdout.contains("com.amazonaws.us-east-1.s3")
            && created.stdout.contains("\"Gateway\"")
            && created.stdout.contains(":vpc-endpoint-service/"),
        "{}",
        created.stdout
    );
    let (a, b) = (state_id(&stack, "aws_route_table.a"), state_id(&stack, "aws_route_table.b"));
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(endpoint_route_tables(&moto, &endpoint), both);
    assert!(
        state_id(&stack, "aws_vpc_endpoint_route_table_association.a")
            .starts_with(&format!("a-{endpoint}")),
        "the provider's ID"
    );
    let clean = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(clean.code, 0, "{}", clean.all());

    // Imported by Terraform's ID.
    let forgotten =
        infra(&stack, Some(&moto), &["state", "rm", "aws_vpc_endpoint_route_table_association.b"]);
    assert_eq!(forgotten.code, 0, "{}", forgotten.all());
    let imported = infra(
        &stack,
        Some(&moto),
        &[
            "import",
            "-input=false",
            "aws_vpc_endpoint_route_table_association.b",
            &format!("{endpoint}/{b}"),
        ],
    );
    assert_eq!(imported.code, 0, "{}", imported.all());
    let clean = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(clean.code, 0, "{}", clean.all());

    // Removed outside infra: planned again.
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').modify_vpc_endpoint(VpcEndpointId='{endpoint}', RemoveRouteTableIds=['{a}'])"
    ));
    let drifted = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert_contains(
        &drifted.stdout,
        "# aws_vpc_endpoint_route_table_association.a will be created",
    );

    let destroyed = destroy_run(&stack, &moto, NO_VARS);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());

    let none = Stack::new();
    none.write(
        "main.tf",
        "data \"aws_vpc_endpoint_service\" \"none\" {\n  service_name = \"com.amazonaws.us-east-1.nothing-here\"\n}\n",
    );
    let refused = infra(&none, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused.all().contains("no matching EC2 VPC Endpoint Service found"),
        "{}",
        refused.all()
    );
}

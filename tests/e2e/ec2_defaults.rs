//! The EC2 types that adopt a VPC's defaults (`aws_default_security_group`,
//! `aws_default_route_table`, `aws_default_network_acl`) and network ACLs (`aws_network_acl`,
//! `aws_network_acl_rule`), used as terraform-aws-modules/vpc uses them: apply, a clean plan,
//! in-place updates, a subnet going back to the default ACL, a replaced ACL rule, imports by
//! the provider's import IDs, and a destroy that forgets adopted defaults and deletes the rest.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, destroy_run, infra,
    plan_is_clean, plan_run, NO_VARS,
};

const STACK: &str = r#"
variable "sg_port" {
  type    = number
  default = 443
}

variable "acl_port" {
  type    = number
  default = 443
}

variable "rule_port" {
  type    = number
  default = 22
}

variable "eigw_name" {
  type    = string
  default = "egress"
}

variable "main_alt" {
  type    = bool
  default = false
}

variable "private_subnets" {
  type    = bool
  default = true
}

variable "default_rules" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", protocol = "-1", from_port = 0, to_port = 0, cidr_block = "0.0.0.0/0" },
  ]
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }

  ingress {
    protocol    = "tcp"
    from_port   = var.sg_port
    to_port     = var.sg_port
    cidr_blocks = ["10.0.0.0/8"]
    description = "https"
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "main-default"
  }
}

resource "aws_default_route_table" "default" {
  default_route_table_id = aws_vpc.main.default_route_table_id
  propagating_vgws       = []

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }

  timeouts {
    create = "5m"
    update = "5m"
  }

  tags = {
    Name = "main-default"
  }
}

resource "aws_default_network_acl" "this" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id
  subnet_ids             = null

  dynamic "ingress" {
    for_each = var.default_rules
    content {
      action          = ingress.value.action
      cidr_block      = lookup(ingress.value, "cidr_block", null)
      from_port       = ingress.value.from_port
      icmp_code       = lookup(ingress.value, "icmp_code", null)
      icmp_type       = lookup(ingress.value, "icmp_type", null)
      ipv6_cidr_block = lookup(ingress.value, "ipv6_cidr_block", null)
      protocol        = ingress.value.protocol
      rule_no         = ingress.value.rule_no
      to_port         = ingress.value.to_port
    }
  }

  egress {
    protocol   = "all"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = {
    Name = "main-default"
  }

  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.a.id]

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = var.acl_port
    to_port    = var.acl_port
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = {
    Name = "public"
  }
}

resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = var.private_subnets ? [aws_subnet.b.id] : []

  tags = {
    Name = "private"
  }
}

resource "aws_network_acl_rule" "private_inbound" {
  network_acl_id = aws_network_acl.private.id
  egress         = false
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "tcp"
  from_port      = var.rule_port
  to_port        = var.rule_port
  cidr_block     = aws_vpc.main.cidr_block
}

resource "aws_network_acl_rule" "private_outbound" {
  network_acl_id = aws_network_acl.private.id
  egress         = true
  rule_number    = 100
  rule_action    = "allow"
  protocol       = "-1"
  cidr_block     = "0.0.0.0/0"
}

# A second VPC whose main route table is replaced, routing IPv6 out through an egress-only
# gateway (not with aws_default_route_table on the same VPC, as the provider warns).
resource "aws_vpc" "second" {
  cidr_block                       = "10.42.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_egress_only_internet_gateway" "this" {
  vpc_id = aws_vpc.second.id

  tags = {
    Name = var.eigw_name
  }
}

resource "aws_route_table" "second" {
  vpc_id = aws_vpc.second.id

  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.this.id
  }
}

resource "aws_route_table" "second_alt" {
  vpc_id = aws_vpc.second.id
}

resource "aws_main_route_table_association" "this" {
  vpc_id         = aws_vpc.second.id
  route_table_id = var.main_alt ? aws_route_table.second_alt.id : aws_route_table.second.id
}

# Gated off, as the VPC module gates most of these.
resource "aws_default_security_group" "off" {
  count  = 0
  vpc_id = aws_vpc.main.id
}

resource "aws_default_route_table" "off" {
  count                  = 0
  default_route_table_id = aws_vpc.main.default_route_table_id
}

resource "aws_default_network_acl" "off" {
  count                  = 0
  default_network_acl_id = aws_vpc.main.default_network_acl_id
}

resource "aws_network_acl" "off" {
  count  = 0
  vpc_id = aws_vpc.main.id
}

resource "aws_main_route_table_association" "off" {
  count          = 0
  vpc_id         = aws_vpc.second.id
  route_table_id = aws_route_table.second.id
}

resource "aws_egress_only_internet_gateway" "off" {
  count  = 0
  vpc_id = aws_vpc.second.id
}

resource "aws_default_vpc" "off" {
  count = 0
}

resource "aws_network_acl_rule" "off" {
  count          = 0
  network_acl_id = aws_network_acl.private.id
  rule_number    = 200
  rule_action    = "deny"
  protocol       = "tcp"
  cidr_block     = "0.0.0.0/0"
}
"#;

/// A Python expression listing, sorted, what moto holds for the stack's VPC (the one with CIDR
/// 10.40.0.0/16): default SG rules, main-table routes, default ACL entries, and the ACL of
/// each subnet by the subnet's CIDR.
const DESCRIBE: &str = r#"
import boto3, json
ec2 = boto3.client('ec2')
vpcs = [v['VpcId'] for v in ec2.describe_vpcs()['Vpcs'] if v['CidrBlock'] == '10.40.0.0/16']
out = {'vpcs': len(vpcs)}
if vpcs:
    vpc = vpcs[0]
    f = [{'Name': 'vpc-id', 'Values': [vpc]}]
    sg = ec2.describe_security_groups(Filters=f + [{'Name': 'group-name', 'Values': ['default']}])['SecurityGroups'][0]
    out['sg_in'] = sorted('%s:%s:%s' % (p['IpProtocol'], p.get('FromPort', ''), ','.join(sorted([r['CidrIp'] for r in p.get('IpRanges', [])] + ['self' for g in p.get('UserIdGroupPairs', [])]))) for p in sg['IpPermissions'])
    out['sg_out'] = sorted('%s:%s' % (p['IpProtocol'], ','.join(r['CidrIp'] for r in p.get('IpRanges', []))) for p in sg['IpPermissionsEgress'])
    out['sg_tags'] = {t['Key']: t['Value'] for t in sg.get('Tags', [])}
    main = ec2.describe_route_tables(Filters=f + [{'Name': 'association.main', 'Values': ['true']}])['RouteTables'][0]
    out['routes'] = sorted('%s>%s' % (r.get('DestinationCidrBlock'), r.get('GatewayId', '')) for r in main['Routes'] if r.get('GatewayId') != 'local')
    acls = ec2.describe_network_acls(Filters=f)['NetworkAcls']
    default = [a for a in acls if a['IsDefault']][0]
    out['default_acl'] = sorted('%s:%s:%s:%s' % (e['Egress'], e['RuleNumber'], e['Protocol'], e['RuleAction']) for e in default['Entries'] if e['RuleNumber'] != 32767)
    out['acls'] = len(acls)
    cidrs = {s['SubnetId']: s['CidrBlock'] for s in ec2.describe_subnets(Filters=f)['Subnets']}
    names = {a['NetworkAclId']: ('default' if a['IsDefault'] else {t['Key']: t['Value'] for t in a.get('Tags', [])}.get('Name')) for a in acls}
    out['subnet_acls'] = sorted('%s=%s' % (cidrs[x['SubnetId']], names[a['NetworkAclId']]) for a in acls for x in a['Associations'])
seconds = [v['VpcId'] for v in ec2.describe_vpcs()['Vpcs'] if v['CidrBlock'] == '10.42.0.0/16']
if seconds:
    f = [{'Name': 'vpc-id', 'Values': [seconds[0]]}]
    tables = ec2.describe_route_tables(Filters=f)['RouteTables']
    main = [t for t in tables if any(a.get('Main') for a in t.get('Associations', []))]
    out['second_main_routes'] = sorted('%s>%s' % (r.get('DestinationIpv6CidrBlock') or r.get('DestinationCidrBlock'), (r.get('EgressOnlyInternetGatewayId') or r.get('GatewayId', ''))[:5]) for t in main for r in t['Routes'] if r.get('GatewayId') != 'local')
    out['second_tables'] = len(tables)
out['eigws'] = sorted({t['Key']: t['Value'] for t in g.get('Tags', [])}.get('Name', '') for g in ec2.describe_egress_only_internet_gateways()['EgressOnlyInternetGateways'])
print(json.dumps(out, sort_keys=True))
"#;

fn describe(moto: &Moto) -> serde_json::Value {
    serde_json::from_str(moto.python(DESCRIBE).trim()).expect("describe JSON")
}

fn state_attribute(stack: &Stack, address: &str, attribute: &str) -> String {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .and_then(|r| r["attributes"][attribute].as_str())
        .unwrap_or_else(|| panic!("{address}.{attribute} in state"))
        .to_string()
}

#[test]
fn vpc_defaults_and_network_acls_apply_update_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let validate = infra(&stack, Some(&moto), &["validate"]).ok();
    assert!(validate.all().contains("valid"), "{}", validate.all());

    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 16 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");

    // Adoption replaced moto's defaults with exactly the configured rules, routes and tags.
    let held = describe(&moto);
    assert_eq!(held["sg_in"], serde_json::json!(["-1::self", "tcp:443:10.0.0.0/8"]), "{held}");
    assert_eq!(held["sg_out"], serde_json::json!(["-1:0.0.0.0/0"]), "{held}");
    assert_eq!(held["sg_tags"]["Name"], "main-default", "{held}");
    assert_eq!(held["routes"].as_array().map(Vec::len), Some(1), "{held}");
    assert!(held["routes"][0].as_str().unwrap_or_default().starts_with("0.0.0.0/0>igw-"), "{held}");
    assert_eq!(
        held["default_acl"],
        serde_json::json!(["False:100:-1:allow", "True:100:-1:allow"]),
        "{held}"
    );
    assert_eq!(
        held["subnet_acls"],
        serde_json::json!(["10.40.1.0/24=public", "10.40.2.0/24=private"]),
        "{held}"
    );
    assert_eq!(held["second_main_routes"], serde_json::json!(["::/0>eigw-"]), "{held}");
    assert_eq!(held["eigws"], serde_json::json!(["egress"]), "{held}");

    // In place: a security group rule, an ACL's inline rule, and a subnet leaving an ACL
    // (it goes back to the default ACL).
    let update_vars = [
        "-var=sg_port=8443",
        "-var=acl_port=8443",
        "-var=private_subnets=false",
        "-var=eigw_name=egress-v6",
        "-var=main_alt=true",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &update_vars,
        "Resources: 0 added, 5 changed, 0 destroyed.",
        "after the in-place update",
    );
    let held = describe(&moto);
    assert_eq!(held["sg_in"], serde_json::json!(["-1::self", "tcp:8443:10.0.0.0/8"]), "{held}");
    assert_eq!(
        held["subnet_acls"],
        serde_json::json!(["10.40.1.0/24=public", "10.40.2.0/24=default"]),
        "{held}"
    );
    assert_eq!(held["second_main_routes"], serde_json::json!([]), "{held}");
    assert_eq!(held["eigws"], serde_json::json!(["egress-v6"]), "{held}");

    // Every argument of an ACL rule forces a new one.
    let replace_vars = [
        "-var=sg_port=8443",
        "-var=acl_port=8443",
        "-var=private_subnets=false",
        "-var=eigw_name=egress-v6",
        "-var=main_alt=true",
        "-var=rule_port=2222",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &replace_vars,
        "Resources: 1 added, 0 changed, 1 destroyed.",
        "after replacing the ACL rule",
    );

    // Imports by the provider's import IDs.
    let acl = state_attribute(&stack, "aws_network_acl.private", "id");
    let vpc = state_attribute(&stack, "aws_vpc.main", "id");
    let sg = state_attribute(&stack, "aws_default_security_group.this", "id");
    let public_acl = state_attribute(&stack, "aws_network_acl.public", "id");
    let default_acl = state_attribute(&stack, "aws_default_network_acl.this", "id");
    let eigw = state_attribute(&stack, "aws_egress_only_internet_gateway.this", "id");
    let imports = [
        ("aws_network_acl_rule.private_inbound", format!("{acl}:100:tcp:false")),
        ("aws_network_acl_rule.private_outbound", format!("{acl}:100:-1:true")),
        ("aws_default_route_table.default", vpc.clone()),
        ("aws_default_security_group.this", sg),
        ("aws_network_acl.public", public_acl),
        ("aws_default_network_acl.this", default_acl),
        ("aws_egress_only_internet_gateway.this", eigw),
    ];
    for (address, id) in &imports {
        let before = state_attribute(&stack, address, "id");
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", *address, id.as_str()];
        args.extend_from_slice(&replace_vars);
        infra(&stack, Some(&moto), &args).ok();
        assert_eq!(
            state_attribute(&stack, address, "id"),
            before,
            "{address} imported by {id} is another object"
        );
    }
    // An imported object stores no timeouts, as in Terraform (1.3.8 and later, with
    // terraform-plugin-sdk#1146): the route table's `timeouts` block is then an in-place
    // update that only the state sees.
    let plan = plan_run(&stack, &moto, &replace_vars);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.stdout.contains("aws_default_route_table.default will be updated in-place")
            && plan.stdout.contains("0 to add, 1 to change, 0 to destroy")
            && plan.stdout.contains("timeouts"),
        "{}",
        plan.stdout
    );
    apply(&stack, &moto, &replace_vars);
    plan_is_clean(&stack, &moto, &replace_vars, "after the imports");

    // An imported object has no recorded dependencies until an apply changes it (infra's
    // destroy orders by them), so the imported ACL is updated once more before the destroy.
    let final_vars = [
        "-var=sg_port=8443",
        "-var=private_subnets=false",
        "-var=eigw_name=egress-v6",
        "-var=main_alt=true",
        "-var=rule_port=2222",
    ];
    let reverted = apply(&stack, &moto, &final_vars);
    assert_contains(&reverted, "Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &final_vars, "after updating the imported ACL");

    let destroyed = destroy_ok(&stack, &moto, &final_vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 16 destroyed.");
    let held = describe(&moto);
    assert_eq!(held["vpcs"], 0, "the VPC is still there: {held}");
    assert_eq!(held["eigws"], serde_json::json!([]), "{held}");
    let leftovers = super::emulator_objects(&moto);
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// Adopting the defaults of a VPC made outside infra: what was there goes (rules, routes,
/// entries, tags), only the configuration remains, and destroying only forgets them: the VPC
/// and its defaults stay as they were left.
#[test]
fn adopting_defaults_removes_what_was_there_and_destroy_forgets_them() {
    let moto = Moto::start();
    let setup = moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
vpc = ec2.create_vpc(CidrBlock='10.60.0.0/16')['Vpc']['VpcId']
igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
f = [{'Name': 'vpc-id', 'Values': [vpc]}]
main = ec2.describe_route_tables(Filters=f + [{'Name': 'association.main', 'Values': ['true']}])['RouteTables'][0]['RouteTableId']
ec2.create_route(RouteTableId=main, DestinationCidrBlock='0.0.0.0/0', GatewayId=igw)
ec2.create_tags(Resources=[main], Tags=[{'Key': 'Old', 'Value': 'yes'}])
sg = ec2.describe_security_groups(Filters=f + [{'Name': 'group-name', 'Values': ['default']}])['SecurityGroups'][0]['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '1.2.3.4/32'}]}])
acl = [a for a in ec2.describe_network_acls(Filters=f)['NetworkAcls'] if a['IsDefault']][0]['NetworkAclId']
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Protocol='6', RuleAction='deny', Egress=False, CidrBlock='1.2.3.4/32', PortRange={'From': 22, 'To': 22})
print(vpc, main, acl)
"#,
    );
    let ids: Vec<&str> = setup.split_whitespace().collect();
    let [vpc, table, acl] = ids[..] else {
        panic!("setup printed {setup}");
    };
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
variable "vpc_id" {
  type = string
}

variable "table_id" {
  type = string
}

variable "acl_id" {
  type = string
}

resource "aws_default_security_group" "this" {
  vpc_id = var.vpc_id
}

resource "aws_default_route_table" "this" {
  default_route_table_id = var.table_id
}

resource "aws_default_network_acl" "this" {
  default_network_acl_id = var.acl_id
}
"#,
    );
    let vars = [
        format!("-var=vpc_id={vpc}"),
        format!("-var=table_id={table}"),
        format!("-var=acl_id={acl}"),
    ];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    apply_and_plan_clean(&stack, &moto, &vars, "Resources: 3 added", "after adopting");

    let held = moto.python(&format!(
        r#"
import boto3
ec2 = boto3.client('ec2')
f = [{{'Name': 'vpc-id', 'Values': ['{vpc}']}}]
sg = ec2.describe_security_groups(Filters=f + [{{'Name': 'group-name', 'Values': ['default']}}])['SecurityGroups'][0]
main = ec2.describe_route_tables(Filters=f + [{{'Name': 'association.main', 'Values': ['true']}}])['RouteTables'][0]
acl = [a for a in ec2.describe_network_acls(Filters=f)['NetworkAcls'] if a['IsDefault']][0]
print(len(sg['IpPermissions']), len(sg['IpPermissionsEgress']), len([r for r in main['Routes'] if r.get('GatewayId') != 'local']), len(main.get('Tags', [])), len([e for e in acl['Entries'] if e['RuleNumber'] != 32767]))
"#
    ));
    assert_eq!(
        held.trim(),
        "0 0 0 0 0",
        "SG ingress, SG egress, routes, table tags, ACL entries after adoption"
    );

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    let still = moto.python(&format!(
        "import boto3\nec2 = boto3.client('ec2')\nprint(len(ec2.describe_vpcs(VpcIds=['{vpc}'])['Vpcs']))"
    ));
    assert_eq!(still.trim(), "1", "destroying adopted defaults touched the VPC");
}

const DEFAULT_VPC: &str = r#"
variable "hostnames" {
  type    = bool
  default = true
}

resource "aws_default_vpc" "this" {
  enable_dns_support   = true
  enable_dns_hostnames = var.hostnames

  tags = {
    Name = "default"
  }
}
"#;

/// The region's default VPC, as moto holds it: `id hostnames Name-tag`, or "none".
fn default_vpc(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ec2 = boto3.client('ec2')
vpcs = ec2.describe_vpcs(Filters=[{'Name': 'is-default', 'Values': ['true']}])['Vpcs']
if not vpcs:
    print('none')
else:
    v = vpcs[0]
    dns = ec2.describe_vpc_attribute(VpcId=v['VpcId'], Attribute='enableDnsHostnames')['EnableDnsHostnames']['Value']
    print(v['VpcId'], dns, {t['Key']: t['Value'] for t in v.get('Tags', [])}.get('Name', '-'))
"#,
    )
    .trim()
    .to_string()
}

/// `aws_default_vpc` adopts the region's default VPC (or creates one with CreateDefaultVpc when
/// there is none), changes it in place, imports by id, and destroying it only forgets it.
#[test]
fn default_vpc_is_adopted_or_created_and_destroy_forgets_it() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", DEFAULT_VPC);
    let before = default_vpc(&moto);
    let id = before.split(' ').next().unwrap_or_default().to_string();
    assert!(id.starts_with("vpc-"), "moto has no default VPC: {before}");

    apply_and_plan_clean(
        &stack,
        &moto,
        NO_VARS,
        "Resources: 1 added",
        "after adopting the default VPC",
    );
    assert_eq!(default_vpc(&moto), format!("{id} True default"));
    assert_eq!(state_attribute(&stack, "aws_default_vpc.this", "id"), id, "adopted another VPC");
    let state = stack.read("terraform.tfstate");
    assert_contains(&state, "\"existing_default_vpc\": true");

    let updated = apply(&stack, &moto, &["-var=hostnames=false"]);
    assert_contains(&updated, "Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &["-var=hostnames=false"], "after the update");
    assert_eq!(default_vpc(&moto), format!("{id} False default"));

    infra(&stack, Some(&moto), &["state", "rm", "aws_default_vpc.this"]).ok();
    infra(
        &stack,
        Some(&moto),
        &["import", "-input=false", "-var=hostnames=false", "aws_default_vpc.this", &id],
    )
    .ok();
    plan_is_clean(&stack, &moto, &["-var=hostnames=false"], "after the import");

    let destroyed = destroy_run(&stack, &moto, &["-var=hostnames=false"]).ok();
    assert_contains(&destroyed.stdout, "Resources: 1 destroyed.");
    assert_eq!(default_vpc(&moto), format!("{id} False default"), "destroy touched it");

    // Without a default VPC, one is created.
    moto.python(&format!(
        r#"
import boto3
ec2 = boto3.client('ec2')
for s in ec2.describe_subnets(Filters=[{{'Name': 'vpc-id', 'Values': ['{id}']}}])['Subnets']:
    ec2.delete_subnet(SubnetId=s['SubnetId'])
for g in ec2.describe_internet_gateways(Filters=[{{'Name': 'attachment.vpc-id', 'Values': ['{id}']}}])['InternetGateways']:
    ec2.detach_internet_gateway(InternetGatewayId=g['InternetGatewayId'], VpcId='{id}')
    ec2.delete_internet_gateway(InternetGatewayId=g['InternetGatewayId'])
ec2.delete_vpc(VpcId='{id}')
"#
    ));
    assert_eq!(default_vpc(&moto), "none");
    apply_and_plan_clean(
        &stack,
        &moto,
        NO_VARS,
        "Resources: 1 added",
        "after creating a default VPC",
    );
    let now = default_vpc(&moto);
    assert!(now.ends_with(" True default") && !now.starts_with(&id), "{now}");
    let state = stack.read("terraform.tfstate");
    assert_contains(&state, "\"existing_default_vpc\": false");
    destroy_run(&stack, &moto, NO_VARS).ok();
    assert_eq!(default_vpc(&moto), now, "destroy without force_destroy deleted it");
}

/// `enable_classiclink` and `enable_classiclink_dns_support`, which AWS provider 5.0 removed
/// with EC2-Classic and terraform-aws-modules/vpc 2.x still sets on every VPC: null or false is
/// accepted with a warning at its line, from `validate` on; a value that asks for ClassicLink is
/// an error at its line, at `validate` when it is written as a literal and at plan when it
/// comes from a variable. Neither is sent or stored.
#[test]
fn removed_classiclink_arguments_warn_when_false_and_fail_when_true() {
    let moto = Moto::start();
    let stack = Stack::new();
    let main = r#"provider "aws" {
  region = "us-east-1"
}
variable "classiclink" {
  type    = bool
  default = null
}
resource "aws_vpc" "main" {
  cidr_block                     = "10.0.0.0/16"
  enable_classiclink             = var.classiclink
  enable_classiclink_dns_support = false
}
"#;
    stack.write("main.tf", main);
    let validate = infra(&stack, Some(&moto), &["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.all());
    for (argument, line) in [("enable_classiclink", 10), ("enable_classiclink_dns_support", 11)] {
        assert!(
            validate.all().contains(&format!("main.tf:{line}:"))
                && validate
                    .all()
                    .contains(&format!("The argument \"{argument}\" no longer exists")),
            "{}",
            validate.all()
        );
    }
    apply(&stack, &moto, NO_VARS);
    let stored = &stack.state()["resources"][0]["attributes"];
    assert!(stored.get("enable_classiclink").is_none(), "{stored}");

    let asked = infra(&stack, Some(&moto), &["plan", "-input=false", "-var=classiclink=true"]);
    assert_eq!(asked.code, 1, "{}", asked.all());
    assert!(
        asked.stderr.contains("main.tf:10:")
            && asked.stderr.contains("Only null or false is accepted"),
        "{}",
        asked.stderr
    );

    stack.write(
        "main.tf",
        &main.replace(
            "enable_classiclink_dns_support = false",
            "enable_classiclink_dns_support = true",
        ),
    );
    let literal = infra(&stack, Some(&moto), &["validate"]);
    assert_eq!(literal.code, 1, "{}", literal.all());
    assert!(
        literal.stderr.contains("main.tf:11:")
            && literal.stderr.contains("EC2-Classic was retired"),
        "{}",
        literal.stderr
    );
}

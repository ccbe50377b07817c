//! The EC2 network resource types and data sources against moto in server mode: one moto per
//! file, one test running every scenario in order, so the emulator starts once.

mod support;

use std::sync::Arc;
use std::time::Duration;

use infra_aws::Aws;
use infra_core::{Creating, Deleting, Operation, Registry, ResourceType, Schema, Updating, Value};
use support::{
    assert_has_text, assert_refused, assert_text, normalized, planned_attributes, read_one,
    strings, tags, with,
};

struct Harness {
    aws: Arc<Aws>,
    registry: Registry,
}

impl Harness {
    fn resource(&self, name: &str) -> Arc<dyn ResourceType> {
        self.registry.resource(name).unwrap_or_else(|| panic!("{name} is registered")).clone()
    }
}

fn operation(address: &str) -> Operation {
    support::operation(address, "lineage-network-test", Duration::from_secs(60))
}

/// What the engine would plan for a create: config values, schema defaults (nested blocks
/// too), `Unknown` for computed attributes, and `tags_all` = `tags`.
fn planned(schema: &Schema, config: &Value) -> Value {
    let mut entries = planned_attributes(schema, config);
    for block in &schema.blocks {
        let given = config.get(block.name);
        // As the engine plans a create: a computed block nobody configured is unknown.
        if block.computed && given.is_null() {
            entries.insert(block.name.to_string(), Value::Unknown);
            continue;
        }
        let items = given
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|item| planned(&block.schema, item))
            .collect();
        entries.insert(block.name.to_string(), Value::List(items));
    }
    if schema.taggable {
        let tags = config.get("tags").clone();
        let tags = if tags.is_null() { Value::Map(Default::default()) } else { tags };
        entries.insert("tags".into(), tags.clone());
        entries.insert("tags_all".into(), tags);
    }
    Value::Map(entries)
}

/// What the engine plans for an update: computed values nobody configured keep the prior
/// object's, in nested blocks too (item by item).
fn keep_prior(planned: Value, prior: &Value) -> Value {
    match planned {
        Value::Unknown => prior.clone(),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let before = prior.get(&key).clone();
                    (key, keep_prior(value, &before))
                })
                .collect(),
        ),
        Value::List(items) => {
            let before = prior.as_list().unwrap_or(&[]).to_vec();
            Value::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(index, item)| match before.get(index) {
                        Some(previous) if matches!(item, Value::Map(_)) => {
                            keep_prior(item, previous)
                        }
                        _ => item,
                    })
                    .collect(),
            )
        }
        other => other,
    }
}

/// Asserts a second plan would show no changes: every known planned attribute equals what
/// was read, after normalization.
fn assert_no_changes(resource: &dyn ResourceType, planned: &Value, read: &Value) {
    let planned = normalized(resource, planned);
    let read = normalized(resource, read);
    for (name, value) in planned.as_map().expect("planned is an object") {
        // A removed argument still read from configuration is never stored or read back.
        let config_only =
            resource.schema().attribute(name).is_some_and(|attribute| attribute.config_only);
        if value.is_wholly_known() && !config_only {
            assert_eq!(
                value,
                read.get(name),
                "{}: attribute {name} differs after apply\nread: {read}",
                resource.name()
            );
        }
    }
    assert!(read.is_wholly_known(), "{}: read has unknowns: {read}", resource.name());
    for attribute in &resource.schema().attributes {
        assert!(
            read.as_map().is_some_and(|m| m.contains_key(attribute.name)),
            "{}: read lacks {}",
            resource.name(),
            attribute.name
        );
    }
}

/// The full life of one object: create, read back, an in-place update, find_created, delete,
/// gone. Returns nothing; panics with the resource name on any mismatch.
async fn lifecycle(
    harness: &Harness,
    name: &str,
    config: Value,
    update: impl Fn(&Value) -> Value,
) -> Value {
    let resource = harness.resource(name);
    let address = format!("{name}.test");
    let operation = operation(&address);
    let created = create(harness, &address, config.clone()).await;
    // What the engine stores, and so what later calls get as the prior.
    let created = normalized(resource.as_ref(), &created);
    let read = read_one(resource.as_ref(), &created).await;
    assert_eq!(
        normalized(resource.as_ref(), read.as_ref().expect("exists")),
        normalized(resource.as_ref(), &created),
        "{name}: read differs from create"
    );

    let updated_config = update(&config);
    // The id may change in place (ReplaceRouteTableAssociation gives a new one).
    let mut updated_planned = keep_prior(planned(resource.schema(), &updated_config), &created);
    // An update may change what only AWS sets (a new IPv6 block): those are compared with
    // the read, not with the prior.
    if let Some(entries) = updated_planned.map_mut() {
        for attribute in &resource.schema().attributes {
            if !attribute.is_settable() {
                entries.insert(attribute.name.to_string(), Value::Unknown);
            }
        }
    }
    let updated = resource
        .update(Updating { operation: &operation, prior: &created, planned: &updated_planned })
        .await
        .unwrap_or_else(|e| panic!("{name} update: {e}"));
    let reread = read_one(resource.as_ref(), &updated).await.expect("still exists");
    assert_no_changes(resource.as_ref(), &updated_planned, &reread);

    let found = resource
        .find_created(Creating { operation: &operation, planned: &updated_planned })
        .await
        .unwrap_or_else(|e| panic!("{name} find_created: {e}"));
    // An update may give a new id (route table associations), so compare with the latest.
    assert_eq!(found.as_ref().map(|f| f.get("id")), Some(reread.get("id")), "{name}: find_created");

    resource
        .delete(Deleting { operation: &operation, prior: &reread })
        .await
        .unwrap_or_else(|e| panic!("{name} delete: {e}"));
    let gone = read_one(resource.as_ref(), &reread).await;
    assert_eq!(gone, None, "{name}: still there after delete");
    // Deleting again is not an error.
    resource
        .delete(Deleting { operation: &operation, prior: &reread })
        .await
        .unwrap_or_else(|e| panic!("{name} second delete: {e}"));
    reread
}

/// Creates `address` (`<type>.<name>`) from `config` and checks that a plan would show no change.
async fn create(harness: &Harness, address: &str, config: Value) -> Value {
    let (name, _) = address.split_once('.').expect("an address <type>.<name>");
    let resource = harness.resource(name);
    let planned_value = planned(resource.schema(), &config);
    let created = resource
        .create(Creating { operation: &operation(address), planned: &planned_value })
        .await
        .unwrap_or_else(|e| panic!("{address} create: {e}"));
    assert_no_changes(resource.as_ref(), &planned_value, &created);
    created
}

/// Creates `address` (`<type>.<name>`) with its name as the `name` argument, beside `config`.
async fn create_named(harness: &Harness, address: &str, config: Value) -> Value {
    let (_, label) = address.split_once('.').expect("an address <type>.<name>");
    let config = with(&config, "name", Value::string(label));
    create(harness, address, config).await
}

async fn vpc_scenario(harness: &Harness) {
    let vpc = lifecycle(
        harness,
        "aws_vpc",
        Value::map([
            ("cidr_block", Value::string("10.1.0.0/16")),
            ("instance_tenancy", Value::string("default")),
            ("tags", tags(&[("Name", "one")])),
        ]),
        |config| {
            with(
                &with(config, "enable_dns_hostnames", Value::Bool(true)),
                "tags",
                tags(&[("Name", "two"), ("Env", "dev")]),
            )
        },
    )
    .await;

    // An Amazon IPv6 block added in place, then removed. The planner keeps the prior (absent)
    // block in the plan: the new one is seen in the result and the next refresh.
    let resource = harness.resource("aws_vpc");
    let config = Value::map([("cidr_block", Value::string("10.2.0.0/16"))]);
    let plain = create(harness, "aws_vpc.ipv6", config.clone()).await;
    assert_eq!(plain.get("ipv6_cidr_block"), &Value::Null);
    let generated = keep_prior(
        planned(
            resource.schema(),
            &with(&config, "assign_generated_ipv6_cidr_block", Value::Bool(true)),
        ),
        &plain,
    );
    let with_ipv6 = resource
        .update(Updating {
            operation: &operation("aws_vpc.ipv6"),
            prior: &plain,
            planned: &generated,
        })
        .await
        .expect("add IPv6");
    assert_has_text(&with_ipv6, "ipv6_cidr_block");
    assert_has_text(&with_ipv6, "ipv6_association_id");
    assert_eq!(with_ipv6.get("assign_generated_ipv6_cidr_block"), &Value::Bool(true));
    let without = keep_prior(planned(resource.schema(), &config), &with_ipv6);
    let without_ipv6 = resource
        .update(Updating {
            operation: &operation("aws_vpc.ipv6"),
            prior: &with_ipv6,
            planned: &without,
        })
        .await
        .expect("remove IPv6");
    assert_eq!(
        without_ipv6.get("assign_generated_ipv6_cidr_block"),
        &Value::Bool(false),
        "{without_ipv6}"
    );
    delete(harness, "aws_vpc", &without_ipv6).await;
    assert_text(&vpc, "default_network_acl_id", |id| id.starts_with("acl-"));
    assert_text(&vpc, "arn", |arn| arn.starts_with("arn:aws:ec2:"));
    assert_eq!(vpc.get("tags"), &tags(&[("Env", "dev"), ("Name", "two")]));
    assert_eq!(vpc.get("enable_dns_hostnames"), &Value::Bool(true));
    assert_text(&vpc, "main_route_table_id", |id| id.starts_with("rtb-"));
    assert_text(&vpc, "default_security_group_id", |id| id.starts_with("sg-"));
}

/// Several instances of one type refresh in a few calls, and one deleted outside is `None`.
async fn batched_read_scenario(harness: &Harness) {
    let resource = harness.resource("aws_vpc");
    let mut vpcs = Vec::new();
    for i in 0..5 {
        vpcs.push(
            create(
                harness,
                &format!("aws_vpc.batch[{i}]"),
                Value::map([("cidr_block", Value::string(format!("10.{}.0.0/16", 50 + i)))]),
            )
            .await,
        );
    }
    resource
        .delete(Deleting { operation: &operation("aws_vpc.batch[2]"), prior: &vpcs[2] })
        .await
        .expect("delete outside");
    let before = harness.aws.requests.count();
    let read = resource.read_many(&vpcs).await.expect("read_many");
    let requests = harness.aws.requests.count() - before;
    assert_eq!(
        read.iter().map(Option::is_some).collect::<Vec<_>>(),
        vec![true, true, false, true, true]
    );
    // DescribeVpcs + main route tables + default groups + default network ACLs + 3 attributes
    // per known VPC (DNS support, DNS hostnames, Network Address Usage metrics): the attribute
    // calls start beside the describes, so the deleted VPC's are made too (NotFound).
    assert!(requests <= 4 + 3 * 5, "{requests} requests: {:?}", harness.aws.requests.operations());
    for vpc in read.into_iter().flatten() {
        resource
            .delete(Deleting { operation: &operation("aws_vpc.batch"), prior: &vpc })
            .await
            .expect("cleanup");
    }
}

fn rule(protocol: &str, from: f64, to: f64, cidrs: &[&str], description: &str) -> Value {
    Value::map([
        ("from_port", Value::Number(from)),
        ("to_port", Value::Number(to)),
        ("protocol", Value::string(protocol)),
        ("cidr_blocks", strings(cidrs)),
        ("description", Value::string(description)),
    ])
}

async fn subnet_scenario(harness: &Harness, vpc_id: &str) {
    let subnet = lifecycle(
        harness,
        "aws_subnet",
        Value::map([
            ("vpc_id", Value::string(vpc_id)),
            ("cidr_block", Value::string("10.7.1.0/24")),
            ("availability_zone", Value::string("us-east-1a")),
            ("enable_resource_name_dns_a_record_on_launch", Value::Bool(true)),
        ]),
        |config| {
            let config = with(config, "map_public_ip_on_launch", Value::Bool(true));
            with(&config, "assign_ipv6_address_on_creation", Value::Bool(true))
        },
    )
    .await;
    assert_eq!(subnet.get("assign_ipv6_address_on_creation"), &Value::Bool(true));
    assert_eq!(subnet.get("map_public_ip_on_launch"), &Value::Bool(true));
    assert_has_text(&subnet, "availability_zone_id");
}

async fn security_group_scenario(harness: &Harness, vpc_id: &str) {
    let https =
        |description| rule("tcp", 443.0, 443.0, &["10.0.0.0/8", "192.168.0.0/16"], description);
    let group = lifecycle(
        harness,
        "aws_security_group",
        Value::map([
            ("name", Value::string("web")),
            ("vpc_id", Value::string(vpc_id)),
            (
                "ingress",
                Value::List(vec![https("https"), rule("6", 80.0, 80.0, &["0.0.0.0/0"], "")]),
            ),
        ]),
        |config| {
            // One rule changes its description, one is added, egress appears; "all" is "-1".
            let config = with(
                config,
                "ingress",
                Value::List(vec![
                    https("https in"),
                    with(&rule("tcp", 5432.0, 5432.0, &[], ""), "self", Value::Bool(true)),
                ]),
            );
            let config = with(
                &config,
                "egress",
                Value::List(vec![rule("all", 0.0, 0.0, &["0.0.0.0/0"], "")]),
            );
            with(&config, "tags", tags(&[("Team", "web")]))
        },
    )
    .await;
    let ingress = group.get("ingress").as_list().expect("ingress");
    assert_eq!(ingress.len(), 2, "{group}");
    assert!(ingress.iter().any(|rule| rule.get("self") == &Value::Bool(true)), "{group}");
    assert_eq!(group.get("egress").as_list().map(<[Value]>::len), Some(1), "{group}");
    assert_eq!(group.get("egress").as_list().unwrap()[0].get("protocol"), &Value::string("-1"));
}

/// Rules from IPv6 ranges, a prefix list and another group, on a group that revokes its rules
/// before it is deleted.
async fn security_group_sources_scenario(harness: &Harness, vpc_id: &str) {
    let ec2 = &harness.aws.clients().await.ec2;
    let prefix_list = ec2
        .create_managed_prefix_list()
        .prefix_list_name("office")
        .address_family("IPv4")
        .max_entries(5)
        .send()
        .await
        .expect("prefix list");
    let prefix_list_id = prefix_list
        .prefix_list()
        .and_then(|p| p.prefix_list_id())
        .expect("prefix list id")
        .to_string();
    let other = create_named(
        harness,
        "aws_security_group.other",
        Value::map([("vpc_id", Value::string(vpc_id))]),
    )
    .await;
    let sources = |port: f64| {
        Value::map([
            ("from_port", Value::Number(port)),
            ("to_port", Value::Number(port)),
            ("protocol", Value::string("tcp")),
            ("ipv6_cidr_blocks", strings(&["2001:db8::/32"])),
            ("prefix_list_ids", strings(&[&prefix_list_id])),
            ("security_groups", Value::List(vec![other.get("id").clone()])),
            // moto drops the description of prefix list sources.
            ("description", Value::string("")),
        ])
    };
    let group = lifecycle(
        harness,
        "aws_security_group",
        Value::map([
            ("name_prefix", Value::string("sources-")),
            ("vpc_id", Value::string(vpc_id)),
            ("revoke_rules_on_delete", Value::Bool(true)),
            ("ingress", Value::List(vec![sources(8080.0)])),
            ("egress", Value::List(vec![sources(443.0)])),
        ]),
        |config| {
            let config = with(config, "ingress", Value::List(vec![sources(9090.0)]));
            with(&config, "revoke_rules_on_delete", Value::Bool(false))
        },
    )
    .await;
    assert_eq!(group.get("revoke_rules_on_delete"), &Value::Bool(false));
    delete(harness, "aws_security_group", &other).await;
}

/// A group without egress blocks has no egress rules after create (AWS's default is removed).
async fn security_group_without_egress_scenario(harness: &Harness, vpc_id: &str) {
    let group = create(
        harness,
        "aws_security_group.bare",
        Value::map([("name_prefix", Value::string("bare-")), ("vpc_id", Value::string(vpc_id))]),
    )
    .await;
    assert_eq!(group.get("egress"), &Value::List(vec![]), "{group}");
    assert_text(&group, "name", |name| name.starts_with("bare-"));
    assert_eq!(group.get("name_prefix"), &Value::string("bare-"));
    let resource = harness.resource("aws_security_group");
    resource
        .delete(Deleting { operation: &operation("aws_security_group.bare"), prior: &group })
        .await
        .expect("delete");
}

async fn data_source_scenario(harness: &Harness) {
    let read = |name: &'static str, config: Value| {
        let source = harness
            .registry
            .data_source(name)
            .unwrap_or_else(|| panic!("{name} is registered"))
            .clone();
        async move { source.read(&config).await.unwrap_or_else(|e| panic!("{name} read: {e}")) }
    };
    let zones =
        read("aws_availability_zones", Value::map([("state", Value::string("available"))])).await;
    let names = zones.get("names").as_list().expect("names");
    assert!(
        !names.is_empty() && names[0].as_str().is_some_and(|n| n.starts_with("us-east-1")),
        "{zones}"
    );
    assert_eq!(zones.get("zone_ids").as_list().map(<[Value]>::len), Some(names.len()));
    assert_eq!(zones.get("id"), &Value::string("us-east-1"));
    // Provider 6.x's `filter` blocks go to DescribeAvailabilityZones: only the zone named.
    let filtered = read(
        "aws_availability_zones",
        Value::map([(
            "filter",
            Value::List(vec![Value::map([
                ("name", Value::string("zone-name")),
                ("values", Value::List(vec![Value::string("us-east-1b")])),
            ])]),
        )]),
    )
    .await;
    assert_eq!(
        filtered.get("names"),
        &Value::List(vec![Value::string("us-east-1b")]),
        "{filtered}"
    );

    let region = read("aws_region", Value::map::<&str>([])).await;
    assert_eq!(region.get("name"), &Value::string("us-east-1"));
    assert_eq!(region.get("description"), &Value::string("US East (N. Virginia)"));

    let identity = read("aws_caller_identity", Value::map::<&str>([])).await;
    assert_eq!(identity.get("account_id"), &Value::string("123456789012"), "{identity}");
    assert_text(&identity, "arn", |arn| arn.starts_with("arn:aws:"));

    let policy = read(
        "aws_iam_policy_document",
        Value::map([(
            "statement",
            Value::List(vec![Value::map([
                ("actions", strings(&["s3:GetObject"])),
                ("resources", strings(&["*"])),
            ])]),
        )]),
    )
    .await;
    assert_text(&policy, "json", |json| json.contains("\"Action\": \"s3:GetObject\""));
}

fn without(value: &Value, name: &str) -> Value {
    with(value, name, Value::Null)
}

fn id_of(value: &Value) -> String {
    value.get("id").as_str().expect("an id").to_string()
}

async fn delete(harness: &Harness, name: &str, value: &Value) {
    harness
        .resource(name)
        .delete(Deleting { operation: &operation(&format!("{name}.cleanup")), prior: value })
        .await
        .unwrap_or_else(|e| panic!("{name} delete: {e}"));
}

async fn gateway_scenario(harness: &Harness, vpc_id: &str) {
    let gateway = lifecycle(harness, "aws_internet_gateway", Value::map::<&str>([]), |config| {
        with(&with(config, "vpc_id", Value::string(vpc_id)), "tags", tags(&[("Name", "igw")]))
    })
    .await;
    assert_eq!(gateway.get("vpc_id"), &Value::string(vpc_id));

    let address = lifecycle(harness, "aws_eip", Value::map::<&str>([]), |config| {
        with(config, "tags", tags(&[("Name", "eip")]))
    })
    .await;
    assert_has_text(&address, "public_ip");
    assert_eq!(address.get("domain"), &Value::string("vpc"));
}

async fn nat_scenario(harness: &Harness, subnet_id: &str) {
    let address = create(harness, "aws_eip.nat", Value::map::<&str>([])).await;
    let nat = lifecycle(
        harness,
        "aws_nat_gateway",
        Value::map([
            ("subnet_id", Value::string(subnet_id)),
            ("allocation_id", address.get("id").clone()),
        ]),
        |config| with(config, "tags", tags(&[("Name", "nat")])),
    )
    .await;
    assert_eq!(nat.get("public_ip"), address.get("public_ip"));
    assert_has_text(&nat, "private_ip");
    delete(harness, "aws_eip", &address).await;
}

/// An address with a deprecated `vpc`, a chosen `address`, then associated in place with a
/// network interface's primary private address.
async fn eip_scenario(harness: &Harness, subnet_id: &str) {
    let resource = harness.resource("aws_eip");
    assert_refused(
        resource.as_ref(),
        &Value::map([("vpc", Value::Bool(false))]),
        "vpc",
        "vpc = false is refused",
    );
    let ec2 = &harness.aws.clients().await.ec2;
    let interface = ec2
        .create_network_interface()
        .subnet_id(subnet_id)
        .send()
        .await
        .expect("network interface");
    let interface = interface.network_interface().expect("interface");
    let interface_id = interface.network_interface_id().expect("id").to_string();
    let private_ip = interface.private_ip_address().expect("ip").to_string();
    let address = lifecycle(
        harness,
        "aws_eip",
        Value::map([
            ("vpc", Value::Bool(true)),
            ("address", Value::string("54.20.30.40")),
            ("tags", tags(&[("Name", "eip")])),
        ]),
        |config| {
            let config = with(config, "network_interface", Value::string(&interface_id));
            with(&config, "associate_with_private_ip", Value::string(&private_ip))
        },
    )
    .await;
    assert_eq!(address.get("public_ip"), &Value::string("54.20.30.40"));
    assert_eq!(address.get("domain"), &Value::string("vpc"));
    assert_eq!(address.get("private_ip"), &Value::string(&private_ip));
    assert_has_text(&address, "association_id");
    assert_eq!(
        address.get("private_dns"),
        &Value::string(format!("ip-{}.ec2.internal", private_ip.replace('.', "-")))
    );
    ec2.delete_network_interface()
        .network_interface_id(&interface_id)
        .send()
        .await
        .expect("delete interface");
}

fn route(cidr: &str, target: &str, id: &str) -> Value {
    Value::map([("cidr_block", Value::string(cidr)), (target, Value::string(id))])
}

async fn route_scenario(harness: &Harness, vpc_id: &str, subnet_id: &str) {
    let gateway = create(
        harness,
        "aws_internet_gateway.main",
        Value::map([("vpc_id", Value::string(vpc_id))]),
    )
    .await;
    let address = create(harness, "aws_eip.routes", Value::map::<&str>([])).await;
    let nat = create(
        harness,
        "aws_nat_gateway.routes",
        Value::map([
            ("subnet_id", Value::string(subnet_id)),
            ("allocation_id", address.get("id").clone()),
        ]),
    )
    .await;
    let (gateway_id, nat_id) = (id_of(&gateway), id_of(&nat));

    let table = lifecycle(
        harness,
        "aws_route_table",
        Value::map([
            ("vpc_id", Value::string(vpc_id)),
            ("route", Value::List(vec![route("0.0.0.0/0", "gateway_id", &gateway_id)])),
        ]),
        |config| {
            let routes = Value::List(vec![
                route("0.0.0.0/0", "nat_gateway_id", &nat_id),
                route("192.168.0.0/16", "gateway_id", &gateway_id),
            ]);
            with(&with(config, "route", routes), "tags", tags(&[("Name", "private")]))
        },
    )
    .await;
    assert_eq!(
        table.get("route").as_list().map(<[Value]>::len),
        Some(2),
        "the local route is hidden: {table}"
    );

    // A table without route blocks leaves its routes to aws_route.
    let bare =
        create(harness, "aws_route_table.bare", Value::map([("vpc_id", Value::string(vpc_id))]))
            .await;
    let bare_id = id_of(&bare);
    let standalone = lifecycle(
        harness,
        "aws_route",
        Value::map([
            ("route_table_id", Value::string(&bare_id)),
            ("destination_cidr_block", Value::string("0.0.0.0/0")),
            ("gateway_id", Value::string(&gateway_id)),
        ]),
        |config| with(&without(config, "gateway_id"), "nat_gateway_id", Value::string(&nat_id)),
    )
    .await;
    assert!(id_of(&standalone).starts_with(&format!("r-{bare_id}")), "{standalone}");
    assert_eq!(standalone.get("nat_gateway_id"), &Value::string(&nat_id));
    let route_resource = harness.resource("aws_route");
    route_resource
        .create(Creating {
            operation: &operation("aws_route.kept"),
            planned: &planned(
                route_resource.schema(),
                &Value::map([
                    ("route_table_id", Value::string(&bare_id)),
                    ("destination_cidr_block", Value::string("10.200.0.0/16")),
                    ("gateway_id", Value::string(&gateway_id)),
                ]),
            ),
        })
        .await
        .expect("route create");
    let reread = harness
        .resource("aws_route_table")
        .read_many(std::slice::from_ref(&bare))
        .await
        .expect("read");
    assert_eq!(
        reread[0].as_ref().map(|t| t.get("route")),
        Some(&Value::List(vec![])),
        "unmanaged routes stay unreported"
    );

    let other =
        create(harness, "aws_route_table.other", Value::map([("vpc_id", Value::string(vpc_id))]))
            .await;
    lifecycle(
        harness,
        "aws_route_table_association",
        Value::map([
            ("subnet_id", Value::string(subnet_id)),
            ("route_table_id", Value::string(&bare_id)),
        ]),
        |config| with(config, "route_table_id", other.get("id").clone()),
    )
    .await;

    delete(harness, "aws_route_table", &bare).await;
    delete(harness, "aws_route_table", &other).await;
    delete(harness, "aws_nat_gateway", &nat).await;
    delete(harness, "aws_eip", &address).await;
    delete(harness, "aws_internet_gateway", &gateway).await;
}

async fn rule_scenario(harness: &Harness, vpc_id: &str) {
    let group = create_named(
        harness,
        "aws_security_group.rules",
        Value::map([("vpc_id", Value::string(vpc_id))]),
    )
    .await;
    let group_id = id_of(&group);
    let rule = lifecycle(
        harness,
        "aws_security_group_rule",
        Value::map([
            ("type", Value::string("ingress")),
            ("security_group_id", Value::string(&group_id)),
            ("from_port", Value::Number(22.0)),
            ("to_port", Value::Number(22.0)),
            ("protocol", Value::string("6")),
            ("cidr_blocks", strings(&["10.0.0.0/8", "172.16.0.0/12"])),
            ("description", Value::string("ssh")),
        ]),
        |config| with(config, "description", Value::string("ssh from the office")),
    )
    .await;
    assert!(id_of(&rule).starts_with("sgrule-"), "{rule}");

    let ingress = lifecycle(
        harness,
        "aws_vpc_security_group_ingress_rule",
        Value::map([
            ("security_group_id", Value::string(&group_id)),
            ("cidr_ipv4", Value::string("10.0.0.0/8")),
            ("from_port", Value::Number(443.0)),
            ("to_port", Value::Number(443.0)),
            ("ip_protocol", Value::string("tcp")),
            ("tags", tags(&[("Name", "https")])),
        ]),
        |config| {
            with(
                &with(config, "description", Value::string("https")),
                "tags",
                tags(&[("Name", "https2")]),
            )
        },
    )
    .await;
    assert!(id_of(&ingress).starts_with("sgr-"), "{ingress}");
    assert_eq!(ingress.get("description"), &Value::string("https"));

    lifecycle(
        harness,
        "aws_vpc_security_group_egress_rule",
        Value::map([
            ("security_group_id", Value::string(&group_id)),
            ("cidr_ipv4", Value::string("0.0.0.0/0")),
            ("ip_protocol", Value::string("-1")),
        ]),
        |config| with(config, "tags", tags(&[("Name", "all-out")])),
    )
    .await;
    delete(harness, "aws_security_group", &group).await;
}

/// A VPC with two subnets in different zones for the load balancer scenarios.
struct LbNetwork {
    vpc: Value,
    subnets: Vec<Value>,
}

impl LbNetwork {
    fn vpc_id(&self) -> String {
        id_of(&self.vpc)
    }

    fn subnet_ids(&self) -> Value {
        Value::List(self.subnets.iter().map(|s| s.get("id").clone()).collect())
    }
}

async fn lb_network(harness: &Harness) -> LbNetwork {
    let vpc =
        create(harness, "aws_vpc.lb", Value::map([("cidr_block", Value::string("10.8.0.0/16"))]))
            .await;
    let mut subnets = Vec::new();
    for (index, zone) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        subnets.push(
            create(
                harness,
                &format!("aws_subnet.lb[{index}]"),
                Value::map([
                    ("vpc_id", vpc.get("id").clone()),
                    ("cidr_block", Value::string(format!("10.8.{}.0/24", index + 1))),
                    ("availability_zone", Value::string(*zone)),
                ]),
            )
            .await,
        );
    }
    LbNetwork { vpc, subnets }
}

/// Application and network load balancers with every attribute moto holds, updated in place.
async fn lb_scenario(harness: &Harness, net: &LbNetwork) {
    let resource = harness.resource("aws_lb");
    let misplaced = Value::map([
        ("load_balancer_type", Value::string("network")),
        ("enable_http2", Value::Bool(false)),
    ]);
    assert_refused(
        resource.as_ref(),
        &misplaced,
        "enable_http2",
        "an application-only attribute on a network load balancer is refused",
    );
    let application = lifecycle(
        harness,
        "aws_lb",
        Value::map([
            ("name_prefix", Value::string("web-")),
            ("subnets", net.subnet_ids()),
            ("ip_address_type", Value::string("ipv4")),
            ("drop_invalid_header_fields", Value::Bool(true)),
            ("preserve_host_header", Value::Bool(true)),
            ("xff_header_processing_mode", Value::string("preserve")),
            ("enable_http2", Value::Bool(false)),
            ("idle_timeout", Value::Number(120.0)),
            ("desync_mitigation_mode", Value::string("strictest")),
            ("enable_waf_fail_open", Value::Bool(true)),
            ("client_keep_alive", Value::Number(600.0)),
            ("enable_xff_client_port", Value::Bool(true)),
            (
                "access_logs",
                Value::List(vec![Value::map([
                    ("bucket", Value::string("lb-logs")),
                    ("prefix", Value::string("web")),
                    ("enabled", Value::Bool(true)),
                ])]),
            ),
            ("tags", tags(&[("Name", "web")])),
        ]),
        |config| {
            let config = with(config, "idle_timeout", Value::Number(300.0));
            let config = with(&config, "enable_http2", Value::Bool(true));
            let config = with(&config, "desync_mitigation_mode", Value::string("monitor"));
            with(
                &config,
                "access_logs",
                Value::List(vec![Value::map([
                    ("bucket", Value::string("lb-logs")),
                    ("enabled", Value::Bool(false)),
                ])]),
            )
        },
    )
    .await;
    assert_text(&application, "name", |name| name.starts_with("web-") && name.len() <= 32);
    assert_has_text(&application, "dns_name");
    assert_has_text(&application, "zone_id");
    assert_text(&application, "arn_suffix", |suffix| suffix.starts_with("app/web-"));

    let mapping = |subnet: &Value| Value::map([("subnet_id", subnet.get("id").clone())]);
    let network = lifecycle(
        harness,
        "aws_lb",
        Value::map([
            ("name", Value::string("net")),
            ("load_balancer_type", Value::string("network")),
            ("internal", Value::Bool(true)),
            ("subnet_mapping", Value::List(net.subnets.iter().map(mapping).collect())),
            ("enable_cross_zone_load_balancing", Value::Bool(true)),
        ]),
        |config| {
            let config = with(config, "enable_cross_zone_load_balancing", Value::Bool(false));
            with(&config, "enable_deletion_protection", Value::Bool(false))
        },
    )
    .await;
    assert_eq!(network.get("load_balancer_type"), &Value::string("network"));
    assert_eq!(network.get("subnets").as_list().map(<[Value]>::len), Some(2));
    assert_eq!(network.get("subnet_mapping").as_list().map(<[Value]>::len), Some(2), "{network}");
}

/// HTTP, TCP and lambda target groups with the attributes moto holds, updated in place.
async fn target_group_scenario(harness: &Harness, net: &LbNetwork) {
    let resource = harness.resource("aws_lb_target_group");
    let misplaced =
        with(&group_target(80.0, "HTTP", "vpc-1"), "proxy_protocol_v2", Value::Bool(true));
    assert_refused(
        resource.as_ref(),
        &misplaced,
        "proxy_protocol_v2",
        "a network-only attribute on an HTTP group is refused",
    );
    let stickiness = |kind: &str, duration: f64, cookie: Option<&str>| {
        let mut block = Value::map([
            ("type", Value::string(kind)),
            ("enabled", Value::Bool(true)),
            ("cookie_duration", Value::Number(duration)),
        ]);
        if let Some(cookie) = cookie {
            block = with(&block, "cookie_name", Value::string(cookie));
        }
        Value::List(vec![block])
    };
    let http = lifecycle(
        harness,
        "aws_lb_target_group",
        Value::map([
            ("name_prefix", Value::string("tg-")),
            ("port", Value::Number(80.0)),
            ("protocol", Value::string("HTTP")),
            ("protocol_version", Value::string("HTTP1")),
            ("vpc_id", Value::string(net.vpc_id())),
            ("deregistration_delay", Value::Number(30.0)),
            ("slow_start", Value::Number(60.0)),
            ("load_balancing_algorithm_type", Value::string("least_outstanding_requests")),
            ("stickiness", stickiness("lb_cookie", 3600.0, None)),
            (
                "health_check",
                Value::List(vec![Value::map([
                    ("enabled", Value::Bool(true)),
                    ("path", Value::string("/health")),
                    ("matcher", Value::string("200-299")),
                    ("interval", Value::Number(15.0)),
                    ("timeout", Value::Number(5.0)),
                    ("healthy_threshold", Value::Number(2.0)),
                    ("unhealthy_threshold", Value::Number(4.0)),
                    ("port", Value::string("8080")),
                    ("protocol", Value::string("HTTP")),
                ])]),
            ),
        ]),
        |config| {
            let config = with(config, "slow_start", Value::Number(120.0));
            let config =
                with(&config, "load_balancing_algorithm_type", Value::string("round_robin"));
            with(&config, "stickiness", stickiness("app_cookie", 600.0, Some("session")))
        },
    )
    .await;
    assert!(
        http.get("name").as_str().is_some_and(|name| name.starts_with("tg-") && name.len() <= 32),
        "{http}"
    );

    lifecycle(
        harness,
        "aws_lb_target_group",
        Value::map([
            ("name", Value::string("tcp")),
            ("port", Value::Number(443.0)),
            ("protocol", Value::string("TCP")),
            ("target_type", Value::string("ip")),
            ("vpc_id", Value::string(net.vpc_id())),
            ("proxy_protocol_v2", Value::Bool(true)),
            ("connection_termination", Value::Bool(true)),
            ("preserve_client_ip", Value::string("false")),
            (
                "target_health_state",
                Value::List(vec![Value::map([
                    ("enable_unhealthy_connection_termination", Value::Bool(false)),
                    ("unhealthy_draining_interval", Value::Number(60.0)),
                ])]),
            ),
        ]),
        |config| {
            let config = with(config, "proxy_protocol_v2", Value::Bool(false));
            with(&config, "stickiness", stickiness("source_ip", 86400.0, None))
        },
    )
    .await;

    let lambda = lifecycle(
        harness,
        "aws_lb_target_group",
        Value::map([
            ("name", Value::string("lambda")),
            ("target_type", Value::string("lambda")),
            ("lambda_multi_value_headers_enabled", Value::Bool(true)),
        ]),
        |config| with(config, "lambda_multi_value_headers_enabled", Value::Bool(false)),
    )
    .await;
    assert_eq!(lambda.get("health_check"), &Value::List(vec![]), "{lambda}");

    let instance = lifecycle(
        harness,
        "aws_lb_target_group",
        with(&group_target(8080.0, "HTTP", &net.vpc_id()), "name", Value::string("instances")),
        |config| with(config, "deregistration_delay", Value::Number(10.0)),
    )
    .await;
    assert_eq!(instance.get("target_type"), &Value::string("instance"));
}

/// A target group's `port`, `protocol` and `vpc_id`.
fn group_target(port: f64, protocol: &str, vpc_id: &str) -> Value {
    Value::map([
        ("port", Value::Number(port)),
        ("protocol", Value::string(protocol)),
        ("vpc_id", Value::string(vpc_id)),
    ])
}

/// A listener's arguments: on `balancer`, at `(port, protocol)`, with the certificate if any and
/// the default actions.
fn listener_on(
    balancer: &Value,
    (port, protocol): (f64, &str),
    certificate_arn: Option<&str>,
    actions: Vec<Value>,
) -> Value {
    Value::map([
        ("load_balancer_arn", balancer.get("arn").clone()),
        ("port", Value::Number(port)),
        ("protocol", Value::string(protocol)),
        ("certificate_arn", certificate_arn.map_or(Value::Null, Value::string)),
        ("default_action", Value::List(actions)),
    ])
}

/// A certificate in moto's ACM, for HTTPS listeners.
fn certificate(moto: &infra_testkit::Moto, domain: &str) -> String {
    moto.python(&format!(
        "import boto3\nprint(boto3.client('acm').request_certificate(DomainName='{domain}')['CertificateArn'])"
    ))
    .trim()
    .to_string()
}

async fn listener_scenario(harness: &Harness, moto: &infra_testkit::Moto, net: &LbNetwork) {
    let balancer =
        create_named(harness, "aws_lb.listeners", Value::map([("subnets", net.subnet_ids())]))
            .await;
    let group = create_named(
        harness,
        "aws_lb_target_group.listeners",
        group_target(80.0, "HTTP", &net.vpc_id()),
    )
    .await;
    let certificate_arn = certificate(moto, "example.com");
    let other_certificate = certificate(moto, "other.example.com");
    let forward = Value::map([
        ("type", Value::string("forward")),
        ("target_group_arn", group.get("arn").clone()),
    ]);
    let listener = harness.resource("aws_lb_listener");
    let no_certificate = Value::map([
        ("load_balancer_arn", balancer.get("arn").clone()),
        ("protocol", Value::string("HTTPS")),
        ("default_action", Value::List(vec![forward.clone()])),
    ]);
    assert_refused(
        listener.as_ref(),
        &no_certificate,
        "certificate_arn",
        "HTTPS without a certificate is refused",
    );
    let https = lifecycle(
        harness,
        "aws_lb_listener",
        with(
            &listener_on(
                &balancer,
                (443.0, "HTTPS"),
                Some(&certificate_arn),
                vec![forward.clone()],
            ),
            "tags",
            tags(&[("Name", "https")]),
        ),
        |config| {
            let config =
                with(config, "ssl_policy", Value::string("ELBSecurityPolicy-TLS13-1-2-2021-06"));
            let config = with(&config, "certificate_arn", Value::string(&other_certificate));
            with(&config, "tags", tags(&[("Name", "https2")]))
        },
    )
    .await;
    assert_eq!(https.get("ssl_policy"), &Value::string("ELBSecurityPolicy-TLS13-1-2-2021-06"));
    assert_eq!(https.get("certificate_arn"), &Value::string(&other_certificate));

    // The default SSL policy, and authenticate actions ahead of the forward.
    let cognito = Value::map([
        ("type", Value::string("authenticate-cognito")),
        ("order", Value::Number(1.0)),
        (
            "authenticate_cognito",
            Value::List(vec![Value::map([
                (
                    "user_pool_arn",
                    Value::string(
                        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc",
                    ),
                ),
                ("user_pool_client_id", Value::string("client")),
                ("user_pool_domain", Value::string("auth")),
                ("on_unauthenticated_request", Value::string("deny")),
                ("scope", Value::string("openid email")),
                ("session_cookie_name", Value::string("session")),
                ("session_timeout", Value::Number(3600.0)),
                ("authentication_request_extra_params", tags(&[("display", "page")])),
            ])]),
        ),
    ]);
    let oidc = Value::map([
        ("type", Value::string("authenticate-oidc")),
        ("order", Value::Number(1.0)),
        (
            "authenticate_oidc",
            Value::List(vec![Value::map([
                ("authorization_endpoint", Value::string("https://idp.example.com/authorize")),
                ("client_id", Value::string("client")),
                ("client_secret", Value::string("secret")),
                ("issuer", Value::string("https://idp.example.com")),
                ("token_endpoint", Value::string("https://idp.example.com/token")),
                ("user_info_endpoint", Value::string("https://idp.example.com/userinfo")),
                ("on_unauthenticated_request", Value::string("authenticate")),
                ("scope", Value::string("openid")),
                ("session_cookie_name", Value::string("oidc")),
                ("session_timeout", Value::Number(600.0)),
            ])]),
        ),
    ]);
    let ordered_forward = with(&forward, "order", Value::Number(2.0));
    let authenticated = lifecycle(
        harness,
        "aws_lb_listener",
        listener_on(
            &balancer,
            (8443.0, "HTTPS"),
            Some(&certificate_arn),
            vec![cognito, ordered_forward.clone()],
        ),
        |config| {
            with(config, "default_action", Value::List(vec![oidc.clone(), ordered_forward.clone()]))
        },
    )
    .await;
    assert_eq!(
        authenticated.get("ssl_policy"),
        &Value::string("ELBSecurityPolicy-2016-08"),
        "{authenticated}"
    );

    // A rule with every condition kind but the headers, changed in place.
    let parent = create(
        harness,
        "aws_lb_listener.rules",
        listener_on(&balancer, (80.0, "HTTP"), None, vec![forward.clone()]),
    )
    .await;
    // A condition of `kind` with its blocks (`query_string` repeats, one per key/value pair).
    let condition_of = |kind: &str, blocks: Vec<Value>| {
        let mut entries = std::collections::BTreeMap::new();
        for name in [
            "host_header",
            "http_header",
            "http_request_method",
            "path_pattern",
            "query_string",
            "source_ip",
        ] {
            entries.insert(name.to_string(), Value::List(vec![]));
        }
        entries.insert(kind.to_string(), Value::List(blocks));
        Value::Map(entries)
    };
    let condition = |kind: &str, body: Value| condition_of(kind, vec![body]);
    let values = |items: &[&str]| Value::map([("values", strings(items))]);
    let query = vec![
        Value::map([("key", Value::string("version")), ("value", Value::string("2"))]),
        Value::map([("key", Value::Null), ("value", Value::string("beta"))]),
    ];
    let rule = harness.resource("aws_lb_listener_rule");
    assert!(
        !rule
            .validate(&Value::map([(
                "condition",
                Value::List(vec![Value::map([
                    ("source_ip", Value::List(vec![values(&["10.0.0.0/8"])])),
                    ("path_pattern", Value::List(vec![values(&["/x"])])),
                ])]),
            )]))
            .is_empty(),
        "two kinds in one condition are refused"
    );
    lifecycle(
        harness,
        "aws_lb_listener_rule",
        Value::map([
            ("listener_arn", parent.get("arn").clone()),
            ("priority", Value::Number(5.0)),
            ("action", Value::List(vec![ordered_forward.clone()])),
            (
                "condition",
                Value::List(vec![
                    condition("http_request_method", values(&["GET", "HEAD"])),
                    condition("source_ip", values(&["10.0.0.0/8"])),
                    condition_of("query_string", query.clone()),
                ]),
            ),
        ]),
        |config| {
            let config = with(
                config,
                "condition",
                Value::List(vec![
                    condition("http_request_method", values(&["POST"])),
                    condition("source_ip", values(&["192.168.0.0/16", "10.0.0.0/8"])),
                ]),
            );
            with(
                &config,
                "action",
                Value::List(vec![
                    with(&oidc, "order", Value::Number(1.0)),
                    ordered_forward.clone(),
                ]),
            )
        },
    )
    .await;
    delete(harness, "aws_lb_listener", &parent).await;

    // A TLS listener on a network load balancer, with an ALPN policy and the default policy.
    let network = create_named(
        harness,
        "aws_lb.tls",
        Value::map([
            ("load_balancer_type", Value::string("network")),
            ("subnets", net.subnet_ids()),
        ]),
    )
    .await;
    let tcp =
        create_named(harness, "aws_lb_target_group.tls", group_target(443.0, "TCP", &net.vpc_id()))
            .await;
    let tls = lifecycle(
        harness,
        "aws_lb_listener",
        with(
            &listener_on(
                &network,
                (443.0, "TLS"),
                Some(&certificate_arn),
                vec![Value::map([
                    ("type", Value::string("forward")),
                    ("target_group_arn", tcp.get("arn").clone()),
                ])],
            ),
            "alpn_policy",
            Value::string("HTTP2Preferred"),
        ),
        |config| with(config, "tags", tags(&[("Name", "tls")])),
    )
    .await;
    assert_eq!(tls.get("alpn_policy"), &Value::string("HTTP2Preferred"));
    assert_eq!(tls.get("ssl_policy"), &Value::string("ELBSecurityPolicy-2016-08"));
    delete(harness, "aws_lb_target_group", &tcp).await;
    delete(harness, "aws_lb", &network).await;
    delete(harness, "aws_lb_target_group", &group).await;
    delete(harness, "aws_lb", &balancer).await;
}

#[tokio::test]
async fn network_types_against_moto() {
    let moto = support::start_moto();
    let aws = support::aws_in_us_east_1();
    let harness = Harness { registry: infra_aws::registry(aws.clone()), aws };
    data_source_scenario(&harness).await;
    vpc_scenario(&harness).await;
    batched_read_scenario(&harness).await;
    let vpc = create(
        &harness,
        "aws_vpc.shared",
        Value::map([("cidr_block", Value::string("10.7.0.0/16"))]),
    )
    .await;
    let vpc_id = vpc.get("id").as_str().expect("vpc id").to_string();
    subnet_scenario(&harness, &vpc_id).await;
    security_group_scenario(&harness, &vpc_id).await;
    security_group_without_egress_scenario(&harness, &vpc_id).await;
    security_group_sources_scenario(&harness, &vpc_id).await;
    rule_scenario(&harness, &vpc_id).await;
    gateway_scenario(&harness, &vpc_id).await;
    let subnet = create(
        &harness,
        "aws_subnet.shared",
        Value::map([
            ("vpc_id", Value::string(&vpc_id)),
            ("cidr_block", Value::string("10.7.2.0/24")),
        ]),
    )
    .await;
    let subnet_id = id_of(&subnet);
    nat_scenario(&harness, &subnet_id).await;
    eip_scenario(&harness, &subnet_id).await;
    route_scenario(&harness, &vpc_id, &subnet_id).await;
    delete(&harness, "aws_subnet", &subnet).await;
    delete(&harness, "aws_vpc", &vpc).await;

    let net = lb_network(&harness).await;
    lb_scenario(&harness, &net).await;
    target_group_scenario(&harness, &net).await;
    listener_scenario(&harness, &moto, &net).await;
    for subnet in &net.subnets {
        delete(&harness, "aws_subnet", subnet).await;
    }
    delete(&harness, "aws_vpc", &net.vpc).await;
}

//! `aws_security_group`: a security group with inline `ingress`/`egress` rule sets.
//!
//! AWS stores rules as permissions grouped by protocol and ports; the configuration groups
//! them by rule block. Both are reduced to single "atoms" (one source of one rule) so that a
//! change authorizes and revokes only the difference, and a read reports the rules in the
//! configuration's shape whenever AWS holds exactly those atoms. Like the Terraform provider,
//! the allow-all egress rule AWS adds to a new group is removed, so the configured `egress`
//! blocks are the whole truth. With no `ingress` (or `egress`) block at all, the group's rules
//! in that direction are not managed here (Optional+Computed, as in the provider): rules from
//! `aws_security_group_rule` or `aws_vpc_security_group_*_rule` resources are not drift.
//!
//! Both group types are one [`Ec2Object`], [`GroupObject`]: `aws_default_security_group`,
//! which adopts a VPC's `default` group, is `GroupObject<true>`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Ec2ResourceType,
    SecurityGroup, Tag, UserIdGroupPair,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{name_attribute, name_prefix_attribute, sent};
use crate::declared::copied;
use crate::ec2_object::{
    computed, owner_id, read, read_block, string, Creating, Declared, Deleting, Describing,
    Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    bool_attribute, created_id, delete_with_retry, filter, for_each_inline_rule, has_code,
    name_for_create, non_empty_attribute, normalize_inline_rules, string_attribute, string_list,
    string_values, with_name_for_create,
};
use crate::error::aws_error;
use crate::paginated::all_items;

/// The schema of one `ingress` or `egress` block.
fn rule_schema() -> Schema {
    let empty = || Value::List(Vec::new());
    Schema::new()
        .attr(Attribute::required("from_port", Type::Number).check(Check::Port))
        .attr(Attribute::required("to_port", Type::Number).check(Check::Port))
        .attr(Attribute::required("protocol", Type::String))
        .attr(Attribute::optional("cidr_blocks", Type::list(Type::String)).default(empty()))
        .attr(Attribute::optional("ipv6_cidr_blocks", Type::list(Type::String)).default(empty()))
        .attr(Attribute::optional("prefix_list_ids", Type::list(Type::String)).default(empty()))
        .attr(Attribute::optional("security_groups", Type::set(Type::String)).default(empty()))
        .attr(Attribute::optional("self", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::optional("description", Type::String).default(Value::string("")))
}

/// The provider's canonical protocol: `-1` for all, names for the common numbers.
pub(crate) fn canonical_protocol(protocol: &str) -> String {
    let lower = protocol.trim().to_ascii_lowercase();
    match lower.as_str() {
        "all" | "-1" => "-1".to_string(),
        "1" => "icmp".to_string(),
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "58" => "icmpv6".to_string(),
        _ => lower,
    }
}

/// Why a protocol is not one AWS accepts, if it is not.
pub(crate) fn protocol_problem(protocol: &str) -> Option<String> {
    let canonical = canonical_protocol(protocol);
    let named = ["-1", "tcp", "udp", "icmp", "icmpv6"].contains(&canonical.as_str());
    let numbered = canonical.parse::<i64>().is_ok_and(|n| (0..=255).contains(&n));
    (!named && !numbered).then(|| {
        format!("\"{protocol}\" is not a protocol: use \"tcp\", \"udp\", \"icmp\", \"icmpv6\", \"-1\" (or \"all\"), or a number 0-255.")
    })
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
    OwnGroup,
}

/// One source of one rule: what AWS authorizes and revokes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Atom {
    pub(crate) protocol: String,
    pub(crate) from_port: i64,
    pub(crate) to_port: i64,
    pub(crate) description: String,
    pub(crate) source: Source,
}

/// For protocol -1 AWS ignores ports (and omits them in reads), so they never distinguish.
fn port_key(protocol: &str, from_port: i64, to_port: i64) -> (i64, i64) {
    if protocol == "-1" {
        (0, 0)
    } else {
        (from_port, to_port)
    }
}

/// The atoms of one configured rule (`own_id` resolves `self`).
pub(crate) fn rule_atoms(rule: &Value) -> Vec<Atom> {
    let protocol = rule.get("protocol").as_str().map(canonical_protocol).unwrap_or_default();
    let (from_port, to_port) = port_key(
        &protocol,
        rule.get("from_port").as_i64().unwrap_or(0),
        rule.get("to_port").as_i64().unwrap_or(0),
    );
    let description = rule.get("description").as_str().unwrap_or_default().to_string();
    let mut sources: Vec<Source> = Vec::new();
    sources.extend(string_list(rule, "cidr_blocks").into_iter().map(Source::Cidr));
    sources.extend(string_list(rule, "ipv6_cidr_blocks").into_iter().map(Source::Ipv6));
    sources.extend(string_list(rule, "prefix_list_ids").into_iter().map(Source::PrefixList));
    sources.extend(string_list(rule, "security_groups").into_iter().map(Source::Group));
    if bool_attribute(rule, "self", false) {
        sources.push(Source::OwnGroup);
    }
    sources
        .into_iter()
        .map(|source| Atom {
            protocol: protocol.clone(),
            from_port,
            to_port,
            description: description.clone(),
            source,
        })
        .collect()
}

fn rules_atoms(rules: &Value) -> BTreeSet<Atom> {
    rules.as_list().unwrap_or(&[]).iter().flat_map(rule_atoms).collect()
}

/// The atoms of the permissions AWS reports for group `own_id`.
pub(crate) fn permission_atoms(permissions: &[IpPermission], own_id: &str) -> BTreeSet<Atom> {
    let mut atoms = BTreeSet::new();
    for permission in permissions {
        let protocol = canonical_protocol(permission.ip_protocol().unwrap_or("-1"));
        let (from_port, to_port) = port_key(
            &protocol,
            permission.from_port().unwrap_or(0).into(),
            permission.to_port().unwrap_or(0).into(),
        );
        let mut add = |source: Source, description: Option<&str>| {
            atoms.insert(Atom {
                protocol: protocol.clone(),
                from_port,
                to_port,
                description: description.unwrap_or_default().to_string(),
                source,
            });
        };
        for range in permission.ip_ranges() {
            if let Some(cidr) = range.cidr_ip() {
                add(Source::Cidr(cidr.to_string()), range.description());
            }
        }
        for range in permission.ipv6_ranges() {
            if let Some(cidr) = range.cidr_ipv6() {
                add(Source::Ipv6(cidr.to_string()), range.description());
            }
        }
        for prefix_list in permission.prefix_list_ids() {
            if let Some(id) = prefix_list.prefix_list_id() {
                add(Source::PrefixList(id.to_string()), prefix_list.description());
            }
        }
        for pair in permission.user_id_group_pairs() {
            if let Some(group_id) = pair.group_id() {
                let source = if group_id == own_id {
                    Source::OwnGroup
                } else {
                    Source::Group(group_id.to_string())
                };
                add(source, pair.description());
            }
        }
    }
    atoms
}

/// Authorizes (`authorize`) or revokes `permissions` on the group `group_id`, in one direction
/// (`egress`, else ingress): Authorize/RevokeSecurityGroupIngress/Egress, which take the same
/// members.
pub(crate) async fn send_permissions(
    ec2: &aws_sdk_ec2::Client,
    group_id: &str,
    egress: bool,
    authorize: bool,
    permissions: Vec<IpPermission>,
) -> Result<(), ProviderError> {
    let permissions = Some(permissions);
    macro_rules! send {
        ($operation:ident) => {
            ec2.$operation()
                .group_id(group_id)
                .set_ip_permissions(permissions)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)
        };
    }
    match (egress, authorize) {
        (false, true) => send!(authorize_security_group_ingress),
        (true, true) => send!(authorize_security_group_egress),
        (false, false) => send!(revoke_security_group_ingress),
        (true, false) => send!(revoke_security_group_egress),
    }
}

/// Permissions for AuthorizeSecurityGroup*/RevokeSecurityGroup*, one per protocol and ports.
pub(crate) fn permissions(atoms: &BTreeSet<Atom>, own_id: &str) -> Vec<IpPermission> {
    let mut grouped: BTreeMap<(String, i64, i64), Vec<&Atom>> = BTreeMap::new();
    for atom in atoms {
        grouped
            .entry((atom.protocol.clone(), atom.from_port, atom.to_port))
            .or_default()
            .push(atom);
    }
    grouped
        .into_iter()
        .map(|((protocol, from_port, to_port), atoms)| {
            let mut permission = IpPermission::builder().ip_protocol(protocol);
            // Ports beyond i32 are refused by validation; clamp rather than panic.
            permission = permission
                .from_port(i32::try_from(from_port).unwrap_or(i32::MAX))
                .to_port(i32::try_from(to_port).unwrap_or(i32::MAX));
            for atom in atoms {
                let description = (!atom.description.is_empty()).then(|| atom.description.clone());
                permission = match &atom.source {
                    Source::Cidr(cidr) => permission.ip_ranges(
                        IpRange::builder().cidr_ip(cidr).set_description(description).build(),
                    ),
                    Source::Ipv6(cidr) => permission.ipv6_ranges(
                        Ipv6Range::builder().cidr_ipv6(cidr).set_description(description).build(),
                    ),
                    Source::PrefixList(id) => permission.prefix_list_ids(
                        PrefixListId::builder()
                            .prefix_list_id(id)
                            .set_description(description)
                            .build(),
                    ),
                    Source::Group(id) => permission.user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id(id)
                            .set_description(description)
                            .build(),
                    ),
                    Source::OwnGroup => permission.user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id(own_id)
                            .set_description(description)
                            .build(),
                    ),
                };
            }
            permission.build()
        })
        .collect()
}

/// Rules as read: each prior rule whose atoms AWS still holds, in the prior's shape, then the
/// remaining atoms grouped by protocol, ports and description.
fn rules_from_atoms(prior_rules: &Value, mut remaining: BTreeSet<Atom>) -> Value {
    let mut rules = Vec::new();
    for rule in prior_rules.as_list().unwrap_or(&[]) {
        let atoms = rule_atoms(rule);
        if !atoms.is_empty() && atoms.iter().all(|atom| remaining.contains(atom)) {
            for atom in &atoms {
                remaining.remove(atom);
            }
            rules.push(normalized_rule(rule));
        }
    }
    let mut grouped: BTreeMap<(String, i64, i64, String), Vec<Source>> = BTreeMap::new();
    for atom in remaining {
        grouped
            .entry((atom.protocol, atom.from_port, atom.to_port, atom.description))
            .or_default()
            .push(atom.source);
    }
    for ((protocol, from_port, to_port, description), sources) in grouped {
        let (mut cidrs, mut ipv6s, mut prefix_lists, mut groups) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for source in &sources {
            match source {
                Source::Cidr(c) => cidrs.push(c.clone()),
                Source::Ipv6(c) => ipv6s.push(c.clone()),
                Source::PrefixList(c) => prefix_lists.push(c.clone()),
                Source::Group(c) => groups.push(c.clone()),
                Source::OwnGroup => {}
            }
        }
        rules.push(Value::map([
            ("from_port", Value::Number(from_port as f64)),
            ("to_port", Value::Number(to_port as f64)),
            ("protocol", Value::string(protocol)),
            ("cidr_blocks", string_values(cidrs)),
            ("ipv6_cidr_blocks", string_values(ipv6s)),
            ("prefix_list_ids", string_values(prefix_lists)),
            ("security_groups", string_values(groups)),
            ("self", Value::Bool(sources.contains(&Source::OwnGroup))),
            ("description", Value::string(description)),
        ]));
    }
    Value::List(rules)
}

/// A rule with every attribute present and its protocol canonical.
fn normalized_rule(rule: &Value) -> Value {
    let mut rule = rule.clone();
    if let Some(entries) = rule.map_mut() {
        for name in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"] {
            if entries.get(name).is_none_or(Value::is_null) {
                entries.insert(name.to_string(), Value::List(Vec::new()));
            }
        }
        if entries.get("self").is_none_or(Value::is_null) {
            entries.insert("self".to_string(), Value::Bool(false));
        }
        if entries.get("description").is_none_or(Value::is_null) {
            entries.insert("description".to_string(), Value::string(""));
        }
        if let Some(protocol) =
            entries.get("protocol").and_then(Value::as_str).map(canonical_protocol)
        {
            entries.insert("protocol".to_string(), Value::String(protocol));
        }
    }
    rule
}

pub type AwsSecurityGroup = Ec2Type<GroupObject<false>>;

/// A security group: `aws_security_group`, or with `DEFAULT` `aws_default_security_group` (a
/// VPC's `default` group, adopted and never deleted; see that module), where `name`,
/// `name_prefix` and `description` are computed only and `revoke_rules_on_delete` is accepted
/// but unused.
pub struct GroupObject<const DEFAULT: bool>;

impl<const DEFAULT: bool> Ec2Object for GroupObject<DEFAULT> {
    type Item = SecurityGroup;
    const NAME: &'static str = match DEFAULT {
        false => "aws_security_group",
        true => "aws_default_security_group",
    };
    const ID_FILTER: Option<&'static str> = Some("group-id");
    const NOT_FOUND: &'static str = "InvalidGroup.NotFound";
    const NOUN: &'static str = "security group";
    /// A VPC's default group is adopted, and only forgotten (rules and all) on delete.
    const ADOPTS: bool = DEFAULT;

    fn attributes() -> Vec<Declared<SecurityGroup>> {
        let name = name_attribute();
        let description = Attribute::optional("description", Type::String)
            .default(Value::string("Managed by Terraform"))
            .force_new();
        let (name, description) = match DEFAULT {
            false => (name, description),
            true => (
                Attribute::computed("name", Type::String),
                Attribute::computed("description", Type::String),
            ),
        };
        let name_prefix = match DEFAULT {
            // AWS cannot report it: kept from the configuration.
            false => copied(name_prefix_attribute()),
            // The provider derives name_prefix from the name: none for "default".
            true => {
                read(Attribute::computed("name_prefix", Type::String), |_: &SecurityGroup, _| {
                    Value::string("")
                })
            }
        };
        let rules = |name: &'static str, permissions: fn(&SecurityGroup) -> &[IpPermission]| {
            read_block(
                Block::set(name, rule_schema()).computed().attribute_mode(),
                move |group: &SecurityGroup, at| {
                    let id = group.group_id().unwrap_or_default();
                    rules_from_atoms(at.prior.get(name), permission_atoms(permissions(group), id))
                },
            )
        };
        vec![
            computed("id", SecurityGroup::group_id),
            read(Attribute::computed("arn", Type::String), |group: &SecurityGroup, at| match group
                .security_group_arn()
            {
                Some(arn) => Value::string(arn),
                None => {
                    let id = group.group_id().unwrap_or_default();
                    at.arn(group.owner_id().unwrap_or_default(), "security-group", id)
                }
            }),
            string(name, SecurityGroup::group_name),
            name_prefix,
            string(description, SecurityGroup::description),
            string(
                Attribute::optional_computed("vpc_id", Type::String).force_new(),
                SecurityGroup::vpc_id,
            ),
            // AWS cannot report it: kept from the configuration, else its default.
            read(
                Attribute::optional("revoke_rules_on_delete", Type::Bool)
                    .default(Value::Bool(false)),
                |_: &SecurityGroup, at| match at.prior.get("revoke_rules_on_delete") {
                    kept if kept.is_null() => Value::Bool(false),
                    kept => kept.clone(),
                },
            ),
            owner_id(SecurityGroup::owner_id),
            rules("ingress", SecurityGroup::ip_permissions),
            rules("egress", SecurityGroup::ip_permissions_egress),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        let schema = schema.version(1);
        match DEFAULT {
            false => schema.timeouts(&["create", "delete"]),
            true => schema,
        }
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 15)
    }

    const ID: fn(&SecurityGroup) -> Option<&str> = SecurityGroup::group_id;
    const TAGS: fn(&SecurityGroup) -> &[Tag] = SecurityGroup::tags;

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 255 {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is longer than 255 characters."),
                ));
            }
            if name.starts_with("sg-") {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\": AWS refuses group names starting with \"sg-\"."),
                ));
            }
        }
        if let Some(description) = config.get("description").as_str() {
            if description.len() > 255 {
                problems.push((
                    "description".to_string(),
                    "the description is longer than 255 characters.".to_string(),
                ));
            }
        }
        for_each_inline_rule(config, |path, rule| {
            if let Some(problem) = rule.get("protocol").as_str().and_then(protocol_problem) {
                problems.push((path("protocol"), problem));
            }
            let protocol =
                rule.get("protocol").as_str().map(canonical_protocol).unwrap_or_default();
            if let (Some(from), Some(to)) =
                (rule.get("from_port").as_i64(), rule.get("to_port").as_i64())
            {
                if (protocol == "tcp" || protocol == "udp") && from > to {
                    problems.push((
                        path("from_port"),
                        format!("from_port {from} is greater than to_port {to}."),
                    ));
                }
            }
            let has_unknown_source =
                ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups", "self"]
                    .iter()
                    .any(|name| !rule.get(name).is_wholly_known());
            if !has_unknown_source && rule_atoms(rule).is_empty() {
                problems.push((
                    path("cidr_blocks"),
                    "the rule has no source: set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, security_groups or self.".to_string(),
                ));
            }
        });
        problems
    }

    fn normalize(value: &mut Value) {
        normalize_inline_rules(value, |rule| {
            let mut rule = normalized_rule(rule);
            rule_schema().normalize(&mut rule);
            rule
        });
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        match DEFAULT {
            false => {
                with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
            }
            true => planned,
        }
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<SecurityGroup>, ProviderError> {
        all_items!(at.ec2.describe_security_groups().set_group_ids(at.ids).set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "terraform-");
        let output = sent!(ec2
            .create_security_group()
            .group_name(&name)
            .set_description(string_attribute(at.planned, "description"))
            .set_vpc_id(non_empty_attribute(at.planned, "vpc_id"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::SecurityGroup)))?;
        let id = created_id(output.group_id(), "CreateSecurityGroup returned no group id")?;
        finish_rules(ec2, &id, &Value::Null, at.planned).await?;
        Ok(id)
    }

    /// The create may have stopped before its rules were set (between CreateSecurityGroup
    /// and revoking AWS's default egress rule): finished as create would.
    async fn finish_create(
        this: &Ec2Type<Self>,
        id: &str,
        found: &Value,
        planned: &Value,
    ) -> Result<bool, ProviderError> {
        finish_rules(this.ec2().await, id, found, planned).await?;
        Ok(true)
    }

    /// Adopts the VPC's default group: every existing rule goes, then the configured ones are
    /// authorized by the ordinary update from an empty group (the tags then become the
    /// configured ones).
    async fn adopt(at: Creating<'_, Self>) -> Result<(String, Value), ProviderError> {
        let ec2 = at.this.ec2().await;
        let groups = Self::describe(Describing::matching(ec2, lookup(at.planned))).await?;
        let (id, ingress, egress) = groups
            .iter()
            .find_map(|group| {
                let id = group.group_id()?;
                Some((
                    id.to_string(),
                    permission_atoms(group.ip_permissions(), id),
                    permission_atoms(group.ip_permissions_egress(), id),
                ))
            })
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidGroup.NotFound",
                    format!(
                        "reading Default Security Group: no default group in {}",
                        string_attribute(at.planned, "vpc_id")
                            .unwrap_or_else(|| "the default VPC".to_string())
                    ),
                )
            })?;
        change_rules(ec2, &id, "ingress", &ingress, &BTreeSet::new()).await?;
        change_rules(ec2, &id, "egress", &egress, &BTreeSet::new()).await?;
        let mut current = at.this.read_one(&id, &Value::Null).await?;
        if let Some(entries) = current.map_mut() {
            entries.insert("ingress".into(), Value::List(Vec::new()));
            entries.insert("egress".into(), Value::List(Vec::new()));
        }
        Self::update(at.then_update(&id, &current)).await?;
        Ok((id, current))
    }

    /// Adoption is found by its natural key: the VPC's default group.
    async fn find_adopted(
        this: &Ec2Type<Self>,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let groups =
            Self::describe(Describing::matching(this.ec2().await, lookup(planned))).await?;
        match groups.iter().find_map(|group| group.group_id()) {
            Some(id) => this.read_one(id, planned).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let ec2 = at.this.ec2().await;
        for direction in ["ingress", "egress"] {
            let before = rules_atoms(at.prior.get(direction));
            let after = rules_atoms(at.planned.get(direction));
            let remove: BTreeSet<Atom> = before.difference(&after).cloned().collect();
            let add: BTreeSet<Atom> = after.difference(&before).cloned().collect();
            change_rules(ec2, at.key, direction, &remove, &add).await?;
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        if bool_attribute(at.prior, "revoke_rules_on_delete", false) {
            // Rules that reference other groups would otherwise block either group's delete.
            let groups =
                Self::describe(Describing::matching(ec2, vec![filter("group-id", [id])])).await?;
            for group in &groups {
                let ingress = permission_atoms(group.ip_permissions(), id);
                let egress = permission_atoms(group.ip_permissions_egress(), id);
                change_rules(ec2, id, "ingress", &ingress, &BTreeSet::new()).await?;
                change_rules(ec2, id, "egress", &egress, &BTreeSet::new()).await?;
            }
        }
        delete_with_retry(at.operation.timeouts.delete, &format!("security group {id}"), || async {
            sent!(ec2.delete_security_group().group_id(id))
        })
        .await
    }
}

/// The rules of a group just made (`found`: its rules as read, or null right after
/// CreateSecurityGroup): AWS adds an allow-all egress rule to every new VPC group, which the
/// provider removes so only the configured egress blocks apply; then the configured rules not
/// there yet are authorized. Used by create, and by crash recovery to finish a create that
/// stopped part way.
async fn finish_rules(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    found: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let allow_all = Atom {
        protocol: "-1".to_string(),
        from_port: 0,
        to_port: 0,
        description: String::new(),
        source: Source::Cidr("0.0.0.0/0".to_string()),
    };
    let mut egress = rules_atoms(found.get("egress"));
    if found.is_null() || egress.remove(&allow_all) {
        let allow_all = BTreeSet::from([allow_all]);
        change_rules(ec2, id, "egress", &allow_all, &BTreeSet::new()).await?;
    }
    let ingress = rules_atoms(found.get("ingress"));
    for (direction, present) in [("ingress", ingress), ("egress", egress)] {
        let add: BTreeSet<Atom> =
            rules_atoms(planned.get(direction)).difference(&present).cloned().collect();
        change_rules(ec2, id, direction, &BTreeSet::new(), &add).await?;
    }
    Ok(())
}

/// Authorizes `add` and revokes `remove` in one direction (`ingress` or `egress`).
pub(crate) async fn change_rules(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    direction: &str,
    remove: &BTreeSet<Atom>,
    add: &BTreeSet<Atom>,
) -> Result<(), ProviderError> {
    let ingress = direction == "ingress";
    if !remove.is_empty() {
        let result = send_permissions(ec2, id, !ingress, false, permissions(remove, id)).await;
        match result {
            Err(error) if !has_code(&error, "InvalidPermission.NotFound") => return Err(error),
            _ => {}
        }
    }
    if !add.is_empty() {
        let result = send_permissions(ec2, id, !ingress, true, permissions(add, id)).await;
        result.map_err(|error| error.context(&format!("authorizing {direction} rules on {id}")))?;
    }
    Ok(())
}

/// `aws_default_security_group`'s group, as the provider looks it up: the group named
/// `default` in `vpc_id`, or, without a VPC, the one described "default group" (the default
/// VPC's).
fn lookup(planned: &Value) -> Vec<Filter> {
    let mut filters = vec![filter("group-name", ["default"])];
    match string_attribute(planned, "vpc_id").filter(|v| !v.is_empty()) {
        Some(vpc_id) => filters.push(filter("vpc-id", [vpc_id])),
        None => filters.push(filter("description", ["default group"])),
    }
    filters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, cidrs: &[&str], description: &str) -> Value {
        Value::map([
            ("from_port", Value::Number(443.0)),
            ("to_port", Value::Number(443.0)),
            ("protocol", Value::string(protocol)),
            ("cidr_blocks", string_values(cidrs.iter().copied())),
            ("description", Value::string(description)),
        ])
    }

    #[test]
    fn protocols_are_canonical() {
        assert_eq!(canonical_protocol("all"), "-1");
        assert_eq!(canonical_protocol("6"), "tcp");
        assert_eq!(canonical_protocol("TCP"), "tcp");
        assert!(protocol_problem("tcpp").is_some());
        assert!(protocol_problem("50").is_none());
    }

    #[test]
    fn reads_keep_the_configured_shape_and_report_extra_atoms() {
        let configured = Value::List(vec![
            rule("tcp", &["10.0.0.0/8", "10.1.0.0/16"], ""),
            rule("6", &["192.168.0.0/16"], ""),
        ]);
        let mut held = rules_atoms(&configured);
        held.insert(Atom {
            protocol: "tcp".into(),
            from_port: 22,
            to_port: 22,
            description: "ssh".into(),
            source: Source::Cidr("1.2.3.4/32".into()),
        });
        let read = rules_from_atoms(&configured, held);
        let rules = read.as_list().unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].get("cidr_blocks"), &string_values(["10.0.0.0/8", "10.1.0.0/16"]));
        assert_eq!(rules[1].get("protocol"), &Value::string("tcp"));
        assert_eq!(rules[2].get("description"), &Value::string("ssh"));
    }
}

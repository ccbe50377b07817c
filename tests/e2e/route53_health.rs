//! Route 53 health checks and reusable delegation sets: a delegation set with a public zone on
//! it, an HTTP health check, an HTTPS string-match check and a CALCULATED check over the two.
//! A plan afterwards shows no changes; the HTTP check's failure threshold and tags change in
//! place; a new reference name replaces the delegation set (and the zone on it); the set and
//! the checks import by their IDs; destroy leaves no set, zone or health check.
//!
//! The zone is not imported again: `aws_route53_zone` reads `delegation_set_id` back only when
//! the prior value names one, so an imported zone on a delegation set plans a replacement.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "set_name" {
  type    = string
  default = "dyndns"
}

variable "failure_threshold" {
  type    = number
  default = 5
}

variable "env" {
  type    = string
  default = "dev"
}

resource "aws_route53_delegation_set" "main" {
  reference_name = var.set_name
}

resource "aws_route53_zone" "primary" {
  name              = "health.example"
  delegation_set_id = aws_route53_delegation_set.main.id
}

resource "aws_route53_health_check" "http" {
  fqdn              = "health.example"
  port              = 80
  type              = "HTTP"
  resource_path     = "/"
  failure_threshold = var.failure_threshold
  request_interval  = 30
  reference_name    = "http-check"

  tags = {
    Name = "http"
    Env  = var.env
  }
}

resource "aws_route53_health_check" "match" {
  failure_threshold  = 3
  fqdn               = "health.example"
  port               = 443
  request_interval   = 30
  resource_path      = "/status"
  search_string      = "ok"
  type               = "HTTPS_STR_MATCH"
  enable_sni         = true
  invert_healthcheck = true
  regions            = ["us-east-1", "us-west-1", "eu-west-1"]

  tags = {
    Name = "match"
  }
}

resource "aws_route53_health_check" "parent" {
  type                   = "CALCULATED"
  child_health_threshold = 1
  child_healthchecks     = [aws_route53_health_check.http.id, aws_route53_health_check.match.id]

  tags = {
    Name = "calculated"
  }
}

output "name_servers" {
  value = aws_route53_delegation_set.main.name_servers
}

output "http_arn" {
  value = aws_route53_health_check.http.arn
}
"#;

/// The delegation sets (by the reference name in their caller reference), the zones with the
/// set they are on, and every health check (by its `Name` tag) with its type, failure
/// threshold, children, search string, regions and tags, as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
r53 = boto3.client('route53')
sets = {}
for s in r53.list_reusable_delegation_sets()['DelegationSets']:
    sets[s['Id'].split('/')[-1]] = s['CallerReference'].split('-infra-')[0]
for name in sorted(sets.values()):
    print('set', name)
for z in r53.list_hosted_zones()['HostedZones']:
    on = (r53.get_hosted_zone(Id=z['Id']).get('DelegationSet') or {}).get('Id', '').split('/')[-1]
    print('zone', z['Name'], 'on', sets.get(on, 'no reusable set'))
checks = r53.list_health_checks()['HealthChecks']
tags, names = {}, {}
for c in checks:
    found = r53.list_tags_for_resource(ResourceType='healthcheck', ResourceId=c['Id'])
    tags[c['Id']] = {t['Key']: t['Value'] for t in found['ResourceTagSet']['Tags'] if not t['Key'].startswith('infra:')}
    names[c['Id']] = tags[c['Id']].get('Name', c['Id'])
for c in sorted(checks, key=lambda c: names[c['Id']]):
    config = c['HealthCheckConfig']
    children = sorted(names.get(i, i) for i in config.get('ChildHealthChecks') or [])
    own = sorted(f'{k}={v}' for k, v in tags[c['Id']].items())
    print('check', names[c['Id']], config['Type'], config.get('FailureThreshold'), children, config.get('SearchString'), sorted(config.get('Regions') or []), own)
"#,
    )
}

#[test]
fn route53_health_checks_and_delegation_sets_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        "set dyndns\n\
         zone health.example. on dyndns\n\
         check calculated CALCULATED None ['http', 'match'] None [] ['Name=calculated']\n\
         check http HTTP 5 [] None [] ['Env=dev', 'Name=http']\n\
         check match HTTPS_STR_MATCH 3 [] ok ['eu-west-1', 'us-east-1', 'us-west-1'] ['Name=match']\n"
    );
    let http_id = state_id(&stack, "aws_route53_health_check.http");
    let arn = infra(&stack, Some(&moto), &["output", "-json", "http_arn"]).ok();
    assert_contains(&arn.stdout, &format!("arn:aws:route53:::healthcheck/{http_id}"));
    let name_servers = infra(&stack, Some(&moto), &["output", "-json", "name_servers"]).ok();
    assert_contains(&name_servers.stdout, "ns-2048.awsdns-64.com");

    // In place: the HTTP check's failure threshold and tags.
    vars.extend(["-var=failure_threshold=4".to_string(), "-var=env=prod".to_string()]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert!(
        emulator_view(&moto).contains("check http HTTP 4 [] None [] ['Env=prod', 'Name=http']\n"),
        "{}",
        emulator_view(&moto)
    );
    assert_eq!(
        state_id(&stack, "aws_route53_health_check.http"),
        http_id,
        "the HTTP check was changed in place"
    );

    // A new reference name replaces the delegation set, and the zone on it.
    vars.push("-var=set_name=dyndns2".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 2 added, 0 changed, 2 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert!(
        emulator_view(&moto).starts_with("set dyndns2\nzone health.example. on dyndns2\n"),
        "{}",
        emulator_view(&moto)
    );

    // Import: the delegation set, the zone on it and every health check by their IDs.
    let imports: Vec<(&str, String)> = [
        "aws_route53_delegation_set.main",
        "aws_route53_zone.primary",
        "aws_route53_health_check.http",
        "aws_route53_health_check.match",
        "aws_route53_health_check.parent",
    ]
    .into_iter()
    .map(|address| (address, state_id(&stack, address)))
    .collect();
    let imports: Vec<(&str, &str)> =
        imports.iter().map(|(address, id)| (*address, id.as_str())).collect();
    reimport(&stack, &moto, &vars, &imports);
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 5 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

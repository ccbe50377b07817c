//! Service discovery (AWS Cloud Map): a VPC with DNS support gets a private DNS namespace, and
//! an HTTP namespace stands beside it; a DNS service (A records, multivalue routing, a custom
//! health check) lives in the private namespace and an HTTP service in the HTTP namespace. A
//! plan afterwards shows no changes; the namespace's and service's descriptions and the
//! records' TTL change in place; a renamed service is replaced; every Cloud Map resource
//! imports by its Terraform ID (`NAMESPACE_ID:VPC_ID` for the private namespace); destroy
//! leaves no namespace and no service in the emulator.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "description" {
  type    = string
  default = "first"
}

variable "ttl" {
  type    = number
  default = 10
}

variable "api_name" {
  type    = string
  default = "api"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_service_discovery_private_dns_namespace" "private" {
  name        = "sd.example.internal"
  description = var.description
  vpc         = aws_vpc.main.id

  tags = {
    Env = "test"
  }
}

resource "aws_service_discovery_http_namespace" "http" {
  name        = "sd-http"
  description = "http namespace"

  tags = {
    Env = "test"
  }
}

resource "aws_service_discovery_service" "dns" {
  name        = var.api_name
  description = var.description

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.private.id
    routing_policy = "MULTIVALUE"

    dns_records {
      ttl  = var.ttl
      type = "A"
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }

  tags = {
    Env = "test"
  }
}

resource "aws_service_discovery_service" "http" {
  name         = "worker"
  namespace_id = aws_service_discovery_http_namespace.http.id
}

output "namespace" {
  value = [
    aws_service_discovery_private_dns_namespace.private.arn,
    aws_service_discovery_http_namespace.http.http_name,
    aws_service_discovery_service.dns.arn,
  ]
}
"#;

/// Every namespace (name, type, description, tags) and service (name, description, DNS
/// records) the emulator holds, sorted by name.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
sd = boto3.client('servicediscovery')
def tags(arn):
    return sorted(f"{t['Key']}={t['Value']}" for t in sd.list_tags_for_resource(ResourceARN=arn)['Tags'] if not t['Key'].startswith('infra:'))
for ns in sorted(sd.list_namespaces()['Namespaces'], key=lambda n: n['Name']):
    print('namespace', ns['Name'], ns['Type'], ns.get('Description'), tags(ns['Arn']))
for s in sorted(sd.list_services()['Services'], key=lambda s: s['Name']):
    records = [f"{r['Type']}:{r['TTL']}" for r in ((s.get('DnsConfig') or {}).get('DnsRecords') or [])]
    print('service', s['Name'], s.get('Description'), records, tags(s['Arn']))
"#,
    )
}

#[test]
fn service_discovery_namespaces_and_services_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        "namespace sd-http HTTP http namespace ['Env=test']\n\
         namespace sd.example.internal DNS_PRIVATE first ['Env=test']\n\
         service api first ['A:10'] ['Env=test']\n\
         service worker None [] []\n"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "namespace"]).ok();
    assert!(
        output.stdout.contains("arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-")
            && output.stdout.contains("\"sd-http\"")
            && output
                .stdout
                .contains("arn:aws:servicediscovery:us-east-1:123456789012:service/srv-"),
        "{}",
        output.stdout
    );

    // In place: the namespace's description (UpdatePrivateDnsNamespace), the service's
    // description and its records' TTL (UpdateService).
    vars.extend(["-var=description=second".to_string(), "-var=ttl=30".to_string()]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto),
        "namespace sd-http HTTP http namespace ['Env=test']\n\
         namespace sd.example.internal DNS_PRIVATE second ['Env=test']\n\
         service api second ['A:30'] ['Env=test']\n\
         service worker None [] []\n"
    );

    // A new name replaces the service.
    vars.push("-var=api_name=api-v2".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto),
        "namespace sd-http HTTP http namespace ['Env=test']\n\
         namespace sd.example.internal DNS_PRIVATE second ['Env=test']\n\
         service api-v2 second ['A:30'] ['Env=test']\n\
         service worker None [] []\n"
    );

    // Import: the private namespace by NAMESPACE_ID:VPC_ID, the rest by their IDs.
    let private_namespace = format!(
        "{}:{}",
        state_id(&stack, "aws_service_discovery_private_dns_namespace.private"),
        state_id(&stack, "aws_vpc.main")
    );
    let http_namespace = state_id(&stack, "aws_service_discovery_http_namespace.http");
    let dns_service = state_id(&stack, "aws_service_discovery_service.dns");
    let http_service = state_id(&stack, "aws_service_discovery_service.http");
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_service_discovery_private_dns_namespace.private", private_namespace.as_str()),
            ("aws_service_discovery_http_namespace.http", http_namespace.as_str()),
            ("aws_service_discovery_service.dns", dns_service.as_str()),
            ("aws_service_discovery_service.http", http_service.as_str()),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 5 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

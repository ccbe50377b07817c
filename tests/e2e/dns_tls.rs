//! DNS and TLS as a user writes them: a hosted zone, a DNS-validated certificate, its
//! validation records made by `for_each` over `domain_validation_options`, the validation wait,
//! an HTTPS listener on the validated certificate and an alias record to the load balancer.
//! Apply, a clean plan, in-place updates, a replacement, imports by Terraform's IDs, and a
//! destroy that leaves no zone or certificate behind.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, apply_run, assert_contains, destroy_run, infra, plan_is_clean, plan_run,
    python_sorted_lines, NO_VARS,
};

const STACK: &str = r#"
variable "ttl" {
  type    = number
  default = 300
}

variable "comment" {
  type    = string
  default = "Managed by Terraform"
}

variable "environment" {
  type    = string
  default = "test"
}

variable "certificate_file" {
  type    = string
  default = "first.pem"
}

variable "info_name" {
  type    = string
  default = "info"
}

resource "aws_route53_zone" "main" {
  name = "dns-tls.example."
  comment = var.comment

  tags = {
    Environment = var.environment
  }
}

resource "aws_route53_zone" "internal" {
  name          = "internal.dns-tls.example"
  force_destroy = true

  vpc {
    vpc_id = aws_vpc.main.id
  }
}

resource "aws_route53_record" "db" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "db"
  type    = "A"
  ttl     = 30
  records = ["10.40.0.10"]
}

resource "aws_acm_certificate" "api" {
  domain_name       = "api.dns-tls.example"
  validation_method = "DNS"
}

resource "aws_route53_record" "api_validation" {
  for_each = {
    for dvo in aws_acm_certificate.api.domain_validation_options : dvo.domain_name => dvo
  }

  name    = each.value.resource_record_name
  records = [each.value.resource_record_value]
  ttl     = 60
  type    = each.value.resource_record_type
  zone_id = aws_route53_zone.main.zone_id
}

resource "aws_acm_certificate" "imported" {
  private_key      = file("key.pem")
  certificate_body = file(var.certificate_file)

  tags = {
    Origin = "imported"
  }
}

resource "aws_acm_certificate" "web" {
  domain_name               = "dns-tls.example"
  subject_alternative_names = ["www.dns-tls.example"]
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"

  tags = {
    Environment = var.environment
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.web.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  name            = each.value.name
  records         = [each.value.record]
  ttl             = 60
  type            = each.value.type
  zone_id         = aws_route53_zone.main.zone_id
}

resource "aws_acm_certificate_validation" "web" {
  certificate_arn         = aws_acm_certificate.web.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_route53_record" "info" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.info_name
  type    = "TXT"
  ttl     = var.ttl
  records = ["v=spf1 -all", "owner=platform"]
}

resource "aws_route53_record" "weighted" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "api.dns-tls.example"
  type           = "CNAME"
  ttl            = 60
  records        = ["blue.dns-tls.example"]
  set_identifier = "blue"

  weighted_routing_policy {
    weight = 90
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_lb" "web" {
  name_prefix = "web-"
  subnets     = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "web" {
  name_prefix = "web-"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate_validation.web.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.main.zone_id
  name    = aws_route53_zone.main.name
  type    = "A"

  alias {
    name                   = aws_lb.web.dns_name
    zone_id                = aws_lb.web.zone_id
    evaluate_target_health = true
  }
}
"#;

fn state_attribute(stack: &Stack, address: &str, attribute: &str) -> serde_json::Value {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .map(|r| r["attributes"][attribute].clone())
        .unwrap_or_else(|| panic!("{address} is not in the state"))
}

fn state_id(stack: &Stack, address: &str) -> String {
    state_attribute(stack, address, "id").as_str().expect("id").to_string()
}

/// A key and two self-signed certificates for it (`imported.dns-tls.example`), made with the
/// `cryptography` package moto depends on, written into the stack as `key.pem`, `first.pem`
/// and `second.pem`.
fn write_self_signed(stack: &Stack, moto: &Moto) {
    let pems = moto.python(
        "import datetime\n\
         from cryptography import x509\n\
         from cryptography.hazmat.primitives import hashes, serialization\n\
         from cryptography.hazmat.primitives.asymmetric import rsa\n\
         from cryptography.x509.oid import NameOID\n\
         key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n\
         name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'imported.dns-tls.example')])\n\
         now = datetime.datetime.now(datetime.timezone.utc)\n\
         def cert(serial):\n    \
             return x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(serial).not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()\n\
         print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode() + '%%' + cert(1001) + '%%' + cert(1002))",
    );
    let parts: Vec<&str> = pems.trim().split("%%").collect();
    assert_eq!(parts.len(), 3, "{pems}");
    stack.write("key.pem", parts[0]);
    stack.write("first.pem", parts[1]);
    stack.write("second.pem", parts[2]);
}

/// What moto holds: zones, their records (by name and type), certificates.
fn inventory(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         r53 = boto3.client('route53')\n\
         acm = boto3.client('acm')\n\
         zones = r53.list_hosted_zones()['HostedZones']\n\
         print('zones', len(zones))\n\
         for z in zones:\n    \
             for r in r53.list_resource_record_sets(HostedZoneId=z['Id'])['ResourceRecordSets']:\n        \
                 print('record', r['Name'], r['Type'], r.get('TTL', ''), z['Config'].get('Comment', ''))\n\
         print('certificates', len(acm.list_certificates()['CertificateSummaryList']))",
    )
}

#[test]
fn zone_certificate_validation_listener_and_records() {
    let moto = Moto::start_with_env(&[("MOTO_ACM_VALIDATION_WAIT", "1")]);
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    write_self_signed(&stack, &moto);

    // One run: the validation records' for_each keys are known at plan time.
    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 19 added, 0 changed, 0 destroyed.");
    // Refresh lists each zone's records once: one walk per zone for the 7 records, and one
    // apex read per zone for the zones' name servers (moto logs each request).
    let listings = |moto: &Moto| {
        moto.log_text()
            .lines()
            .filter(|l| l.contains("\"GET /2013-04-01/hostedzone/") && l.contains("/rrset"))
            .count()
    };
    let before = listings(&moto);
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");
    assert_eq!(listings(&moto) - before, 4, "ListResourceRecordSets calls");
    let zone_id = state_id(&stack, "aws_route53_zone.main");
    let certificate = state_attribute(&stack, "aws_acm_certificate.web", "arn");
    assert_eq!(state_attribute(&stack, "aws_lb_listener.https", "certificate_arn"), certificate);
    // The validation waited for the certificate to be issued.
    assert!(!state_id(&stack, "aws_acm_certificate_validation.web").is_empty());
    assert_eq!(
        state_id(&stack, "aws_route53_record.info"),
        format!("{zone_id}_info.dns-tls.example_TXT")
    );
    assert_eq!(
        state_id(&stack, "aws_route53_record.weighted"),
        format!("{zone_id}_api.dns-tls.example_CNAME_blue")
    );
    assert_eq!(state_attribute(&stack, "aws_route53_zone.main", "name"), "dns-tls.example");
    let held = inventory(&moto);
    assert_contains(&held, "zones 2\n");
    assert_contains(&held, "certificates 3\n");
    assert_contains(&held, "record db.internal.dns-tls.example. A 30");
    assert_eq!(
        state_attribute(&stack, "aws_route53_zone.internal", "vpc")[0]["vpc_id"],
        state_attribute(&stack, "aws_vpc.main", "id")
    );
    assert_contains(&held, "record info.dns-tls.example. TXT 300");
    assert_contains(
        &held,
        "record _d930b28be6c5927595552b219965053e.www.dns-tls.example. CNAME 60",
    );
    assert_contains(&held, "record dns-tls.example. A");

    // The data sources find the zones and the issued certificate.
    let lookup = Stack::new();
    lookup.write(
        "main.tf",
        r#"
data "aws_route53_zone" "public" {
  name = "dns-tls.example."
}

data "aws_route53_zone" "internal" {
  name         = "internal.dns-tls.example"
  private_zone = true
}

data "aws_route53_zone" "by_id" {
  zone_id = data.aws_route53_zone.public.zone_id
}

data "aws_acm_certificate" "web" {
  domain      = "dns-tls.example"
  most_recent = true
}

output "zone_id" {
  value = data.aws_route53_zone.by_id.zone_id
}

output "internal_private" {
  value = data.aws_route53_zone.internal.private_zone
}

output "certificate" {
  value = data.aws_acm_certificate.web.arn
}

output "certificate_status" {
  value = data.aws_acm_certificate.web.status
}
"#,
    );
    let looked_up = infra(&lookup, Some(&moto), &["apply", "-input=false", "-auto-approve"]);
    assert_eq!(looked_up.code, 0, "{}", looked_up.all());
    assert_contains(&looked_up.stdout, &format!("zone_id = \"{zone_id}\""));
    assert_contains(&looked_up.stdout, "internal_private = true");
    assert_contains(&looked_up.stdout, &format!("certificate = {certificate}"));
    assert_contains(&looked_up.stdout, "certificate_status = \"ISSUED\"");
    let missing = Stack::new();
    missing
        .write("main.tf", "data \"aws_route53_zone\" \"none\" {\n  name = \"absent.example\"\n}\n");
    let refused = infra(&missing, Some(&moto), &["plan", "-input=false"]);
    assert_ne!(refused.code, 0, "{}", refused.all());
    assert!(refused.all().contains("no matching Route 53 Hosted Zone found"), "{}", refused.all());

    // A record that already exists, without allow_overwrite, is AWS's error.
    let clash = Stack::new();
    clash.write(
        "main.tf",
        &format!(
            "resource \"aws_route53_record\" \"again\" {{\n  zone_id = \"{zone_id}\"\n  name = \"info\"\n  type = \"TXT\"\n  ttl = 60\n  records = [\"x\"]\n}}\n"
        ),
    );
    let refused = infra(&clash, Some(&moto), &["apply", "-input=false", "-auto-approve"]);
    assert_ne!(refused.code, 0, "{}", refused.all());
    assert!(refused.all().contains("but it already exists"), "{}", refused.all());

    // In place: a record's ttl, the zone's comment, the certificate's tags.
    let changed = [
        "-var=ttl=600",
        "-var=comment=DNS for the web stack",
        "-var=environment=staging",
        "-var=certificate_file=second.pem",
    ];
    let updated = apply(&stack, &moto, &changed);
    assert_contains(&updated, "Apply complete! Resources: 0 added, 4 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &changed, "after the in-place update");
    assert_eq!(
        state_id(&stack, "aws_acm_certificate.web"),
        certificate.as_str().unwrap_or_default()
    );
    let held = inventory(&moto);
    assert_contains(&held, "record info.dns-tls.example. TXT 600 DNS for the web stack");

    // A new name replaces the record.
    let renamed = [
        "-var=ttl=600",
        "-var=comment=DNS for the web stack",
        "-var=environment=staging",
        "-var=certificate_file=second.pem",
        "-var=info_name=about",
    ];
    let replaced = apply(&stack, &moto, &renamed);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &renamed, "after the replacement");
    let held = inventory(&moto);
    assert!(!held.contains("record info.dns-tls.example."), "{held}");
    assert_contains(&held, "record about.dns-tls.example. TXT");

    // Import by Terraform's IDs: the zone by its ID, records by ZONEID_NAME_TYPE[_SET].
    let imports = [
        ("aws_route53_zone.main", zone_id.clone()),
        ("aws_route53_record.info", format!("{zone_id}_about.dns-tls.example_TXT")),
        ("aws_route53_record.weighted", format!("{zone_id}_api.dns-tls.example_CNAME_blue")),
        ("aws_acm_certificate.web", certificate.as_str().unwrap_or_default().to_string()),
    ];
    for (address, id) in &imports {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, id.as_str()];
        args.extend_from_slice(&renamed);
        let import = infra(&stack, Some(&moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "import {address} {id}: {}",
            import.all()
        );
    }
    plan_is_clean(&stack, &moto, &renamed, "after the imports");

    let destroyed = destroy_run(&stack, &moto, &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 19 destroyed.");
    assert_eq!(inventory(&moto), "zones 0\ncertificates 0\n");
}

/// ACM issues a DNS-validated certificate only once its validation record is published: with
/// no record, the validation wait runs out its create timeout and the apply fails, naming it.
/// (The emulator checks the record too: `acm_issues_only_validated_certificates` in
/// tests/support/moto_server.py.) Then the record is added and the next apply validates.
#[test]
fn a_certificate_whose_validation_record_is_missing_is_never_validated() {
    let moto = Moto::start();
    let stack = Stack::new();
    let config = |records: bool| {
        let mut text = String::from(
            r#"resource "aws_route53_zone" "main" {
  name = "unvalidated.example"
}

resource "aws_acm_certificate" "web" {
  domain_name       = "www.unvalidated.example"
  validation_method = "DNS"
}

resource "aws_acm_certificate_validation" "web" {
  certificate_arn = aws_acm_certificate.web.arn
  timeouts {
    create = "4s"
  }
}
"#,
        );
        if records {
            text.push_str(
                r#"
resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.web.domain_validation_options : dvo.domain_name => dvo
  }
  zone_id = aws_route53_zone.main.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  records = [each.value.resource_record_value]
  ttl     = 60
}
"#,
            );
        }
        text
    };
    stack.write("main.tf", &config(false));
    let failed = apply_run(&stack, &moto, NO_VARS).expect_code(1);
    assert!(
        failed.all().contains("aws_acm_certificate_validation.web")
            && failed.all().contains("timed out after 4s"),
        "{}",
        failed.all()
    );
    let text = config(true).replace(
        "  certificate_arn = aws_acm_certificate.web.arn\n",
        "  certificate_arn = aws_acm_certificate.web.arn\n  depends_on      = [aws_route53_record.validation]\n",
    );
    stack.write("main.tf", &text);
    apply(&stack, &moto, NO_VARS);
    assert!(!state_id(&stack, "aws_acm_certificate_validation.web").is_empty());
}

/// An HTTPS listener with its default certificate and an additional one
/// (`aws_lb_listener_certificate`), both imported self-signed certificates.
const LISTENER_CERTIFICATE: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.41.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_lb" "web" {
  name    = "listener-certificates"
  subnets = aws_subnet.public[*].id
}

resource "aws_lb_target_group" "web" {
  name     = "listener-certificates"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_acm_certificate" "default" {
  private_key      = file("key.pem")
  certificate_body = file("first.pem")
}

resource "aws_acm_certificate" "extra" {
  private_key      = file("key.pem")
  certificate_body = file("second.pem")
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.default.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_certificate" "extra" {
  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = aws_acm_certificate.extra.arn
}
"#;

/// The listener's certificates as moto holds them: `ARN default?` lines, sorted.
fn listener_certificates(moto: &Moto, listener: &str) -> Vec<String> {
    python_sorted_lines(moto, &format!(
            "import boto3\nfor c in boto3.client('elbv2').describe_listener_certificates(ListenerArn='{listener}')['Certificates']:\n    print(c['CertificateArn'], c.get('IsDefault', False))"
        ))
}

/// `aws_lb_listener_certificate` adds a certificate to a listener (the default one stays the
/// listener's own), its ID is the provider's `LISTENER_ARN_CERTIFICATE_ARN`, the plan after it
/// is clean, one removed outside infra is planned again, an import by that ID plans clean, and
/// destroy removes it.
#[test]
fn a_listener_certificate_is_added_read_imported_and_removed() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", LISTENER_CERTIFICATE);
    write_self_signed(&stack, &moto);
    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 9 added, 0 changed, 0 destroyed.");
    let listener = state_id(&stack, "aws_lb_listener.https");
    let default = state_id(&stack, "aws_acm_certificate.default");
    let extra = state_id(&stack, "aws_acm_certificate.extra");
    assert_eq!(
        state_id(&stack, "aws_lb_listener_certificate.extra"),
        format!("{listener}_{extra}")
    );
    let held = listener_certificates(&moto, &listener);
    assert!(
        held.contains(&format!("{extra} False")),
        "the additional certificate is on the listener, not as its default: {held:?}"
    );
    assert!(!held.contains(&format!("{default} False")), "{held:?}");
    plan_is_clean(&stack, &moto, NO_VARS, "after the apply");

    // Removed outside infra: the next plan adds it again.
    moto.python(&format!(
        "import boto3\nboto3.client('elbv2').remove_listener_certificates(ListenerArn='{listener}', Certificates=[{{'CertificateArn': '{extra}'}}])"
    ));
    let drifted = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert_contains(&drifted.stdout, "# aws_lb_listener_certificate.extra will be created");
    apply(&stack, &moto, NO_VARS);
    assert!(listener_certificates(&moto, &listener).contains(&format!("{extra} False")));

    // Imported by Terraform's ID.
    let id = format!("{listener}_{extra}");
    let forgotten =
        infra(&stack, Some(&moto), &["state", "rm", "aws_lb_listener_certificate.extra"]);
    assert_eq!(forgotten.code, 0, "{}", forgotten.all());
    let imported = infra(
        &stack,
        Some(&moto),
        &["import", "-input=false", "aws_lb_listener_certificate.extra", &id],
    );
    assert_eq!(imported.code, 0, "{}", imported.all());
    plan_is_clean(&stack, &moto, NO_VARS, "after the import");

    let destroyed = destroy_run(&stack, &moto, NO_VARS);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
}

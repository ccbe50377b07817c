//! S3 buckets and their split configuration resources: apply, a clean second plan, an
//! in-place update, a replacement (a new bucket name, with `force_destroy` emptying the
//! versioned bucket), import by the Terraform import IDs, and a destroy that leaves the
//! emulator without buckets.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, apply_run, assert_contains, destroy_ok, destroy_run,
    infra, plan_is_clean, plan_run, BINARY, NO_VARS,
};
use infra_testkit::{infra_command, run};

const STACK: &str = r#"
variable "bucket_name" {
  type    = string
  default = "infra-storage-logs"
}

variable "env" {
  type    = string
  default = "dev"
}

variable "versioning" {
  type    = string
  default = "Enabled"
}

resource "aws_s3_bucket" "logs" {
  bucket        = var.bucket_name
  force_destroy = true

  tags = {
    env = var.env
  }
}

resource "aws_s3_bucket" "assets" {
  bucket_prefix = "assets-"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = var.versioning
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/aws/s3"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    # The load balancers' log delivery (the test reaches the emulator over plain HTTP, so a
    # deny-insecure-transport statement would lock the test itself out, as on AWS).
    Statement = [{
      Sid       = "AllowLogDelivery"
      Effect    = "Allow"
      Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.logs.arn}/AWSLogs/*"
    }]
  })
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {
      prefix = "logs/"
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 365
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  rule {
    id     = "abort-uploads"
    status = "Enabled"

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_s3_bucket" "logs" {
  bucket = aws_s3_bucket.logs.id
}

output "logs_domain" {
  value = data.aws_s3_bucket.logs.bucket_regional_domain_name
}

output "logs_zone" {
  value = data.aws_s3_bucket.logs.hosted_zone_id
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
"#;

fn state_attribute(stack: &Stack, address: &str, attribute: &str) -> String {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .and_then(|r| r["attributes"][attribute].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("{address}.{attribute} is not in the state"))
}

fn buckets(moto: &Moto) -> String {
    moto.python(
        "import boto3\nprint('\\n'.join(sorted(b['Name'] for b in boto3.client('s3').list_buckets()['Buckets'])))",
    )
    .trim()
    .to_string()
}

#[test]
fn s3_buckets_and_their_configurations() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let out = apply(&stack, &moto, NO_VARS);
    assert_contains(&out, "Apply complete! Resources: 8 added");
    assert_eq!(
        state_attribute(&stack, "aws_s3_bucket.logs", "bucket_regional_domain_name"),
        "infra-storage-logs.s3.us-east-1.amazonaws.com"
    );
    assert!(state_attribute(&stack, "aws_s3_bucket.assets", "bucket").starts_with("assets-"));
    // The data source reads the bucket back.
    assert_contains(&out, "logs_domain = \"infra-storage-logs.s3.us-east-1.amazonaws.com\"");
    assert_contains(&out, "logs_zone = \"Z3AQBSTGFYJSTF\"");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");

    // Objects in several versions, for force_destroy to delete.
    moto.python(
        "import boto3\ns3 = boto3.client('s3')\nfor body in ['a', 'b']: s3.put_object(Bucket='infra-storage-logs', Key='app.log', Body=body)\ns3.delete_object(Bucket='infra-storage-logs', Key='app.log')",
    );

    // In place: the bucket's tags and the versioning state.
    let updated = ["-var=env=prod", "-var=versioning=Suspended"];
    let out = apply(&stack, &moto, &updated);
    assert_contains(&out, "0 added, 2 changed, 0 destroyed");
    let status = moto.python(
        "import boto3\nprint(boto3.client('s3').get_bucket_versioning(Bucket='infra-storage-logs')['Status'])",
    );
    assert_eq!(status.trim(), "Suspended");
    plan_is_clean(&stack, &moto, &updated, "after the update");

    // Drift: the public access block loosened outside is planned back.
    moto.python("import boto3\nboto3.client('s3').put_public_access_block(Bucket='infra-storage-logs', PublicAccessBlockConfiguration={'BlockPublicAcls': False, 'IgnorePublicAcls': True, 'BlockPublicPolicy': True, 'RestrictPublicBuckets': True})");
    let drift = plan_run(&stack, &moto, &updated);
    assert_eq!(drift.code, 2, "{}", drift.all());
    apply(&stack, &moto, &updated);

    // Replacement: a new name replaces the bucket (emptied by force_destroy) and its
    // configurations.
    let renamed =
        ["-var=env=prod", "-var=versioning=Suspended", "-var=bucket_name=infra-storage-logs-v2"];
    apply_and_plan_clean(
        &stack,
        &moto,
        &renamed,
        "7 added, 0 changed, 7 destroyed",
        "after the replacement",
    );

    // Import by the Terraform import IDs (the bucket name).
    for address in [
        "aws_s3_bucket.logs",
        "aws_s3_bucket_versioning.logs",
        "aws_s3_bucket_server_side_encryption_configuration.logs",
        "aws_s3_bucket_public_access_block.logs",
        "aws_s3_bucket_policy.logs",
        "aws_s3_bucket_ownership_controls.logs",
        "aws_s3_bucket_lifecycle_configuration.logs",
    ] {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, "infra-storage-logs-v2"];
        args.extend_from_slice(&renamed);
        let import = infra(&stack, Some(&moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "import {address}: {}",
            import.all()
        );
    }
    // force_destroy is configuration only: the imported bucket plans it back in place.
    let run = apply_run(&stack, &moto, &renamed);
    assert_eq!(run.code, 0, "{}", run.all());
    plan_is_clean(&stack, &moto, &renamed, "after the imports");

    let destroyed = destroy_run(&stack, &moto, &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 8 destroyed.");
    assert_eq!(buckets(&moto), "");
}

const ACCESS_STACK: &str = r#"
variable "log_prefix" {
  type    = string
  default = "access/"
}

variable "canned_acl" {
  type    = string
  default = "private"
}

variable "cors_max_age" {
  type    = number
  default = 3000
}

variable "suffix" {
  type    = string
  default = ".log"
}

resource "aws_s3_bucket" "source" {
  bucket = "infra-access-source"
}

resource "aws_s3_bucket" "target" {
  bucket        = "infra-access-target"
  force_destroy = true
}

# Target grants need an ownership other than BucketOwnerEnforced.
resource "aws_s3_bucket_ownership_controls" "target" {
  bucket = aws_s3_bucket.target.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

# S3 server access logging writes as the logging service; the target bucket admits it.
resource "aws_s3_bucket_policy" "target" {
  bucket = aws_s3_bucket.target.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "S3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.target.arn}/*"
    }]
  })
}

resource "aws_s3_bucket_logging" "source" {
  bucket        = aws_s3_bucket.source.id
  target_bucket = aws_s3_bucket.target.id
  target_prefix = var.log_prefix

  target_grant {
    grantee {
      type = "Group"
      uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
    }
    permission = "READ"
  }

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  depends_on = [aws_s3_bucket_policy.target, aws_s3_bucket_ownership_controls.target]
}

resource "aws_s3_bucket" "shared" {
  bucket = "infra-access-shared"
}

resource "aws_s3_bucket_ownership_controls" "shared" {
  bucket = aws_s3_bucket.shared.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "shared" {
  bucket     = aws_s3_bucket.shared.id
  acl        = var.canned_acl
  depends_on = [aws_s3_bucket_ownership_controls.shared]
}

resource "aws_s3_bucket_cors_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  cors_rule {
    id              = "uploads"
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://example.com"]
    expose_headers  = ["ETag"]
    max_age_seconds = var.cors_max_age
  }

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_sns_topic" "events" {
  name = "infra-bucket-events"
}

resource "aws_sns_topic_policy" "events" {
  arn = aws_sns_topic.events.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "SNS:Publish"
      Resource  = aws_sns_topic.events.arn
      Condition = { ArnLike = { "aws:SourceArn" = aws_s3_bucket.source.arn } }
    }]
  })
}

resource "aws_s3_bucket_notification" "source" {
  bucket = aws_s3_bucket.source.id

  topic {
    id            = "new-logs"
    topic_arn     = aws_sns_topic.events.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "logs/"
    filter_suffix = var.suffix
  }

  depends_on = [aws_sns_topic_policy.events]
}
"#;

/// The logging prefix, the canned ACL's grants, the CORS max ages and the notification
/// suffixes, as the emulator holds them.
fn access_settings(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
s3 = boto3.client('s3')
names = [b['Name'] for b in s3.list_buckets()['Buckets']]
if 'infra-access-source' not in names:
    print('none')
    raise SystemExit
logging = s3.get_bucket_logging(Bucket='infra-access-source').get('LoggingEnabled', {})
grants = s3.get_bucket_acl(Bucket='infra-access-shared')['Grants']
cors = s3.get_bucket_cors(Bucket='infra-access-source')['CORSRules']
topics = s3.get_bucket_notification_configuration(Bucket='infra-access-source').get('TopicConfigurations', [])
suffixes = [r['Value'] for t in topics for r in t['Filter']['Key']['FilterRules'] if r['Name'].lower() == 'suffix']
print(logging.get('TargetPrefix'), len(grants), sorted(r.get('MaxAgeSeconds', 0) for r in cors), suffixes)
"#,
    )
    .trim()
    .to_string()
}

#[test]
fn s3_access_logging_acls_cors_and_notifications() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ACCESS_STACK);
    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 12 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");
    assert_eq!(access_settings(&moto), "access/ 1 [0, 3000] ['.log']");

    let changed_vars = [
        "-var=log_prefix=access-v2/",
        "-var=canned_acl=log-delivery-write",
        "-var=cors_max_age=600",
        "-var=suffix=.gz",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &changed_vars,
        "Resources: 0 added, 4 changed, 0 destroyed.",
        "after the in-place updates",
    );
    // log-delivery-write: the owner's full control plus the log delivery group's grants.
    let held = access_settings(&moto);
    assert!(held.starts_with("access-v2/ ") && held.ends_with(" [0, 600] ['.gz']"), "{held}");
    assert!(!held.contains(" 1 ["), "the canned ACL did not change: {held}");

    super::reimport(
        &stack,
        &moto,
        &changed_vars,
        &[
            ("aws_s3_bucket_logging.source", "infra-access-source"),
            ("aws_s3_bucket_cors_configuration.source", "infra-access-source"),
            ("aws_s3_bucket_notification.source", "infra-access-source"),
            ("aws_s3_bucket_acl.shared", "infra-access-shared,log-delivery-write"),
        ],
    );
    // moto does not return the logging `target_object_key_format` (AWS does), so after the
    // import only the configuration knows it: one in-place update puts it again.
    let mut args = vec!["plan", "-input=false"];
    args.extend_from_slice(&changed_vars);
    let plan = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        plan.contains("Plan: 0 to add, 1 to change, 0 to destroy.")
            && plan.contains("# aws_s3_bucket_logging.source will be updated in-place")
            && plan.contains("+ target_object_key_format {"),
        "{plan}"
    );
    apply(&stack, &moto, &changed_vars);
    plan_is_clean(&stack, &moto, &changed_vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &changed_vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 12 destroyed.");
    assert_eq!(access_settings(&moto), "none");
}

/// A bucket made with Object Lock, and its default retention.
const OBJECT_LOCK: &str = r#"
variable "days" {
  type    = number
  default = 5
}

resource "aws_s3_bucket" "locked" {
  bucket              = "infra-object-lock"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "locked" {
  bucket = aws_s3_bucket.locked.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.days
    }
  }
}
"#;

/// The bucket's Object Lock configuration as moto holds it.
fn object_lock(moto: &Moto) -> String {
    moto.python(
        "import boto3\nc = boto3.client('s3').get_object_lock_configuration(Bucket='infra-object-lock')['ObjectLockConfiguration']\nr = c.get('Rule', {}).get('DefaultRetention', {})\nprint(c['ObjectLockEnabled'], r.get('Mode'), r.get('Days') or None, r.get('Years') or None)",
    )
    .trim()
    .to_string()
}

/// `aws_s3_bucket_object_lock_configuration`: the default retention is put, read back (the plan
/// after is clean), changed in place, imported by the bucket name, and on destroy the rule is
/// taken off (Object Lock itself stays, as it must).
#[test]
fn an_object_lock_configuration_is_put_changed_imported_and_removed() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", OBJECT_LOCK);
    apply(&stack, &moto, NO_VARS);
    assert_eq!(object_lock(&moto), "Enabled COMPLIANCE 5 None");
    assert_eq!(
        state_attribute(&stack, "aws_s3_bucket_object_lock_configuration.locked", "id"),
        "infra-object-lock"
    );
    plan_is_clean(&stack, &moto, NO_VARS, "after the apply");

    let changed = apply(&stack, &moto, &["-var", "days=7"]);
    assert_contains(&changed, "0 added, 1 changed, 0 destroyed");
    assert_eq!(object_lock(&moto), "Enabled COMPLIANCE 7 None");

    let forgotten = infra(
        &stack,
        Some(&moto),
        &["state", "rm", "aws_s3_bucket_object_lock_configuration.locked"],
    );
    assert_eq!(forgotten.code, 0, "{}", forgotten.all());
    let imported = infra(
        &stack,
        Some(&moto),
        &[
            "import",
            "-input=false",
            "-var",
            "days=7",
            "aws_s3_bucket_object_lock_configuration.locked",
            "infra-object-lock",
        ],
    );
    assert_eq!(imported.code, 0, "{}", imported.all());
    plan_is_clean(&stack, &moto, &["-var", "days=7"], "after the import");

    let removed = destroy_run(
        &stack,
        &moto,
        &["-var", "days=7", "-target", "aws_s3_bucket_object_lock_configuration.locked"],
    );
    assert_eq!(removed.code, 0, "{}", removed.all());
    assert_eq!(object_lock(&moto), "Enabled None None None");
}

/// An apply of `vars` that changes one object in place, with a clean plan after.
fn changed_in_place(stack: &Stack, moto: &Moto, vars: &[&str]) {
    apply_and_plan_clean(stack, moto, vars, "0 added, 1 changed", "after the change");
}

/// A stack of `config` (two resources), which validates with Terraform's "Argument is
/// deprecated" warning carrying the provider's `message`, applied to the emulator, with a clean
/// plan after.
fn created_with_a_deprecation(config: &str, message: &str) -> (Moto, Stack) {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", config);
    let validate = infra(&stack, None, &["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.all());
    assert_contains(&validate.all(), "Argument is deprecated");
    assert_contains(&validate.all(), message);
    apply_and_plan_clean(&stack, &moto, NO_VARS, "2 added", "after the create");
    (moto, stack)
}

const DEPRECATED_ACL: &str = r#"
variable "acl" {
  type    = string
  default = "private"
}

resource "aws_s3_bucket" "logs" {
  bucket = "infra-deprecated-acl"
  acl    = var.acl
}

# AWS makes new buckets BucketOwnerEnforced, which refuses every ACL but private: a canned
# ACL that grants others needs this first, as the provider's docs say.
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}
"#;

/// The bucket's grants as moto reports them: grantee (group name or type) and permission.
fn grants(moto: &Moto) -> String {
    moto.python(
        "import boto3\ng = boto3.client('s3').get_bucket_acl(Bucket='infra-deprecated-acl')['Grants']\nprint(sorted((x['Grantee'].get('URI', x['Grantee']['Type']).split('/')[-1], x['Permission']) for x in g))",
    )
    .trim()
    .to_string()
}

/// Provider 6.x still takes `aws_s3_bucket.acl`, deprecated: validate warns with the
/// provider's message, the canned ACL goes with CreateBucket (`private`, the one AWS takes on
/// a new bucket), a change is a PutBucketAcl in place (`log-delivery-write`, once the
/// ownership controls allow ACLs, as on AWS), and the plan after each apply is clean (the
/// canned ACL is kept as configured: S3 reports grants only).
#[test]
fn a_buckets_deprecated_acl_is_created_changed_in_place_and_warned_of() {
    let (moto, stack) = created_with_a_deprecation(
        DEPRECATED_ACL,
        "acl is deprecated. Use the aws_s3_bucket_acl resource instead.",
    );
    assert_eq!(grants(&moto), "[('CanonicalUser', 'FULL_CONTROL')]");
    assert_eq!(state_attribute(&stack, "aws_s3_bucket.logs", "acl"), "private");

    let vars = ["-var", "acl=log-delivery-write"];
    changed_in_place(&stack, &moto, &vars);
    // AWS grants the LogDelivery group WRITE and READ_ACP; moto reports one grant a grantee
    // (README, "AWS arguments the emulator cannot verify"), so the group is what is checked.
    assert_contains(&grants(&moto), "('LogDelivery', ");
    destroy_ok(&stack, &moto, &vars);
}

const DEPRECATED_INLINE: &str = r#"
variable "versioning" {
  type    = bool
  default = true
}

variable "max_age" {
  type    = number
  default = 3000
}

variable "expire_days" {
  type    = number
  default = 365
}

# The access logs' target: S3 server access logging writes as the logging service, which the
# deprecated inline policy admits.
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "S3ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::infra-inline-logs/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket" "logs" {
  bucket        = "infra-inline-logs"
  force_destroy = true
  policy        = data.aws_iam_policy_document.logs.json
}

resource "aws_s3_bucket" "site" {
  bucket        = "infra-inline-site"
  force_destroy = true

  versioning {
    enabled = var.versioning
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }

  logging {
    target_bucket = aws_s3_bucket.logs.id
    target_prefix = "site/"
  }

  cors_rule {
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://example.com"]
    max_age_seconds = var.max_age
  }

  lifecycle_rule {
    id      = "archive"
    enabled = true
    prefix  = "uploads/"

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = var.expire_days
    }
  }

  lifecycle_rule {
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
  }
}
"#;

/// What moto holds of the inline settings: the site's versioning status, default encryption,
/// logging target and prefix, CORS methods and max age, and the logs bucket's policy
/// principal.
fn inline_settings(moto: &Moto) -> String {
    moto.python(
        r#"import boto3, json
s3 = boto3.client('s3')
versioning = s3.get_bucket_versioning(Bucket='infra-inline-site').get('Status')
rules = s3.get_bucket_encryption(Bucket='infra-inline-site')['ServerSideEncryptionConfiguration']['Rules']
logging = s3.get_bucket_logging(Bucket='infra-inline-site')['LoggingEnabled']
cors = s3.get_bucket_cors(Bucket='infra-inline-site')['CORSRules']
policy = json.loads(s3.get_bucket_policy(Bucket='infra-inline-logs')['Policy'])
lifecycle = s3.get_bucket_lifecycle_configuration(Bucket='infra-inline-site')['Rules']
print(versioning, rules[0]['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'],
      logging['TargetBucket'], logging['TargetPrefix'],
      [(r['AllowedMethods'], r.get('MaxAgeSeconds')) for r in cors],
      policy['Statement'][0]['Principal'])
for r in lifecycle:
    print(r.get('Filter'), r['Status'], r.get('Expiration'), r.get('Transitions'),
          r.get('AbortIncompleteMultipartUpload'))"#,
    )
    .trim()
    .to_string()
}

/// What [`inline_settings`] prints for DEPRECATED_INLINE with this versioning status, CORS max
/// age and expiration.
fn held(versioning: &str, max_age: u32, expire_days: u32) -> String {
    format!(
        "{versioning} AES256 infra-inline-logs site/ [(['GET', 'PUT'], {max_age})] \
         {{'Service': 'logging.s3.amazonaws.com'}}\n\
         {{'Prefix': 'uploads/'}} Enabled {{'Days': {expire_days}}} \
         [{{'Days': 30, 'StorageClass': 'STANDARD_IA'}}] None\n\
         {{'Prefix': ''}} Enabled None None {{'DaysAfterInitiation': 7}}"
    )
}

/// Provider 6.x still takes `aws_s3_bucket`'s inline `policy`, `versioning`,
/// `server_side_encryption_configuration`, `logging`, `cors_rule` and `lifecycle_rule` (v3's
/// shape), deprecated: validate warns of each with the provider's message; the create sends
/// each after CreateBucket; the next plan is clean (each is read back, as Terraform stores it;
/// the refresh is 14 requests a bucket); a change of three of them is one in-place update
/// (versioning suspended, a new CORS max age, a new expiration) and the plan after it is clean;
/// a bucket that leaves them out (`logs`) keeps what S3 has of them.
#[test]
fn a_buckets_deprecated_inline_settings_are_created_read_and_changed_in_place() {
    let (moto, stack) = created_with_a_deprecation(
        DEPRECATED_INLINE,
        "policy is deprecated. Use the aws_s3_bucket_policy resource instead.",
    );
    let validate = infra(&stack, None, &["validate"]);
    for block in [
        "cors_rule",
        "lifecycle_rule",
        "logging",
        "server_side_encryption_configuration",
        "versioning",
    ] {
        assert_contains(&validate.all(), &format!("{block} is deprecated. Use the"));
    }
    assert_eq!(inline_settings(&moto), held("Enabled", 3000, 365));
    let state: serde_json::Value = stack.state();
    let site = &state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == "aws_s3_bucket.site")
        .expect("the site bucket")["attributes"];
    assert_eq!(site["versioning"], serde_json::json!([{"enabled": true, "mfa_delete": false}]));
    assert_eq!(
        site["server_side_encryption_configuration"][0]["rule"][0]
            ["apply_server_side_encryption_by_default"][0]["kms_master_key_id"],
        ""
    );
    assert_eq!(site["policy"], "", "no policy, as the provider stores it");
    // A bucket's refresh, 14 requests: HeadBucket, GetBucketTagging, GetObjectLockConfiguration,
    // and one GET of each inline setting (policy, ACL, CORS, website, versioning, acceleration,
    // request payment, logging, lifecycle, replication, encryption), as the provider reads
    // them; two buckets here.
    let mut command = infra_command(BINARY, stack.path(), Some(&moto));
    command.env("INFRA_LOG", "debug").env("INFRA_LOG_FORMAT", "json");
    let refresh = run(command, &["plan", "-input=false", "-refresh-only"]);
    assert_eq!(refresh.code, 0, "{}", refresh.all());
    let mut calls = std::collections::BTreeMap::<String, usize>::new();
    for event in refresh
        .all()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["fields"]["service"] == "S3")
    {
        let operation = event["fields"]["operation"].as_str().unwrap_or_default();
        *calls.entry(operation.to_string()).or_default() += 1;
    }
    assert_eq!(
        calls.into_iter().map(|(o, n)| format!("{o} {n}")).collect::<Vec<_>>(),
        [
            "GetBucketAccelerateConfiguration 2",
            "GetBucketAcl 2",
            "GetBucketCors 2",
            "GetBucketEncryption 2",
            "GetBucketLifecycleConfiguration 2",
            "GetBucketLogging 2",
            "GetBucketPolicy 2",
            "GetBucketReplication 2",
            "GetBucketRequestPayment 2",
            "GetBucketTagging 2",
            "GetBucketVersioning 2",
            "GetBucketWebsite 2",
            "GetObjectLockConfiguration 2",
            "HeadBucket 2",
        ]
    );

    let vars = ["-var", "versioning=false", "-var", "max_age=600", "-var", "expire_days=180"];
    changed_in_place(&stack, &moto, &vars);
    assert_eq!(inline_settings(&moto), held("Suspended", 600, 180));
    destroy_ok(&stack, &moto, &vars);
    assert_eq!(buckets(&moto), "");
}

const DEPRECATED_LATER: &str = r#"
variable "index" {
  type    = string
  default = "index.html"
}

variable "retention_days" {
  type    = number
  default = 1
}

variable "log_delivery" {
  type    = bool
  default = false
}

variable "acceleration" {
  type    = string
  default = "Enabled"
}

variable "payer" {
  type    = string
  default = "Requester"
}

variable "replication" {
  type    = string
  default = "Enabled"
}

variable "replica_class" {
  type    = string
  default = "STANDARD"
}

data "aws_canonical_user_id" "current" {}

resource "aws_s3_bucket" "site" {
  bucket              = "infra-inline-website"
  force_destroy       = true
  acceleration_status = var.acceleration
  request_payer       = var.payer

  website {
    index_document = var.index
    error_document = "error.html"
    routing_rules = jsonencode([{
      Condition = { KeyPrefixEquals = "docs/" }
      Redirect  = { Protocol = "https", ReplaceKeyPrefixWith = "documents/" }
    }])
  }

  # The owner keeps FULL_CONTROL (S3 reports its grant, and the provider reads it back).
  grant {
    id          = data.aws_canonical_user_id.current.id
    type        = "CanonicalUser"
    permissions = ["FULL_CONTROL"]
  }

  dynamic "grant" {
    for_each = var.log_delivery ? [1] : []
    content {
      type        = "Group"
      uri         = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      permissions = ["READ_ACP", "WRITE"]
    }
  }
}

# AWS makes new buckets BucketOwnerEnforced, which takes only the owner's grant: the group's
# grant (the change below) needs ACLs enabled first, as the provider's docs say.
resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket" "replica" {
  bucket        = "infra-inline-replica"
  force_destroy = true
}

# Replication needs versioning, enabled here by the inline block (sent before it).
resource "aws_s3_bucket" "replicated" {
  bucket        = "infra-inline-replicated"
  force_destroy = true

  versioning {
    enabled = true
  }

  replication_configuration {
    role = "arn:aws:iam::123456789012:role/replication"

    rules {
      id                               = "logs"
      priority                         = 1
      status                           = var.replication
      delete_marker_replication_status = "Enabled"

      filter {
        prefix = "logs/"
        tags = {
          kind = "log"
        }
      }

      destination {
        bucket        = aws_s3_bucket.replica.arn
        storage_class = var.replica_class

        metrics {
          status = "Enabled"
        }
      }
    }
  }
}

resource "aws_s3_bucket" "locked" {
  bucket        = "infra-inline-locked"
  force_destroy = true

  object_lock_configuration {
    object_lock_enabled = "Enabled"
    rule {
      default_retention {
        mode = "GOVERNANCE"
        days = var.retention_days
      }
    }
  }
}
"#;

/// What moto holds of DEPRECATED_LATER: the site's index and error documents, routing rule,
/// acceleration status, request payer and grants (grantee, permission), the locked
/// bucket's retention and its acceleration status and payer (never set: none, and
/// `BucketOwner`), and the replicated bucket's rule.
fn later_settings(moto: &Moto) -> String {
    moto.python(
        r#"import boto3
s3 = boto3.client('s3')
site = s3.get_bucket_website(Bucket='infra-inline-website')
rule = site['RoutingRules'][0]
grants = sorted((g['Grantee'].get('URI', g['Grantee']['Type']).split('/')[-1], g['Permission'])
                for g in s3.get_bucket_acl(Bucket='infra-inline-website')['Grants'])
lock = s3.get_object_lock_configuration(Bucket='infra-inline-locked')['ObjectLockConfiguration']
print(site['IndexDocument']['Suffix'], site['ErrorDocument']['Key'],
      rule['Condition']['KeyPrefixEquals'], rule['Redirect']['ReplaceKeyPrefixWith'],
      lock['ObjectLockEnabled'], lock['Rule']['DefaultRetention']['Days'])
for name in ['infra-inline-website', 'infra-inline-locked']:
    print(s3.get_bucket_accelerate_configuration(Bucket=name).get('Status'),
          s3.get_bucket_request_payment(Bucket=name)['Payer'])
replication = s3.get_bucket_replication(Bucket='infra-inline-replicated')['ReplicationConfiguration']
for r in replication['Rules']:
    d = r['Destination']
    print(r['ID'], r['Priority'], r['Status'], r['Filter'], r['DeleteMarkerReplication']['Status'],
          d['Bucket'], d.get('StorageClass'), d['Metrics'])
print(grants)"#,
    )
    .trim()
    .to_string()
}

/// Provider 6.x still takes `aws_s3_bucket`'s inline `website`, `grant`,
/// `object_lock_configuration`, `acceleration_status`, `request_payer` and
/// `replication_configuration`, deprecated: validate warns of each with the provider's message;
/// the create sends each after CreateBucket (Object Lock enabled with it, replication after
/// versioning); the next plan is clean (each is read back as the provider stores it, the
/// website endpoint derived from the region, a bucket that leaves acceleration and payer out
/// holds S3's: none and `BucketOwner`); a change of each is an in-place update of three
/// buckets (a new index document, a group's grant added, acceleration suspended, the owner
/// paying, a replication rule disabled with another storage class, a longer retention) with a
/// clean plan after; destroy removes them all.
#[test]
fn a_buckets_later_deprecated_inline_settings_are_created_read_and_changed_in_place() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", DEPRECATED_LATER);
    let validate = infra(&stack, None, &["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.all());
    for message in [
        "acceleration_status is deprecated. Use the aws_s3_bucket_accelerate_configuration",
        "request_payer is deprecated. Use the aws_s3_bucket_request_payment_configuration",
        "replication_configuration is deprecated. Use the aws_s3_bucket_replication_",
        "website is deprecated. Use the aws_s3_bucket_website_configuration resource",
        "grant is deprecated. Use the aws_s3_bucket_acl resource instead.",
        "object_lock_configuration is deprecated. Use the top-level parameter",
    ] {
        assert_contains(&validate.all(), message);
    }
    apply_and_plan_clean(&stack, &moto, NO_VARS, "5 added", "after the create");
    assert_eq!(
        later_settings(&moto),
        "index.html error.html docs/ documents/ Enabled 1\n\
         Enabled Requester\n\
         None BucketOwner\n\
         logs 1 Enabled {'And': {'Prefix': 'logs/', 'Tags': [{'Key': 'kind', 'Value': 'log'}]}} \
         Enabled arn:aws:s3:::infra-inline-replica STANDARD \
         {'Status': 'Enabled', 'EventThreshold': {'Minutes': 15}}\n\
         [('CanonicalUser', 'FULL_CONTROL')]"
    );
    // As the provider stores them: the locked bucket never had acceleration set.
    assert_eq!(state_attribute(&stack, "aws_s3_bucket.locked", "acceleration_status"), "");
    assert_eq!(state_attribute(&stack, "aws_s3_bucket.locked", "request_payer"), "BucketOwner");
    assert_eq!(
        state_attribute(&stack, "aws_s3_bucket.site", "website_endpoint"),
        "infra-inline-website.s3-website-us-east-1.amazonaws.com"
    );

    let vars = [
        "-var",
        "index=main.html",
        "-var",
        "retention_days=2",
        "-var",
        "log_delivery=true",
        "-var",
        "acceleration=Suspended",
        "-var",
        "payer=BucketOwner",
        "-var",
        "replication=Disabled",
        "-var",
        "replica_class=STANDARD_IA",
    ];
    apply_and_plan_clean(&stack, &moto, &vars, "0 added, 3 changed", "after the change");
    assert_eq!(
        later_settings(&moto),
        "main.html error.html docs/ documents/ Enabled 2\n\
         Suspended BucketOwner\n\
         None BucketOwner\n\
         logs 1 Disabled {'And': {'Prefix': 'logs/', 'Tags': [{'Key': 'kind', 'Value': 'log'}]}} \
         Enabled arn:aws:s3:::infra-inline-replica STANDARD_IA \
         {'Status': 'Enabled', 'EventThreshold': {'Minutes': 15}}\n\
         [('CanonicalUser', 'FULL_CONTROL'), ('LogDelivery', 'READ_ACP'), ('LogDelivery', 'WRITE')]"
    );
    destroy_ok(&stack, &moto, &vars);
    assert_eq!(buckets(&moto), "");
}

//! DynamoDB: an `orders` table with provisioned capacity, a GSI (an INCLUDE projection), an
//! LSI, TTL, point-in-time recovery and tags, and an on-demand `events` table with a stream, a
//! GSI and encryption under the AWS managed key. A plan afterwards shows no changes; the table's
//! and the GSI's capacity, point-in-time recovery and tags change in place; a new sort key
//! replaces `orders`; both tables import by name; destroy leaves no table.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean,
    reimport, state_id,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "sort_key" {
  type    = string
  default = "placed_at"
}

variable "read_capacity" {
  type    = number
  default = 5
}

variable "index_capacity" {
  type    = number
  default = 2
}

variable "recovery" {
  type    = bool
  default = true
}

variable "team" {
  type    = string
  default = "data"
}

variable "owner" {
  type    = string
  default = ""
}

resource "aws_dynamodb_table" "orders" {
  name           = "orders"
  billing_mode   = "PROVISIONED"
  read_capacity  = var.read_capacity
  write_capacity = 5
  hash_key       = "customer"
  range_key      = var.sort_key

  attribute {
    name = "customer"
    type = "S"
  }

  attribute {
    name = var.sort_key
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "total"
    type = "N"
  }

  global_secondary_index {
    name               = "by-status"
    hash_key           = "status"
    range_key          = "total"
    projection_type    = "INCLUDE"
    non_key_attributes = ["customer_name", "address"]
    read_capacity      = var.index_capacity
    write_capacity     = var.index_capacity
  }

  local_secondary_index {
    name            = "by-total"
    range_key       = "total"
    projection_type = "KEYS_ONLY"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.recovery
  }

  tags = { for key, value in { Env = "dev", Team = var.team, Owner = var.owner } : key => value if value != "" }
}

resource "aws_dynamodb_table" "events" {
  name             = "events"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "kind"
    type = "S"
  }

  global_secondary_index {
    name            = "by-kind"
    hash_key        = "kind"
    projection_type = "ALL"
  }

  server_side_encryption {
    enabled = true
  }

  tags = {
    Env = "dev"
  }
}

output "orders" {
  value = aws_dynamodb_table.orders.arn
}

output "stream" {
  value = aws_dynamodb_table.events.stream_arn
}
"#;

/// Every table in the emulator: billing mode, keys, capacity, GSIs with their capacity, LSIs,
/// TTL and point-in-time recovery status, stream view type, encryption status and tags.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ddb = boto3.client('dynamodb')
for name in sorted(ddb.list_tables()['TableNames']):
    table = ddb.describe_table(TableName=name)['Table']
    keys = [f"{k['AttributeName']}:{k['KeyType']}" for k in table['KeySchema']]
    capacity = table.get('ProvisionedThroughput', {})
    gsis = sorted(f"{g['IndexName']}:{g['ProvisionedThroughput']['ReadCapacityUnits']}/{g['ProvisionedThroughput']['WriteCapacityUnits']}" for g in table.get('GlobalSecondaryIndexes', []))
    lsis = sorted(l['IndexName'] for l in table.get('LocalSecondaryIndexes', []))
    ttl = ddb.describe_time_to_live(TableName=name)['TimeToLiveDescription']
    recovery = ddb.describe_continuous_backups(TableName=name)['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']['PointInTimeRecoveryStatus']
    tags = sorted(f"{t['Key']}={t['Value']}" for t in ddb.list_tags_of_resource(ResourceArn=table['TableArn'])['Tags'] if not t['Key'].startswith('infra:'))
    print(name, table['BillingModeSummary']['BillingMode'], keys, f"{capacity.get('ReadCapacityUnits')}/{capacity.get('WriteCapacityUnits')}", gsis, lsis, ttl['TimeToLiveStatus'], recovery, table.get('StreamSpecification', {}).get('StreamViewType'), table.get('SSEDescription', {}).get('Status'), tags)
"#,
    )
}

const EVENTS: &str = "events PAY_PER_REQUEST ['id:HASH'] 0/0 ['by-kind:0/0'] [] DISABLED DISABLED \
                      NEW_AND_OLD_IMAGES ENABLED ['Env=dev']\n";

#[test]
fn dynamodb_tables_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "{EVENTS}orders PROVISIONED ['customer:HASH', 'placed_at:RANGE'] 5/5 \
             ['by-status:2/2'] ['by-total'] ENABLED ENABLED None None ['Env=dev', 'Team=data']\n"
        )
    );
    assert_eq!(state_id(&stack, "aws_dynamodb_table.orders"), "orders");
    let orders = infra(&stack, Some(&moto), &["output", "-json", "orders"]).ok();
    assert_contains(&orders.stdout, "arn:aws:dynamodb:us-east-1:123456789012:table/orders");
    let stream = infra(&stack, Some(&moto), &["output", "-json", "stream"]).ok();
    assert_contains(&stream.stdout, "arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/");

    // In place: the table's and the GSI's capacity (one UpdateTable), point-in-time recovery
    // off, a tag removed and one added.
    vars.extend([
        "-var=read_capacity=6".to_string(),
        "-var=index_capacity=4".to_string(),
        "-var=recovery=false".to_string(),
        "-var=team=".to_string(),
        "-var=owner=ops".to_string(),
    ]);
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 1 changed, 0 destroyed.",
        "after the in-place update",
    );
    assert_eq!(
        emulator_view(&moto),
        format!(
            "{EVENTS}orders PROVISIONED ['customer:HASH', 'placed_at:RANGE'] 6/5 \
             ['by-status:4/4'] ['by-total'] ENABLED DISABLED None None ['Env=dev', 'Owner=ops']\n"
        )
    );

    // A new sort key is a new table.
    vars.push("-var=sort_key=created_at".to_string());
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 1 added, 0 changed, 1 destroyed.",
        "after the replacement",
    );
    assert_eq!(
        emulator_view(&moto),
        format!(
            "{EVENTS}orders PROVISIONED ['customer:HASH', 'created_at:RANGE'] 6/5 \
             ['by-status:4/4'] ['by-total'] ENABLED DISABLED None None ['Env=dev', 'Owner=ops']\n"
        )
    );

    // Import: both tables by name.
    reimport(
        &stack,
        &moto,
        &vars,
        &[("aws_dynamodb_table.orders", "orders"), ("aws_dynamodb_table.events", "events")],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 2 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}

const SOURCED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "prefix" {
  type    = string
  default = "orders/"
}

variable "env" {
  type    = string
  default = "restored"
}

resource "aws_dynamodb_table" "source" {
  name         = "orders-source"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_dynamodb_table" "restored" {
  name                   = "orders-restored"
  billing_mode           = "PAY_PER_REQUEST"
  hash_key               = "pk"
  restore_source_name    = aws_dynamodb_table.source.name
  restore_to_latest_time = true
  stream_enabled         = true
  stream_view_type       = "NEW_IMAGE"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires"
    enabled        = true
  }

  tags = {
    Env = var.env
  }
}

resource "aws_dynamodb_table" "imported" {
  name         = "orders-imported"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  import_table {
    input_format           = "DYNAMODB_JSON"
    input_compression_type = "NONE"

    s3_bucket_source {
      bucket     = "orders-export"
      key_prefix = var.prefix
    }
  }

  tags = {
    Env = "imported"
  }
}
"#;

/// Each table: item count, stream view type, TTL status and tags (`infra:*` counted).
fn sourced_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ddb = boto3.client('dynamodb')
for name in sorted(ddb.list_tables()['TableNames']):
    table = ddb.describe_table(TableName=name)['Table']
    items = ddb.scan(TableName=name)['Count']
    ttl = ddb.describe_time_to_live(TableName=name)['TimeToLiveDescription']['TimeToLiveStatus']
    tags = ddb.list_tags_of_resource(ResourceArn=table['TableArn'])['Tags']
    shown = sorted(f"{t['Key']}={t['Value']}" for t in tags if not t['Key'].startswith('infra:'))
    managed = sum(1 for t in tags if t['Key'].startswith('infra:'))
    print(name, items, table.get('StreamSpecification', {}).get('StreamViewType'), ttl, shown, managed)
"#,
    )
}

#[test]
fn dynamodb_tables_restored_from_another_and_imported_from_s3() {
    let moto = Moto::start();
    // What the import reads: DynamoDB JSON lines under two prefixes of one bucket.
    moto.python(
        r#"
import boto3
s3 = boto3.client('s3')
s3.create_bucket(Bucket='orders-export')
s3.put_object(Bucket='orders-export', Key='orders/part-1.json',
              Body=b'{"Item": {"pk": {"S": "a"}}}\n{"Item": {"pk": {"S": "b"}}}\n')
s3.put_object(Bucket='orders-export', Key='archive/part-1.json',
              Body=b'{"Item": {"pk": {"S": "c"}}}\n')
"#,
    );
    let stack = Stack::new();
    stack.write("main.tf", SOURCED);
    let mut vars: Vec<String> = Vec::new();

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after restoring and importing");
    // The restored table carries what RestoreTableToPointInTime does not take (stream, TTL,
    // tags); the imported one holds the two items under its prefix.
    assert_eq!(
        sourced_view(&moto),
        "orders-imported 2 None DISABLED ['Env=imported'] 2\n\
         orders-restored 0 NEW_IMAGE ENABLED ['Env=restored'] 2\n\
         orders-source 0 None DISABLED [] 2\n"
    );

    // A tag changes in place; another prefix is another import, so a new table.
    vars.extend(["-var=env=copy".to_string(), "-var=prefix=archive/".to_string()]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Resources: 1 added, 1 changed, 1 destroyed.");
    assert_contains(&changed, "aws_dynamodb_table.imported must be replaced");
    plan_is_clean(&stack, &moto, &vars, "after the new import");
    assert_eq!(
        sourced_view(&moto),
        "orders-imported 1 None DISABLED ['Env=imported'] 2\n\
         orders-restored 0 NEW_IMAGE ENABLED ['Env=copy'] 2\n\
         orders-source 0 None DISABLED [] 2\n"
    );

    // Plan-time errors, at their lines: two restore sources, an import with a restore.
    stack.write(
        "main.tf",
        &SOURCED.replace(
            "  restore_to_latest_time = true\n",
            "  restore_to_latest_time = true\n  restore_source_table_arn = \"arn:aws:dynamodb:us-east-1:123456789012:table/x\"\n",
        ),
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_contains(
        &refused.stderr,
        "\"restore_source_name\": conflicts with restore_source_table_arn",
    );
    assert_contains(&refused.stderr, "main.tf:");
    stack.write("main.tf", SOURCED);

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(sourced_view(&moto), "");
}

/// Global table replicas and the MRSC witness plan against a table that exists: adding
/// replicas changes the table in place, and strong consistency without a second replica or a
/// witness is the provider's error at its line. (moto 5.2.5 ignores UpdateTable's
/// `ReplicaUpdates`, so the replicas themselves are not applied here; `replicas.rs` shows the
/// requests and the read-back in unit tests.)
#[test]
fn global_table_replicas_plan_in_place_and_strong_consistency_is_checked() {
    let moto = Moto::start();
    let stack = Stack::new();
    let table = |replicas: &str| {
        format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_dynamodb_table" "global" {{
  name             = "global"
  hash_key         = "id"
  billing_mode     = "PAY_PER_REQUEST"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {{
    name = "id"
    type = "S"
  }}
{replicas}
  tags = {{
    Team = "data"
  }}
}}
"#
        )
    };
    stack.write("main.tf", &table(""));
    let created = apply(&stack, &moto, super::NO_VARS);
    assert_contains(&created, "1 added");
    plan_is_clean(&stack, &moto, super::NO_VARS, "after the apply");

    stack.write(
        "main.tf",
        &table(
            r#"
  replica {
    region_name            = "us-west-2"
    point_in_time_recovery = true
    propagate_tags         = true
  }

  replica {
    region_name = "eu-west-1"
  }
"#,
        ),
    );
    let planned = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok().stdout;
    for expected in [
        "# aws_dynamodb_table.global will be updated in-place",
        "+ replica {",
        "= \"us-west-2\"",
        "+ point_in_time_recovery = true",
        "+ consistency_mode       = \"EVENTUAL\"",
        "Plan: 0 to add, 1 to change, 0 to destroy.",
    ] {
        assert!(planned.contains(expected), "{expected}: {planned}");
    }

    stack.write(
        "main.tf",
        &table(
            r#"
  replica {
    region_name      = "us-east-2"
    consistency_mode = "STRONG"
  }
"#,
        ),
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    for message in [
        "creating replicas: Using MultiRegionStrongConsistency requires exactly 2 replicas, or 1 \
         replica and 1 witness region. Only MRSC Replica count of 1 was provided but no Witness \
         region was provided",
        "main.tf:",
    ] {
        assert!(refused.all().contains(message), "{message}: {}", refused.all());
    }

    // With a witness region it plans.
    stack.write(
        "main.tf",
        &table(
            r#"
  replica {
    region_name      = "us-east-2"
    consistency_mode = "STRONG"
  }

  global_table_witness {
    region_name = "us-west-2"
  }
"#,
        ),
    );
    let witnessed = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok().stdout;
    assert!(
        witnessed.contains("+ global_table_witness {") && witnessed.contains("\"STRONG\""),
        "{witnessed}"
    );
}

//! DynamoDB: an `orders` table with provisioned capacity, a GSI (an INCLUDE projection), an
//! LSI, TTL, point-in-time recovery and tags, and an on-demand `events` table with a stream, a
//! GSI and encryption under the AWS managed key. A plan afterwards shows no changes; the table's
//! and the GSI's capacity, point-in-time recovery and tags change in place; a new sort key
//! replaces `orders`; both tables import by name; destroy leaves no table.

use infra_testkit::{Moto, Stack};

use super::{apply_ok as apply, infra, plan_is_clean, reimport, state_id};

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
    assert!(
        created.contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."),
        "{created}"
    );
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
    assert!(
        orders
            .stdout
            .contains("arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
        "{}",
        orders.stdout
    );
    let stream = infra(&stack, Some(&moto), &["output", "-json", "stream"]).ok();
    assert!(
        stream
            .stdout
            .contains("arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/"),
        "{}",
        stream.stdout
    );

    // In place: the table's and the GSI's capacity (one UpdateTable), point-in-time recovery
    // off, a tag removed and one added.
    vars.extend([
        "-var=read_capacity=6".to_string(),
        "-var=index_capacity=4".to_string(),
        "-var=recovery=false".to_string(),
        "-var=team=".to_string(),
        "-var=owner=ops".to_string(),
    ]);
    let changed = apply(&stack, &moto, &vars);
    assert!(
        changed.contains("Resources: 0 added, 1 changed, 0 destroyed."),
        "{changed}"
    );
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "{EVENTS}orders PROVISIONED ['customer:HASH', 'placed_at:RANGE'] 6/5 \
             ['by-status:4/4'] ['by-total'] ENABLED DISABLED None None ['Env=dev', 'Owner=ops']\n"
        )
    );

    // A new sort key is a new table.
    vars.push("-var=sort_key=created_at".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert!(
        replaced.contains("Resources: 1 added, 0 changed, 1 destroyed."),
        "{replaced}"
    );
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
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
        &[
            ("aws_dynamodb_table.orders", "orders"),
            ("aws_dynamodb_table.events", "events"),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let mut args = vec!["destroy", "-input=false", "-auto-approve"];
    args.extend(vars.iter().map(String::as_str));
    let destroyed = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        destroyed.contains("Destroy complete! Resources: 2 destroyed."),
        "{destroyed}"
    );
    assert_eq!(emulator_view(&moto), "");
}

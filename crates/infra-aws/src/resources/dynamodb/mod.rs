//! DynamoDB: tables.

super::resource_types! {
    regional;
    aws_dynamodb_table::AwsDynamodbTable::new,
}

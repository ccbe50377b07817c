//! DynamoDB: tables.

mod replicas;
mod table_api;
mod table_source;

super::resource_types! {
    regional;
    aws_dynamodb_table::AwsDynamodbTable::new,
}

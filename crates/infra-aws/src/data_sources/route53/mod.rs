//! Route 53 data sources (global: no `region`).

super::data_source_types! {
    global_data;
    aws_route53_zone::AwsRoute53ZoneData::new,
}

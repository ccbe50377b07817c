//! Route 53: hosted zones and their records. Route 53 is a global service (no `region`).

super::resource_types! {
    global;
    aws_route53_zone::AwsRoute53Zone::new,
    aws_route53_record::AwsRoute53Record::new,
}

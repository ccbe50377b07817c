//! Route 53: hosted zones, their records, reusable delegation sets and health checks. Route 53 is a global service (no `region`).

super::resource_types! {
    global;
    aws_route53_zone::AwsRoute53Zone::new,
    aws_route53_record::AwsRoute53Record::new,
    aws_route53_delegation_set::AwsRoute53DelegationSet::new,
    aws_route53_health_check::AwsRoute53HealthCheck::new,
}

//! AWS Cloud Map (Service Discovery): namespaces and services, which ECS services register in.

mod namespace;
mod support;

super::resource_types! {
    regional;
    aws_service_discovery_private_dns_namespace::AwsServiceDiscoveryPrivateDnsNamespace::new,
    aws_service_discovery_http_namespace::AwsServiceDiscoveryHttpNamespace::new,
    aws_service_discovery_service::AwsServiceDiscoveryService::new,
}

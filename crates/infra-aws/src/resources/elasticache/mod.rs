//! ElastiCache.

super::resource_types! {
    regional;
    aws_elasticache_subnet_group::new,
}

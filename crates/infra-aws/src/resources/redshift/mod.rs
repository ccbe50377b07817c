//! Redshift.

super::resource_types! {
    regional;
    aws_redshift_subnet_group::new,
}

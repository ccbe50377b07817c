//! Systems Manager: Parameter Store parameters.

super::resource_types! {
    regional;
    aws_ssm_parameter::AwsSsmParameter::new,
}

//! Systems Manager: Parameter Store parameters.

super::resource_types! {
    aws_ssm_parameter::AwsSsmParameter::new,
}

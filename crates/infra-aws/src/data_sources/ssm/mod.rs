//! Systems Manager: Parameter Store parameters.

super::data_source_types! {
    aws_ssm_parameter::AwsSsmParameter::new,
}

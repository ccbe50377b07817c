//! Systems Manager: Parameter Store parameters.

super::data_source_types! {
    regional_data;
    aws_ssm_parameter::AwsSsmParameter::new,
}

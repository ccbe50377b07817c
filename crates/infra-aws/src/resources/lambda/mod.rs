//! Lambda: functions, their aliases, and the resource-policy statements that let other services
//! invoke them.

super::resource_types! {
    regional;
    aws_lambda_function::AwsLambdaFunction::new,
    aws_lambda_alias::AwsLambdaAlias::new,
    aws_lambda_permission::AwsLambdaPermission::new,
}

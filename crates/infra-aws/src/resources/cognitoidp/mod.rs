//! Amazon Cognito user pools: the pool, its app clients and its domain (what an ALB's
//! `authenticate-cognito` action names).

use infra_core::Value;

super::resource_types! {
    regional;
    aws_cognito_user_pool::AwsCognitoUserPool::new,
    aws_cognito_user_pool_client::AwsCognitoUserPoolClient::new,
    aws_cognito_user_pool_domain::AwsCognitoUserPoolDomain::new,
}

/// The SDK's enums in state: their wire strings.
pub(crate) fn enum_strings<T: AsRef<str>>(items: &[T]) -> Value {
    crate::app_support::string_list(items.iter().map(|item| item.as_ref()))
}

/// A client that sends nothing, for the unit tests that build requests.
#[cfg(test)]
pub(crate) fn test_client() -> aws_sdk_cognitoidentityprovider::Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new("eu-west-1"))
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(config)
}

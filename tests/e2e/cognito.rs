//! Amazon Cognito: `aws_cognito_user_pool`, `aws_cognito_user_pool_client` and
//! `aws_cognito_user_pool_domain`, what an ALB's `authenticate-cognito` action names.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
};

fn stack_text(minimum_length: u32, callback: &str, version: u32, team: &str) -> String {
    format!(
        r#"
resource "aws_cognito_user_pool" "users" {{
  name                     = "users"
  auto_verified_attributes = ["email"]
  username_attributes      = ["email"]

  device_configuration {{
    device_only_remembered_on_user_prompt = true
  }}

  password_policy {{
    minimum_length    = {minimum_length}
    require_lowercase = true
    require_numbers   = true
    require_symbols   = false
    require_uppercase = true
  }}

  tags = {{
    team = "{team}"
  }}
}}

resource "aws_cognito_user_pool_client" "web" {{
  name                                 = "web"
  user_pool_id                         = aws_cognito_user_pool.users.id
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = ["email", "openid"]
  callback_urls                        = ["{callback}"]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
  supported_identity_providers         = ["COGNITO"]
}}

resource "aws_cognito_user_pool_domain" "login" {{
  domain                = "infra-cognito-test"
  user_pool_id          = aws_cognito_user_pool.users.id
  managed_login_version = {version}
}}
"#
    )
}

/// What the emulator holds: the pool's password length and tags, the client's callback URLs and
/// the domain's managed login version, or "none" when there is no pool.
fn described(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         idp = boto3.client('cognito-idp')\n\
         pools = idp.list_user_pools(MaxResults=60)['UserPools']\n\
         if not pools:\n    print('none')\n    raise SystemExit\n\
         pool = idp.describe_user_pool(UserPoolId=pools[0]['Id'])['UserPool']\n\
         tags = {k: v for k, v in pool.get('UserPoolTags', {}).items() if not k.startswith('infra:')}\n\
         clients = idp.list_user_pool_clients(UserPoolId=pool['Id'])['UserPoolClients']\n\
         client = idp.describe_user_pool_client(UserPoolId=pool['Id'], ClientId=clients[0]['ClientId'])['UserPoolClient']\n\
         domain = idp.describe_user_pool_domain(Domain=pool['Domain'])['DomainDescription']\n\
         print(len(pools), pool['Policies']['PasswordPolicy']['MinimumLength'], tags, client['CallbackURLs'], domain['ManagedLoginVersion'])",
    )
    .trim()
    .to_string()
}

/// A pool with a client and a domain: apply, a clean plan, an in-place change of each (the
/// pool's password policy and tags, the client's callback URL, the domain's managed login
/// version), the provider's import IDs (pool ID, `POOL/CLIENT`, domain) planning clean, and a
/// destroy that leaves no pool.
#[test]
fn a_user_pool_with_client_and_domain_applies_changes_imports_and_destroys() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", &stack_text(10, "https://example.com/callback", 1, "auth"));
    let created = apply(&stack, &moto, &[] as &[&str]);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    assert_eq!(described(&moto), "1 10 {'team': 'auth'} ['https://example.com/callback'] 1");
    plan_is_clean(&stack, &moto, &[] as &[&str], "after the apply");

    stack.write("main.tf", &stack_text(12, "https://example.com/signed-in", 2, "identity"));
    let changed = apply(&stack, &moto, &[] as &[&str]);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 3 changed, 0 destroyed.");
    assert_eq!(described(&moto), "1 12 {'team': 'identity'} ['https://example.com/signed-in'] 2");
    plan_is_clean(&stack, &moto, &[] as &[&str], "after the change");

    let pool = state_id(&stack, "aws_cognito_user_pool.users");
    let client = state_id(&stack, "aws_cognito_user_pool_client.web");
    reimport(
        &stack,
        &moto,
        &[] as &[&str],
        &[
            ("aws_cognito_user_pool.users", &pool),
            ("aws_cognito_user_pool_client.web", &format!("{pool}/{client}")),
            ("aws_cognito_user_pool_domain.login", "infra-cognito-test"),
        ],
    );
    plan_is_clean(&stack, &moto, &[] as &[&str], "after the import");

    destroy_ok(&stack, &moto, &[] as &[&str]);
    assert_eq!(described(&moto), "none");
}

/// An argument infra does not implement yet is refused at validate, naming it.
#[test]
fn a_user_pool_argument_infra_does_not_implement_is_refused_by_name() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "aws_cognito_user_pool" "users" {
  name = "users"

  lambda_config {
    pre_sign_up = "arn:aws:lambda:us-east-1:123456789012:function:sign-up"
  }
}
"#,
    );
    let validate = infra(&stack, None, &["validate"]);
    assert_ne!(validate.code, 0, "{}", validate.all());
    assert_contains(&validate.all(), "infra does not support \"lambda_config\"");
}

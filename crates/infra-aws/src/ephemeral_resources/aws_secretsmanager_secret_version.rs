//! `ephemeral "aws_secretsmanager_secret_version"`: a secret's value, by `version_id` (which
//! overrides `version_stage`) or `version_stage` (AWSCURRENT when neither is set), with the
//! provider's ephemeral schema (`secret_version_ephemeral.go`): no `id`, and `secret_binary`
//! is the bytes as a string, not base64 as the data source gives them. `secret_string` and
//! `secret_binary` are sensitive.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::text;
use crate::data_sources::secretsmanager::aws_secretsmanager_secret_version::{
    get_secret_value, insert_secret_value, with_secret_value,
};
use crate::lookup::{Lookup, LookupType};

pub type EphemeralSecretVersion = LookupType<SecretVersionLookup>;

pub struct SecretVersionLookup;

impl Lookup for SecretVersionLookup {
    const NAME: &'static str = "aws_secretsmanager_secret_version";

    fn schema() -> Schema {
        let schema = Schema::new()
            .attr(Attribute::required("secret_id", Type::String))
            .attr(Attribute::optional_computed("version_id", Type::String))
            .attr(Attribute::optional_computed("version_stage", Type::String))
            .attr(Attribute::computed("arn", Type::String));
        with_secret_value(schema)
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let (_, _, output) = get_secret_value(&this.aws, config).await?;
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("version_id".into(), text(output.version_id()));
            let binary =
                output.secret_binary().map(|b| String::from_utf8_lossy(b.as_ref()).into_owned());
            insert_secret_value(entries, &output, binary);
        }
        Ok(value)
    }
}

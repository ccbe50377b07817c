//! The `local_file` and `local_sensitive_file` data sources: read `filename` (an error if it
//! does not exist) into `content` (UTF-8, invalid sequences replaced), `content_base64`, the
//! checksums, and `id`, the SHA-1 of the content. The sensitive one marks both contents
//! sensitive; otherwise they are the same implementation.

use base64::Engine;
use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::local::local_file::Sensitivity;
use crate::local::{insert_checksums, mark_sensitive, with_checksums};
use crate::support::{object_of, text};

pub struct DataLocalFile {
    sensitivity: Sensitivity,
    schema: Schema,
}

impl DataLocalFile {
    /// The `local_file` data source.
    pub fn new() -> DataLocalFile {
        DataLocalFile::with_sensitivity(Sensitivity::Plain)
    }

    /// The `local_sensitive_file` data source.
    pub fn sensitive() -> DataLocalFile {
        DataLocalFile::with_sensitivity(Sensitivity::Sensitive)
    }

    fn with_sensitivity(sensitivity: Sensitivity) -> DataLocalFile {
        let content = |name| {
            let attribute = Attribute::computed(name, Type::String);
            if sensitivity == Sensitivity::Sensitive {
                attribute.sensitive()
            } else {
                attribute
            }
        };
        let schema = Schema::new()
            .attr(Attribute::required("filename", Type::String))
            .attr(content("content"))
            .attr(content("content_base64"));
        DataLocalFile { sensitivity, schema: with_checksums(schema) }
    }
}

impl Default for DataLocalFile {
    fn default() -> DataLocalFile {
        DataLocalFile::new()
    }
}

#[async_trait::async_trait]
impl DataSourceType for DataLocalFile {
    fn name(&self) -> &'static str {
        match self.sensitivity {
            Sensitivity::Plain => "local_file",
            Sensitivity::Sensitive => "local_sensitive_file",
        }
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let filename = text(config, "filename").ok_or_else(|| {
            ProviderError::new(format!("data.{} needs a known \"filename\"", self.name()))
        })?;
        let bytes = std::fs::read(&filename).map_err(|error| {
            ProviderError::new(format!("data.{}: reading {filename:?}: {error}", self.name()))
        })?;
        let mut object = object_of(config);
        object
            .insert("content".into(), Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        object.insert(
            "content_base64".into(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        );
        insert_checksums(&mut object, &bytes);
        mark_sensitive(&self.schema, &mut object);
        Ok(Value::Map(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_content_and_checksums() {
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = directory.path().join("data.txt");
        std::fs::write(&filename, b"hello").expect("write");
        let config = Value::map([("filename", Value::string(filename.to_string_lossy()))]);
        let read = DataLocalFile::new().read(&config).await.expect("read");
        assert_eq!(read.get("content"), &Value::string("hello"));
        assert_eq!(read.get("content_base64"), &Value::string("aGVsbG8="));
        assert_eq!(read.get("id"), &Value::string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"));
        assert_eq!(
            read.get("content_sha256"),
            &Value::string("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert!(!read.get("content").is_sensitive());

        let secret = DataLocalFile::sensitive().read(&config).await.expect("read");
        assert!(secret.get("content").is_sensitive());
        assert!(secret.get("content_base64").is_sensitive());
        assert_eq!(secret.get("id"), read.get("id"));
    }

    #[tokio::test]
    async fn binary_content_is_replaced_in_text_and_exact_in_base64() {
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = directory.path().join("binary");
        std::fs::write(&filename, [b'a', 0xff, b'b']).expect("write");
        let config = Value::map([("filename", Value::string(filename.to_string_lossy()))]);
        let read = DataLocalFile::new().read(&config).await.expect("read");
        assert_eq!(read.get("content"), &Value::string("a\u{fffd}b"));
        assert_eq!(read.get("content_base64"), &Value::string("Yf9i"));
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error() {
        let config = Value::map([("filename", Value::string("/nonexistent/infra/file"))]);
        let error = DataLocalFile::new().read(&config).await.expect_err("missing");
        assert!(error.message.contains("/nonexistent/infra/file"), "{error}");
    }
}

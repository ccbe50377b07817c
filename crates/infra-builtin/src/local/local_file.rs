//! `local_file`, and the implementation `local_sensitive_file` shares: writes `filename` with
//! exactly one of `content`, `content_base64`, `source` (a file to copy) or, for `local_file`
//! only, the deprecated `sensitive_content`; creates missing parent directories with
//! `directory_permission` and the file with `file_permission` (both before the umask). Every
//! argument replaces the file. The `id` is the SHA-1 of the content.
//!
//! Drift: refresh reports the file gone when it is missing or its content's SHA-1 no longer
//! matches the `id`, so the engine writes it again. The provider offers no import.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use infra_core::{Attribute, Creating, Deleting, ProviderError, Schema, Type, Value};

use crate::digest::sha1;
use crate::in_state::{InState, StateOnly};
use crate::local::{
    insert_checksums, mark_sensitive, parse_permission, permission_problem, with_checksums,
};
use crate::support::{exactly_one_of, object_of, text, Object};

/// Which of the two resource types: they differ in name, sensitivity of the content
/// arguments, default permissions, and `sensitive_content`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sensitivity {
    /// `local_file`: content shown in plans; permissions default to 0777.
    Plain,
    /// `local_sensitive_file`: content never shown; permissions default to 0700.
    Sensitive,
}

pub struct LocalFile {
    sensitivity: Sensitivity,
    schema: Schema,
}

impl LocalFile {
    /// `local_file`.
    pub fn new() -> InState<LocalFile> {
        LocalFile::with_sensitivity(Sensitivity::Plain)
    }

    pub fn with_sensitivity(sensitivity: Sensitivity) -> InState<LocalFile> {
        let sensitive = sensitivity == Sensitivity::Sensitive;
        let content = |name| {
            let attribute = Attribute::optional(name, Type::String).force_new();
            if sensitive {
                attribute.sensitive()
            } else {
                attribute
            }
        };
        let default_permission = if sensitive { "0700" } else { "0777" };
        let permission = |name| {
            Attribute::optional(name, Type::String)
                .default(Value::string(default_permission))
                .force_new()
        };
        let mut schema = Schema::new()
            .attr(Attribute::required("filename", Type::String).force_new())
            .attr(content("content"))
            .attr(content("content_base64"))
            .attr(Attribute::optional("source", Type::String).force_new())
            .attr(permission("file_permission"))
            .attr(permission("directory_permission"));
        if !sensitive {
            schema = schema.attr(
                Attribute::optional("sensitive_content", Type::String).sensitive().force_new(),
            );
        }
        let schema = with_checksums(schema);
        let file = LocalFile {
            sensitivity,
            // Kept for marking what a create returns.
            schema: schema.clone(),
        };
        InState::new(file.type_name(), schema, file)
    }

    fn type_name(&self) -> &'static str {
        match self.sensitivity {
            Sensitivity::Plain => "local_file",
            Sensitivity::Sensitive => "local_sensitive_file",
        }
    }

    /// The content arguments, exactly one of which must be set.
    fn content_arguments(&self) -> &'static [&'static str] {
        match self.sensitivity {
            Sensitivity::Plain => &["content", "sensitive_content", "content_base64", "source"],
            Sensitivity::Sensitive => &["content", "content_base64", "source"],
        }
    }

    /// The bytes to write, in the provider's order of precedence.
    fn content_of(&self, planned: &Value) -> Result<Vec<u8>, ProviderError> {
        let name = self.type_name();
        if let Some(text) = text(planned, "sensitive_content") {
            return Ok(text.into_bytes());
        }
        if let Some(encoded) = text(planned, "content_base64") {
            return base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(
                |error| {
                    ProviderError::new(format!(
                        "{name}: content_base64 is not valid base64: {error}"
                    ))
                },
            );
        }
        if let Some(source) = text(planned, "source") {
            return std::fs::read(&source).map_err(|error| {
                ProviderError::new(format!("{name}: reading source file {source:?}: {error}"))
            });
        }
        match planned.get("content") {
            Value::Null => Ok(Vec::new()),
            content => content.as_str().map(|s| s.as_bytes().to_vec()).ok_or_else(|| {
                ProviderError::new(format!("{name}: content must be a known string"))
            }),
        }
    }

    fn permission(&self, planned: &Value, key: &str) -> Result<u32, ProviderError> {
        let default = match self.sensitivity {
            Sensitivity::Plain => "0777",
            Sensitivity::Sensitive => "0700",
        };
        let text = text(planned, key).unwrap_or_else(|| default.to_string());
        parse_permission(&text).map_err(|message| {
            ProviderError::new(format!("{}: {key}: {message}", self.type_name()))
        })
    }

    /// The object for this content: the arguments, `id` and the checksums.
    fn finished(&self, planned: &Value, content: &[u8]) -> Value {
        let mut object: Object = object_of(planned);
        object.retain(|_, value| !value.is_unknown());
        insert_checksums(&mut object, content);
        mark_sensitive(&self.schema, &mut object);
        Value::Map(object)
    }
}

/// Writes `content` to `path`, creating missing parent directories with `directory_mode`
/// and a new file with `file_mode` (an existing file keeps its mode, as Go's `os.WriteFile`).
fn write_file(
    path: &Path,
    content: &[u8],
    file_mode: u32,
    directory_mode: u32,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, directory_mode);
            builder.create(parent)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, file_mode);
    #[cfg(not(unix))]
    let _ = (file_mode, directory_mode);
    let mut file = options.open(path)?;
    file.write_all(content)?;
    file.flush()
}

/// The SHA-1 (hex) of the file at `path`, or `None` when there is no file.
fn file_sha1(path: &str) -> Result<Option<String>, ProviderError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(hex::encode(sha1(&bytes)))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ProviderError::new(format!("reading {path:?}: {error}"))),
    }
}

impl StateOnly for LocalFile {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = exactly_one_of(config, self.content_arguments());
        problems.extend(
            ["file_permission", "directory_permission"]
                .iter()
                .filter_map(|key| permission_problem(config, key)),
        );
        problems
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let name = self.type_name();
        let filename = text(at.planned, "filename")
            .ok_or_else(|| ProviderError::new(format!("{name} needs a known \"filename\"")))?;
        let content = self.content_of(at.planned)?;
        let file_mode = self.permission(at.planned, "file_permission")?;
        let directory_mode = self.permission(at.planned, "directory_permission")?;
        write_file(Path::new(&filename), &content, file_mode, directory_mode).map_err(|error| {
            ProviderError::new(format!("{name}: writing {filename:?}: {error}"))
        })?;
        Ok(self.finished(at.planned, &content))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        let Some(filename) = text(at.prior, "filename") else {
            return Ok(());
        };
        match std::fs::remove_file(&filename) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(ProviderError::new(format!(
                "{}: removing {filename:?}: {error}",
                self.type_name()
            ))),
        }
    }

    /// Gone when the file is missing or its content changed.
    async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut refreshed = Vec::with_capacity(priors.len());
        for prior in priors {
            let (Some(filename), Some(id)) = (text(prior, "filename"), text(prior, "id")) else {
                refreshed.push(None);
                continue;
            };
            let current = file_sha1(&filename)?;
            refreshed.push(if current.as_deref() == Some(id.as_str()) {
                Some(prior.clone())
            } else {
                None
            });
        }
        Ok(refreshed)
    }

    /// After a crash during create: the file exists if it holds exactly the planned content.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let Some(filename) = text(at.planned, "filename") else {
            return Ok(None);
        };
        let Ok(content) = self.content_of(at.planned) else {
            return Ok(None);
        };
        let expected = hex::encode(sha1(&content));
        Ok((file_sha1(&filename)?.as_deref() == Some(expected.as_str()))
            .then(|| self.finished(at.planned, &content)))
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(self.type_name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, operation, planned,
        problems,
    };
    use infra_core::ResourceType;

    fn path_in(directory: &tempfile::TempDir, name: &str) -> String {
        directory.path().join(name).to_string_lossy().into_owned()
    }

    #[tokio::test]
    async fn create_writes_the_file_and_its_checksums() {
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = path_in(&directory, "nested/dir/hello.txt");
        let resource = LocalFile::new();
        let planned = planned(
            &resource,
            &config([("filename", Value::string(&filename)), ("content", Value::string("hello"))]),
        );
        assert_eq!(planned.get("file_permission"), &Value::string("0777"));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(std::fs::read_to_string(&filename).expect("written"), "hello");
        assert_eq!(created.get("id"), &Value::string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"));
        assert_eq!(created.get("content_sha1"), created.get("id"));
        assert_eq!(created.get("content_md5"), &Value::string("5d41402abc4b2a76b9719d911017c592"));
        assert_eq!(
            created.get("content_base64sha256"),
            &Value::string("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        );
        assert_refresh_keeps(&resource, &created).await;
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn permissions_apply_to_file_and_new_directories() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = path_in(&directory, "sub/secret.txt");
        let resource = LocalFile::new();
        let planned = planned(
            &resource,
            &config([
                ("filename", Value::string(&filename)),
                ("content_base64", Value::string("AAEC/w==")),
                ("file_permission", Value::string("0600")),
                ("directory_permission", Value::string("0700")),
            ]),
        );
        create_ok(&resource, &planned).await;
        assert_eq!(std::fs::read(&filename).expect("written"), vec![0, 1, 2, 255]);
        let file_mode = std::fs::metadata(&filename).expect("file").permissions().mode();
        assert_eq!(file_mode & 0o777, 0o600);
        let directory_mode = std::fs::metadata(directory.path().join("sub"))
            .expect("directory")
            .permissions()
            .mode();
        assert_eq!(directory_mode & 0o777, 0o700);
    }

    #[tokio::test]
    async fn edited_or_deleted_file_reads_as_gone() {
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = path_in(&directory, "drift.txt");
        let resource = LocalFile::new();
        let planned = planned(
            &resource,
            &config([
                ("filename", Value::string(&filename)),
                ("content", Value::string("original")),
            ]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_refresh_keeps(&resource, &created).await;

        std::fs::write(&filename, "edited by hand").expect("edit");
        let refreshed = resource.read_many(std::slice::from_ref(&created)).await.expect("refresh");
        assert_eq!(refreshed, vec![None], "changed content: re-create");

        std::fs::remove_file(&filename).expect("delete");
        let refreshed = resource.read_many(std::slice::from_ref(&created)).await.expect("refresh");
        assert_eq!(refreshed, vec![None], "missing file: re-create");

        // Recovery after a crash finds the file only with the planned content.
        assert_eq!(
            resource
                .find_created(Creating { operation: &operation(), planned: &planned })
                .await
                .expect("find"),
            None
        );
        std::fs::write(&filename, "original").expect("rewrite");
        let found = resource
            .find_created(Creating { operation: &operation(), planned: &planned })
            .await
            .expect("find")
            .expect("found");
        assert_eq!(found.get("id"), created.get("id"));

        resource
            .delete(Deleting { operation: &operation(), prior: &created })
            .await
            .expect("delete");
        assert!(!Path::new(&filename).exists());
        resource
            .delete(Deleting { operation: &operation(), prior: &created })
            .await
            .expect("deleting a missing file is fine");
    }

    #[tokio::test]
    async fn source_copies_another_file() {
        let directory = tempfile::tempdir().expect("temp dir");
        let source = path_in(&directory, "source.bin");
        std::fs::write(&source, [7u8, 8, 9]).expect("source");
        let filename = path_in(&directory, "copy.bin");
        let resource = LocalFile::new();
        let planned = planned(
            &resource,
            &config([("filename", Value::string(&filename)), ("source", Value::string(&source))]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_eq!(std::fs::read(&filename).expect("copy"), vec![7, 8, 9]);
        assert_eq!(created.get("id"), &Value::String(hex::encode(sha1(&[7, 8, 9]))));
    }

    #[test]
    fn exactly_one_content_argument_and_everything_replaces() {
        let resource = LocalFile::new();
        let both = config([
            ("filename", Value::string("x")),
            ("content", Value::string("a")),
            ("content_base64", Value::string("YQ==")),
        ]);
        assert_eq!(problems(&resource, &both).len(), 1);
        let none = config([("filename", Value::string("x"))]);
        assert_eq!(problems(&resource, &none).len(), 1);
        let bad_mode = config([
            ("filename", Value::string("x")),
            ("content", Value::string("a")),
            ("file_permission", Value::string("0999")),
        ]);
        assert_eq!(problems(&resource, &bad_mode).len(), 1);
        for attribute in resource.schema().attributes.iter().filter(|a| a.is_settable()) {
            assert!(attribute.force_new, "{}", attribute.name);
        }
        assert!(resource.schema().attribute("sensitive_content").is_some_and(|a| a.sensitive));
        assert!(resource.schema().attribute("content").is_some_and(|a| !a.sensitive));
        assert_eq!(
            resource.import_prior("x").err(),
            Some(ProviderError::not_importable("local_file"))
        );
    }
}

//! `local_sensitive_file`: `local_file` whose `content` and `content_base64` are sensitive
//! (never shown in plans) and whose permissions default to 0700. The implementation is
//! `local_file`'s, with the sensitivity flag set.

use crate::in_state::InState;
use crate::local::local_file::{LocalFile, Sensitivity};

/// The `local_sensitive_file` resource type.
pub fn new() -> InState<LocalFile> {
    LocalFile::with_sensitivity(Sensitivity::Sensitive)
}

#[cfg(test)]
mod tests {
    use infra_core::{ResourceType, Value};

    use crate::testing::{assert_computed_known, assert_refresh_keeps, config, create_ok, planned};

    #[test]
    fn content_is_sensitive_and_permissions_are_private() {
        let resource = super::new();
        assert_eq!(resource.name(), "local_sensitive_file");
        let schema = resource.schema();
        assert!(schema.attribute("content").is_some_and(|a| a.sensitive));
        assert!(schema.attribute("content_base64").is_some_and(|a| a.sensitive));
        assert!(schema.attribute("sensitive_content").is_none());
        assert_eq!(
            schema.attribute("file_permission").and_then(|a| a.default.clone()),
            Some(Value::string("0700"))
        );
    }

    #[tokio::test]
    async fn create_writes_the_secret_and_marks_it() {
        let directory = tempfile::tempdir().expect("temp dir");
        let filename = directory.path().join("secret.txt");
        let resource = super::new();
        let planned = planned(
            &resource,
            &config([
                ("filename", Value::string(filename.to_string_lossy())),
                ("content", Value::string("hunter2")),
            ]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert!(created.get("content").is_sensitive());
        assert_eq!(std::fs::read_to_string(&filename).expect("written"), "hunter2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&filename).expect("file").permissions().mode();
            assert_eq!(mode & 0o077, 0, "no access for group or others: {mode:o}");
        }
        assert_refresh_keeps(&resource, &created).await;
    }
}

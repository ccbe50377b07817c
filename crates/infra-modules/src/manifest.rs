//! The record of installed modules, `.infra/modules/modules.json`, in Terraform's
//! `modules.json` shape: one entry per module call, keyed by the call names from the root
//! joined with `.` (`vpc`, `app.sg`; the root is `""`), with the canonical source, the selected
//! version (registry modules) and the directory relative to the root. The loader reads it to
//! find remote modules and to tell when the configuration no longer matches what was installed.

use crate::source::{Source, SourceError};
use crate::version::{Version, VersionConstraints, VersionError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where installed modules go, relative to the root module directory.
pub const MODULES_DIR: &str = ".infra/modules";
/// The manifest, relative to the root module directory.
pub const MANIFEST_PATH: &str = ".infra/modules/modules.json";

/// The manifest could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the module manifest {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("the module manifest {} is not valid ({message}); run \"infra init\" to rebuild it", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("cannot write the module manifest {}: {error}", path.display())]
    Write { path: PathBuf, error: std::io::Error },
}

/// One installed (or local) module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    #[serde(rename = "Key")]
    pub key: String,
    /// The canonical source address ([`Source`]'s `Display`), or the local path as written.
    #[serde(rename = "Source")]
    pub source: String,
    /// The selected version, for registry modules.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The module's directory relative to the root module, with `/` separators.
    #[serde(rename = "Dir")]
    pub dir: String,
}

/// The installed modules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(rename = "Modules")]
    pub modules: Vec<Record>,
}

/// How the configuration and the manifest disagree about one module call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("This module is not yet installed. Run \"infra init\" to install all modules required by this configuration.")]
    NotInstalled,
    #[error("The source address was changed since this module was installed (from \"{installed}\" to \"{configured}\"). Run \"infra init\" to install all modules required by this configuration.")]
    SourceChanged { installed: String, configured: String },
    #[error("The version requirements have changed since this module was installed and the installed version ({}) is no longer acceptable. Run \"infra init\" to install all modules required by this configuration.", installed.as_deref().unwrap_or("unknown"))]
    VersionChanged { installed: Option<String>, constraint: String },
    #[error("This module's local cache directory {dir} could not be read. Run \"infra init\" to install all modules required by this configuration.")]
    DirectoryMissing { dir: String },
    #[error("{0}")]
    InvalidSource(SourceError),
    #[error("{0}")]
    InvalidVersion(VersionError),
}

impl Mismatch {
    /// A diagnostic detail naming module call `key` (`vpc`, `app.sg`), saying what to run.
    pub fn detail(&self, key: &str) -> String {
        const RUN: &str =
            "Run \"infra init\" to install all modules required by this configuration.";
        match self {
            Mismatch::NotInstalled => format!("Module \"{key}\" is not yet installed. {RUN}"),
            Mismatch::SourceChanged {
                installed,
                configured,
            } => format!(
                "The source address of module \"{key}\" was changed since it was installed (from \"{installed}\" to \"{configured}\"). {RUN}"
            ),
            Mismatch::VersionChanged {
                installed,
                constraint,
            } => format!(
                "The version requirements of module \"{key}\" have changed since it was installed and the installed version ({}) does not match \"{constraint}\". {RUN}",
                installed.as_deref().unwrap_or("unknown")
            ),
            Mismatch::DirectoryMissing { dir } => format!(
                "The local cache directory {dir} of module \"{key}\" could not be read. {RUN}"
            ),
            Mismatch::InvalidSource(error) => format!("Module \"{key}\": {error}."),
            Mismatch::InvalidVersion(error) => format!("Module \"{key}\": {error}."),
        }
    }

    /// A diagnostic summary in Terraform's words.
    pub fn summary(&self) -> &'static str {
        match self {
            Mismatch::NotInstalled | Mismatch::DirectoryMissing { .. } => "Module not installed",
            Mismatch::SourceChanged { .. } => "Module source has changed",
            Mismatch::VersionChanged { .. } => "Module version requirements have changed",
            Mismatch::InvalidSource(SourceError::VersionNeedsRegistry { .. }) => {
                "Invalid registry module source address"
            }
            Mismatch::InvalidSource(_) => "Invalid module source address",
            Mismatch::InvalidVersion(_) => "Invalid version constraint",
        }
    }
}

impl Manifest {
    /// Reads `ROOT/.infra/modules/modules.json`; an absent file is an empty manifest.
    pub fn load(root: &Path) -> Result<Manifest, ManifestError> {
        let path = root.join(MANIFEST_PATH);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Manifest::default())
            }
            Err(error) => return Err(ManifestError::Read { path, error }),
        };
        serde_json::from_str(&text)
            .map_err(|error| ManifestError::Invalid { path, message: error.to_string() })
    }

    /// Writes `ROOT/.infra/modules/modules.json`, records sorted by key.
    pub fn save(&self, root: &Path) -> Result<(), ManifestError> {
        let path = root.join(MANIFEST_PATH);
        let write_error = |error| ManifestError::Write { path: path.clone(), error };
        let mut sorted = self.clone();
        sorted.modules.sort_by(|a, b| a.key.cmp(&b.key));
        let text = serde_json::to_string(&sorted).map_err(|error| ManifestError::Invalid {
            path: path.clone(),
            message: error.to_string(),
        })?;
        std::fs::create_dir_all(root.join(MODULES_DIR)).map_err(write_error)?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, text).map_err(write_error)?;
        std::fs::rename(&temporary, &path).map_err(write_error)
    }

    pub fn get(&self, key: &str) -> Option<&Record> {
        self.modules.iter().find(|record| record.key == key)
    }

    /// Adds `record`, replacing any with the same key.
    pub fn insert(&mut self, record: Record) {
        self.modules.retain(|r| r.key != record.key);
        self.modules.push(record);
    }

    /// The installed module for call `key` if it still matches the configuration (`source` and
    /// `version` as written in the `module` block), with its directory under `root`.
    pub fn check(
        &self,
        root: &Path,
        key: &str,
        source: &str,
        version: Option<&str>,
    ) -> Result<(&Record, PathBuf), Mismatch> {
        let parsed = match version {
            Some(_) => Source::parse_with_version(source),
            None => Source::parse(source),
        }
        .map_err(Mismatch::InvalidSource)?;
        let constraints =
            version.map(VersionConstraints::parse).transpose().map_err(Mismatch::InvalidVersion)?;
        let record = self.get(key).ok_or(Mismatch::NotInstalled)?;
        let configured = parsed.to_string();
        if record.source != configured {
            return Err(Mismatch::SourceChanged { installed: record.source.clone(), configured });
        }
        if let Some(constraints) = &constraints {
            let installed = record.version.as_deref().and_then(|v| Version::parse(v).ok());
            if !installed.is_some_and(|v| constraints.allows(&v)) {
                return Err(Mismatch::VersionChanged {
                    installed: record.version.clone(),
                    constraint: constraints.original().to_string(),
                });
            }
        }
        let dir = root.join(&record.dir);
        if !dir.is_dir() {
            return Err(Mismatch::DirectoryMissing { dir: record.dir.clone() });
        }
        Ok((record, dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            modules: vec![Record {
                key: "vpc".into(),
                source: "registry.test/acme/vpc/aws".into(),
                version: Some("6.0.1".into()),
                dir: ".infra/modules/vpc".into(),
            }],
        }
    }

    #[test]
    fn round_trips_in_terraforms_shape() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = manifest();
        manifest.insert(Record {
            key: String::new(),
            source: String::new(),
            version: None,
            dir: ".".into(),
        });
        manifest.save(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(MANIFEST_PATH)).unwrap();
        assert_eq!(
            text,
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.test/acme/vpc/aws","Version":"6.0.1","Dir":".infra/modules/vpc"}]}"#
        );
        let loaded = Manifest::load(dir.path()).unwrap();
        assert_eq!(loaded.get("vpc"), manifest.get("vpc"));
        assert_eq!(Manifest::load(&dir.path().join("nowhere")).unwrap(), Manifest::default());
    }

    #[test]
    fn check_reports_each_kind_of_mismatch() {
        let root = tempfile::tempdir().unwrap();
        let manifest = manifest();
        let check = |key: &str, source: &str, version: Option<&str>| {
            manifest.check(root.path(), key, source, version).map(|_| ())
        };
        assert_eq!(check("other", "registry.test/acme/vpc/aws", None), Err(Mismatch::NotInstalled));
        assert!(matches!(
            check("vpc", "registry.test/acme/subnets/aws", None),
            Err(Mismatch::SourceChanged { .. })
        ));
        let error = check("vpc", "registry.test/acme/vpc/aws", Some("~> 7.0")).unwrap_err();
        assert_eq!(error.summary(), "Module version requirements have changed");
        assert!(error.to_string().contains("(6.0.1)"), "{error}");
        assert!(matches!(
            check("vpc", "Registry.Test/acme/vpc/aws", Some("~> 6.0")),
            Err(Mismatch::DirectoryMissing { .. })
        ));
        std::fs::create_dir_all(root.path().join(".infra/modules/vpc")).unwrap();
        assert_eq!(check("vpc", "Registry.Test/acme/vpc/aws", Some("~> 6.0")), Ok(()));
        assert_eq!(
            check("vpc", "./x", Some("1.0")).unwrap_err().summary(),
            "Invalid registry module source address"
        );
    }
}

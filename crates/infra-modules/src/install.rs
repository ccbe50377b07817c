//! `infra init`'s module installation: reads the `module` blocks of the root module's `*.tf`
//! files (their literal `source` and `version`; those written as expressions are given
//! evaluated, by infra-config), installs every remote module into
//! `.infra/modules/<key>/`, recurses into installed and local child modules, and writes the
//! manifest. Without `upgrade`, a module whose record still matches its call is kept without
//! asking the network; with it, every remote module is resolved and fetched again.

use crate::cli_config::CliConfig;
use crate::fetch::{self, join_subdirs, FetchError};
use crate::http::Http;
use crate::manifest::{Manifest, ManifestError, Record, MODULES_DIR};
use crate::registry::{RegistryClient, RegistryError};
use crate::source::{Source, SourceError};
use crate::version::{newest_release, VersionConstraints, VersionError};
use std::path::{Path, PathBuf};

/// How `install` treats modules that are already installed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstallOptions {
    /// Resolve and fetch every remote module again, selecting the newest acceptable version
    /// (`infra init -upgrade`).
    pub upgrade: bool,
}

/// Why installation stopped. Each names the module call (its key) and the offending value.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("cannot read the module directory {}: {error}", path.display())]
    ReadDir { path: PathBuf, error: std::io::Error },
    #[error("{}: {message}", file.display())]
    Parse { file: PathBuf, message: String },
    #[error("module \"{key}\" ({}): {message}", file.display())]
    Call { key: String, file: PathBuf, message: String },
    #[error("module \"{key}\": {error}")]
    Source { key: String, error: SourceError },
    #[error("module \"{key}\": {error}")]
    Version { key: String, error: VersionError },
    #[error("module \"{key}\": {error}")]
    Registry { key: String, error: RegistryError },
    #[error("module \"{key}\": there is no available version of {module} that matches the version constraint \"{constraint}\"; available versions: {}", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    NoMatchingVersion { key: String, module: String, constraint: String, available: Vec<String> },
    #[error(
        "module \"{key}\": the registry's download location \"{location}\" cannot be used: {error}"
    )]
    Location { key: String, location: String, error: SourceError },
    #[error("module \"{key}\": failed to download \"{address}\": {error}")]
    Fetch { key: String, address: String, error: Box<FetchError> },
    #[error("module \"{key}\": the local module directory \"{dir}\" does not exist")]
    LocalMissing { key: String, dir: String },
    #[error("module \"{key}\": the local path \"{path}\" leads outside of its module package \"{package}\"")]
    LocalEscapesPackage { key: String, path: String, package: String },
    #[error("module \"{key}\" calls itself (through {dir})")]
    Cycle { key: String, dir: String },
    #[error("module \"{key}\": cannot write {}: {error}", path.display())]
    Write { key: String, path: PathBuf, error: std::io::Error },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

/// One `module` block as `install` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleCall {
    pub name: String,
    /// The `source` and `version` when both are literal strings; None when either is an
    /// expression (Terraform 1.15), whose value `install` is given evaluated.
    pub literal: Option<ModuleSource>,
    /// The file the block is in.
    pub file: PathBuf,
}

/// A module call's `source` and `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSource {
    pub source: String,
    pub version: Option<String>,
}

/// The `source` and `version` of module calls that write them as expressions, evaluated, by
/// the call's key (`vpc`, `app.db`).
pub type ModuleSources = std::collections::BTreeMap<String, ModuleSource>;

/// The `module` blocks of `dir/*.tf`, sorted by name. A block without a `source` is an
/// error.
pub fn module_calls(dir: &Path) -> Result<Vec<ModuleCall>, InstallError> {
    use hcl_edit::structure::Structure;
    let entries = std::fs::read_dir(dir)
        .map_err(|error| InstallError::ReadDir { path: dir.to_path_buf(), error })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    let mut calls = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|error| InstallError::ReadDir { path: file.clone(), error })?;
        let body = infra_hcl::parse_body(&text).map_err(|error| InstallError::Parse {
            file: file.clone(),
            message: crate::cli_config::located_message(&error),
        })?;
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            if block.ident.value().as_str() != "module" || block.labels.len() != 1 {
                continue;
            }
            let name = block.labels[0].as_str().to_string();
            let call_error = |message: &str| InstallError::Call {
                key: name.clone(),
                file: file.clone(),
                message: message.to_string(),
            };
            let Some(source) = block.body.get_attribute("source") else {
                return Err(call_error("the \"source\" argument is required"));
            };
            let version = block.body.get_attribute("version").map(|v| v.value.as_str());
            let literal = match (source.value.as_str(), version) {
                (Some(source), None) => {
                    Some(ModuleSource { source: source.to_string(), version: None })
                }
                (Some(source), Some(Some(version))) => Some(ModuleSource {
                    source: source.to_string(),
                    version: Some(version.to_string()),
                }),
                _ => None,
            };
            calls.push(ModuleCall { name, literal, file: file.clone() });
        }
    }
    calls.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(calls)
}

/// Installs the modules `root`'s configuration calls and writes
/// `root/.infra/modules/modules.json`. `progress` gets one line per step, in Terraform's words
/// (`Downloading registry.test/acme/vpc/aws 6.0.1 for vpc...`, `- vpc in .infra/modules/vpc`).
/// A call whose `source` or `version` is an expression is installed with its value in
/// `evaluated`, and passed over while it has none.
/// When it fails, the manifest still records what is installed.
pub fn install(
    root: &Path,
    options: InstallOptions,
    cli_config: &CliConfig,
    evaluated: &ModuleSources,
    progress: &mut dyn FnMut(String),
) -> Result<Manifest, InstallError> {
    let previous = Manifest::load(root)?;
    let http = Http::new();
    let mut installer = Installer {
        root,
        options,
        evaluated,
        http: &http,
        registry: RegistryClient::new(&http, cli_config),
        previous: &previous,
        installed: Manifest::default(),
        progress,
        stack: Vec::new(),
    };
    installer.installed.insert(Record {
        key: String::new(),
        source: String::new(),
        version: None,
        dir: ".".into(),
    });
    let result = installer.walk(".", "", None);
    let mut installed = installer.installed;
    match result {
        Ok(()) => {
            installed.save(root)?;
            installed.modules.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(installed)
        }
        Err(error) => {
            // Keep what is still installed: the old records, updated by this run's.
            let mut merged = previous.clone();
            for record in installed.modules {
                merged.insert(record);
            }
            let _ = merged.save(root);
            Err(error)
        }
    }
}

struct Installer<'a, 'p> {
    root: &'a Path,
    options: InstallOptions,
    evaluated: &'a ModuleSources,
    http: &'a Http,
    registry: RegistryClient<'a>,
    previous: &'a Manifest,
    installed: Manifest,
    progress: &'p mut dyn FnMut(String),
    stack: Vec<PathBuf>,
}

/// Joins a relative path onto a `/`-separated directory relative to the root, lexically.
fn join_relative(dir: &str, path: &str) -> String {
    let mut parts: Vec<String> =
        dir.split('/').filter(|p| !p.is_empty() && *p != ".").map(str::to_string).collect();
    for part in path.replace('\\', "/").split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            other => parts.push(other.to_string()),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

fn package_dir(key: &str) -> String {
    format!("{MODULES_DIR}/{key}")
}

impl Installer<'_, '_> {
    fn absolute(&self, relative: &str) -> PathBuf {
        if relative == "." {
            self.root.to_path_buf()
        } else {
            self.root.join(relative)
        }
    }

    /// Installs the calls of the module in `dir` (relative to the root) whose key is `prefix`,
    /// inside the remote package at `package` (relative to the root), if any.
    fn walk(&mut self, dir: &str, prefix: &str, package: Option<&str>) -> Result<(), InstallError> {
        let absolute = self.absolute(dir);
        let canonical = absolute.canonicalize().unwrap_or_else(|_| absolute.clone());
        if self.stack.contains(&canonical) {
            return Err(InstallError::Cycle { key: prefix.to_string(), dir: dir.to_string() });
        }
        self.stack.push(canonical);
        let result = self.walk_calls(dir, prefix, package, &absolute);
        self.stack.pop();
        result
    }

    fn walk_calls(
        &mut self,
        dir: &str,
        prefix: &str,
        package: Option<&str>,
        absolute: &Path,
    ) -> Result<(), InstallError> {
        let evaluated = self.evaluated;
        for call in module_calls(absolute)? {
            let key = if prefix.is_empty() {
                call.name.clone()
            } else {
                format!("{prefix}.{}", call.name)
            };
            // A source written as an expression is installed once it has been evaluated.
            let Some(call_source) = call.literal.as_ref().or(evaluated.get(&key)) else {
                continue;
            };
            let source = match &call_source.version {
                Some(_) => Source::parse_with_version(&call_source.source),
                None => Source::parse(&call_source.source),
            }
            .map_err(|error| InstallError::Source { key: key.clone(), error })?;
            let constraints = call_source
                .version
                .as_deref()
                .map(VersionConstraints::parse)
                .transpose()
                .map_err(|error| InstallError::Version { key: key.clone(), error })?;
            if let Source::Local(path) = &source {
                let child = join_relative(dir, path);
                if let Some(package) = package {
                    if child != package && !child.starts_with(&format!("{package}/")) {
                        return Err(InstallError::LocalEscapesPackage {
                            key,
                            path: path.clone(),
                            package: package.to_string(),
                        });
                    }
                }
                if !self.absolute(&child).is_dir() {
                    return Err(InstallError::LocalMissing { key, dir: child });
                }
                (self.progress)(format!("- {key} in {child}"));
                self.installed.insert(Record {
                    key: key.clone(),
                    source: path.clone(),
                    version: None,
                    dir: child.clone(),
                });
                self.walk(&child, &key, package)?;
                continue;
            }
            let kept = if self.options.upgrade {
                None
            } else {
                self.previous
                    .check(self.root, &key, &call_source.source, call_source.version.as_deref())
                    .ok()
                    .map(|(record, _)| record.clone())
            };
            let record = match kept {
                Some(record) => record,
                None => self.install_remote(&key, &source, constraints.as_ref())?,
            };
            let child = record.dir.clone();
            self.installed.insert(record);
            let package = package_dir(&key);
            self.walk(&child, &key, Some(&package))?;
        }
        Ok(())
    }

    fn install_remote(
        &mut self,
        key: &str,
        source: &Source,
        constraints: Option<&VersionConstraints>,
    ) -> Result<Record, InstallError> {
        let modules_dir = self.root.join(MODULES_DIR);
        let write_error = |path: &Path| {
            let path = path.to_path_buf();
            let key = key.to_string();
            move |error| InstallError::Write { key, path, error }
        };
        std::fs::create_dir_all(&modules_dir).map_err(write_error(&modules_dir))?;
        let download = tempfile::Builder::new()
            .prefix(".download-")
            .tempdir_in(&modules_dir)
            .map_err(write_error(&modules_dir))?;
        let fetch_error = |address: &Source| {
            let key = key.to_string();
            let address = address.to_string();
            move |error| InstallError::Fetch { key, address, error: Box::new(error) }
        };
        let (version, subdir) = match source {
            Source::Registry(registry) => {
                let registry_error = |error| InstallError::Registry { key: key.to_string(), error };
                let available = self.registry.versions(registry).map_err(registry_error)?;
                let selected = match constraints {
                    Some(constraints) => constraints.newest(&available),
                    None => newest_release(&available),
                };
                let Some(selected) = selected.cloned() else {
                    let mut shown = available.clone();
                    shown.sort();
                    return Err(InstallError::NoMatchingVersion {
                        key: key.to_string(),
                        module: registry.package(),
                        constraint: constraints
                            .map(|c| c.original().to_string())
                            .unwrap_or_else(|| "(none; prereleases need an exact version)".into()),
                        available: shown.iter().map(ToString::to_string).collect(),
                    });
                };
                (self.progress)(format!("Downloading {registry} {selected} for {key}..."));
                let location =
                    self.registry.download_location(registry, &selected).map_err(registry_error)?;
                let real = Source::parse_download_location(&location).map_err(|error| {
                    InstallError::Location {
                        key: key.to_string(),
                        location: location.clone(),
                        error,
                    }
                })?;
                let extra =
                    fetch::fetch(&real, self.http, download.path()).map_err(fetch_error(source))?;
                let outer = join_subdirs(real.subdir(), registry.subdir.as_deref());
                (Some(selected.to_string()), join_subdirs(extra.as_deref(), outer.as_deref()))
            }
            Source::Git(_) | Source::Http(_) => {
                (self.progress)(format!("Downloading {source} for {key}..."));
                let extra = fetch::fetch(source, self.http, download.path())
                    .map_err(fetch_error(source))?;
                (None, join_subdirs(extra.as_deref(), source.subdir()))
            }
            Source::Local(_) => unreachable_local(key, source)?,
        };
        let selected = fetch::select_subdir(download.path(), subdir.as_deref())
            .map_err(fetch_error(source))?;
        let inside = selected
            .strip_prefix(download.path())
            .unwrap_or(Path::new(""))
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let package = package_dir(key);
        let target = self.root.join(&package);
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(write_error(&target))?;
        }
        let downloaded = download.keep();
        if let Err(error) = std::fs::rename(&downloaded, &target) {
            let _ = std::fs::remove_dir_all(&downloaded);
            return Err(write_error(&target)(error));
        }
        let dir = if inside.is_empty() { package } else { format!("{package}/{inside}") };
        (self.progress)(format!("- {key} in {dir}"));
        Ok(Record { key: key.to_string(), source: source.to_string(), version, dir })
    }
}

/// Local sources never reach `install_remote`; an error rather than a panic if one does.
fn unreachable_local<T>(key: &str, source: &Source) -> Result<T, InstallError> {
    Err(InstallError::Source {
        key: key.to_string(),
        error: SourceError::Invalid {
            address: source.to_string(),
            reason: "a local path has nothing to download".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths_lexically() {
        assert_eq!(join_relative(".", "./modules/vpc"), "modules/vpc");
        assert_eq!(join_relative(".", "../shared"), "../shared");
        assert_eq!(join_relative("a/b", "../c"), "a/c");
        assert_eq!(
            join_relative(".infra/modules/app", "./modules/sg"),
            ".infra/modules/app/modules/sg"
        );
        assert_eq!(join_relative(".infra/modules/app", "../../x"), ".infra/x");
        assert_eq!(join_relative("a", ".."), ".");
    }

    #[test]
    fn reads_module_calls() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            r#"
module "vpc" {
  source  = "registry.test/acme/vpc/aws"
  version = "~> 6.0"
  cidr    = "10.0.0.0/16"
}
module "app" {
  source = "./app"
}
resource "aws_vpc" "x" {}
"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("README.md"), "module \"x\" {").unwrap();
        let calls = module_calls(dir.path()).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "app");
        let vpc = calls[1].literal.as_ref().unwrap();
        assert_eq!(vpc.version.as_deref(), Some("~> 6.0"));
    }

    #[test]
    fn module_calls_whose_arguments_repeat_an_object_key_are_read() {
        // terraform-aws-modules/alb's complete example writes `port = 80` twice in one
        // target group; Terraform takes the last one, and init must not refuse the file.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            "module \"alb\" {\n  source = \"./alb\"\n  groups = { a = { port = 80, port = 81 } }\n}\n",
        )
        .unwrap();
        let calls = module_calls(dir.path()).unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "alb");
    }

    #[test]
    fn sources_written_as_expressions_wait_for_their_values() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("networks/east")).unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            "module \"vpc\" {\n  source = \"./networks/${var.where}\"\n}\n",
        )
        .unwrap();
        let calls = module_calls(dir.path()).unwrap();
        assert_eq!(calls[0].literal, None);
        let mut lines = Vec::new();
        let none = ModuleSources::new();
        install(dir.path(), InstallOptions::default(), &CliConfig::new(), &none, &mut |line| {
            lines.push(line)
        })
        .unwrap();
        assert!(lines.is_empty(), "{lines:?}");
        let evaluated = ModuleSources::from([(
            "vpc".to_string(),
            ModuleSource { source: "./networks/east".into(), version: None },
        )]);
        let manifest = install(
            dir.path(),
            InstallOptions::default(),
            &CliConfig::new(),
            &evaluated,
            &mut |line| lines.push(line),
        )
        .unwrap();
        assert_eq!(lines, ["- vpc in networks/east"]);
        assert_eq!(manifest.get("vpc").unwrap().dir, "networks/east");
        std::fs::write(dir.path().join("main.tf"), "module \"vpc\" {\n").unwrap();
        assert!(matches!(module_calls(dir.path()), Err(InstallError::Parse { .. })));
    }

    #[test]
    fn local_only_configurations_install_without_network() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app/net")).unwrap();
        std::fs::write(dir.path().join("main.tf"), "module \"app\" {\n  source = \"./app\"\n}\n")
            .unwrap();
        std::fs::write(
            dir.path().join("app/main.tf"),
            "module \"net\" {\n  source = \"./net\"\n}\n",
        )
        .unwrap();
        let mut lines = Vec::new();
        let manifest = install(
            dir.path(),
            InstallOptions::default(),
            &CliConfig::new(),
            &ModuleSources::new(),
            &mut |line| lines.push(line),
        )
        .unwrap();
        assert_eq!(lines, ["- app in app", "- app.net in app/net"]);
        assert_eq!(manifest.get("app.net").unwrap().dir, "app/net");
        assert_eq!(Manifest::load(dir.path()).unwrap(), manifest);
    }

    #[test]
    fn a_version_on_a_local_module_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            "module \"app\" {\n  source  = \"./app\"\n  version = \"1.0.0\"\n}\n",
        )
        .unwrap();
        let error = install(
            dir.path(),
            InstallOptions::default(),
            &CliConfig::new(),
            &ModuleSources::new(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(
            error,
            InstallError::Source { error: SourceError::VersionNeedsRegistry { .. }, .. }
        ));
        assert!(error.to_string().contains("\"./app\""), "{error}");
    }
}

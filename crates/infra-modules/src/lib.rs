//! Module sources: where a `module` block's code comes from (local paths, the module registry
//! protocol, git, HTTP archives), how `infra init` installs remote ones into `.infra/modules/`
//! with a manifest, and how the loader finds them again. It does not parse or evaluate the
//! modules themselves.
//!
//! The CLI calls [`CliConfig::load`] then [`install`]; the loader calls [`Manifest::load`] and
//! [`Manifest::check`] for each non-local module call.

pub mod archive;
pub mod cli_config;
pub mod fetch;
pub mod http;
pub mod install;
pub mod manifest;
pub mod registry;
pub mod source;
mod url;
pub mod version;

pub use cli_config::{CliConfig, CliConfigError};
pub use install::{
    install, module_calls, InstallError, InstallOptions, ModuleCall, ModuleSource, ModuleSources,
};
pub use manifest::{Manifest, ManifestError, Mismatch, Record, MANIFEST_PATH, MODULES_DIR};
pub use registry::{RegistryClient, RegistryError};
pub use source::{ArchiveFormat, GitSource, HttpSource, RegistrySource, Source, SourceError};
pub use version::{Version, VersionConstraints, VersionError};

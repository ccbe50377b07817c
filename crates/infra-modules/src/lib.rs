//! Module sources: where a `module` block's code comes from (local paths, the module registry
//! protocol, git, HTTP archives), how `infra init` installs remote ones into `.infra/modules/`
//! with a manifest, and how the loader finds them again. It does not parse or evaluate the
//! modules themselves.

pub mod source;
mod url;
pub mod version;

pub use source::{ArchiveFormat, GitSource, HttpSource, RegistrySource, Source, SourceError};
pub use version::{Version, VersionConstraints, VersionError};

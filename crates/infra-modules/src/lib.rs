//! Module sources: where a `module` block's code comes from (local paths, the module registry
//! protocol, git, HTTP archives), how `infra init` installs remote ones into `.infra/modules/`
//! with a manifest, and how the loader finds them again. It does not parse or evaluate the
//! modules themselves.

//! The `archive` provider: the `archive_file` data source, which zips files or content
//! deterministically, and the glob patterns its `excludes` take.

pub mod data_archive_file;
pub mod glob;

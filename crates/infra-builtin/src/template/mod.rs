//! The (deprecated) `template` provider: the `template_file` data source, rendered with the
//! same template engine as `templatefile()`.

pub mod data_template_file;

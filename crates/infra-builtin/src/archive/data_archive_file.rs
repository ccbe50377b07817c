//! The `archive_file` data source: zips one file (`source_file`), a directory (`source_dir`,
//! less `excludes`, following symbolic links unless `exclude_symlink_directories`), one text
//! (`source_content` named `source_content_filename`) or several (`source { content, filename }`
//! blocks) into `output_path`, and exports the archive's size and checksums; the `id` is its
//! SHA-1.
//!
//! The archive is deterministic, so that the same input gives byte-identical output and a
//! stable `output_base64sha256` (the usual input to a Lambda's `source_code_hash`): entries in
//! a fixed order (a directory in the provider's walk order, by name within each directory;
//! `source` blocks sorted by filename), every modification time 1980-01-01 00:00 (the earliest
//! a zip can hold; the provider writes Go's zero time), and fixed modes: `output_file_mode` for
//! every entry when set, else the file's own permission bits for files and 0644 for content.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use infra_core::{Attribute, Block, DataSourceType, ProviderError, Schema, Type, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime};

use crate::archive::glob;
use crate::digest::Checksums;
use crate::support::{flag, number, object_of, text};

const NAME: &str = "archive_file";

/// The mode of an entry made from content rather than a file, when no `output_file_mode`.
const CONTENT_MODE: u32 = 0o644;

pub struct DataArchiveFile {
    schema: Schema,
}

impl DataArchiveFile {
    pub fn new() -> DataArchiveFile {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("type", Type::String))
            .attr(Attribute::optional("source_content", Type::String))
            .attr(Attribute::optional("source_content_filename", Type::String))
            .attr(Attribute::optional("source_file", Type::String))
            .attr(Attribute::optional("source_dir", Type::String))
            .attr(Attribute::optional("excludes", Type::set(Type::String)))
            .attr(Attribute::optional("exclude_symlink_directories", Type::Bool))
            .attr(Attribute::required("output_path", Type::String))
            .attr(Attribute::optional("output_file_mode", Type::String))
            .attr(Attribute::computed("output_size", Type::Number));
        for name in [
            "output_sha",
            "output_sha256",
            "output_base64sha256",
            "output_sha512",
            "output_base64sha512",
            "output_md5",
        ] {
            schema = schema.attr(Attribute::computed(name, Type::String));
        }
        let source = Schema::new()
            .attr(Attribute::required("content", Type::String))
            .attr(Attribute::required("filename", Type::String));
        DataArchiveFile { schema: schema.block(Block::set("source", source)) }
    }
}

impl Default for DataArchiveFile {
    fn default() -> DataArchiveFile {
        DataArchiveFile::new()
    }
}

/// One file in the archive.
struct Entry {
    name: String,
    content: Vec<u8>,
    mode: u32,
}

fn error(message: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(format!("data.{NAME}: {message}"))
}

/// `output_file_mode` as Go's `strconv.ParseUint(text, 0, 32)` reads it: `0x`, `0o`, `0b`
/// prefixes, a leading `0` for octal, else decimal.
fn parse_mode(text: &str) -> Result<u32, ProviderError> {
    let cleaned = text.replace('_', "");
    let lower = cleaned.to_ascii_lowercase();
    let parsed = if let Some(hex) = lower.strip_prefix("0x") {
        u32::from_str_radix(hex, 16)
    } else if let Some(octal) = lower.strip_prefix("0o") {
        u32::from_str_radix(octal, 8)
    } else if let Some(binary) = lower.strip_prefix("0b") {
        u32::from_str_radix(binary, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        u32::from_str_radix(&lower[1..], 8)
    } else {
        lower.parse()
    };
    parsed.map_err(|_| error(format!("error parsing output_file_mode value: {text}")))
}

/// The permission bits of a file, as the zip records them.
fn file_mode(metadata: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        CONTENT_MODE
    }
}

/// What to archive, read from the configuration: exactly one kind of source.
enum Source {
    File(String),
    Directory(String),
    Content { filename: String, content: String },
    Blocks(BTreeMap<String, String>),
}

fn source_of(config: &Value) -> Result<Source, ProviderError> {
    let blocks: BTreeMap<String, String> = config
        .get("source")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|block| {
            let filename = text(block, "filename")
                .ok_or_else(|| error("a source block needs a known \"filename\""))?;
            let content = text(block, "content")
                .ok_or_else(|| error("a source block needs a known \"content\""))?;
            Ok((filename, content))
        })
        .collect::<Result<_, ProviderError>>()?;
    let content_filename = text(config, "source_content_filename");
    let content = text(config, "source_content");
    let mut kinds = Vec::new();
    if let Some(file) = text(config, "source_file") {
        kinds.push(Source::File(file));
    }
    if let Some(directory) = text(config, "source_dir") {
        kinds.push(Source::Directory(directory));
    }
    match (content_filename, content) {
        (Some(filename), Some(content)) => kinds.push(Source::Content { filename, content }),
        (None, None) => {}
        (Some(_), None) => {
            return Err(error("source_content_filename is set but source_content is not"))
        }
        (None, Some(_)) => {
            return Err(error("source_content is set but source_content_filename is not"))
        }
    }
    if !blocks.is_empty() {
        kinds.push(Source::Blocks(blocks));
    }
    if kinds.len() != 1 {
        return Err(error(
            "One and only one of source, source_content_filename (with source_content), \
             source_file, or source_dir must be specified",
        ));
    }
    kinds.pop().ok_or_else(|| error("nothing to archive"))
}

/// Walks `directory` in the provider's order (entries by name within each directory, each
/// directory's content before the next name), adding every file not excluded.
struct DirectoryWalk<'a> {
    excludes: &'a [String],
    exclude_symlink_directories: bool,
    mode_override: Option<u32>,
    entries: Vec<Entry>,
    /// Canonical directories on the current path, so a symbolic link loop ends with an error.
    ancestors: Vec<PathBuf>,
}

impl DirectoryWalk<'_> {
    fn excluded(&self, archive_path: &str) -> bool {
        self.excludes
            .iter()
            .filter(|pattern| !pattern.is_empty())
            .any(|pattern| glob::matches(pattern, archive_path))
    }

    fn walk(&mut self, directory: &Path, prefix: &str) -> Result<(), ProviderError> {
        let canonical = directory
            .canonicalize()
            .map_err(|e| error(format!("reading {}: {e}", directory.display())))?;
        if self.ancestors.contains(&canonical) {
            return Err(error(format!(
                "symbolic link loop at {} while archiving",
                directory.display()
            )));
        }
        self.ancestors.push(canonical);
        let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(directory)
            .map_err(|e| error(format!("error encountered during file walk: {e}")))?
            .map(|entry| {
                entry
                    .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
                    .map_err(|e| error(format!("error encountered during file walk: {e}")))
            })
            .collect::<Result<_, _>>()?;
        names.sort();
        for (name, path) in names {
            let archive_path = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let metadata = std::fs::symlink_metadata(&path)
                .map_err(|e| error(format!("reading {}: {e}", path.display())))?;
            if self.excluded(&archive_path) {
                continue;
            }
            if metadata.is_dir() {
                self.walk(&path, &archive_path)?;
                continue;
            }
            let target = if metadata.file_type().is_symlink() {
                let target = std::fs::metadata(&path)
                    .map_err(|e| error(format!("following {}: {e}", path.display())))?;
                if target.is_dir() {
                    if !self.exclude_symlink_directories {
                        self.walk(&path, &archive_path)?;
                    }
                    continue;
                }
                target
            } else {
                metadata
            };
            let content = std::fs::read(&path)
                .map_err(|e| error(format!("error reading file for archival: {e}")))?;
            self.entries.push(Entry {
                name: archive_path,
                content,
                mode: self.mode_override.unwrap_or_else(|| file_mode(&target)),
            });
        }
        self.ancestors.pop();
        Ok(())
    }
}

/// The entries to archive, in archive order.
fn entries_of(config: &Value, mode_override: Option<u32>) -> Result<Vec<Entry>, ProviderError> {
    let content_mode = mode_override.unwrap_or(CONTENT_MODE);
    match source_of(config)? {
        Source::File(file) => {
            let metadata = std::fs::metadata(&file).map_err(|e| {
                error(format!("error archiving file: could not archive missing file: {file} ({e})"))
            })?;
            let content = std::fs::read(&file)
                .map_err(|e| error(format!("error archiving file {file}: {e}")))?;
            let name = Path::new(&file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| error(format!("error archiving file: {file} names no file")))?;
            Ok(vec![Entry {
                name,
                content,
                mode: mode_override.unwrap_or_else(|| file_mode(&metadata)),
            }])
        }
        Source::Directory(directory) => {
            let path = Path::new(&directory);
            match std::fs::metadata(path) {
                Ok(metadata) if metadata.is_dir() => {}
                Ok(_) => {
                    return Err(error(format!(
                        "error archiving directory: could not archive directory that is a \
                         file: {directory}"
                    )))
                }
                Err(_) => {
                    return Err(error(format!(
                        "error archiving directory: could not archive missing directory: \
                         {directory}"
                    )))
                }
            }
            let excludes: Vec<String> = config
                .get("excludes")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let mut walk = DirectoryWalk {
                excludes: &excludes,
                exclude_symlink_directories: flag(config, "exclude_symlink_directories")
                    .unwrap_or(false),
                mode_override,
                entries: Vec::new(),
                ancestors: Vec::new(),
            };
            walk.walk(path, "")?;
            if walk.entries.is_empty() {
                return Err(error(
                    "error archiving directory: archive has not been created as it would be empty",
                ));
            }
            Ok(walk.entries)
        }
        Source::Content { filename, content } => {
            Ok(vec![Entry { name: filename, content: content.into_bytes(), mode: content_mode }])
        }
        Source::Blocks(blocks) => Ok(blocks
            .into_iter()
            .map(|(name, content)| Entry {
                name,
                content: content.into_bytes(),
                mode: content_mode,
            })
            .collect()),
    }
}

/// The zip of these entries: deflated, in the given order, all dated 1980-01-01.
fn zip_bytes(entries: &[Entry]) -> Result<Vec<u8>, ProviderError> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(entry.mode);
        writer
            .start_file(entry.name.replace('\\', "/"), options)
            .map_err(|e| error(format!("error creating file inside archive: {e}")))?;
        writer
            .write_all(&entry.content)
            .map_err(|e| error(format!("error writing {} into the archive: {e}", entry.name)))?;
    }
    let cursor = writer.finish().map_err(|e| error(format!("error finishing the archive: {e}")))?;
    Ok(cursor.into_inner())
}

/// Writes the archive, creating the output directory (0755) if needed.
fn write_output(output_path: &str, bytes: &[u8]) -> Result<(), ProviderError> {
    let path = Path::new(output_path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
            builder
                .create(parent)
                .map_err(|e| error(format!("error creating output path: {e}")))?;
        }
    }
    std::fs::write(path, bytes).map_err(|e| error(format!("error creating archive: {e}")))
}

#[async_trait::async_trait]
impl DataSourceType for DataArchiveFile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        match text(config, "type").as_deref() {
            Some("zip") => {}
            Some("tar.gz") => {
                return Err(error(
                    "archive type \"tar.gz\" is not supported by infra yet; use \"zip\"",
                ))
            }
            other => {
                return Err(error(format!(
                    "archive type not supported: {}",
                    other.unwrap_or("(none)")
                )))
            }
        }
        let output_path =
            text(config, "output_path").ok_or_else(|| error("needs a known \"output_path\""))?;
        let mode_override = text(config, "output_file_mode")
            .filter(|m| !m.is_empty())
            .map(|m| parse_mode(&m))
            .transpose()?;
        let entries = entries_of(config, mode_override)?;
        let bytes = zip_bytes(&entries)?;
        write_output(&output_path, &bytes)?;

        let sums = Checksums::of(&bytes);
        let mut object = object_of(config);
        object.insert("output_size".into(), number(bytes.len() as i64));
        for (key, value) in [
            ("output_md5", sums.md5_hex),
            ("output_sha", sums.sha1_hex.clone()),
            ("output_sha256", sums.sha256_hex),
            ("output_base64sha256", sums.sha256_base64),
            ("output_sha512", sums.sha512_hex),
            ("output_base64sha512", sums.sha512_base64),
            ("id", sums.sha1_hex),
        ] {
            object.insert(key.into(), Value::String(value));
        }
        Ok(Value::Map(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(path: &Path) -> Vec<(String, Vec<u8>, Option<u32>)> {
        let file = std::fs::File::open(path).expect("archive exists");
        let mut archive = zip::ZipArchive::new(file).expect("a zip");
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).expect("entry");
                let name = entry.name().expect("name").into_owned();
                let modified = entry.last_modified().expect("modified");
                assert_eq!(
                    (modified.year(), modified.month(), modified.day()),
                    (1980, 1, 1),
                    "{name}"
                );
                let mode = entry.unix_mode();
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut content).expect("content");
                (name, content, mode)
            })
            .collect()
    }

    fn content_config(output: &Path, content: &str) -> Value {
        Value::map([
            ("type", Value::string("zip")),
            ("source_content", Value::string(content)),
            ("source_content_filename", Value::string("index.js")),
            ("output_path", Value::string(output.to_string_lossy())),
        ])
    }

    #[tokio::test]
    async fn same_input_gives_byte_identical_archives() {
        let directory = tempfile::tempdir().expect("temp dir");
        let first_path = directory.path().join("first.zip");
        let second_path = directory.path().join("out/second.zip");
        let data = DataArchiveFile::new();
        let first =
            data.read(&content_config(&first_path, "exports.handler = 1;")).await.expect("archive");
        let second = data
            .read(&content_config(&second_path, "exports.handler = 1;"))
            .await
            .expect("archive");
        assert_eq!(
            std::fs::read(&first_path).expect("first"),
            std::fs::read(&second_path).expect("second")
        );
        assert_eq!(first.get("output_base64sha256"), second.get("output_base64sha256"));
        assert_eq!(first.get("id"), first.get("output_sha"));
        let bytes = std::fs::read(&first_path).expect("first");
        assert_eq!(first.get("output_size"), &Value::Number(bytes.len() as f64));
        assert_eq!(first.get("output_sha256"), &Value::String(Checksums::of(&bytes).sha256_hex));
        let entries = read_back(&first_path);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, "index.js");
        assert_eq!(entries[0].1, b"exports.handler = 1;");
        assert_eq!(entries[0].2.map(|m| m & 0o777), Some(0o644));

        let changed =
            data.read(&content_config(&first_path, "exports.handler = 2;")).await.expect("archive");
        assert_ne!(changed.get("output_base64sha256"), first.get("output_base64sha256"));
        assert_ne!(changed.get("id"), first.get("id"));
    }

    #[tokio::test]
    async fn directory_with_excludes_in_walk_order() {
        let directory = tempfile::tempdir().expect("temp dir");
        let source = directory.path().join("src");
        for (path, content) in [
            ("a-c.txt", "1"),
            ("a/b.txt", "2"),
            ("a/skip.pyc", "3"),
            ("node_modules/x/y.js", "4"),
            ("z.txt", "5"),
        ] {
            let full = source.join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
            std::fs::write(full, content).expect("file");
        }
        let output = directory.path().join("dir.zip");
        let config = Value::map([
            ("type", Value::string("zip")),
            ("source_dir", Value::string(source.to_string_lossy())),
            (
                "excludes",
                Value::List(vec![Value::string("**/*.pyc"), Value::string("node_modules")]),
            ),
            ("output_path", Value::string(output.to_string_lossy())),
            ("output_file_mode", Value::string("0666")),
        ]);
        let data = DataArchiveFile::new();
        let first = data.read(&config).await.expect("archive");
        let names: Vec<String> = read_back(&output).into_iter().map(|e| e.0).collect();
        assert_eq!(names, vec!["a/b.txt", "a-c.txt", "z.txt"]);
        assert!(read_back(&output).iter().all(|e| e.2.map(|m| m & 0o777) == Some(0o666)));
        let again = data.read(&config).await.expect("archive");
        assert_eq!(first.get("output_base64sha256"), again.get("output_base64sha256"));
    }

    #[tokio::test]
    async fn source_blocks_are_sorted_and_source_file_uses_its_name() {
        let directory = tempfile::tempdir().expect("temp dir");
        let output = directory.path().join("blocks.zip");
        let block = |name: &str, content: &str| {
            Value::map([("filename", Value::string(name)), ("content", Value::string(content))])
        };
        let config = Value::map([
            ("type", Value::string("zip")),
            ("source", Value::List(vec![block("z.txt", "last"), block("a.txt", "first")])),
            ("output_path", Value::string(output.to_string_lossy())),
        ]);
        DataArchiveFile::new().read(&config).await.expect("archive");
        let entries = read_back(&output);
        assert_eq!(entries[0].0, "a.txt");
        assert_eq!(entries[1].1, b"last");

        let single = directory.path().join("nested/handler.py");
        std::fs::create_dir_all(single.parent().expect("parent")).expect("dirs");
        std::fs::write(&single, "def handler(): pass").expect("file");
        let output = directory.path().join("file.zip");
        let config = Value::map([
            ("type", Value::string("zip")),
            ("source_file", Value::string(single.to_string_lossy())),
            ("output_path", Value::string(output.to_string_lossy())),
        ]);
        DataArchiveFile::new().read(&config).await.expect("archive");
        let entries = read_back(&output);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0, "handler.py");
    }

    #[tokio::test]
    async fn one_source_kind_and_a_known_type() {
        let directory = tempfile::tempdir().expect("temp dir");
        let output = directory.path().join("x.zip");
        let data = DataArchiveFile::new();
        let mut both = content_config(&output, "x");
        if let Some(object) = both.map_mut() {
            object.insert("source_file".into(), Value::string("/etc/hostname"));
        }
        assert!(data.read(&both).await.is_err());
        let mut tar = content_config(&output, "x");
        if let Some(object) = tar.map_mut() {
            object.insert("type".into(), Value::string("tar.gz"));
        }
        assert!(data.read(&tar).await.is_err());
        let empty = directory.path().join("empty");
        std::fs::create_dir_all(&empty).expect("dir");
        let config = Value::map([
            ("type", Value::string("zip")),
            ("source_dir", Value::string(empty.to_string_lossy())),
            ("output_path", Value::string(output.to_string_lossy())),
        ]);
        let error = data.read(&config).await.expect_err("empty archive");
        assert!(error.message.contains("would be empty"), "{error}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn symlinked_directories_are_followed_unless_excluded() {
        let directory = tempfile::tempdir().expect("temp dir");
        let shared = directory.path().join("shared");
        std::fs::create_dir_all(&shared).expect("dir");
        std::fs::write(shared.join("lib.txt"), "lib").expect("file");
        let source = directory.path().join("src");
        std::fs::create_dir_all(&source).expect("dir");
        std::fs::write(source.join("main.txt"), "main").expect("file");
        std::os::unix::fs::symlink(&shared, source.join("linked")).expect("symlink");
        std::os::unix::fs::symlink(source.join("main.txt"), source.join("alias.txt"))
            .expect("symlink");
        let output = directory.path().join("links.zip");
        let config = |exclude: bool| {
            Value::map([
                ("type", Value::string("zip")),
                ("source_dir", Value::string(source.to_string_lossy())),
                ("exclude_symlink_directories", Value::Bool(exclude)),
                ("output_path", Value::string(output.to_string_lossy())),
            ])
        };
        let data = DataArchiveFile::new();
        data.read(&config(false)).await.expect("archive");
        let followed: Vec<(String, Vec<u8>)> =
            read_back(&output).into_iter().map(|(name, content, _)| (name, content)).collect();
        assert_eq!(
            followed,
            vec![
                ("alias.txt".to_string(), b"main".to_vec()),
                ("linked/lib.txt".to_string(), b"lib".to_vec()),
                ("main.txt".to_string(), b"main".to_vec()),
            ]
        );
        data.read(&config(true)).await.expect("archive");
        let names: Vec<String> = read_back(&output).into_iter().map(|e| e.0).collect();
        assert_eq!(names, vec!["alias.txt", "main.txt"]);
    }

    #[test]
    fn output_file_mode_like_go_parse_uint() {
        assert_eq!(parse_mode("0666").ok(), Some(0o666));
        assert_eq!(parse_mode("0o755").ok(), Some(0o755));
        assert_eq!(parse_mode("420").ok(), Some(420));
        assert_eq!(parse_mode("0x1ff").ok(), Some(0o777));
        assert!(parse_mode("rw-r--r--").is_err());
    }
}

//! Unpacking module packages (zip, tar, tar.gz) into a directory, refusing any entry whose path
//! or link target would land outside it: absolute paths, `..` components, and symbolic or hard
//! links pointing out of the package.

use crate::source::ArchiveFormat;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Component, Path, PathBuf};

/// An archive that could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive entry \"{entry}\" would be written outside the package directory")]
    UnsafePath { entry: String },
    #[error("the archive link \"{entry}\" points to \"{target}\", outside the package directory")]
    UnsafeLink { entry: String, target: String },
    #[error("the {format} archive is not valid: {message}")]
    Corrupt { format: &'static str, message: String },
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: std::io::Error },
}

/// Unpacks `file` (an archive in `format`) into the existing directory `dest`.
pub fn unpack(file: &mut File, format: ArchiveFormat, dest: &Path) -> Result<(), ArchiveError> {
    let corrupt = |message: String| ArchiveError::Corrupt { format: format.name(), message };
    file.rewind().map_err(|e| corrupt(e.to_string()))?;
    match format {
        ArchiveFormat::Zip => unpack_zip(file, dest),
        ArchiveFormat::TarGz => unpack_tar(flate2::read::GzDecoder::new(file), format, dest),
        ArchiveFormat::Tar => unpack_tar(file, format, dest),
    }
}

/// The entry's path as components inside the package, or `None` when it would escape.
fn inside(path: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => clean.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(clean)
}

/// Whether a link at `entry` (relative to the package) with `target` stays inside it.
fn link_inside(entry: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut depth: Vec<&std::ffi::OsStr> = Vec::new();
    if let Some(parent) = entry.parent() {
        for component in parent.components() {
            if let Component::Normal(part) = component {
                depth.push(part);
            }
        }
    }
    for component in target.components() {
        match component {
            Component::Normal(part) => depth.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if depth.pop().is_none() {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> ArchiveError + '_ {
    move |error| ArchiveError::Write { path: path.to_path_buf(), error }
}

fn unpack_tar(reader: impl Read, format: ArchiveFormat, dest: &Path) -> Result<(), ArchiveError> {
    let corrupt = |message: String| ArchiveError::Corrupt { format: format.name(), message };
    let mut archive = tar::Archive::new(reader);
    archive.set_overwrite(true);
    let entries = archive.entries().map_err(|e| corrupt(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(e.to_string()))?;
        let raw = entry.path().map_err(|e| corrupt(e.to_string()))?.into_owned();
        let shown = raw.display().to_string();
        let kind = entry.header().entry_type();
        let wanted = kind.is_file()
            || kind.is_dir()
            || kind.is_symlink()
            || kind.is_hard_link()
            || kind == tar::EntryType::Continuous;
        if !wanted {
            // pax and GNU headers, devices, fifos.
            continue;
        }
        let Some(relative) = inside(&raw) else {
            return Err(ArchiveError::UnsafePath { entry: shown });
        };
        if relative.as_os_str().is_empty() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name()
                .map_err(|e| corrupt(e.to_string()))?
                .map(|t| t.into_owned())
                .unwrap_or_default();
            let safe = if kind.is_symlink() {
                link_inside(&relative, &target)
            } else {
                // A hard link names another entry of the archive, from its root.
                inside(&target).is_some() && !target.is_absolute()
            };
            if !safe {
                return Err(ArchiveError::UnsafeLink {
                    entry: shown,
                    target: target.display().to_string(),
                });
            }
        }
        let unpacked = entry.unpack_in(dest).map_err(write_error(&dest.join(&relative)))?;
        if !unpacked {
            return Err(ArchiveError::UnsafePath { entry: shown });
        }
    }
    Ok(())
}

fn unpack_zip(file: &mut File, dest: &Path) -> Result<(), ArchiveError> {
    let corrupt = |message: String| ArchiveError::Corrupt { format: "zip", message };
    let mut archive = zip::ZipArchive::new(file).map_err(|e| corrupt(e.to_string()))?;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| corrupt(e.to_string()))?;
        let name =
            entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("entry {index}"));
        let Some(relative) = entry.enclosed_name().and_then(|p| inside(&p)) else {
            return Err(ArchiveError::UnsafePath { entry: name });
        };
        if relative.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(write_error(&target))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(parent))?;
        }
        if entry.is_symlink() {
            let mut link = String::new();
            entry.read_to_string(&mut link).map_err(|e| corrupt(e.to_string()))?;
            if !link_inside(&relative, Path::new(&link)) {
                return Err(ArchiveError::UnsafeLink { entry: name, target: link });
            }
            make_symlink(Path::new(&link), &target).map_err(write_error(&target))?;
            continue;
        }
        let mut out = File::create(&target).map_err(write_error(&target))?;
        std::io::copy(&mut entry, &mut out).map_err(write_error(&target))?;
        #[cfg(unix)]
        if let Some(mode) = entry.unix_mode() {
            use std::os::unix::fs::PermissionsExt;
            let permissions = std::fs::Permissions::from_mode(mode & 0o755 | 0o600);
            std::fs::set_permissions(&target, permissions).map_err(write_error(&target))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn make_symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "symbolic links in zip archives are only unpacked on Unix",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tar_gz(build: impl FnOnce(&mut tar::Builder<flate2::write::GzEncoder<Vec<u8>>>)) -> File {
        let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut builder = tar::Builder::new(encoder);
        build(&mut builder);
        let bytes = builder.into_inner().unwrap().finish().unwrap();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        file
    }

    fn add_file(
        builder: &mut tar::Builder<flate2::write::GzEncoder<Vec<u8>>>,
        path: &str,
        text: &str,
    ) {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        // Written raw so that unsafe names reach the reader.
        let name = &mut header.as_old_mut().name;
        name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_cksum();
        builder.append(&header, text.as_bytes()).unwrap();
    }

    #[test]
    fn unpacks_a_tar_gz() {
        let mut file = tar_gz(|b| {
            add_file(b, "main.tf", "# main");
            add_file(b, "modules/sub/sub.tf", "# sub");
        });
        let dest = tempfile::tempdir().unwrap();
        unpack(&mut file, ArchiveFormat::TarGz, dest.path()).unwrap();
        assert_eq!(std::fs::read_to_string(dest.path().join("main.tf")).unwrap(), "# main");
        assert_eq!(
            std::fs::read_to_string(dest.path().join("modules/sub/sub.tf")).unwrap(),
            "# sub"
        );
    }

    #[test]
    fn refuses_tar_paths_out_of_the_package() {
        for path in ["../evil.tf", "a/../../evil.tf", "/etc/evil.tf"] {
            let mut file = tar_gz(|b| add_file(b, path, "x"));
            let dest = tempfile::tempdir().unwrap();
            let error = unpack(&mut file, ArchiveFormat::TarGz, dest.path()).unwrap_err();
            assert!(matches!(error, ArchiveError::UnsafePath { .. }), "{path}: {error}");
            assert!(error.to_string().contains(path), "{error}");
        }
    }

    #[test]
    fn refuses_tar_links_out_of_the_package() {
        let mut file = tar_gz(|b| {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            b.append_link(&mut header, "escape", "../../etc").unwrap();
        });
        let dest = tempfile::tempdir().unwrap();
        let error = unpack(&mut file, ArchiveFormat::TarGz, dest.path()).unwrap_err();
        assert!(matches!(error, ArchiveError::UnsafeLink { .. }), "{error}");

        let mut file = tar_gz(|b| {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            b.append_link(&mut header, "sub/link.tf", "../main.tf").unwrap();
        });
        let dest = tempfile::tempdir().unwrap();
        unpack(&mut file, ArchiveFormat::TarGz, dest.path()).unwrap();
    }

    fn zip_file(entries: &[(&str, &str)]) -> File {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in entries {
            writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(text.as_bytes()).unwrap();
        }
        let bytes = writer.finish().unwrap().into_inner();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        file
    }

    #[test]
    fn unpacks_a_zip_and_refuses_escapes() {
        let mut file = zip_file(&[("main.tf", "# main"), ("sub/x.tf", "# x")]);
        let dest = tempfile::tempdir().unwrap();
        unpack(&mut file, ArchiveFormat::Zip, dest.path()).unwrap();
        assert_eq!(std::fs::read_to_string(dest.path().join("sub/x.tf")).unwrap(), "# x");

        let mut file = zip_file(&[("../evil.tf", "x")]);
        let dest = tempfile::tempdir().unwrap();
        let error = unpack(&mut file, ArchiveFormat::Zip, dest.path()).unwrap_err();
        assert!(error.to_string().contains("../evil.tf"), "{error}");
        assert!(!dest.path().parent().unwrap().join("evil.tf").exists());
    }

    #[test]
    fn garbage_is_a_corrupt_archive() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"not an archive").unwrap();
        let dest = tempfile::tempdir().unwrap();
        for format in [ArchiveFormat::Zip, ArchiveFormat::TarGz] {
            let error = unpack(&mut file, format, dest.path()).unwrap_err();
            assert!(matches!(error, ArchiveError::Corrupt { .. }), "{error}");
        }
    }
}

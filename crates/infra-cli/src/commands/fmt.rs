//! `infra fmt [-check] [-recursive] [PATH...]`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::args::FmtArgs;
use crate::session::{report, Workdir};
use crate::{Exit, Reported};

fn collect(path: &Path, recursive: bool, files: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("reading {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if entry.is_dir() {
            if recursive && !name.starts_with('.') && name != "target" {
                collect(&entry, recursive, files)?;
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            files.push(entry);
        }
    }
    Ok(())
}

pub fn run(work: &Workdir, args: &FmtArgs) -> Result<Exit> {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![work.dir.clone()]
    } else {
        args.paths.iter().map(|p| work.path(p)).collect()
    };
    let mut files = Vec::new();
    for root in &roots {
        collect(root, args.recursive, &mut files)?;
    }
    let mut unformatted = false;
    let mut failed = false;
    for file in files {
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        match infra_config::format_source(&source) {
            Ok(formatted) if formatted != source => {
                unformatted = true;
                println!("{}", file.display());
                if !args.check {
                    std::fs::write(&file, formatted)
                        .with_context(|| format!("writing {}", file.display()))?;
                }
            }
            Ok(_) => {}
            Err(mut diagnostics) => {
                for d in diagnostics.0.iter_mut() {
                    if let Some(location) = d.location.as_mut() {
                        location.file = file.clone();
                    }
                }
                let _ = report(&diagnostics, work.style);
                failed = true;
            }
        }
    }
    if failed {
        return Err(Reported.into());
    }
    Ok(if args.check && unformatted { Exit::FormatNeeded } else { Exit::Ok })
}

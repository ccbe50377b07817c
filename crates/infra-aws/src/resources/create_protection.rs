//! CREATE_PROTECTION.md says, per resource type, what keeps a create whose answer was lost from
//! making a second object. These tests hold the table to the registry: every registered type
//! has one row, each row names only known mechanisms, the counts line adds up, and every
//! function a row gives as evidence is still in the file it names, so a new type cannot arrive
//! without saying how its create is protected, and a refactoring that moves the code must
//! move the row's evidence with it.

use std::collections::BTreeMap;

use crate::ProviderSettings;
use infra_core::Registry;

const TABLE: &str = include_str!("../../CREATE_PROTECTION.md");

const MECHANISMS: [&str; 7] = [
    "token",
    "unique name",
    "tag lookup",
    "natural key",
    "idempotent call",
    "listed before the first send",
    "none",
];

/// The table's rows: type name → its protection mechanisms.
fn rows() -> BTreeMap<String, Vec<String>> {
    let mut rows = BTreeMap::new();
    for line in TABLE.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`').to_string();
        let mechanisms = cells[2].split(" + ").map(str::to_string).collect();
        assert!(rows.insert(name.clone(), mechanisms).is_none(), "{name} has two rows");
    }
    rows
}

fn registry() -> Registry {
    crate::registry(crate::Aws::new(ProviderSettings::default()))
}

#[test]
fn every_registered_type_says_how_its_create_is_protected() {
    let rows = rows();
    let registry = registry();
    let registered: Vec<&str> = registry.resource_names().collect();
    for name in &registered {
        let mechanisms =
            rows.get(*name).unwrap_or_else(|| panic!("CREATE_PROTECTION.md has no row for {name}"));
        for mechanism in mechanisms {
            assert!(
                MECHANISMS.contains(&mechanism.as_str()),
                "{name}: unknown protection \"{mechanism}\""
            );
        }
    }
    for name in rows.keys() {
        assert!(
            registered.contains(&name.as_str()),
            "CREATE_PROTECTION.md has a row for {name}, which is not registered"
        );
    }
    // `none` is allowed only where no second object can be made.
    let unprotected: Vec<&String> = rows
        .iter()
        .filter(|(_, mechanisms)| mechanisms.iter().any(|m| m == "none"))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(unprotected, ["aws_main_route_table_association"]);
}

#[test]
fn the_counts_line_adds_up() {
    let rows = rows();
    // Aliases (`aws_alb*`) are not counted.
    let counted: Vec<&Vec<String>> = rows
        .iter()
        .filter(|(name, _)| !name.starts_with("aws_alb"))
        .map(|(_, mechanisms)| mechanisms)
        .collect();
    let counts_line =
        TABLE.lines().find(|line| line.starts_with("**Counts**")).expect("a counts line");
    assert!(counts_line.contains(&format!("({} registered types", counted.len())), "{counts_line}");
    for mechanism in MECHANISMS {
        let count =
            counted.iter().filter(|mechanisms| mechanisms.iter().any(|m| m == mechanism)).count();
        assert!(
            counts_line.contains(&format!("{mechanism} {count} ")),
            "{mechanism}: {count} types, but {counts_line}"
        );
    }
}

/// Each row's evidence names files and, in brackets, the functions in them that do the work
/// (`ec2/aws_vpc.rs (`create`, `find_created`)`): names, not line numbers, so that they
/// survive refactoring, and every named function must still be in its file.
#[test]
fn each_rows_evidence_names_functions_that_are_in_their_files() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for line in TABLE.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (name, evidence) = (cells[1], cells[cells.len() - 2]);
        for place in evidence.split("; ") {
            let (path, functions) = place.split_once(" (").unwrap_or((place, ""));
            let file = match path.strip_prefix("src/") {
                Some(_) => crate_dir.join(path),
                None => crate_dir.join("src/resources").join(path),
            };
            let Ok(text) = std::fs::read_to_string(&file) else {
                missing.push(format!("{name}: no file {path}"));
                continue;
            };
            let functions = functions.trim_end_matches(')').split(", ");
            for function in functions.map(|f| f.trim_matches('`')).filter(|f| !f.is_empty()) {
                let defined = text.match_indices(&format!("fn {function}")).any(|(at, found)| {
                    let next = text[at + found.len()..].chars().next();
                    matches!(next, Some('(' | '<'))
                });
                if !defined {
                    missing.push(format!("{name}: no fn {function} in {path}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "CREATE_PROTECTION.md: {missing:#?}");
}

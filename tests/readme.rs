//! The README's operations table is the registry's: one row per operation,
//! in registry order, with its WIT function (found in `wit/`), route, kind and
//! Gorgias endpoint(s). `README_UPDATE=1 cargo test --locked --test readme`
//! (part of `tools/regenerate.sh`) rewrites the table between its markers.

use gorgias_connector::ops::{OPERATIONS, Spec};
use std::path::Path;

const BEGIN: &str = "<!-- operations table: generated from the registry by tools/regenerate.sh -->";
const END: &str = "<!-- end of the operations table -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The WIT package version and, for each `name: func` in `wit/*.wit`, the
/// interface that declares it.
fn wit_functions() -> (String, Vec<(String, String)>) {
    let mut version = String::new();
    let mut found = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("wit"))
        .expect("wit/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wit"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a WIT file");
        let mut interface = None;
        for line in text.lines() {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("package ") {
                version = rest.trim_end_matches(';').to_string();
            }
            if let Some(rest) = l.strip_prefix("interface ") {
                interface = rest.split_whitespace().next().map(String::from);
            }
            if let (Some(i), Some((name, _))) = (&interface, l.split_once(": func")) {
                found.push((i.clone(), name.trim().to_string()));
            }
        }
    }
    (version, found)
}

fn kind(op: &Spec) -> &'static str {
    match (op.read_only(), op.destructive()) {
        (true, _) => "query",
        (false, true) => "mutation (destructive)",
        (false, false) => "mutation",
    }
}

fn table() -> String {
    let (package, functions) = wit_functions();
    let mut t = format!(
        "| Operation: route and MCP tool | WIT function (`{package}`) | Kind | Needs `access` | Gorgias | Calls in flight together |\n|---|---|---|---|---|---|\n"
    );
    for op in OPERATIONS {
        let wit = functions
            .iter()
            .find(|(_, f)| f == op.name)
            .map(|(i, f)| format!("`{i}.{f}`"))
            .unwrap_or_else(|| panic!("{}: no WIT function of that name in wit/", op.name));
        t.push_str(&format!(
            "| `POST /{}` | {wit} | {} | `{}` | `{}` | {} |\n",
            op.name,
            kind(op),
            op.access.name(),
            op.endpoint.replace('|', "\\|"),
            if op.concurrent() { "yes" } else { "" }
        ));
    }
    t
}

#[test]
fn the_operations_table_is_the_registrys() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md lacks the operations table markers {BEGIN:?} … {END:?}");
    };
    let current = &readme[b + BEGIN.len()..e];
    let want = format!("\n{}", table());
    if current != want {
        if std::env::var_os("README_UPDATE").is_some() {
            let updated = format!("{}{}{}{}", &readme[..b], BEGIN, want, &readme[e..]);
            std::fs::write(&path, updated).expect("README.md is writable");
            return;
        }
        panic!(
            "README.md's operations table is not the registry's; run tools/regenerate.sh\n--- want ---\n{want}--- have ---\n{current}"
        );
    }
}

#[test]
fn every_operation_has_one_wit_function_and_every_function_an_operation() {
    let (_, functions) = wit_functions();
    for op in OPERATIONS {
        let n = functions.iter().filter(|(_, f)| f == op.name).count();
        assert_eq!(n, 1, "{}: {n} WIT functions of that name", op.name);
    }
    for (i, f) in &functions {
        assert!(
            OPERATIONS.iter().any(|o| o.name == f),
            "{i}.{f} has no operation in the registry"
        );
    }
}

/// The "Failure behaviour" section says, for every write operation in the
/// registry, what a caller's retry of it does: each one is named in the
/// first column of the table headed "| Write operation | A retry of the same call |".
#[test]
fn every_write_operation_says_what_a_retry_does() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("| Write operation | A retry of the same call |")
        .expect("README.md has the retry table");
    let named: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').nth(1).unwrap_or_default())
        .collect();
    for op in OPERATIONS.iter().filter(|op| !op.read_only()) {
        let quoted = format!("`{}`", op.name);
        assert!(
            named.iter().any(|cell| cell.contains(&quoted)),
            "README.md's retry table does not say what a retry of {} does",
            op.name
        );
    }
}

/// The README's count of operations in its introduction ("Its 40 operations") is the
/// registry's: a count in prose goes stale as operations are added. (Counts beside a
/// measurement name their commit instead.)
#[test]
fn the_readme_counts_the_registrys_operations() {
    const BEFORE: &str = "Its ";
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let counts: Vec<&str> = readme
        .match_indices(BEFORE)
        .filter_map(|(i, _)| {
            let rest = &readme[i + BEFORE.len()..];
            let digits = rest.split(|c: char| !c.is_ascii_digit()).next()?;
            (!digits.is_empty() && rest[digits.len()..].starts_with(" operations")).then_some(digits)
        })
        .collect();
    assert!(
        !counts.is_empty(),
        "README.md no longer says \"Its N operations\": update this test"
    );
    for n in counts {
        assert_eq!(
            n.parse::<usize>().unwrap(),
            OPERATIONS.len(),
            "README.md says \"Its {n} operations\" but the registry has {} operations",
            OPERATIONS.len()
        );
    }
}

//! The house's shape, checked: `src/`'s modules import each other without a
//! circle (between layers or between files), arrows between layers point
//! down only (`wasm` → `serve` → `ops` → `gorgias` → the ground floor:
//! `error`, `schema`, `origin`; `config` sits between `ops` and `gorgias`), and no module glob-imports another outside
//! its tests. Reads the sources as text: a `crate::…`, `super::…` or
//! `gorgias_connector` path names the module it reaches.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top first; a module may import only from its own layer or
/// one below it.
const LAYERS: &[&[&str]] = &[
    &["wasm"],
    &["serve"],
    &["ops"],
    &["config"],
    &["gorgias"],
    &["schema", "error", "origin"],
];

fn rank(top: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&top))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/ops/tickets.rs` → `["ops", "tickets"]`; `src/ops/mod.rs` → `["ops"]`;
/// `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src/").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and without its test module
/// (tests may reach anywhere: they are not part of the graph).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths after each occurrence of `prefix`, with one level of `{…}`
/// groups expanded (`crate::ops::{spec::Spec, find}` → `["ops", "spec",
/// "Spec"]`, `["ops", "find"]`).
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(ident) {
            continue;
        }
        let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
        let base: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        let after = &rest[end..];
        // `super::{a, b}` (nothing before the group) or `crate::ops::{a, b}`.
        if (end == 0 || rest[..end].ends_with("::")) && after.starts_with('{') {
            let close = after.find('}').unwrap_or(after.len());
            for item in after[1..close].split(',') {
                let item = item.trim().trim_start_matches('{');
                let stop = item.find(|c: char| !ident(c)).unwrap_or(item.len());
                let mut p = base.clone();
                p.extend(item[..stop].split("::").filter(|s| !s.is_empty() && *s != "self"));
                out.push(p);
            }
        } else {
            out.push(base);
        }
    }
    out
}

struct Graph {
    modules: BTreeSet<Vec<String>>,
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    globs: Vec<String>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // `testing` modules are test-only helpers (`#[cfg(test)]`).
    files.retain(|f| f.file_stem().is_none_or(|s| s != "testing"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    // The longest known module that `path` starts with.
    let resolve = |path: Vec<String>| -> Option<Vec<String>> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut globs = Vec::new();
    for file in &files {
        let me = module_of(&src, file);
        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs");
        let code = code_of(&std::fs::read_to_string(file).expect("a source file"));
        for line in code.lines() {
            let l = line.trim_start();
            if (l.starts_with("use ") || l.starts_with("pub use ")) && l.trim_end().ends_with("::*;") {
                globs.push(format!("{}: {}", file.display(), l.trim()));
            }
        }
        let mut targets: Vec<Vec<String>> = paths_after(&code, "crate::")
            .into_iter()
            .map(|p| p.into_iter().map(String::from).collect())
            .collect();
        // `super::x` from a file module is its parent's `x`; from `mod.rs`, the grandparent's.
        let parent: Vec<String> = me.split_last().map(|(_, p)| p.to_vec()).unwrap_or_default();
        for p in paths_after(&code, "super::") {
            let mut full = parent.clone();
            full.extend(p.into_iter().map(String::from));
            targets.push(full);
        }
        // A `mod.rs` names its children bare (`tickets::GetTicket`).
        if is_mod_rs {
            for child in modules.iter().filter(|m| m.len() == me.len() + 1 && m.starts_with(&me)) {
                let name = child.last().expect("a child has a name");
                if !paths_after(&code, &format!("{name}::")).is_empty() {
                    targets.push(child.clone());
                }
            }
        }
        for t in targets {
            if let Some(t) = resolve(t)
                && t != me
                && !t.is_empty()
            {
                edges.entry(me.clone()).or_default().insert(t);
            }
        }
    }
    Graph { modules, edges, globs }
}

/// A circle in `edges`, as the list of its nodes, if there is one.
fn find_cycle<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        n: &N,
        edges: &BTreeMap<N, BTreeSet<N>>,
        state: &mut BTreeMap<N, u8>,
        stack: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(n.clone());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_two_source_files_import_each_other_through_a_circle() {
    let g = graph();
    assert!(g.modules.len() > 10, "found the modules: {:?}", g.modules);
    if let Some(cycle) = find_cycle(&g.edges) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("import circle: {}", names.join(" -> "));
    }
}

#[test]
fn layers_import_only_downwards() {
    let g = graph();
    let mut wrong = Vec::new();
    for (from, tos) in &g.edges {
        let (Some(a), Some(top)) = (from.first(), from.first().and_then(|t| rank(t))) else {
            continue;
        };
        for to in tos {
            let Some(b) = to.first() else { continue };
            match rank(b) {
                Some(r) if r >= top => {}
                Some(_) => wrong.push(format!("{} -> {}", from.join("::"), to.join("::"))),
                None => wrong.push(format!(
                    "{} -> {} (a module with no layer)",
                    from.join("::"),
                    to.join("::")
                )),
            }
        }
        assert!(rank(a).is_some(), "{a} has no layer in LAYERS");
    }
    assert!(wrong.is_empty(), "imports that point up: {wrong:#?}");
}

#[test]
fn no_module_glob_imports_another_outside_its_tests() {
    let g = graph();
    assert!(g.globs.is_empty(), "glob imports: {:#?}", g.globs);
}

#[test]
fn the_checker_finds_a_circle_and_ignores_a_line() {
    let mut e: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    e.entry("a").or_default().insert("b");
    e.entry("b").or_default().insert("c");
    assert_eq!(find_cycle(&e), None);
    e.entry("c").or_default().insert("a");
    assert_eq!(find_cycle(&e), Some(vec!["a", "b", "c", "a"]));
    assert_eq!(
        paths_after("use crate::ops::{spec::Spec, find};", "crate::"),
        vec![vec!["ops", "spec", "Spec"], vec!["ops", "find"]]
    );
    assert_eq!(
        paths_after("use super::{health, mcp::handle};", "super::"),
        vec![vec!["health"], vec!["mcp", "handle"]]
    );
}

//! The crate graph's rules that the compiler does not check.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Code lines (doc comments and comments are examples and prose: a caller's code, not the crate's).
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// No core crate reaches for the embedded catalogs behind its caller's back: perf, compliance
/// and fleet take the chips and models they read as arguments; the embedded ones are a default
/// chosen at the edge (this facade's `embedded()`, the Python binding's `catalog=`). The model
/// catalog's own accessor is defined in perf's `model.rs`, and used nowhere else in the core.
#[test]
fn core_crates_take_their_catalog_as_an_argument() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for krate in ["chipmodel-perf", "chipmodel-compliance", "chipmodel-fleet"] {
        let mut files = Vec::new();
        sources(&crates.join(krate).join("src"), &mut files);
        assert!(!files.is_empty(), "{krate} has no sources");
        for f in files {
            let defines_models = f.ends_with("chipmodel-perf/src/model.rs");
            for (n, line) in code_lines(&f) {
                let chips = line.contains("Catalog::embedded(")
                    && !line.contains("ModelCatalog::embedded(")
                    || line.contains("Catalog::try_embedded(");
                let models = line.contains("ModelCatalog::embedded(") && !defines_models;
                let global_model = line.contains("Model::get(") || line.contains("Model::all(");
                if chips || models || global_model {
                    found.push(format!("{}:{n}: {}", f.display(), line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "embedded-catalog accessors in core crates:\n{}",
        found.join("\n")
    );
}

/// The length of the function starting at `lines[start]` (to its closing brace), or `None` for a
/// declaration without a body. Braces in strings, chars and comments are not counted.
fn body_length(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut opened = false;
    for (k, line) in lines.iter().enumerate().skip(start) {
        let code = line.split("//").next().unwrap_or_default();
        let (mut in_str, mut prev) = (false, ' ');
        for c in code.chars() {
            match c {
                '"' if prev != '\\' => in_str = !in_str,
                '{' if !in_str => {
                    depth += 1;
                    opened = true;
                }
                '}' if !in_str => depth -= 1,
                _ => {}
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        if opened && depth <= 0 {
            return Some(k - start + 1);
        }
        if !opened && code.trim_end().ends_with(';') {
            return None;
        }
    }
    None
}

/// Files whose functions are rebuilt by their own issue (the serving model's internals).
const REBUILT_ELSEWHERE: [&str; 4] = [
    "chipmodel-perf/src/inference.rs",
    "chipmodel-perf/src/search.rs",
    "chipmodel-perf/src/calibration.rs",
    "chipmodel-perf/src/sweep.rs",
];

/// A function over 80 lines is split by concept, or says in a comment just above it (among its
/// doc comment and attributes) why it stays whole: a line starting `// Stays whole:`.
#[test]
fn no_function_over_80_lines_without_its_reason() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    sources(&crates, &mut files);
    let mut found = Vec::new();
    for f in files {
        let shown = f.display().to_string();
        if !shown.contains("/src/") || REBUILT_ELSEWHERE.iter().any(|r| shown.ends_with(r)) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let t = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub(super) "))
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            if !t.starts_with("fn ") {
                continue;
            }
            let Some(n) = body_length(&lines, i).filter(|n| *n > 80) else {
                continue;
            };
            let reason = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let l = l.trim_start();
                    l.starts_with("//") || l.starts_with("#[") || l.starts_with("#![")
                })
                .any(|l| l.trim_start().starts_with("// Stays whole:"));
            if !reason {
                found.push(format!("{shown}:{}: {n} lines: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "functions over 80 lines without a `// Stays whole:` reason:\n{}",
        found.join("\n")
    );
}

/// The Python binding reaches the core through the facade alone: one route in for every type.
#[test]
fn the_binding_depends_on_the_facade_alone() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chipmodel-py/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    for krate in [
        "chipmodel-catalog",
        "chipmodel-perf",
        "chipmodel-compliance",
        "chipmodel-fleet",
    ] {
        assert!(!text.contains(krate), "chipmodel-py depends on {krate}");
    }
    assert!(text.contains("chipmodel = { workspace = true }"));
}

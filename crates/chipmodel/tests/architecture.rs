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

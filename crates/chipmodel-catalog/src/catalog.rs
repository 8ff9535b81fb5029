//! The catalog: chips and sources, loaded once, looked up by id, alias or name.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use toml::{Table, Value};

use crate::chip::Chip;
use crate::datafile::{self as parse, Ctx};
use crate::source::Source;
use crate::{CatalogError, Result};

/// The files of the embedded catalog, compiled into the binary.
pub const EMBEDDED_FILES: [(&str, &str); 8] = [
    ("sources.toml", include_str!("../data/sources.toml")),
    ("nvidia.toml", include_str!("../data/nvidia.toml")),
    ("amd.toml", include_str!("../data/amd.toml")),
    ("intel.toml", include_str!("../data/intel.toml")),
    ("google.toml", include_str!("../data/google.toml")),
    ("aws.toml", include_str!("../data/aws.toml")),
    ("huawei.toml", include_str!("../data/huawei.toml")),
    ("cambricon.toml", include_str!("../data/cambricon.toml")),
];

/// A set of chips and the sources they cite.
///
/// [`Catalog::embedded`] is the catalog shipped with chipmodel, parsed and validated once per
/// process. [`Catalog::with_file`] loads a user's file over a catalog, all or nothing.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::Catalog;
///
/// let catalog = Catalog::embedded();
/// assert!(catalog.len() >= 30);
/// let h100 = catalog.get("NVIDIA H100")
///     .or_else(|_| catalog.get("h100"))
///     .unwrap();
/// assert_eq!(h100.id, "h100-sxm");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    chips: Vec<Chip>,
    raw: Vec<Table>,
    origin: Vec<String>,
    sources: BTreeMap<String, Source>,
    source_origin: BTreeMap<String, String>,
    index: HashMap<String, usize>,
    files: Vec<(String, String)>,
}

impl Catalog {
    /// The catalog shipped with chipmodel.
    ///
    /// # Panics
    ///
    /// Never in a released build: the embedded files are validated by this crate's tests, so a
    /// file that does not load fails the build's test suite rather than a user's program.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = chipmodel_catalog::Catalog::embedded();
    /// assert!(c.get("mi300x").is_ok());
    /// ```
    pub fn embedded() -> &'static Catalog {
        match Catalog::try_embedded() {
            Ok(c) => c,
            // The embedded files are tested (`embedded_catalog_loads`); reaching this is a build bug.
            Err(e) => panic!("chipmodel's embedded catalog is invalid: {e}"),
        }
    }

    /// The embedded catalog, or the error that stops it loading; parsed once per process.
    /// Bindings use this so that no panic can cross into a host language.
    pub fn try_embedded() -> Result<&'static Catalog> {
        static EMBEDDED: OnceLock<Result<Catalog>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Catalog::default().with_texts(&EMBEDDED_FILES))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The whole catalog as one catalog file: every source and every chip (with any overrides
    /// applied) in the file format; loading it into an empty catalog gives this catalog's chips
    /// and sources again.
    ///
    /// ```
    /// use chipmodel_catalog::Catalog;
    ///
    /// let text = Catalog::embedded().to_toml();
    /// let again = Catalog::default().with_toml("saved.toml", &text).unwrap();
    /// assert_eq!(again.chips(), Catalog::embedded().chips());
    /// assert_eq!(again.sources(), Catalog::embedded().sources());
    /// ```
    pub fn to_toml(&self) -> String {
        let mut doc = Table::new();
        doc.insert(
            "sources".into(),
            Value::Table(crate::datafile::sources_table(&self.sources)),
        );
        doc.insert(
            "chip".into(),
            Value::Array(self.raw.iter().cloned().map(Value::Table).collect()),
        );
        toml::to_string(&doc).unwrap_or_default()
    }

    /// Every file this catalog was loaded from, in order, as (name, text): the embedded files
    /// first, then those loaded over them. Loading them into an empty catalog rebuilds this one.
    ///
    /// ```
    /// use chipmodel_catalog::Catalog;
    ///
    /// let c = Catalog::embedded();
    /// let files: Vec<(&str, &str)> =
    ///     c.files().iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    /// let again = Catalog::default().with_texts(&files).unwrap();
    /// assert_eq!(again.chips(), c.chips());
    /// ```
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// How many of [`Catalog::files`] are the embedded catalog's (0 for a catalog built up from
    /// [`Catalog::default`]).
    pub fn embedded_file_count(&self) -> usize {
        let n = EMBEDDED_FILES.len();
        let same = self.files.len() >= n
            && self.files[..n]
                .iter()
                .zip(EMBEDDED_FILES.iter())
                .all(|((f, t), (ef, et))| f == ef && t == et);
        if same { n } else { 0 }
    }

    /// Loads `path` over this catalog: its new chips are added, its `[[override]]` entries change
    /// chips already loaded. Nothing is loaded if anything in the file is invalid.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::{Catalog, CatalogError};
    ///
    /// let err = Catalog::embedded().with_file("no/such/file.toml").unwrap_err();
    /// assert!(matches!(err, CatalogError::Io { .. }));
    /// ```
    pub fn with_file(&self, path: impl AsRef<Path>) -> Result<Catalog> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = crate::datafile::read_file(path)?;
        self.with_texts(&[(name.as_str(), text.as_str())])
    }

    /// Loads catalog text over this catalog, `file` naming it in errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::Catalog;
    ///
    /// let mine = Catalog::embedded().with_toml("mine.toml", r#"
    /// [sources.lab]
    /// title = "Our measurements"
    /// url = "https://example.com/lab"
    /// date = "2026-11"
    /// kind = "estimate"
    ///
    /// [[override]]
    /// id = "h100"
    /// tdp = { value = 650, unit = "W", source = "lab", note = "power-capped" }
    /// "#).unwrap();
    /// assert_eq!(mine.get("h100-sxm").unwrap().tdp_w(), 650.0);
    /// assert_eq!(Catalog::embedded().get("h100-sxm").unwrap().tdp_w(), 700.0);
    /// ```
    pub fn with_toml(&self, file: &str, text: &str) -> Result<Catalog> {
        self.with_texts(&[(file, text)])
    }

    /// Loads several files at once: sources from all of them first, then chips, then overrides.
    // Stays whole: three passes over the same files in order (sources, chips, overrides), each needing what the one before it loaded.
    pub fn with_texts(&self, files: &[(&str, &str)]) -> Result<Catalog> {
        let mut cat = self.clone();
        cat.files
            .extend(files.iter().map(|(f, t)| (f.to_string(), t.to_string())));
        let mut docs = Vec::with_capacity(files.len());
        for (file, text) in files {
            let doc = parse::parse_document(file, text)?;
            for key in doc.keys() {
                if !["sources", "chip", "override"].contains(&key.as_str()) {
                    return Err(CatalogError::Invalid {
                        file: file.to_string(),
                        item: "file",
                        id: file.to_string(),
                        field: key.clone(),
                        message: format!(
                            "unknown top-level key '{key}' (expected [sources.*], [[chip]] or [[override]])"
                        ),
                    });
                }
            }
            docs.push((*file, doc));
        }
        for (file, doc) in &mut docs {
            match doc.remove("sources") {
                None => {}
                Some(Value::Table(t)) => {
                    for (key, v) in t {
                        let src = parse::parse_source(file, &key, v)?;
                        if let Some(first) = cat.source_origin.get(&key) {
                            return Err(dup(file, "source key", &key, first));
                        }
                        cat.source_origin.insert(key.clone(), file.to_string());
                        cat.sources.insert(key, src);
                    }
                }
                Some(_) => {
                    return Err(file_err(file, "sources", "expected tables [sources.<key>]"));
                }
            }
        }
        for (file, doc) in &mut docs {
            for raw in entries(file, doc, "chip")? {
                let chip = parse::parse_chip(file, "chip", &raw, &cat.sources)?;
                if let Some(&j) = cat.index.get(&parse::normalize(&chip.id)) {
                    let what = if cat.chips[j].id == chip.id {
                        "chip id"
                    } else {
                        "chip id (an alias of another chip)"
                    };
                    let hint = if cat.chips[j].id == chip.id {
                        " — use [[override]] to change it"
                    } else {
                        ""
                    };
                    return Err(dup(
                        file,
                        what,
                        &chip.id,
                        &format!("{}{hint}", cat.origin[j]),
                    ));
                }
                cat.push(chip, raw, file)?;
            }
        }
        for (file, doc) in &mut docs {
            for raw in entries(file, doc, "override")? {
                let ctx_id = match raw.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    _ => "?".to_string(),
                };
                let ctx = Ctx {
                    file,
                    item: "override",
                    id: &ctx_id,
                };
                let i = *cat.index.get(&parse::normalize(&ctx_id)).ok_or_else(|| {
                    let s = parse::suggest(&ctx_id, &cat.index, &cat.chips);
                    let hint = if s.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {}?", s.join(", "))
                    };
                    ctx.err(
                        "id",
                        format!("no loaded chip has id or alias '{ctx_id}'{hint}"),
                    )
                })?;
                let mut over = raw;
                over.remove("id");
                let mut merged = cat.raw[i].clone();
                crate::schema::merge(&mut merged, over);
                let chip = parse::parse_chip(file, "override", &merged, &cat.sources)?;
                cat.chips[i] = chip;
                cat.raw[i] = merged;
                cat.origin[i] = format!("{} (overridden in {file})", cat.origin[i]);
                cat.reindex(file)?;
            }
        }
        Ok(cat)
    }

    fn push(&mut self, chip: Chip, raw: Table, file: &str) -> Result<()> {
        self.chips.push(chip);
        self.raw.push(raw);
        self.origin.push(file.to_string());
        self.reindex(file)
    }

    /// Rebuilds the lookup index; an id or alias used by two chips is an error.
    fn reindex(&mut self, file: &str) -> Result<()> {
        let mut index: HashMap<String, usize> = HashMap::with_capacity(self.chips.len() * 4);
        for (i, chip) in self.chips.iter().enumerate() {
            for (key, what) in parse::keys(chip) {
                if let Some(&j) = index.get(&key) {
                    if j != i {
                        return Err(dup(
                            file,
                            what,
                            &key,
                            &format!("{} for chip '{}'", self.origin[j], self.chips[j].id),
                        ));
                    }
                }
                index.insert(key, i);
            }
        }
        // Display names are looked up too, but never shadow an id or alias.
        for (i, chip) in self.chips.iter().enumerate() {
            index.entry(parse::normalize(&chip.name)).or_insert(i);
        }
        self.index = index;
        Ok(())
    }

    /// The chip with this id, alias or name (any case; spaces and underscores as hyphens).
    ///
    /// # Errors
    ///
    /// [`CatalogError::UnknownChip`] with the closest ids.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = chipmodel_catalog::Catalog::embedded();
    /// assert_eq!(c.get("H200").unwrap().id, "h200-sxm");
    /// let err = c.get("mi300").unwrap_err().to_string();
    /// assert!(err.contains("did you mean"), "{err}");
    /// assert!(err.contains("mi300x"), "{err}");
    /// ```
    pub fn get(&self, name: &str) -> Result<&Chip> {
        match self.index.get(&parse::normalize(name)) {
            Some(&i) => Ok(&self.chips[i]),
            None => Err(CatalogError::UnknownChip {
                name: name.to_string(),
                suggestions: parse::suggest(name, &self.index, &self.chips),
            }),
        }
    }

    /// Whether a lookup of `name` would succeed.
    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(&parse::normalize(name))
    }

    /// Every chip, in load order (file order, vendor by vendor).
    pub fn chips(&self) -> &[Chip] {
        &self.chips
    }

    /// Every chip id, in load order.
    pub fn ids(&self) -> Vec<&str> {
        self.chips.iter().map(|c| c.id.as_str()).collect()
    }

    /// Number of chips.
    pub fn len(&self) -> usize {
        self.chips.len()
    }

    /// Whether the catalog has no chips.
    pub fn is_empty(&self) -> bool {
        self.chips.is_empty()
    }

    /// A source by key.
    pub fn source(&self, key: &str) -> Option<&Source> {
        self.sources.get(key)
    }

    /// Every source, by key.
    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.sources
    }

    /// The file a chip was loaded from (with the overriding file, if any).
    pub fn origin(&self, id: &str) -> Option<&str> {
        self.chips
            .iter()
            .position(|c| c.id == id)
            .map(|i| self.origin[i].as_str())
    }
}

fn dup(file: &str, what: &'static str, id: &str, first: &str) -> CatalogError {
    CatalogError::Duplicate {
        file: file.to_string(),
        what,
        id: id.to_string(),
        first: first.to_string(),
    }
}

fn file_err(file: &str, field: &str, message: &str) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        item: "file",
        id: file.to_string(),
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// Removes and returns the `[[key]]` tables of a document.
fn entries(file: &str, doc: &mut Table, key: &str) -> Result<Vec<Table>> {
    match doc.remove(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Table(t) => Ok(t),
                _ => Err(file_err(
                    file,
                    &format!("{key}[{i}]"),
                    &format!("expected a table [[{key}]]"),
                )),
            })
            .collect(),
        Some(_) => Err(file_err(
            file,
            key,
            &format!("expected an array of tables [[{key}]]"),
        )),
    }
}

//! The data that named inputs are resolved against: chips and models, passed in by the caller.
//!
//! The performance model computes on objects (`&Model`, `&Chip`); inputs that name what they
//! run on (sweep specs, calibration measurements, validation rows, fleets and scenarios in
//! `chipmodel-fleet`) take a [`Catalogs`] to look the names up in. No function reaches for the
//! embedded catalogs behind the caller's back: the embedded ones are a default the caller
//! chooses (`chipmodel::embedded()` in the facade, the binding's `catalog=` default).

use std::sync::Arc;

use chipmodel_catalog::{Catalog, Chip};

use crate::{Model, ModelCatalog, PerfError};

/// Chips and models, shared: cloning one copies two pointers.
///
/// # Examples
///
/// ```
/// use chipmodel_catalog::Catalog;
/// use chipmodel_perf::{Catalogs, ModelCatalog};
///
/// let data = Catalogs::new(Catalog::embedded().clone(), ModelCatalog::embedded()?.clone());
/// assert_eq!(data.chip("H200")?.id, "h200-sxm");
/// assert_eq!(data.model("DeepSeek-R1")?.id, "deepseek-v3");
/// # Ok::<(), chipmodel_perf::PerfError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Catalogs {
    chips: Arc<Catalog>,
    models: Arc<ModelCatalog>,
}

impl Catalogs {
    /// These chips and models.
    pub fn new(chips: Catalog, models: ModelCatalog) -> Catalogs {
        Catalogs::from_shared(Arc::new(chips), Arc::new(models))
    }

    /// Chips and models already shared.
    pub fn from_shared(chips: Arc<Catalog>, models: Arc<ModelCatalog>) -> Catalogs {
        Catalogs { chips, models }
    }

    /// The chip catalog.
    pub fn chips(&self) -> &Catalog {
        &self.chips
    }

    /// The model catalog.
    pub fn models(&self) -> &ModelCatalog {
        &self.models
    }

    /// The chip catalog, shared.
    pub fn shared_chips(&self) -> &Arc<Catalog> {
        &self.chips
    }

    /// The model catalog, shared.
    pub fn shared_models(&self) -> &Arc<ModelCatalog> {
        &self.models
    }

    /// A chip by id, alias or name.
    ///
    /// # Errors
    ///
    /// An unknown chip, with the closest ids.
    pub fn chip(&self, name: &str) -> Result<&Chip, PerfError> {
        Ok(self.chips.get(name)?)
    }

    /// A model by id, alias or name.
    ///
    /// # Errors
    ///
    /// An unknown model, with the closest ids.
    pub fn model(&self, name: &str) -> Result<&Model, PerfError> {
        self.models.get(name)
    }

    /// These catalogs with other chips (the models kept).
    pub fn with_chips(&self, chips: Arc<Catalog>) -> Catalogs {
        Catalogs::from_shared(chips, self.models.clone())
    }

    /// These catalogs with other models (the chips kept).
    pub fn with_models(&self, models: Arc<ModelCatalog>) -> Catalogs {
        Catalogs::from_shared(self.chips.clone(), models)
    }
}

impl Catalogs {
    /// Loads a catalog file over these catalogs, all or nothing: chips (`[[chip]]`,
    /// `[[override]]`) and models (`[[model]]`) in one file, their `[sources.*]` shared.
    ///
    /// # Errors
    ///
    /// A file that does not parse, a top-level key other than these, and everything the chip
    /// and model readers reject, naming the file, the entry and the field.
    ///
    /// # Examples
    ///
    /// ```
    /// use chipmodel_catalog::Catalog;
    /// use chipmodel_perf::{Catalogs, ModelCatalog};
    ///
    /// let data = Catalogs::new(Catalog::embedded().clone(), ModelCatalog::embedded()?.clone());
    /// let text = r#"
    /// [sources.mine]
    /// title = "My model's config.json"
    /// url = "https://example.org/tiny-1b/config.json"
    /// date = "2026-11-01"
    /// kind = "model-config"
    ///
    /// [[model]]
    /// id = "tiny-1b"
    /// name = "Tiny 1B"
    /// family = "llama"
    /// source = "mine"
    /// hidden_size = 2048
    /// num_layers = 16
    /// num_heads = 32
    /// num_kv_heads = 8
    /// head_dim = 64
    /// intermediate_size = 8192
    /// vocab_size = 128256
    /// max_position_embeddings = 8192
    /// "#;
    /// let mine = data.with_toml("mine.toml", text)?;
    /// assert_eq!(mine.model("tiny-1b")?.num_layers, 16);
    /// assert_eq!(mine.chips().len(), data.chips().len());
    /// assert!(data.model("tiny-1b").is_err()); // the original is unchanged
    /// # Ok::<(), chipmodel_perf::PerfError>(())
    /// ```
    pub fn with_toml(&self, file: &str, text: &str) -> Result<Catalogs, PerfError> {
        use chipmodel_catalog::datafile;
        use toml::{Table, Value};
        let mut doc = datafile::parse_document(file, text)?;
        for key in doc.keys() {
            if !["sources", "chip", "override", "model"].contains(&key.as_str()) {
                return Err(chipmodel_catalog::CatalogError::Invalid {
                    file: file.to_string(),
                    item: "file",
                    id: file.to_string(),
                    field: key.clone(),
                    message: format!(
                        "unknown top-level key '{key}' (expected [sources.*], [[chip]], [[override]] or [[model]])"
                    ),
                }
                .into());
            }
        }
        let sources = doc.get("sources").cloned();
        let part = |keys: &[&str], doc: &mut Table| -> Option<String> {
            let mut t = Table::new();
            for k in keys {
                if let Some(v) = doc.remove(*k) {
                    t.insert((*k).to_string(), v);
                }
            }
            if t.is_empty() {
                return None;
            }
            if let Some(s) = &sources {
                t.insert("sources".into(), s.clone());
            }
            Some(toml::to_string(&Value::Table(t)).unwrap_or_default())
        };
        let chip_text = part(&["chip", "override"], &mut doc);
        let model_text = part(&["model"], &mut doc);
        let (chip_text, model_text) = match (chip_text, model_text) {
            // Only sources: they go with the chips, as in a chip file.
            (None, None) => (Some(text.to_string()), None),
            other => other,
        };
        let chips = match chip_text {
            Some(t) => Arc::new(self.chips.with_toml(file, &t)?),
            None => self.chips.clone(),
        };
        let models = match model_text {
            Some(t) => Arc::new(self.models.with_toml(file, &t)?),
            None => self.models.clone(),
        };
        Ok(Catalogs { chips, models })
    }

    /// Loads a catalog file (see [`Catalogs::with_toml`]), read with the data-file limits (at
    /// most 8 MiB, UTF-8).
    ///
    /// # Errors
    ///
    /// A file that cannot be read, and everything [`Catalogs::with_toml`] rejects.
    pub fn with_file(&self, path: impl AsRef<std::path::Path>) -> Result<Catalogs, PerfError> {
        let path = path.as_ref();
        let text = chipmodel_catalog::datafile::read_file(path)?;
        self.with_toml(&path.display().to_string(), &text)
    }

    /// These catalogs with `model` added (a Hugging Face config, say), so names can find it.
    ///
    /// # Errors
    ///
    /// Its id or an alias is already taken.
    pub fn with_model(&self, model: Model) -> Result<Catalogs, PerfError> {
        Ok(self.with_models(Arc::new(self.models.with_model(model)?)))
    }
}

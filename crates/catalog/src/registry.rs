//! The set of catalog versions known to a running program: the built-in
//! data files and any the user loads from disk.
use std::path::Path;

use crate::model::Catalog;
use crate::{load, CatalogError};

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Catalog versions, oldest first.
#[derive(Debug, Clone)]
pub struct Registry {
    catalogs: Vec<Catalog>,
}

/// Orders versions such as `105.12.2` numerically, part by part.
fn version_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

impl Registry {
    /// Every built-in catalog. A built-in file that fails validation is a
    /// build defect, caught by this crate's tests; it is reported, not hidden.
    pub fn builtin() -> Result<Self, CatalogError> {
        let mut reg = Registry {
            catalogs: Vec::new(),
        };
        for (name, src) in BUILTIN {
            reg.add(load::parse(src, &format!("built-in {name}"))?)?;
        }
        Ok(reg)
    }

    /// Loads a catalog from a TOML file and adds it beside the others.
    pub fn load_file(&mut self, path: &Path) -> Result<&Catalog, CatalogError> {
        let src = std::fs::read_to_string(path).map_err(|e| CatalogError::Io {
            origin: path.display().to_string(),
            message: e.to_string(),
        })?;
        let cat = load::parse(&src, &path.display().to_string())?;
        let version = cat.meta.version.clone();
        self.add(cat)?;
        self.get(&version)
    }

    fn add(&mut self, cat: Catalog) -> Result<(), CatalogError> {
        if let Some(existing) = self
            .catalogs
            .iter()
            .find(|c| c.meta.id == cat.meta.id && c.meta.version == cat.meta.version)
        {
            return Err(CatalogError::Invalid {
                origin: cat.origin.clone(),
                message: format!(
                    "version {} is already loaded from {}",
                    cat.meta.version, existing.origin
                ),
            });
        }
        self.catalogs.push(cat);
        self.catalogs.sort_by_key(|a| version_key(&a.meta.version));
        Ok(())
    }

    /// All versions, oldest first.
    pub fn all(&self) -> &[Catalog] {
        &self.catalogs
    }

    /// The newest version.
    pub fn latest(&self) -> Result<&Catalog, CatalogError> {
        self.catalogs.last().ok_or(CatalogError::Empty)
    }

    /// The version named `version`.
    pub fn get(&self, version: &str) -> Result<&Catalog, CatalogError> {
        self.catalogs
            .iter()
            .rev()
            .find(|c| c.meta.version == version)
            .ok_or_else(|| CatalogError::UnknownVersion {
                version: version.to_string(),
                known: self
                    .catalogs
                    .iter()
                    .map(|c| c.meta.version.clone())
                    .collect(),
            })
    }
}

//! The self-regulation as versioned data: every clause with its original text,
//! its English summary and its parent, and the numbers the regulation fixes.
//!
//! Catalog files live in `data/` and are compiled in; more can be loaded from
//! disk with [`Registry::load_file`].
mod load;
mod model;
pub mod oscal;
mod params;
mod registry;

pub use load::{is_well_formed_id, parse};
pub use model::{Approval, Catalog, Clause, Group, Lang, Meta, Node, Parameter, Unit};
pub use params::{Parameters, REQUIRED as REQUIRED_PARAMETERS};
pub use registry::{Registry, BUILTIN};

/// Why a catalog could not be loaded or a clause not found.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{origin}: cannot read catalog: {message}")]
    Io { origin: String, message: String },
    #[error("{origin}: not a valid catalog file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: invalid catalog: {message}")]
    Invalid { origin: String, message: String },
    #[error("no catalog is loaded")]
    Empty,
    #[error("unknown catalog version {version:?} (known: {})", known.join(", "))]
    UnknownVersion { version: String, known: Vec<String> },
    #[error("unknown clause ID {id:?} in catalog version {version} (see `zilv catalog list`)")]
    UnknownClause { id: String, version: String },
}

impl Catalog {
    /// The clause with this ID, or an error naming the ID and the version.
    pub fn require(&self, id: &str) -> Result<&Clause, CatalogError> {
        self.clause(id).ok_or_else(|| CatalogError::UnknownClause {
            id: id.to_string(),
            version: self.meta.version.clone(),
        })
    }
}

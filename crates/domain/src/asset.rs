//! Information assets of SR-2.1 and their confidentiality, integrity and
//! availability rating.
use serde::{Deserialize, Serialize};

use crate::{parse_name, InvalidInput};

/// The seven kinds of information asset that SR-2.1 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Software,
    Hardware,
    Environment,
    Document,
    Communication,
    Data,
    People,
}

/// SR-2.1: 軟體、硬體、環境、文件、通訊、資料、人員.
pub const ASSET_KINDS: &[(AssetKind, &str, &str)] = &[
    (AssetKind::Software, "software", "軟體"),
    (AssetKind::Hardware, "hardware", "硬體"),
    (AssetKind::Environment, "environment", "環境"),
    (AssetKind::Document, "document", "文件"),
    (AssetKind::Communication, "communication", "通訊"),
    (AssetKind::Data, "data", "資料"),
    (AssetKind::People, "people", "人員"),
];

impl AssetKind {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let pairs: Vec<(AssetKind, &str)> = ASSET_KINDS.iter().map(|(k, n, _)| (*k, *n)).collect();
        parse_name(field, value, &pairs)
    }

    pub fn as_str(self) -> &'static str {
        ASSET_KINDS
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("", |(_, n, _)| n)
    }

    /// The kind's name in the regulation's own words.
    pub fn zh(self) -> &'static str {
        ASSET_KINDS
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("", |(_, _, z)| z)
    }
}

/// A rating on a three-step scale: 1 low, 2 medium, 3 high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Level(u8);

impl Level {
    pub fn new(field: &str, value: i64) -> Result<Self, InvalidInput> {
        match u8::try_from(value) {
            Ok(v @ 1..=3) => Ok(Level(v)),
            _ => Err(InvalidInput::new(
                field,
                format!("{value} is not a rating: use 1 (low), 2 (medium) or 3 (high)"),
            )),
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let n: i64 = value.trim().parse().map_err(|_| {
            InvalidInput::new(
                field,
                format!("{value:?} is not a rating: use 1 (low), 2 (medium) or 3 (high)"),
            )
        })?;
        Level::new(field, n)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Confidentiality, integrity and availability of one asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cia {
    pub confidentiality: Level,
    pub integrity: Level,
    pub availability: Level,
}

impl Cia {
    /// The asset's overall value: the highest of its three ratings.
    pub fn value(&self) -> Level {
        self.confidentiality
            .max(self.integrity)
            .max(self.availability)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sr_2_1_seven_asset_kinds() {
        assert_eq!(ASSET_KINDS.len(), 7);
        for (k, n, _) in ASSET_KINDS {
            assert_eq!(AssetKind::parse("k", n).unwrap(), *k);
        }
        assert!(AssetKind::parse("--kind", "furniture").is_err());
    }

    #[test]
    fn levels_and_value() {
        assert!(Level::new("c", 0).is_err());
        assert!(Level::new("c", 4).is_err());
        assert!(Level::parse("c", "high").is_err());
        let cia = Cia {
            confidentiality: Level::new("c", 3).unwrap(),
            integrity: Level::new("i", 1).unwrap(),
            availability: Level::new("a", 2).unwrap(),
        };
        assert_eq!(cia.value().get(), 3);
    }
}

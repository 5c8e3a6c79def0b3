//! Computer systems: their class under EVAL-3.1 and how they are sourced.
use serde::{Deserialize, Serialize};

use crate::{parse_name, InvalidInput};

/// EVAL-3.1: the importance class of a computer system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum SystemClass {
    /// 直接提供客戶自動化服務之系統 (online policy purchase and application).
    One,
    /// 產險核心資訊系統 (core insurance systems).
    Two,
    /// 非核心資訊系統 (HR, general affairs).
    Three,
}

impl SystemClass {
    pub fn new(field: &str, value: i64) -> Result<Self, InvalidInput> {
        match value {
            1 => Ok(SystemClass::One),
            2 => Ok(SystemClass::Two),
            3 => Ok(SystemClass::Three),
            _ => Err(InvalidInput::new(
                field,
                format!("class {value} does not exist: EVAL-3.1 defines classes 1, 2 and 3"),
            )),
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let n: i64 = value.trim().parse().map_err(|_| {
            InvalidInput::new(
                field,
                format!("{value:?} is not a class: EVAL-3.1 defines classes 1, 2 and 3"),
            )
        })?;
        SystemClass::new(field, n)
    }

    pub fn number(self) -> u8 {
        match self {
            SystemClass::One => 1,
            SystemClass::Two => 2,
            SystemClass::Three => 3,
        }
    }

    /// Index into per-class parameter arrays.
    pub fn index(self) -> usize {
        usize::from(self.number() - 1)
    }
}

impl From<SystemClass> for u8 {
    fn from(c: SystemClass) -> u8 {
        c.number()
    }
}

impl TryFrom<u8> for SystemClass {
    type Error = InvalidInput;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        SystemClass::new("class", i64::from(v))
    }
}

/// EVAL-2.1: a system is built in house or outsourced (自建與委外維運).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sourcing {
    InHouse,
    Outsourced,
}

const SOURCINGS: &[(Sourcing, &str)] = &[
    (Sourcing::InHouse, "in-house"),
    (Sourcing::Outsourced, "outsourced"),
];

impl Sourcing {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value, SOURCINGS)
    }

    pub fn as_str(self) -> &'static str {
        SOURCINGS
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_3_1_classes_are_one_to_three() {
        for n in 1..=3 {
            assert_eq!(i64::from(SystemClass::new("c", n).unwrap().number()), n);
        }
        for bad in [0, 4, -1] {
            let e = SystemClass::new("--class", bad).unwrap_err().to_string();
            assert!(e.starts_with("--class: class"), "{e}");
        }
        assert!(SystemClass::parse("--class", "one").is_err());
    }
}

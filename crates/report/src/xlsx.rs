//! x
use crate::{ReportError, ReportModel};
pub fn render(_m: &ReportModel) -> Result<Vec<u8>, ReportError> { Ok(Vec::new()) }

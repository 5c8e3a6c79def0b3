//! x
use crate::content::Document;
pub fn render(_d: &Document) -> String { String::new() }

//! Multipart forms of the pages: their text fields and the one file field
//! `evidence`, read whole.
use std::collections::HashMap;

use axum::extract::multipart::MultipartError;
use axum::extract::Multipart;
use zilv_services::files::Upload;

use crate::error::AppError;

/// The fields of a multipart form: text by name, and the uploaded file.
#[derive(Debug, Default)]
pub struct Fields {
    text: HashMap<String, String>,
    pub file: Option<Upload>,
}

impl Fields {
    /// The text of field `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.text
            .get(name)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// The text of field `name`, or none when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|s| !s.is_empty())
    }
}

/// Reads every field; an unreadable body is an error that says why.
pub async fn read(mut m: Multipart) -> Result<Fields, AppError> {
    let bad = |e: MultipartError| {
        AppError::new(
            e.status(),
            format!("the form could not be read: {}", e.body_text()),
        )
    };
    let mut out = Fields::default();
    while let Some(field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "evidence" {
            let file = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            if !file.is_empty() && !bytes.is_empty() {
                out.file = Some(Upload {
                    name: file,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        out.text.insert(name, text);
    }
    Ok(out)
}

//! Uploaded files: size-limited, type-checked by their first bytes and
//! stored content-addressed by SHA-256 in the database (`stored_files`).
use serde::Serialize;
use sha2::{Digest, Sha256};
use zilv_domain::InvalidInput;
use zilv_store::files::{self, FileInfo};
use zilv_store::{Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::{Ctx, Result, ServiceError};

/// The largest file accepted: 20 MiB.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A file as the caller hands it in.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The file's name as the user gave it.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A link to a stored file: its name and content address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRef {
    pub name: String,
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The media type of `bytes`, judged by their first bytes (and, for ZIP
/// containers and text, the name's extension), or why the file is refused.
pub fn media_type(
    field: &str,
    name: &str,
    bytes: &[u8],
) -> std::result::Result<&'static str, InvalidInput> {
    let field = format!("{field} {name:?}");
    if bytes.is_empty() {
        return Err(InvalidInput::new(field, "the file is empty"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(InvalidInput::new(
            field,
            format!(
                "{} bytes, more than the {MAX_FILE_BYTES} bytes allowed",
                bytes.len()
            ),
        ));
    }
    let ext = extension(name);
    if bytes.starts_with(b"%PDF-") {
        return Ok("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Ok("image/jpeg");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(match ext.as_str() {
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ => "application/zip",
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(at) = text
                .char_indices()
                .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{c}'))
                .map(|(i, _)| i)
            {
                return Err(InvalidInput::new(
                    field,
                    format!("byte {at}: a control character; text files must be plain text"),
                ));
            }
            Ok(if ext == "csv" {
                "text/csv"
            } else {
                "text/plain"
            })
        }
        Err(e) => Err(InvalidInput::new(
            field,
            format!(
                "byte {}: neither PDF, PNG, JPEG, ZIP (XLSX, DOCX) nor UTF-8 text",
                e.valid_up_to()
            ),
        )),
    }
}

/// Checks and stores `upload` for the organisation inside a transaction.
pub(crate) async fn put(
    conn: &mut Conn,
    ctx: &Ctx,
    org_id: i64,
    field: &str,
    upload: &Upload,
) -> Result<FileRef> {
    let name = zilv_domain::required_text(&format!("{field} name"), &upload.name, 255)?;
    let media_type = media_type(field, &name, &upload.bytes)?;
    let info = FileInfo {
        sha256: hex::encode(Sha256::digest(&upload.bytes)),
        media_type: media_type.to_string(),
        size: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
    };
    files::put(conn, org_id, &info, &upload.bytes, &ctx.stamp()).await?;
    Ok(FileRef {
        name,
        sha256: info.sha256,
        media_type: info.media_type,
        size: info.size,
    })
}

/// A stored file's description and bytes, for download by those who see
/// assessments or findings.
pub async fn get(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    sha256: &str,
) -> Result<(FileInfo, Vec<u8>)> {
    let perm = if ctx.require(Permission::ViewAssessments).is_ok() {
        Permission::ViewAssessments
    } else {
        Permission::ViewFindings
    };
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, perm).await?;
    files::get(&mut conn, org.id, sha256)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "file",
            key: sha256.to_string(),
        })
}

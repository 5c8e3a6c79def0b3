//! `multipart/form-data` request bodies (file uploads), read whole and cut
//! into parts that share the body's buffer.
use axum::body::Bytes;

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    /// The form field's name.
    pub name: String,
    /// The uploaded file's name, for a file field.
    pub filename: Option<String>,
    pub data: Bytes,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

/// The value of `key="…"` in a Content-Disposition header.
fn param(header: &str, key: &str) -> Option<String> {
    let needle = format!("{key}=\"");
    let mut rest = header;
    loop {
        let at = rest.find(&needle)?;
        // `name=` must not match the end of `filename=`.
        let before = rest[..at].chars().last();
        rest = &rest[at + needle.len()..];
        if matches!(before, None | Some(' ' | ';')) {
            let end = rest.find('"')?;
            return Some(rest[..end].to_string());
        }
    }
}

/// Cuts `body` into its parts; says where and why when it is not a
/// well-formed multipart body.
pub fn parse(boundary: &str, body: &Bytes) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}");
    let d = delim.as_bytes();
    let mut at = find(body, d, 0).ok_or("the body has no multipart boundary")? + d.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts);
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return Err(format!(
                "byte {at}: a boundary is not followed by a line end"
            ));
        }
        let head_start = at + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)
            .ok_or_else(|| format!("byte {head_start}: part headers do not end"))?;
        let head = std::str::from_utf8(&body[head_start..head_end])
            .map_err(|_| format!("byte {head_start}: part headers are not UTF-8"))?;
        let disposition = head
            .split("\r\n")
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(v.trim())
            })
            .ok_or_else(|| format!("byte {head_start}: a part has no Content-Disposition"))?;
        let name = param(disposition, "name")
            .ok_or_else(|| format!("byte {head_start}: a part has no field name"))?;
        let filename = param(disposition, "filename");
        let data_start = head_end + 4;
        let mut closing = Vec::with_capacity(d.len() + 2);
        closing.extend_from_slice(b"\r\n");
        closing.extend_from_slice(d);
        let data_end = find(body, &closing, data_start)
            .ok_or_else(|| format!("byte {data_start}: field {name:?} does not end"))?;
        parts.push(Part {
            name,
            filename,
            data: body.slice(data_start..data_end),
        });
        at = data_end + closing.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_with_files_and_fields() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.log\"\r\nContent-Type: text/plain\r\n\r\nl1\r\nl2\n\r\n--XyZ--\r\n",
        );
        let b = boundary("multipart/form-data; boundary=XyZ").unwrap();
        let parts = parse(&b, &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), &parts[0].data[..]),
            ("a", &b"one"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("x.log"));
        assert_eq!(&parts[1].data[..], b"l1\r\nl2\n");
    }

    #[test]
    fn broken_bodies_are_refused_with_a_place() {
        for body in [
            &b"no boundary here"[..],
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever ends",
            b"--XyZ\r\nX: y\r\n\r\nv\r\n--XyZ--",
            b"--XyZjunk",
        ] {
            assert!(parse("XyZ", &Bytes::copy_from_slice(body)).is_err());
        }
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    }
}

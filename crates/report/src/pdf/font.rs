//! The embedded CJK font: loading from a file or bytes, glyph lookup and text measurement.
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::ReportError;

/// Noto Sans CJK as Debian's `fonts-noto-cjk` installs it.
pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The index of Noto Sans CJK TC in that collection (`fc-query` lists it as 3).
pub const DEFAULT_FONT_INDEX: u32 = 3;

/// A font loaded once and shared by any number of renderings; cheap to clone.
#[derive(Clone)]
pub struct ReportFont {
    inner: Arc<Inner>,
}

struct Inner {
    font: Font,
    /// Character to glyph ID and advance (in ems).
    glyphs: HashMap<char, (u16, f32)>,
    notdef_advance: f32,
}

impl std::fmt::Debug for ReportFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportFont")
            .field("glyphs", &self.inner.glyphs.len())
            .finish()
    }
}

impl ReportFont {
    /// Noto Sans CJK TC from [`DEFAULT_FONT_PATH`], index [`DEFAULT_FONT_INDEX`].
    pub fn noto_sans_cjk_tc() -> Result<Self, ReportError> {
        Self::from_file(Path::new(DEFAULT_FONT_PATH), DEFAULT_FONT_INDEX)
    }

    /// The font at `index` of the font file (TTF, OTF or a TTC collection) at `path`.
    pub fn from_file(path: &Path, index: u32) -> Result<Self, ReportError> {
        let data = std::fs::read(path).map_err(|e| ReportError::Font {
            origin: path.display().to_string(),
            reason: format!(
                "cannot read it: {e} (install Debian's fonts-noto-cjk or configure another font)"
            ),
        })?;
        Self::from_bytes(data, index, &path.display().to_string())
    }

    /// The font at `index` of `data`; `origin` names the data in errors.
    pub fn from_bytes(data: Vec<u8>, index: u32, origin: &str) -> Result<Self, ReportError> {
        let fail = |reason: String| ReportError::Font {
            origin: origin.to_string(),
            reason,
        };
        let (glyphs, notdef_advance) = {
            let f = FontRef::from_index(&data, index)
                .map_err(|e| fail(format!("no font at index {index}: {e}")))?;
            let upem = f32::from(
                f.metrics(Size::unscaled(), LocationRef::default())
                    .units_per_em
                    .max(1),
            );
            let metrics = f.glyph_metrics(Size::unscaled(), LocationRef::default());
            let mut glyphs = HashMap::new();
            for (cp, gid) in f.charmap().mappings() {
                let (Some(ch), Ok(g)) = (char::from_u32(cp), u16::try_from(gid.to_u32())) else {
                    continue;
                };
                let adv = metrics.advance_width(gid).unwrap_or(0.0) / upem;
                glyphs.insert(ch, (g, adv));
            }
            let notdef = metrics
                .advance_width(skrifa::GlyphId::new(0))
                .unwrap_or(0.0)
                / upem;
            (glyphs, notdef)
        };
        for ch in ['報', '告', 'A'] {
            if !glyphs.contains_key(&ch) {
                return Err(fail(format!(
                    "font at index {index} has no glyph for {ch:?}; a Traditional Chinese font is needed"
                )));
            }
        }
        let font = Font::new(data.into(), index).ok_or_else(|| {
            fail(format!(
                "the PDF writer cannot use the font at index {index}"
            ))
        })?;
        Ok(ReportFont {
            inner: Arc::new(Inner {
                font,
                glyphs,
                notdef_advance,
            }),
        })
    }

    pub(crate) fn krilla(&self) -> Font {
        self.inner.font.clone()
    }

    /// The advance of `ch` in ems.
    pub(crate) fn advance(&self, ch: char) -> f32 {
        self.inner
            .glyphs
            .get(&ch)
            .map_or(self.inner.notdef_advance, |g| g.1)
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// One glyph per character of `text`, each mapped back to its characters
    /// so that the PDF's text can be extracted.
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, ch)| {
                let (g, adv) = self
                    .inner
                    .glyphs
                    .get(&ch)
                    .copied()
                    .unwrap_or((0, self.inner.notdef_advance));
                KrillaGlyph::new(
                    GlyphId::new(u32::from(g)),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    i..i + ch.len_utf8(),
                    None,
                )
            })
            .collect()
    }
}

//! Page geometry, the page display list and flowing text: headings, wrapped
//! paragraphs and page breaks.
use crate::content::Rgb;
use crate::pdf::font::ReportFont;

/// A4 portrait, in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 50.0;
pub const TOP: f32 = 56.0;
pub const BOTTOM: f32 = PAGE_H - 56.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
pub const BLACK: Rgb = (0, 0, 0);
pub const GREY: Rgb = (110, 110, 110);

/// One drawing operation; `y` grows downwards from the top of the page.
pub enum Op {
    /// Text on one line; `y` is the top of the line box.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
}

/// Pages being laid out, with a cursor on the last one.
pub struct Layout<'a> {
    pub font: &'a ReportFont,
    pub pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    pub y: f32,
}

impl<'a> Layout<'a> {
    pub fn new(font: &'a ReportFont) -> Self {
        Layout {
            font,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    /// Index of the current page (0-based).
    pub fn page(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn push(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    /// Puts text on a page other than the current one (the contents, the page numbers).
    pub fn push_on(&mut self, page: usize, op: Op) {
        if let Some(p) = self.pages.get_mut(page) {
            p.push(op);
        }
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str, color: Rgb) {
        self.push(Op::Text {
            x,
            y,
            size,
            text: text.to_string(),
            color,
        });
    }

    /// A heading of `size` points, kept together with at least `keep` points of what follows.
    pub fn heading(&mut self, text: &str, size: f32, keep: f32) {
        let lines = wrap(self.font, text, CONTENT_W, size);
        let lh = size * 1.4;
        self.ensure(lh * lines.len() as f32 + keep);
        self.y += size * 0.4;
        for line in lines {
            self.text(MARGIN_X, self.y, size, &line, BLACK);
            self.y += lh;
        }
        self.y += size * 0.2;
    }

    /// A wrapped paragraph that breaks across pages line by line.
    pub fn paragraph(&mut self, text: &str, size: f32) {
        let lh = size * 1.5;
        for line in wrap(self.font, text, CONTENT_W, size) {
            self.ensure(lh);
            self.text(MARGIN_X, self.y, size, &line, BLACK);
            self.y += lh;
        }
        self.y += size * 0.6;
    }
}

/// Whether a line may break before or after `c` without a space: CJK
/// ideographs, kana, Hangul and full-width forms.
fn is_cjk(c: char) -> bool {
    let u = u32::from(c);
    (0x2E80..=0x9FFF).contains(&u)
        || (0xAC00..=0xD7AF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFFEF).contains(&u)
        || (0x20000..=0x3FFFF).contains(&u)
}

/// Punctuation that must not start a line.
fn no_break_before(c: char) -> bool {
    "，。、；：？！）」』】》〉…,.;:?!)]}%".contains(c)
}

/// Punctuation that must not end a line.
fn no_break_after(c: char) -> bool {
    "（「『【《〈([{".contains(c)
}

/// Splits `text` into lines no wider than `width` at `size` points: at
/// spaces and hyphens in Latin text, between any two CJK characters, and
/// anywhere in a word too long for a line. Newlines in `text` are kept.
pub fn wrap(font: &ReportFont, text: &str, width: f32, size: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0f32;
        // Byte offset in `line` where it may be broken.
        let mut brk: Option<usize> = None;
        let mut prev: Option<char> = None;
        for ch in para.chars() {
            // Tabs become spaces; other control characters have no glyph.
            let ch = if ch == '\t' { ' ' } else { ch };
            if ch.is_control() {
                continue;
            }
            let w = font.advance(ch) * size;
            if let Some(p) = prev {
                let cjk_pair = is_cjk(ch) || is_cjk(p);
                if cjk_pair && !no_break_before(ch) && !no_break_after(p) {
                    brk = Some(line.len());
                }
            }
            if line_w + w > width + 0.01 && !line.is_empty() {
                if ch == ' ' {
                    out.push(line.trim_end().to_string());
                    line.clear();
                    line_w = 0.0;
                    brk = None;
                    prev = None;
                    continue;
                }
                let cut = match brk {
                    Some(b) if b > 0 => b,
                    _ => line.len(),
                };
                let rest = line.split_off(cut);
                out.push(line.trim_end().to_string());
                line = rest.trim_start().to_string();
                line_w = font.width(&line, size);
                brk = None;
            }
            if line.is_empty() && ch == ' ' && !out.is_empty() {
                prev = Some(ch);
                continue;
            }
            line.push(ch);
            line_w += w;
            if ch == ' ' || ch == '-' || ch == '/' {
                brk = Some(line.len());
            }
            prev = Some(ch);
        }
        out.push(line.trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> ReportFont {
        ReportFont::noto_sans_cjk_tc().unwrap()
    }

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_character() {
        let f = font();
        let text = "資訊安全評估報告應包含評估人員資格、範圍、發現事項、嚴重程度、類別、風險描述及具體改善建議。\
                    The server accepts TLS 1.0 and weak CBC cipher suites; verylongwordwithoutanybreakopportunityatall.";
        for width in [40.0, 80.0, 150.0, 300.0] {
            let lines = wrap(&f, text, width, 9.0);
            for l in &lines {
                assert!(f.width(l, 9.0) <= width + 0.01, "{l:?} wider than {width}");
            }
            assert_eq!(squeeze(&lines.concat()), squeeze(text), "width {width}");
        }
    }

    #[test]
    fn latin_breaks_at_spaces_and_cjk_anywhere_but_before_closing_punctuation() {
        let f = font();
        let w = f.width("alpha beta ", 10.0);
        let lines = wrap(&f, "alpha beta alpha beta al", w, 10.0);
        assert_eq!(lines, ["alpha beta", "alpha beta", "al"]);
        let w = f.width("一二三", 10.0);
        let lines = wrap(&f, "一二三四五六", w, 10.0);
        assert_eq!(lines, ["一二三", "四五六"]);
        let lines = wrap(&f, "一二三，四五", w, 10.0);
        assert!(lines.iter().all(|l| !l.starts_with('，')), "{lines:?}");
    }

    #[test]
    fn newlines_are_kept_and_other_control_characters_dropped() {
        let f = font();
        assert_eq!(wrap(&f, "甲\r\n乙\u{7}\t丙", 500.0, 10.0), ["甲", "乙 丙"]);
    }
}

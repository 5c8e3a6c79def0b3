//! Horizontal bar charts drawn as vector graphics.
use crate::content::Chart;
use crate::pdf::layout::{Layout, Op, BLACK, CONTENT_W, GREY, MARGIN_X};

const BAR_H: f32 = 14.0;
const GAP: f32 = 6.0;
const LABEL_W: f32 = 130.0;
const VALUE_W: f32 = 40.0;
const SIZE: f32 = 9.0;

/// Draws `c` (its title and one bar per entry) at the cursor, kept on one page.
pub fn draw(l: &mut Layout, c: &Chart) {
    let rows = c.bars.len().max(1) as f32;
    let h = rows * (BAR_H + GAP) + GAP;
    l.heading(&c.title, 11.0, h);
    let top = l.y;
    let area = CONTENT_W - LABEL_W - VALUE_W;
    let max = c.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let x0 = MARGIN_X + LABEL_W;
    for (i, b) in c.bars.iter().enumerate() {
        let y = top + GAP + i as f32 * (BAR_H + GAP);
        let label = fit(l, &b.label, LABEL_W - 8.0);
        l.text(
            MARGIN_X,
            y + (BAR_H - SIZE) / 2.0 - 1.0,
            SIZE,
            &label,
            BLACK,
        );
        let w = area * b.value as f32 / max as f32;
        if w > 0.0 {
            l.push(Op::Rect {
                x: x0,
                y,
                w,
                h: BAR_H,
                fill: b.color,
            });
        }
        l.text(
            x0 + w + 4.0,
            y + (BAR_H - SIZE) / 2.0 - 1.0,
            SIZE,
            &b.value.to_string(),
            BLACK,
        );
    }
    l.push(Op::Line {
        x1: x0,
        y1: top,
        x2: x0,
        y2: top + h,
        width: 0.8,
        color: GREY,
    });
    l.y = top + h + 12.0;
}

/// `s`, shortened with an ellipsis to fit `width` at the chart's text size.
fn fit(l: &Layout, s: &str, width: f32) -> String {
    if l.font.width(s, SIZE) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let room = width - l.font.width("…", SIZE);
    for ch in s.chars() {
        if l.font.width(&out, SIZE) + l.font.advance(ch) * SIZE > room {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

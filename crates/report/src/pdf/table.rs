//! Tables that break across pages: the header row repeats on each new page,
//! cell text wraps, and a row taller than a page continues on the next.
use crate::content::Table;
use crate::pdf::layout::{wrap, Layout, Op, BLACK, BOTTOM, CONTENT_W, MARGIN_X, TOP};

const PAD: f32 = 4.0;
const RULE: (u8, u8, u8) = (150, 150, 150);
const HEADER_FILL: (u8, u8, u8) = (225, 230, 238);

struct Geometry {
    xs: Vec<f32>,
    ws: Vec<f32>,
    size: f32,
    lh: f32,
}

impl Geometry {
    fn lines(&self, l: &Layout, cells: &[String]) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(&self.ws)
            .map(|(c, w)| wrap(l.font, c, w - 2.0 * PAD, self.size))
            .collect()
    }
}

/// Draws one band of a row: lines `from..to` of every cell.
fn band(l: &mut Layout, g: &Geometry, cells: &[Vec<String>], from: usize, to: usize, fill: bool) {
    let h = (to - from) as f32 * g.lh + 2.0 * PAD;
    let top = l.y;
    if fill {
        l.push(Op::Rect {
            x: MARGIN_X,
            y: top,
            w: CONTENT_W,
            h,
            fill: HEADER_FILL,
        });
    }
    for (i, cell) in cells.iter().enumerate() {
        let end = to.min(cell.len());
        for (k, line) in cell.iter().enumerate().take(end).skip(from) {
            let y = top + PAD + (k - from) as f32 * g.lh;
            l.text(g.xs[i] + PAD, y, g.size, line, BLACK);
        }
    }
    let rule = |x1, y1, x2, y2| Op::Line {
        x1,
        y1,
        x2,
        y2,
        width: 0.5,
        color: RULE,
    };
    l.push(rule(MARGIN_X, top, MARGIN_X + CONTENT_W, top));
    l.push(rule(MARGIN_X, top + h, MARGIN_X + CONTENT_W, top + h));
    for x in g.xs.iter().chain(std::iter::once(&(MARGIN_X + CONTENT_W))) {
        l.push(rule(*x, top, *x, top + h));
    }
    l.y = top + h;
}

/// Draws `t` at the cursor, breaking across pages as needed.
pub fn draw(l: &mut Layout, t: &Table) {
    let total: f32 = t.widths.iter().sum::<f32>().max(1.0);
    let ws: Vec<f32> = t.widths.iter().map(|w| w / total * CONTENT_W).collect();
    let mut xs = Vec::with_capacity(ws.len());
    let mut x = MARGIN_X;
    for w in &ws {
        xs.push(x);
        x += w;
    }
    let size = match ws.len() {
        0..=6 => 9.0,
        7..=8 => 7.5,
        _ => 7.0,
    };
    let g = Geometry {
        xs,
        ws,
        size,
        lh: size * 1.35,
    };
    let header = g.lines(l, &t.headers);
    let header_lines = header.iter().map(Vec::len).max().unwrap_or(1);
    let header_h = header_lines as f32 * g.lh + 2.0 * PAD;
    l.ensure(header_h + g.lh * 2.0 + 2.0 * PAD);
    band(l, &g, &header, 0, header_lines, true);
    let page_room = BOTTOM - TOP - header_h;
    for row in &t.rows {
        let cells = g.lines(l, row);
        let n = cells.iter().map(Vec::len).max().unwrap_or(1);
        let h = n as f32 * g.lh + 2.0 * PAD;
        if l.y + h > BOTTOM && h <= page_room {
            l.new_page();
            band(l, &g, &header, 0, header_lines, true);
        }
        let mut from = 0;
        let mut fresh = false;
        while from < n {
            let mut fit = ((BOTTOM - l.y - 2.0 * PAD) / g.lh).floor().max(0.0) as usize;
            if fit == 0 && !fresh {
                l.new_page();
                band(l, &g, &header, 0, header_lines, true);
                fresh = true;
                continue;
            }
            // A header taller than a page still leaves room for one line.
            fit = fit.max(1);
            fresh = false;
            let to = n.min(from + fit);
            band(l, &g, &cells, from, to, false);
            from = to;
        }
    }
    l.y += 10.0;
}

//! The HTML renderer: one self-contained document with inline CSS, charts as
//! inline SVG, no scripts, and every text escaped.
use std::fmt::Write;

use crate::content::{Block, Chart, Document, Table};

const CSS: &str = "body{font-family:'Noto Sans CJK TC','Noto Sans TC',sans-serif;margin:2em auto;max-width:60em;color:#111;line-height:1.5}\
header{border-bottom:2px solid #3182bd;margin-bottom:2em}\
dl.cover{display:grid;grid-template-columns:10em 1fr;gap:.2em 1em}dl.cover dt{color:#666}dl.cover dd{margin:0}\
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em;font-size:.85em}\
th,td{border:1px solid #999;padding:.25em .4em;vertical-align:top;text-align:left;overflow-wrap:anywhere}\
th{background:#e1e6ee}thead{display:table-header-group}\
p{white-space:pre-wrap}svg{display:block;margin:.5em 0 1.5em}\
@media print{section{break-before:page}tr{break-inside:avoid}}";

/// Escapes `s` for HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `doc` as an HTML document.
pub fn render(doc: &Document) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<p>{}</p>\n<h1>{}</h1>\n<dl class=\"cover\">\n",
        doc.lang_tag,
        escape(&doc.title),
        escape(&doc.company),
        escape(&doc.title)
    );
    for (label, value) in &doc.cover {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
    }
    let _ = write!(
        h,
        "</dl>\n</header>\n<nav>\n<h2>{}</h2>\n<ol>\n",
        escape(doc.contents_label)
    );
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = writeln!(
            h,
            "<li><a href=\"#s{}\">{}</a></li>",
            i + 1,
            escape(&s.title)
        );
    }
    h.push_str("</ol>\n</nav>\n");
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section id=\"s{}\">\n<h2>{}. {}</h2>",
            i + 1,
            i + 1,
            escape(&s.title)
        );
        for b in &s.blocks {
            match b {
                Block::Subheading(t) => {
                    let _ = writeln!(h, "<h3>{}</h3>", escape(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(h, "<p>{}</p>", escape(t));
                }
                Block::Table(t) => table(&mut h, t),
                Block::Chart(c) => chart(&mut h, c),
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn table(h: &mut String, t: &Table) {
    let total: f32 = t.widths.iter().sum::<f32>().max(1.0);
    h.push_str("<table>\n<colgroup>");
    for w in &t.widths {
        let _ = write!(h, "<col style=\"width:{:.1}%\">", w / total * 100.0);
    }
    h.push_str("</colgroup>\n<thead><tr>");
    for c in &t.headers {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let _ = write!(h, "<td>{}</td>", escape(c).replace('\n', "<br>"));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn chart(h: &mut String, c: &Chart) {
    const W: u32 = 640;
    const LABEL: u32 = 170;
    const BAR: u32 = 18;
    const GAP: u32 = 8;
    let n = u32::try_from(c.bars.len()).unwrap_or(0).max(1);
    let height = n * (BAR + GAP) + GAP;
    let max = c.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let area = f64::from(W - LABEL - 50);
    let _ = write!(
        h,
        "<h3>{t}</h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{height}\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{t}\">\n",
        t = escape(&c.title)
    );
    for (i, b) in c.bars.iter().enumerate() {
        let y = GAP + u32::try_from(i).unwrap_or(0) * (BAR + GAP);
        let w = area * f64::from(b.value) / f64::from(max);
        let (r, g, bl) = b.color;
        let _ = writeln!(
            h,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{label}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"rgb({r},{g},{bl})\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" font-size=\"13\">{v}</text>",
            ty = y + 14,
            label = escape(&b.label),
            vx = f64::from(LABEL) + w + 5.0,
            v = b.value
        );
    }
    let _ = write!(
        h,
        "<line x1=\"{LABEL}\" y1=\"0\" x2=\"{LABEL}\" y2=\"{height}\" stroke=\"#666\"/>\n</svg>\n"
    );
}

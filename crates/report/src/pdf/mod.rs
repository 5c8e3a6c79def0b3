//! The PDF renderer: lays the document out on A4 pages (cover, contents,
//! sections, page numbers) and writes them with the font embedded as a subset.
mod chart;
pub mod font;
mod layout;
mod table;

use krilla::annotation::{LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::Document as PdfDocument;

use crate::content::{Block, Document, Rgb};
use crate::ReportError;
use font::ReportFont;
use layout::{Layout, Op, BLACK, BOTTOM, CONTENT_W, GREY, MARGIN_X, PAGE_H, PAGE_W, TOP};

/// Lays out `doc` and writes it as PDF bytes.
pub fn render(doc: &Document, font: &ReportFont) -> Result<Vec<u8>, ReportError> {
    let laid = lay_out(doc, font);
    write(doc, font, &laid)
}

/// A clickable area of a page that leads to the top of another page.
struct Link {
    page: usize,
    area: (f32, f32, f32, f32),
    to: usize,
}

/// The laid-out report.
struct Laid {
    /// Each page's drawing operations.
    pages: Vec<Vec<Op>>,
    /// The page index where each section starts.
    starts: Vec<usize>,
    /// The contents entries, linked to their sections.
    links: Vec<Link>,
}

fn lay_out(doc: &Document, font: &ReportFont) -> Laid {
    let mut l = Layout::new(font);
    // Cover.
    l.y = 250.0;
    for line in layout::wrap(font, &doc.company, CONTENT_W, 20.0) {
        l.text(MARGIN_X, l.y, 20.0, &line, BLACK);
        l.y += 30.0;
    }
    l.y += 10.0;
    for line in layout::wrap(font, &doc.title, CONTENT_W, 24.0) {
        l.text(MARGIN_X, l.y, 24.0, &line, BLACK);
        l.y += 34.0;
    }
    l.push(Op::Line {
        x1: MARGIN_X,
        y1: l.y + 6.0,
        x2: MARGIN_X + CONTENT_W,
        y2: l.y + 6.0,
        width: 1.5,
        color: (49, 130, 189),
    });
    l.y += 30.0;
    for (label, value) in &doc.cover {
        l.text(MARGIN_X, l.y, 11.0, label, GREY);
        for line in layout::wrap(font, value, CONTENT_W - 130.0, 11.0) {
            l.text(MARGIN_X + 130.0, l.y, 11.0, &line, BLACK);
            l.y += 18.0;
        }
    }
    // Contents: one page, filled in once the sections' pages are known.
    l.new_page();
    let contents_page = l.page();
    let mut starts = Vec::with_capacity(doc.sections.len());
    for (i, s) in doc.sections.iter().enumerate() {
        l.new_page();
        starts.push(l.page());
        l.heading(&format!("{}. {}", i + 1, s.title), 16.0, 40.0);
        for b in &s.blocks {
            match b {
                Block::Subheading(t) => l.heading(t, 12.0, 40.0),
                Block::Paragraph(t) => l.paragraph(t, 10.0),
                Block::Table(t) => table::draw(&mut l, t),
                Block::Chart(c) => chart::draw(&mut l, c),
            }
        }
    }
    let mut y = TOP;
    let title = Op::Text {
        x: MARGIN_X,
        y,
        size: 18.0,
        text: doc.contents_label.to_string(),
        color: BLACK,
    };
    l.push_on(contents_page, title);
    y += 40.0;
    let mut links = Vec::new();
    for (i, (s, start)) in doc.sections.iter().zip(&starts).enumerate() {
        let entry = format!("{}. {}", i + 1, s.title);
        let number = (start + 1).to_string();
        let size = 12.0;
        let nw = font.width(&number, size);
        let ew = font.width(&entry, size);
        let dot_w = font.width(".", size).max(0.1);
        let dots_room = CONTENT_W - nw - ew - 12.0;
        let dots = ".".repeat((dots_room / dot_w).max(0.0) as usize);
        for (x, text, color) in [
            (MARGIN_X, entry.clone(), BLACK),
            (MARGIN_X + ew + 6.0, dots, GREY),
            (MARGIN_X + CONTENT_W - nw, number, BLACK),
        ] {
            l.push_on(
                contents_page,
                Op::Text {
                    x,
                    y,
                    size,
                    text,
                    color,
                },
            );
        }
        links.push(Link {
            page: contents_page,
            area: (MARGIN_X, y - 2.0, CONTENT_W, size + 6.0),
            to: *start,
        });
        y += 24.0;
    }
    // Page numbers on every page.
    let total = l.pages.len();
    for p in 0..total {
        let text = (doc.page_label)(p + 1, total);
        let x = (PAGE_W - font.width(&text, 9.0)) / 2.0;
        l.push_on(
            p,
            Op::Text {
                x,
                y: BOTTOM + 22.0,
                size: 9.0,
                text,
                color: GREY,
            },
        );
    }
    Laid {
        pages: l.pages,
        starts,
        links,
    }
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw_op(s: &mut Surface, font: &ReportFont, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            text,
            color,
        } => {
            s.set_fill(Some(fill(*color)));
            let glyphs = font.glyphs(text);
            s.draw_glyphs(
                Point::from_xy(*x, y + size * 0.95),
                &glyphs,
                font.krilla(),
                text,
                *size,
                false,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill: c,
        } => {
            if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut pb = PathBuilder::new();
                pb.push_rect(r);
                if let Some(path) = pb.finish() {
                    s.set_fill(Some(fill(*c)));
                    s.draw_path(&path);
                }
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                s.set_fill(None);
                s.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width: *width,
                    ..Default::default()
                }));
                s.draw_path(&path);
                s.set_stroke(None);
            }
        }
    }
}

fn write(doc: &Document, font: &ReportFont, laid: &Laid) -> Result<Vec<u8>, ReportError> {
    let mut pdf = PdfDocument::new();
    let mut outline = Outline::new();
    for (i, (s, start)) in doc.sections.iter().zip(&laid.starts).enumerate() {
        let to = XyzDestination::new(*start, Point::from_xy(0.0, 0.0));
        outline.push_child(OutlineNode::new(format!("{}. {}", i + 1, s.title), to));
    }
    pdf.set_outline(outline);
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .authors(vec![doc.company.clone()])
            .language(doc.lang_tag.to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportError::Pdf("invalid page size".to_string()))?;
    for (n, ops) in laid.pages.iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        for link in laid.links.iter().filter(|k| k.page == n) {
            let (x, y, w, h) = link.area;
            if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                let to = XyzDestination::new(link.to, Point::from_xy(0.0, 0.0));
                let target = Target::Destination(Destination::Xyz(to));
                page.add_annotation(LinkAnnotation::new(rect, target).into());
            }
        }
        let mut surface = page.surface();
        for op in ops {
            draw_op(&mut surface, font, op);
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

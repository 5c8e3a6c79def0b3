#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The PDF report as a reader sees it: pdftotext, pdffonts and pdftoppm from poppler-utils.
mod common;

use common::tools::{artifacts_dir, pages_text, run, save, squeezed};
use common::{catalog, font, model};
use zilv_report::{render_pdf, Lang, ReportError, ReportModel};

const HEADINGS_ZH: [&str; 8] = [
    "目錄",
    "評估人員及資格",
    "評估範圍",
    "評估項目結果",
    "發現事項",
    "社交工程演練結果",
    "可靠性與安全性侵害對策",
    "總結",
];

fn pdf(m: &ReportModel) -> Vec<u8> {
    render_pdf(m, &catalog(), &font()).unwrap()
}

#[test]
fn eval_8_pdf_has_every_section_and_the_traditional_chinese_findings() {
    let m = model(12);
    let (_d, path) = save(&pdf(&m), "report.pdf");
    let text = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    for h in HEADINGS_ZH {
        assert!(text.contains(h), "heading {h} missing from:\n{text}");
    }
    let flat = squeezed(&path);
    let f = &m.findings[11];
    for field in [&f.id, &f.title, &f.category, &f.target, &f.recommendation] {
        let want: String = field.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains(&want), "finding text {field:?} missing");
    }
    for want in [
        "臺灣範例產物保險股份有限公司",
        "電腦系統資訊安全評估報告",
        "A-2026-001",
        "2026-09-01–2026-10-31",
        "王小明",
        "(3)模擬入侵能力",
        "OS-101-99999",
        "訓練時數：40小時",
        "實務經驗：8年",
        "網路投保系統第一級",
        "受評系統未使用金鑰儲存設備。",
        "弱點掃描與修補",
        "不符合",
        "58(29%)",
        "17(8.5%)",
        "33(16.5%)",
        "導入端點偵測與回應（EDR）",
        "發現事項（依嚴重程度）",
        "發現事項（依類別）",
        "改善狀態",
        "未改善",
        "風險接受",
        "2026-12-31",
    ] {
        assert!(flat.contains(want), "{want:?} missing from the PDF text");
    }
}

#[test]
fn eval_8_pdf_contents_page_lists_every_section_with_its_page_and_every_page_is_numbered() {
    let (_d, path) = save(&pdf(&model(40)), "report.pdf");
    let pages = pages_text(&path);
    let total = pages.len();
    assert!(total >= 9, "only {total} pages");
    for (i, p) in pages.iter().enumerate() {
        let label = format!("第 {} 頁，共 {total} 頁", i + 1);
        assert!(p.contains(&label), "page {} lacks {label:?}", i + 1);
    }
    let contents = &pages[1];
    assert!(contents.contains("目錄"));
    for h in &HEADINGS_ZH[1..] {
        let line = contents
            .lines()
            .find(|l| l.contains(h))
            .unwrap_or_else(|| panic!("{h} not in the contents:\n{contents}"));
        let page: usize = line
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            pages[page - 1].contains(h),
            "contents says {h} is on page {page}, but it is not there"
        );
    }
}

#[test]
fn eval_8_pdf_embeds_a_subset_of_noto_sans_cjk_tc() {
    let bytes = pdf(&model(12));
    let (_d, path) = save(&bytes, "report.pdf");
    let fonts = run("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts:\n{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        // name type... encoding emb sub uni object ID
        assert!(
            row.contains("NotoSansCJKtc"),
            "unexpected font (not Noto Sans CJK TC): {row}"
        );
        assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
        assert_eq!(cols[n - 4], "yes", "font not subset: {row}");
        assert_eq!(cols[n - 3], "yes", "font has no ToUnicode map: {row}");
    }
    // The whole collection is about 20 MB; a subset keeps the report small.
    assert!(
        bytes.len() < 600_000,
        "the PDF is {} bytes: font not subset?",
        bytes.len()
    );
}

#[test]
fn pdf_pages_render_to_png_for_review() {
    let dir = artifacts_dir();
    for (tag, lang) in [("zh", Lang::ZhTw), ("en", Lang::En)] {
        let mut m = model(25);
        m.language = lang;
        let bytes = pdf(&m);
        let prefix = format!("{tag}-page");
        for old in std::fs::read_dir(&dir).unwrap() {
            let p = old.unwrap().path();
            if p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
            {
                std::fs::remove_file(p).unwrap();
            }
        }
        let pdf_path = dir.join(format!("report-{tag}.pdf"));
        std::fs::write(&pdf_path, &bytes).unwrap();
        let out = dir.join(&prefix);
        run(
            "pdftoppm",
            &[
                "-r",
                "60",
                "-png",
                pdf_path.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
        );
        let pngs = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                let n = e.as_ref().unwrap().file_name();
                let n = n.to_string_lossy();
                n.starts_with(&prefix) && n.ends_with(".png")
            })
            .count();
        assert_eq!(pngs, pages_text(&pdf_path).len(), "{tag} pages");
    }
    println!("report pages for review: {}", dir.display());
}

#[test]
fn pdf_rerender_of_the_same_model_is_byte_identical() {
    let m = model(30);
    let a = pdf(&m);
    let b = render_pdf(&m, &catalog(), &font()).unwrap();
    assert!(a == b, "two renderings of one model differ");
    let mut other = m.clone();
    other.findings[0].title.push('！');
    assert!(pdf(&other) != a, "a changed model rendered the same bytes");
}

#[test]
fn eval_8_findings_table_of_200_continues_across_pages_with_the_header_repeated() {
    let m = model(200);
    let (_d, path) = save(&pdf(&m), "report.pdf");
    let pages = pages_text(&path);
    let finding_pages: Vec<&String> = pages.iter().filter(|p| p.contains("F-0")).collect();
    assert!(
        finding_pages.len() >= 10,
        "200 findings on only {} pages",
        finding_pages.len()
    );
    for p in &finding_pages {
        for h in ["編號", "風險說明", "具體改善建議", "預定完成日"] {
            assert!(p.contains(h), "a findings page lacks the header {h}:\n{p}");
        }
    }
    let all = pages.concat();
    for f in &m.findings {
        assert!(all.contains(&f.id), "{} missing", f.id);
    }
    let total = pages.len();
    assert!(pages[total - 1].contains(&format!("第 {total} 頁，共 {total} 頁")));
}

#[test]
fn eval_8_long_cell_text_wraps_and_a_row_taller_than_a_page_continues() {
    let base = model(3);
    let mut m = base.clone();
    let cjk: String = "資訊安全評估發現之風險說明".repeat(120);
    let latin = "Averyveryverylongidentifierwithoutanyspaces_".repeat(8);
    m.findings[1].risk = format!("{cjk}{latin}結尾標記");
    let (_d, path) = save(&pdf(&m), "long.pdf");
    let (_e, base_path) = save(&pdf(&base), "base.pdf");
    // The long cell is on more than one page, and nothing of it is lost:
    // the report holds exactly as many more of its characters as it added
    // (characters that the repeated header or the page numbers use excepted).
    let pages = pages_text(&path);
    let holding = pages
        .iter()
        .filter(|p| p.contains("評估發現之風險"))
        .count();
    assert!(holding >= 2, "the tall row is on {holding} page(s)");
    let (long, short) = (squeezed(&path), squeezed(&base_path));
    let count = |s: &str, c: char| s.chars().filter(|&x| x == c).count();
    let added = &m.findings[1].risk;
    let removed = &base.findings[1].risk;
    for c in ['估', '之', 'y', '_', '尾'] {
        assert_eq!(
            count(&long, c) - count(&short, c),
            count(added, c) - count(removed, c),
            "characters {c:?} of the long cell lost or duplicated"
        );
    }
    assert!(long.contains("結尾標記"), "the end of a long cell is lost");
}

#[test]
fn eval_8_pdf_in_english_has_english_headings_and_labels() {
    let mut m = model(5);
    m.language = Lang::En;
    let (_d, path) = save(&pdf(&m), "report-en.pdf");
    let text = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    for h in [
        "Contents",
        "Assessors and qualifications",
        "Scope",
        "Item results",
        "Findings",
        "Social-engineering drill results",
        "Reliability and security countermeasures",
        "Summary",
        "Risk description",
        "Recommendation",
        "Findings by severity",
        "Network architecture and device rules",
        "Page 1 of",
        "Certificate: OSCP",
    ] {
        assert!(text.contains(h), "{h:?} missing from the English PDF");
    }
    for zh in ["評估人員及資格", "風險說明", "第 1 頁"] {
        assert!(!text.contains(zh), "Chinese label {zh} in the English PDF");
    }
    // The findings' own text stays as written.
    assert!(squeezed(&path).contains("網站伺服器使用過時的TLS版本"));
}

#[test]
fn eval_4_2_report_refuses_an_unknown_item_id_naming_the_field() {
    let mut m = model(1);
    m.scope.items_left_out[1].item = "EVAL-4.1.6.1".to_string();
    let e = render_pdf(&m, &catalog(), &font()).unwrap_err();
    assert!(matches!(e, ReportError::Invalid { .. }));
    let msg = e.to_string();
    assert!(msg.contains("scope.items_left_out[1].item"), "{msg}");
    assert!(msg.contains("EVAL-4.1.6.1"), "{msg}");
}

#[test]
fn eval_6_drill_with_more_clicks_than_recipients_is_refused() {
    let mut m = model(1);
    m.drills[0].clicked = 500;
    let msg = render_pdf(&m, &catalog(), &font()).unwrap_err().to_string();
    assert!(msg.contains("drills[0].clicked"), "{msg}");
}

#[test]
fn a_missing_font_file_is_a_clear_error() {
    let e = zilv_report::ReportFont::from_file(std::path::Path::new("/nonexistent/font.ttc"), 3)
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("/nonexistent/font.ttc"), "{msg}");
    assert!(msg.contains("fonts-noto-cjk"), "{msg}");
}

#[test]
fn eval_8_pdf_of_an_assessment_with_no_findings_says_none() {
    let mut m = model(0);
    m.drills.clear();
    let (_d, path) = save(&pdf(&m), "empty.pdf");
    let pages = pages_text(&path);
    let findings = pages
        .iter()
        .find(|p| p.contains("發現事項總數"))
        .expect("findings section");
    assert!(findings.contains("發現事項總數：0"), "{findings}");
    assert!(findings.contains("無"), "no 'none' row:\n{findings}");
}

#[test]
fn pdf_has_a_bookmark_and_a_contents_link_per_section() {
    let bytes = pdf(&model(3));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Outlines"), "no document outline");
    assert_eq!(
        raw.matches("/Subtype /Link").count(),
        7,
        "one link per entry"
    );
    assert_eq!(raw.matches("/Dest").count(), 14, "bookmarks and links");
}

//! Every fixed label and heading of the report, in Traditional Chinese and English.
use crate::model::{
    AssessorKind, Lang, Outcome, QualificationArea, QualificationBasis, RemediationStatus, Severity,
};

/// The fixed text of a report in one language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    pub lang_tag: &'static str,
    /// Separates a label from its value: `：` or `: `.
    pub colon: &'static str,
    pub contents: &'static str,
    pub company: &'static str,
    pub assessment_id: &'static str,
    pub assessment_name: &'static str,
    pub period: &'static str,
    pub generated_at: &'static str,
    pub page: fn(usize, usize) -> String,
    pub sec_assessors: &'static str,
    pub sec_scope: &'static str,
    pub sec_items: &'static str,
    pub sec_findings: &'static str,
    pub sec_drills: &'static str,
    pub sec_countermeasures: &'static str,
    pub sec_summary: &'static str,
    pub name: &'static str,
    pub organisation: &'static str,
    pub kind: &'static str,
    pub area: &'static str,
    pub basis: &'static str,
    pub systems: &'static str,
    pub system: &'static str,
    pub class: &'static str,
    pub description: &'static str,
    pub items_done: &'static str,
    pub items_left_out: &'static str,
    pub item: &'static str,
    pub item_title: &'static str,
    pub reason: &'static str,
    pub result: &'static str,
    pub notes: &'static str,
    pub none: &'static str,
    pub id: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub category: &'static str,
    pub clause: &'static str,
    pub target: &'static str,
    pub risk: &'static str,
    pub recommendation: &'static str,
    pub status: &'static str,
    pub due: &'static str,
    pub date: &'static str,
    pub recipients: &'static str,
    pub opened: &'static str,
    pub clicked: &'static str,
    pub reported: &'static str,
    pub reliability: &'static str,
    pub security: &'static str,
    pub chart_severity: &'static str,
    pub chart_category: &'static str,
    pub chart_status: &'static str,
    pub findings_total: &'static str,
    /// The bar that gathers the categories beyond the chart's limit.
    pub other: &'static str,
}

/// The labels of `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::ZhTw => &ZH,
        Lang::En => &EN,
    }
}

static ZH: Labels = Labels {
    lang_tag: "zh-TW",
    colon: "：",
    contents: "目錄",
    company: "公司名稱",
    assessment_id: "評估編號",
    assessment_name: "評估名稱",
    period: "評估期間",
    generated_at: "報告產製時間",
    page: |n, total| format!("第 {n} 頁，共 {total} 頁"),
    sec_assessors: "評估人員及資格",
    sec_scope: "評估範圍",
    sec_items: "評估項目結果",
    sec_findings: "發現事項",
    sec_drills: "社交工程演練結果",
    sec_countermeasures: "可靠性與安全性侵害對策",
    sec_summary: "總結",
    name: "姓名",
    organisation: "單位",
    kind: "類型",
    area: "資格項目",
    basis: "資格依據",
    systems: "受評系統",
    system: "系統",
    class: "等級",
    description: "說明",
    items_done: "已執行項目",
    items_left_out: "未執行項目及理由",
    item: "項目",
    item_title: "項目名稱",
    reason: "理由",
    result: "結果",
    notes: "備註",
    none: "無",
    id: "編號",
    title: "標題",
    severity: "嚴重程度",
    category: "類別",
    clause: "條款",
    target: "影響標的",
    risk: "風險說明",
    recommendation: "具體改善建議",
    status: "改善狀態",
    due: "預定完成日",
    date: "日期",
    recipients: "收件人數",
    opened: "開啟率",
    clicked: "點擊率",
    reported: "通報率",
    reliability: "提升資訊系統可靠性（EVAL-5.1）",
    security: "資訊安全性侵害對策（EVAL-5.2）",
    chart_severity: "發現事項（依嚴重程度）",
    chart_category: "發現事項（依類別）",
    chart_status: "改善狀態",
    findings_total: "發現事項總數",
    other: "其他",
};

static EN: Labels = Labels {
    lang_tag: "en",
    colon: ": ",
    contents: "Contents",
    company: "Company",
    assessment_id: "Assessment ID",
    assessment_name: "Assessment",
    period: "Assessment period",
    generated_at: "Generated at",
    page: |n, total| format!("Page {n} of {total}"),
    sec_assessors: "Assessors and qualifications",
    sec_scope: "Scope",
    sec_items: "Item results",
    sec_findings: "Findings",
    sec_drills: "Social-engineering drill results",
    sec_countermeasures: "Reliability and security countermeasures",
    sec_summary: "Summary",
    name: "Name",
    organisation: "Organisation",
    kind: "Kind",
    area: "Qualification",
    basis: "Basis",
    systems: "Systems assessed",
    system: "System",
    class: "Class",
    description: "Description",
    items_done: "Items performed",
    items_left_out: "Items left out, with reasons",
    item: "Item",
    item_title: "Item title",
    reason: "Reason",
    result: "Result",
    notes: "Notes",
    none: "None",
    id: "ID",
    title: "Title",
    severity: "Severity",
    category: "Category",
    clause: "Clause",
    target: "Affected target",
    risk: "Risk description",
    recommendation: "Recommendation",
    status: "Remediation status",
    due: "Due date",
    date: "Date",
    recipients: "Recipients",
    opened: "Opened",
    clicked: "Clicked",
    reported: "Reported",
    reliability: "Reliability countermeasures (EVAL-5.1)",
    security: "Countermeasures against security breaches (EVAL-5.2)",
    chart_severity: "Findings by severity",
    chart_category: "Findings by category",
    chart_status: "Remediation status",
    findings_total: "Total findings",
    other: "Other",
};

/// The name of a severity in `lang`.
pub fn severity(lang: Lang, s: Severity) -> &'static str {
    match (lang, s) {
        (Lang::ZhTw, Severity::Critical) => "重大",
        (Lang::ZhTw, Severity::High) => "高",
        (Lang::ZhTw, Severity::Medium) => "中",
        (Lang::ZhTw, Severity::Low) => "低",
        (Lang::ZhTw, Severity::Info) => "資訊",
        (Lang::En, Severity::Critical) => "Critical",
        (Lang::En, Severity::High) => "High",
        (Lang::En, Severity::Medium) => "Medium",
        (Lang::En, Severity::Low) => "Low",
        (Lang::En, Severity::Info) => "Info",
    }
}

/// The name of a remediation status in `lang`.
pub fn status(lang: Lang, s: RemediationStatus) -> &'static str {
    match (lang, s) {
        (Lang::ZhTw, RemediationStatus::Open) => "未改善",
        (Lang::ZhTw, RemediationStatus::InProgress) => "改善中",
        (Lang::ZhTw, RemediationStatus::Resolved) => "已改善",
        (Lang::ZhTw, RemediationStatus::RiskAccepted) => "風險接受",
        (Lang::En, RemediationStatus::Open) => "Open",
        (Lang::En, RemediationStatus::InProgress) => "In progress",
        (Lang::En, RemediationStatus::Resolved) => "Resolved",
        (Lang::En, RemediationStatus::RiskAccepted) => "Risk accepted",
    }
}

/// The name of an item outcome in `lang`.
pub fn outcome(lang: Lang, o: Outcome) -> &'static str {
    match (lang, o) {
        (Lang::ZhTw, Outcome::Satisfied) => "符合",
        (Lang::ZhTw, Outcome::NotSatisfied) => "不符合",
        (Lang::ZhTw, Outcome::NotApplicable) => "不適用",
        (Lang::En, Outcome::Satisfied) => "Satisfied",
        (Lang::En, Outcome::NotSatisfied) => "Not satisfied",
        (Lang::En, Outcome::NotApplicable) => "Not applicable",
    }
}

/// The name of an assessor kind (EVAL-7.1) in `lang`.
pub fn assessor_kind(lang: Lang, k: AssessorKind) -> &'static str {
    match (lang, k) {
        (Lang::ZhTw, AssessorKind::Internal) => "內部評估人員",
        (Lang::ZhTw, AssessorKind::External) => "外部評估單位",
        (Lang::En, AssessorKind::Internal) => "Internal",
        (Lang::En, AssessorKind::External) => "External",
    }
}

/// The name of an EVAL-7.2 qualification area in `lang`.
pub fn area(lang: Lang, a: QualificationArea) -> &'static str {
    match (lang, a) {
        (Lang::ZhTw, QualificationArea::SecurityManagement) => "(1) 資安管理知識",
        (Lang::ZhTw, QualificationArea::SecurityTechnical) => "(2) 資安技術能力",
        (Lang::ZhTw, QualificationArea::SimulatedAttack) => "(3) 模擬入侵能力",
        (Lang::ZhTw, QualificationArea::FinancialApplications) => "(4) 金融領域應用系統經驗",
        (Lang::En, QualificationArea::SecurityManagement) => "(1) Security management",
        (Lang::En, QualificationArea::SecurityTechnical) => "(2) Security technique",
        (Lang::En, QualificationArea::SimulatedAttack) => "(3) Simulated attack",
        (Lang::En, QualificationArea::FinancialApplications) => "(4) Financial applications",
    }
}

/// A qualification basis written out in `lang`.
pub fn basis(lang: Lang, b: &QualificationBasis) -> String {
    match (lang, b) {
        (
            Lang::ZhTw,
            QualificationBasis::Certificate {
                name,
                number,
                issuer,
                expires,
            },
        ) => {
            let exp = expires.map_or_else(|| "無期限".to_string(), |d| d.to_string());
            format!("證照：{name}（證號 {number}，發證單位 {issuer}，有效期限 {exp}）")
        }
        (
            Lang::En,
            QualificationBasis::Certificate {
                name,
                number,
                issuer,
                expires,
            },
        ) => {
            let exp = expires.map_or_else(|| "no expiry".to_string(), |d| d.to_string());
            format!("Certificate: {name} (no. {number}, issued by {issuer}, expires {exp})")
        }
        (Lang::ZhTw, QualificationBasis::Training { hours, description }) => {
            format!("訓練時數：{hours} 小時（{description}）")
        }
        (Lang::En, QualificationBasis::Training { hours, description }) => {
            format!("Training: {hours} hours ({description})")
        }
        (Lang::ZhTw, QualificationBasis::Experience { years, description }) => {
            format!("實務經驗：{years} 年（{description}）")
        }
        (Lang::En, QualificationBasis::Experience { years, description }) => {
            format!("Experience: {years} years ({description})")
        }
    }
}

/// The class of a system written out in `lang` (EVAL-3.1).
pub fn class(lang: Lang, c: u8) -> String {
    match lang {
        Lang::ZhTw => format!("第{}級", ["", "一", "二", "三"][usize::from(c.min(3))]),
        Lang::En => format!("Class {c}"),
    }
}

/// The title of a catalog clause in `lang`, or an empty string if the catalog lacks it.
pub fn clause_title(catalog: &zilv_catalog::Catalog, lang: Lang, id: &str) -> String {
    catalog
        .clause(id)
        .map(|c| c.title(lang).to_string())
        .unwrap_or_default()
}

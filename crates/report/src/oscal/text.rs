//! The fixed text of the OSCAL exports in Traditional Chinese and English.
use crate::model::Lang;

/// Fixed text of the OSCAL documents in one language (the report's labels cover the rest).
#[derive(Debug, Clone, Copy)]
pub struct OscalText {
    pub results: &'static str,
    pub poam: &'static str,
    pub role_assessor: &'static str,
    pub role_prepared_for: &'static str,
    pub plan: &'static str,
    pub plan_description: fn(&str) -> String,
    pub catalog_description: fn(&str) -> String,
    pub drill: &'static str,
    pub finding_evidence: &'static str,
    pub qualification: &'static str,
    pub risk_accepted: &'static str,
    pub open: &'static str,
    pub in_progress: &'static str,
    pub resolved: &'static str,
}

/// The fixed text of `lang`.
pub fn text(lang: Lang) -> &'static OscalText {
    match lang {
        Lang::ZhTw => &ZH,
        Lang::En => &EN,
    }
}

static ZH: OscalText = OscalText {
    results: "評估結果",
    poam: "發現事項改善計畫（POA&M）",
    role_assessor: "評估人員",
    role_prepared_for: "受評公司",
    plan: "評估計畫",
    plan_description: |id| format!("評估編號 {id} 之評估計畫，保存於 Zilv。"),
    catalog_description: |v| format!("自律規範版本 {v}；控制項編號即條款編號。"),
    drill: "社交工程演練",
    finding_evidence: "發現事項佐證",
    qualification: "資格",
    risk_accepted: "風險接受：公司已接受此風險，本項列為偏離（deviation），不再排定改善。",
    open: "未改善：依預定完成日改善，由稽核單位追蹤（EVAL-8）。",
    in_progress: "改善中：依預定完成日完成改善，由稽核單位追蹤（EVAL-8）。",
    resolved: "已改善",
};

static EN: OscalText = OscalText {
    results: "Assessment results",
    poam: "Plan of action and milestones",
    role_assessor: "Assessor",
    role_prepared_for: "Assessed company",
    plan: "Assessment plan",
    plan_description: |id| format!("The assessment plan of assessment {id}, kept in Zilv."),
    catalog_description: |v| {
        format!("Self-regulation version {v}; the control IDs are the clause IDs.")
    },
    drill: "Social-engineering drill",
    finding_evidence: "Evidence of the finding",
    qualification: "Qualification",
    risk_accepted: "Risk accepted: the company accepted this risk; the item stands as a \
                    deviation with no remediation scheduled.",
    open: "Open: to be remediated by the due date, tracked by internal audit (EVAL-8).",
    in_progress: "In progress: to be completed by the due date, tracked by internal audit \
                  (EVAL-8).",
    resolved: "Resolved",
};

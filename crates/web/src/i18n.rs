//! The two languages of the interface: Traditional Chinese (the default)
//! and English, chosen by a cookie, and every fixed label in both.
use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::cookies;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-TW" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-TW",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The name of the language in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    pub fn catalog(self) -> zilv_catalog::Lang {
        match self {
            Lang::Zh => zilv_catalog::Lang::ZhTw,
            Lang::En => zilv_catalog::Lang::En,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(cookies::get(&parts.headers, cookies::LANG)
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default())
    }
}

/// Every fixed label: key, Traditional Chinese, English.
const LABELS: &[(&str, &str, &str)] = &[
    ("app_name", "Zilv 資安自律管理", "Zilv security self-regulation"),
    ("back_home", "回首頁", "Back to the dashboard"),
    ("dashboard", "總覽", "Dashboard"),
    ("catalog", "自律規範", "Regulation"),
    ("systems", "電腦系統", "Systems"),
    ("assets", "資訊資產", "Assets"),
    ("users", "使用者", "Users"),
    ("audit", "稽核軌跡", "Audit trail"),
    ("account", "帳號設定", "Account"),
    ("members", "會員公司", "Member companies"),
    ("sign_in", "登入", "Sign in"),
    ("sign_out", "登出", "Sign out"),
    ("email", "電子郵件", "E-mail"),
    ("password", "密碼", "Password"),
    ("totp_code", "驗證碼（若已啟用兩步驟驗證）", "Verification code (if two-step verification is on)"),
    ("dates_iso", "西元日期", "ISO dates"),
    ("dates_roc", "民國日期", "ROC (民國) dates"),
    ("code", "代碼", "Code"),
    ("name", "名稱", "Name"),
    ("class", "等級", "Class"),
    ("sourcing", "開發方式", "Sourcing"),
    ("in-house", "自行開發", "In-house"),
    ("outsourced", "委外開發", "Outsourced"),
    ("dev_unit", "開發單位", "Development unit"),
    ("maint_unit", "維護單位", "Maintenance unit"),
    ("description", "說明", "Description"),
    ("last_assessed", "上次評估日", "Last assessed"),
    ("never", "尚未評估", "never"),
    ("next_due", "下次評估期限", "Next assessment due"),
    ("due_basis", "期限依據", "Basis"),
    ("status", "狀態", "Status"),
    ("overdue", "已逾期", "Overdue"),
    ("due_soon", "90 天內到期", "Due within 90 days"),
    ("on_track", "正常", "On track"),
    ("add_system", "新增系統", "Add a system"),
    ("add_asset", "新增資產", "Add an asset"),
    ("add_user", "新增使用者", "Add a user"),
    ("save", "儲存", "Save"),
    ("kind", "類別", "Kind"),
    ("owner", "擁有者", "Owner"),
    ("confidentiality", "機密性", "Confidentiality"),
    ("integrity", "完整性", "Integrity"),
    ("availability", "可用性", "Availability"),
    ("role", "角色", "Role"),
    ("active", "啟用", "Active"),
    ("inactive", "停用", "Inactive"),
    ("incidents", "重大資安事件", "Major incidents"),
    ("record_incident", "登錄重大資安事件", "Record a major incident"),
    ("occurred_on", "發生日", "Occurred on"),
    ("harms_consumers", "損及消費者權益", "Harms consumers"),
    ("summary", "摘要", "Summary"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("systems_by_class", "各等級系統數", "Systems by class"),
    ("no_systems", "尚無系統。", "No systems yet."),
    ("no_rows", "沒有資料。", "Nothing here yet."),
    ("at", "時間", "When"),
    ("actor", "執行者", "Who"),
    ("source", "來源", "From"),
    ("action", "動作", "Action"),
    ("object", "對象", "Object"),
    ("before", "變更前", "Before"),
    ("after", "變更後", "After"),
    ("filter", "篩選", "Filter"),
    ("from", "起日", "From"),
    ("to", "迄日", "To"),
    ("object_type", "對象類型", "Object type"),
    ("export_csv", "匯出 CSV", "Export CSV"),
    ("export_json", "匯出 JSON", "Export JSON"),
    ("export_xlsx", "匯出 Excel", "Export XLSX"),
    ("older", "較舊的事件", "Older events"),
    ("change_password", "變更密碼", "Change password"),
    ("current_password", "目前密碼", "Current password"),
    ("new_password", "新密碼", "New password"),
    ("password_rules", "至少 12 個字元，包含大寫、小寫、數字、符號中的三類，且不得與前 5 次相同。", "At least 12 characters from three of: upper case, lower case, digits, symbols; not one of your last 5."),
    ("must_change", "請先變更您的一次性密碼。", "Please change your one-time password first."),
    ("sign_out_everywhere", "登出所有裝置", "Sign out everywhere"),
    ("two_step", "兩步驟驗證（TOTP）", "Two-step verification (TOTP)"),
    ("two_step_on", "已啟用兩步驟驗證。", "Two-step verification is on."),
    ("two_step_off", "尚未啟用兩步驟驗證。", "Two-step verification is off."),
    ("two_step_start", "設定驗證器 App", "Set up an authenticator app"),
    ("two_step_scan", "以驗證器 App 掃描 QR code 或輸入金鑰，再輸入 App 顯示的驗證碼。", "Scan the QR code with an authenticator app or type the key, then enter the code it shows."),
    ("enable", "啟用", "Turn on"),
    ("disable", "停用", "Turn off"),
    ("api_tokens", "API 權杖", "API tokens"),
    ("create_token", "建立權杖", "Create a token"),
    ("scope", "範圍", "Scope"),
    ("revoke", "撤銷", "Revoke"),
    ("revoked", "已撤銷", "revoked"),
    ("last_used", "最後使用", "Last used"),
    ("created", "建立時間", "Created"),
    ("token_once", "請立即複製此權杖，之後不會再顯示：", "Copy this token now; it will not be shown again:"),
    ("one_time_password", "一次性密碼（僅顯示一次）：", "One-time password (shown once):"),
    ("clause_tree", "條文架構", "Clause tree"),
    ("original_text", "原文", "Original text"),
    ("english_summary", "英文摘要", "English summary"),
    ("parameters", "規範參數", "Parameters"),
    ("assessor_home", "您僅能存取被指派的評估案。目前沒有指派給您的評估案。", "You see only the assessments assigned to you. None are assigned to you yet."),
    ("regulator_home", "主管機關檢視者可檢視會員公司提交的事件通報與違規處理結果。目前沒有資料。", "Regulator viewers see incident notices and violation outcomes submitted to them. Nothing has been submitted yet."),
    ("saved", "已儲存。", "Saved."),
    ("update", "更新", "Update"),
    ("organisation", "組織", "Organisation"),
    ("language", "語言", "Language"),
    ("date_style", "日期格式", "Date style"),
    ("signed_in_as", "登入身分", "Signed in as"),
    ("read", "唯讀", "read"),
    ("assessments", "資安評估", "Assessments"),
    ("assessment", "評估案", "Assessment"),
    ("findings", "發現事項", "Findings"),
    ("add_finding", "新增發現事項", "Add a finding"),
    ("title", "標題", "Title"),
    ("severity", "嚴重度", "Severity"),
    ("category", "類別（條文）", "Category (clause)"),
    ("due_on", "改善期限", "Due"),
    ("risk", "風險說明", "Risk"),
    ("recommendation", "具體改善建議", "Recommendation"),
    ("found_on", "發現日", "Found on"),
    ("next_step", "下一步", "Next step"),
    ("history", "處理紀錄", "History"),
    ("evidence", "佐證檔案", "Evidence file"),
    ("new_assessment", "新增評估案", "New assessment"),
    ("period_start", "評估期間起", "Period from"),
    ("period_end", "評估期間迄", "Period to"),
    ("add_member", "加入評估人員", "Add a team member"),
    ("declared_on", "獨立性聲明日期（EVAL-7.1）", "Independence declared on (EVAL-7.1)"),
    ("declaration", "獨立性聲明檔案", "Declaration file"),
    ("choose_items", "選擇評估項目（EVAL-4.2：第一級全部；第二、三級不納入須說明理由）", "Choose the items (EVAL-4.2: all for class 1; for class 2 and 3 give a reason for each left out)"),
    ("ioc_reviews", "異常連線與 DNS 查詢檢視", "Network-activity reviews"),
    ("note_or_reason", "說明或理由", "Note or reason"),
    ("approver", "核准人（風險接受）", "Approver (risk acceptance)"),
    ("accepted_until", "風險接受期限", "Accepted until"),
    ("start_remediation", "開始改善", "Start remediation"),
    ("resolve", "已改善，送覆查", "Fixed: send for review"),
    ("verify_fix", "覆查確認（內部稽核）", "Verify the fix (internal audit)"),
    ("reject_fix", "覆查退回", "Reject the fix"),
    ("accept_risk", "風險接受", "Accept the risk"),
    ("mark_false_positive", "標記為誤判", "Mark as false positive"),
    ("reactivate", "重新開啟", "Reopen"),
    ("period", "評估期間", "Period"),
    ("countermeasures", "可靠性及安全性對策（EVAL-5）", "Countermeasures (EVAL-5)"),
    ("team", "評估團隊", "Team"),
    ("declared", "獨立性聲明", "independence declared"),
    ("cannot_start", "尚不能開始評估，缺少：", "Cannot start yet; missing:"),
    ("start", "開始評估", "Start"),
    ("complete", "完成評估", "Complete"),
    ("items", "評估項目（EVAL-4.1）", "Items (EVAL-4.1)"),
    ("choice", "納入", "Choice"),
    ("result", "結果", "Result"),
    ("notes", "備註", "Notes"),
    ("reason", "理由", "Reason"),
    ("planned", "規劃中", "planned"),
    ("in_progress", "進行中", "in progress"),
    ("completed", "已完成", "completed"),
    ("selected", "納入", "selected"),
    ("left_out", "不納入", "left out"),
    ("satisfied", "符合", "satisfied"),
    ("not_satisfied", "不符合", "not satisfied"),
    ("not_applicable", "不適用", "not applicable"),
    ("overdue_findings", "逾期未改善的發現事項", "Overdue findings"),
    ("plan_review_due", "評估計畫檢討期限", "Plan review due"),
    ("drill_this_year", "今年已辦理社交工程演練", "Drill held this year"),
    ("no_plan", "尚無經核准的資安評估計畫（EVAL-2.1）。", "No approved assessment plan yet (EVAL-2.1)."),
    ("missing_from_plan", "未列入評估計畫的系統（EVAL-2.1）：", "Systems missing from the plan (EVAL-2.1):"),
    ("calendar_feed", "行事曆訂閱網址（iCalendar，含所有期限）：", "Calendar feed (iCalendar, every deadline):"),
    ("write", "讀寫", "write"),
    ("plans", "評估計畫", "Plans"),
    ("add_plan", "新增評估計畫", "New plan"),
    ("plan_in_force", "現行評估計畫", "Plan in force"),
    ("plan_systems", "計畫涵蓋的系統", "Systems in the plan"),
    ("plan_covers_all", "計畫涵蓋所有系統，且等級一致（EVAL-2.1）。", "The plan covers every system at its current class (EVAL-2.1)."),
    ("plan_coverage_problems", "評估計畫涵蓋不全（EVAL-2.1）：", "The plan does not cover the company's systems (EVAL-2.1):"),
    ("not_approved", "尚未核准", "not approved"),
    ("approved_on", "核准日期", "Approved on"),
    ("approving_body", "核准層級", "Approving body"),
    ("board", "董（理）事會", "Board of directors"),
    ("authorised_management", "經董事會授權之經理部門", "Management authorised by the board"),
    ("branch_responsible_person", "外國保險業在台分公司負責人", "Responsible person of a foreign insurer's branch"),
    ("board_authorisation", "董事會授權決議", "Board resolution authorising management"),
    ("foreign_branch", "本公司為外國保險業在台分公司", "The company is a foreign insurer's branch in Taiwan"),
    ("resolution_ref", "決議文號", "Resolution reference"),
    ("plan_document", "核准之計畫文件", "Approved plan document"),
    ("approve_plan", "核准評估計畫", "Approve the plan"),
    ("review_plan", "檢討評估計畫", "Review the plan"),
    ("reviewed_on", "檢討日期", "Reviewed on"),
    ("assessors", "評估人員", "Assessors"),
    ("add_assessor", "新增評估人員", "New assessor"),
    ("affiliation", "所屬", "Affiliation"),
    ("inside", "公司內部獨立單位", "Independent unit of the company"),
    ("outside_firm", "外部專業機構", "Outside professional firm"),
    ("unit_or_firm", "單位或機構名稱", "Unit or firm"),
    ("assessor_account", "評估人員登入帳號（電子郵件）", "Assessor's sign-in account (e-mail)"),
    ("qualifications", "資格", "Qualifications"),
    ("no_qualifications", "尚無資格紀錄。", "No qualifications recorded."),
    ("add_qualification", "新增資格", "Add a qualification"),
    ("security_management", "資訊安全管理知識", "Security management knowledge"),
    ("security_technical", "資訊安全技術能力", "Security technical skills"),
    ("simulated_attack", "模擬駭客攻擊能力", "Simulated attack skills"),
    ("financial_domain", "金融領域經驗", "Financial domain experience"),
    ("evidence_kind", "佐證類型", "Kind of evidence"),
    ("certificate", "證照", "Certificate"),
    ("training", "訓練", "Training"),
    ("financial_experience", "金融業相關工作經驗", "Experience in the financial sector"),
    ("cert_name", "證照名稱", "Certificate name"),
    ("cert_number", "證照號碼", "Certificate number"),
    ("cert_issuer", "發證機構", "Issuer"),
    ("expires_on", "有效期限", "Expires on"),
    ("no_expiry", "無期限", "no expiry"),
    ("hours", "時數", "hours"),
    ("years", "年", "years"),
    ("certificate_or_proof", "證照或訓練證明檔案", "Certificate or proof of training"),
    ("not_counted", "目前不採計", "does not count today"),
    ("nda_signed_on", "保密協議簽署日", "Confidentiality agreement signed on"),
    ("nda_file", "保密協議檔案", "Signed agreement"),
    ("no_nda", "未簽保密協議", "no agreement"),
    ("record_nda", "登錄保密協議", "Record the confidentiality agreement"),
    ("drills", "社交工程演練", "Drills"),
    ("add_drill", "新增演練紀錄", "Record a drill"),
    ("no_drill_this_year", "今年尚未辦理社交工程演練（EVAL-6）。", "No social-engineering drill has been held this year (EVAL-6)."),
    ("held_on", "演練日期", "Held on"),
    ("population", "演練對象人數", "Population"),
    ("sent", "寄送封數", "E-mails sent"),
    ("opened", "開啟人數", "Opened"),
    ("clicked", "點擊人數", "Clicked"),
    ("submitted", "輸入資料人數", "Submitted data"),
    ("reported", "通報人數", "Reported"),
    ("material", "演練素材", "Material"),
    ("report", "電腦系統資訊安全評估報告", "Security assessment report"),
    ("reports", "評估報告", "Assessment reports"),
    ("report_not_finalised", "報告尚未定稿；定稿後內容不可變更，並送交內部稽核單位追蹤改善。", "The report is not finalised yet; once finalised it cannot change and goes to the internal audit unit, which tracks remediation."),
    ("preview", "預覽", "Preview"),
    ("report_ready", "報告內容完整，可以定稿。", "The report is complete and can be finalised."),
    ("report_missing", "定稿前尚缺", "Missing before it can be finalised"),
    ("finalize_report", "定稿並送交內部稽核", "Finalise and send to internal audit"),
    ("finalised", "定稿", "Finalised"),
    ("sent_to_audit", "送交內部稽核", "Sent to internal audit"),
    ("retained_until", "保存至", "Retained until"),
    ("findings_outstanding", "未結案發現事項", "Findings outstanding"),
    ("legal_hold", "法律保全", "Legal hold"),
    ("until", "至", "until"),
    ("deleted", "已刪除", "Deleted"),
    ("format", "格式", "Format"),
    ("size", "大小（位元組）", "Size (bytes)"),
    ("release_hold", "解除法律保全", "Release the legal hold"),
    ("set_legal_hold", "設定法律保全", "Place a legal hold"),
    ("delete_report", "刪除報告（保存期限已屆）", "Delete the report (retention has ended)"),
];
/// The label `key` in `lang`; the key itself when missing (a test keeps none missing).
pub fn t(lang: Lang, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("?", |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

pub fn status_text(lang: Lang, status: StatusCode) -> &'static str {
    match (lang, status.as_u16()) {
        (Lang::Zh, 400) => "請求格式錯誤",
        (Lang::Zh, 401) => "請先登入",
        (Lang::Zh, 403) => "沒有權限",
        (Lang::Zh, 404) => "找不到",
        (Lang::Zh, 409) => "資料衝突",
        (Lang::Zh, 413) => "內容過大",
        (Lang::Zh, 415) => "不支援的格式",
        (Lang::Zh, 422) => "輸入有誤",
        (Lang::Zh, 429) => "請求過多",
        (Lang::Zh, _) => "錯誤",
        (Lang::En, _) => status.canonical_reason().unwrap_or("Error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal key the sources pass to `t` has a label.
    #[test]
    fn every_label_used_in_the_sources_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![dir.clone()];
        let mut used = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for pat in [
                ".t(\"",
                "t(l, \"",
                "t(t, \"",
                "t(lang, \"",
                "t(self.lang, \"",
            ] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('{') || key.is_empty() {
                        continue;
                    }
                    used += 1;
                    assert!(
                        LABELS.iter().any(|(k, _, _)| *k == key),
                        "{}: label {key:?} is missing",
                        p.display()
                    );
                }
            }
        }
        assert!(
            used > 50,
            "only {used} label uses found: the scan is broken"
        );
    }

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        for (i, (k, zh, en)) in LABELS.iter().enumerate() {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
            assert!(
                LABELS[i + 1..].iter().all(|(other, _, _)| other != k),
                "duplicate key {k}"
            );
        }
    }
}

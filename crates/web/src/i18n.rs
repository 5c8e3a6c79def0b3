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
    ("calendar_feed", "行事曆訂閱網址（iCalendar，含所有期限）：", "Calendar feed (iCalendar, every deadline):"),
    ("write", "讀寫", "write"),
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

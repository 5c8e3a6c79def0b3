//! Report models for the tests: Traditional Chinese findings, any number of them.
#![allow(dead_code)]
use chrono::{DateTime, NaiveDate};
use zilv_report::*;

pub mod tools;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub const CATEGORIES: [&str; 4] = ["弱點管理", "存取控制", "組態設定", "網站安全"];

/// A finding in Traditional Chinese whose texts carry its number.
pub fn finding(i: usize) -> Finding {
    Finding {
        id: format!("F-{i:04}"),
        title: format!("網站伺服器使用過時的 TLS 版本（第{i}項）"),
        severity: Severity::ALL[i % 5],
        category: CATEGORIES[i % 4].to_string(),
        clause: "EVAL-4.1.3.1".to_string(),
        target: format!("www{i}.example.com.tw 網路銀行前端伺服器"),
        risk: "攻擊者可於中間人位置降級加密協定並竊取保戶個人資料，導致個資外洩與商譽損失。\
               The server accepts TLS 1.0 and weak CBC cipher suites."
            .to_string(),
        recommendation:
            "停用 TLS 1.0 與 1.1，僅允許 TLS 1.2 以上及 AEAD 加密套件；完成後重新掃描確認。"
                .to_string(),
        status: RemediationStatus::ALL[i % 4],
        due: Some(date(2026, 12, 31)),
    }
}

/// A complete model with `n` findings.
pub fn model(n: usize) -> ReportModel {
    ReportModel {
        company: "臺灣範例產物保險股份有限公司".to_string(),
        title: "電腦系統資訊安全評估報告".to_string(),
        language: Lang::ZhTw,
        assessment: Assessment {
            id: "A-2026-001".to_string(),
            name: "115 年度第一類系統資訊安全評估".to_string(),
            period_start: date(2026, 9, 1),
            period_end: date(2026, 10, 31),
        },
        generated_at: DateTime::parse_from_rfc3339("2026-11-20T10:30:00+08:00").unwrap(),
        assessors: vec![
            Assessor {
                name: "王小明".to_string(),
                organisation: "安心資安顧問股份有限公司".to_string(),
                kind: AssessorKind::External,
                qualifications: vec![
                    Qualification {
                        area: QualificationArea::SecurityManagement,
                        basis: QualificationBasis::Certificate {
                            name: "ISO 27001 Lead Auditor".to_string(),
                            number: "LA-12345".to_string(),
                            issuer: "BSI".to_string(),
                            expires: Some(date(2028, 6, 30)),
                        },
                    },
                    Qualification {
                        area: QualificationArea::SimulatedAttack,
                        basis: QualificationBasis::Certificate {
                            name: "OSCP".to_string(),
                            number: "OS-101-99999".to_string(),
                            issuer: "OffSec".to_string(),
                            expires: None,
                        },
                    },
                ],
            },
            Assessor {
                name: "陳美玲".to_string(),
                organisation: "稽核室".to_string(),
                kind: AssessorKind::Internal,
                qualifications: vec![
                    Qualification {
                        area: QualificationArea::SecurityTechnical,
                        basis: QualificationBasis::Training {
                            hours: 40,
                            description: "資安技術實務課程".to_string(),
                        },
                    },
                    Qualification {
                        area: QualificationArea::FinancialApplications,
                        basis: QualificationBasis::Experience {
                            years: 8,
                            description: "保險核心系統開發與稽核".to_string(),
                        },
                    },
                ],
            },
        ],
        scope: Scope {
            systems: vec![
                ScopedSystem {
                    name: "網路投保系統".to_string(),
                    class: 1,
                    description: "客戶線上投保".to_string(),
                },
                ScopedSystem {
                    name: "核心保險系統".to_string(),
                    class: 2,
                    description: "承保、理賠".to_string(),
                },
            ],
            items_done: ITEM_IDS[..15].iter().map(|s| s.to_string()).collect(),
            items_left_out: vec![
                LeftOutItem {
                    item: "EVAL-4.1.5.4".to_string(),
                    reason: "本次僅評估第二類系統之必要項目，軟體更新狀態已於內部稽核查核。"
                        .to_string(),
                },
                LeftOutItem {
                    item: "EVAL-4.1.5.5".to_string(),
                    reason: "受評系統未使用金鑰儲存設備。".to_string(),
                },
            ],
        },
        item_results: ITEM_IDS[..15]
            .iter()
            .enumerate()
            .map(|(i, id)| ItemResult {
                item: id.to_string(),
                outcome: [
                    Outcome::Satisfied,
                    Outcome::NotSatisfied,
                    Outcome::NotApplicable,
                ][i % 3],
                notes: "抽查防火牆規則與存取紀錄".to_string(),
            })
            .collect(),
        findings: (1..=n).map(finding).collect(),
        drills: vec![Drill {
            date: date(2026, 6, 15),
            recipients: 200,
            opened: 58,
            clicked: 17,
            reported: 33,
            notes: "以保單續約通知為主題".to_string(),
        }],
        countermeasures: Countermeasures {
            reliability: "核心系統採雙機備援並每季執行災難復原演練。".to_string(),
            security: "導入端點偵測與回應（EDR），並強化特權帳號管理。".to_string(),
        },
        summary:
            "本次評估共發現若干弱點，其中重大及高風險事項應於三個月內完成改善，並由稽核單位追蹤。"
                .to_string(),
    }
}

pub fn catalog() -> zilv_catalog::Catalog {
    zilv_catalog::Registry::builtin()
        .unwrap()
        .latest()
        .unwrap()
        .clone()
}

pub fn font() -> ReportFont {
    ReportFont::noto_sans_cjk_tc().unwrap_or_else(|e| {
        panic!(
            "{e}\nThe report tests need Debian's fonts-noto-cjk: apt-get install -y fonts-noto-cjk"
        )
    })
}

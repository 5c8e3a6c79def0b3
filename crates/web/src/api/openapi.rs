//! The OpenAPI 3.1 document of the REST API, served at `/api/openapi.json`.
use axum::Json;
use serde_json::{json, Map, Value};

/// Every operation: method, path (OpenAPI template), summary, request schema, success status.
pub const OPERATIONS: &[(&str, &str, &str, Option<&str>, u16)] = &[
    (
        "get",
        "/api/v1/me",
        "The caller: user, organisation, role",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/systems",
        "Systems with their next assessment due date (EVAL-3.1, EVAL-3.2), most urgent first",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/systems",
        "Add a system (EVAL-2.1)",
        Some("NewSystem"),
        201,
    ),
    ("get", "/api/v1/systems/{code}", "One system", None, 200),
    (
        "post",
        "/api/v1/systems/{code}/incidents",
        "Record a major incident (EVAL-3.2)",
        Some("NewIncident"),
        201,
    ),
    (
        "get",
        "/api/v1/assets",
        "Information assets (SR-2.1)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assets",
        "Add an asset (SR-2.1)",
        Some("NewAsset"),
        201,
    ),
    ("get", "/api/v1/assets/{code}", "One asset", None, 200),
    (
        "get",
        "/api/v1/users",
        "Users of the organisation",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/users",
        "Add a user; the answer carries a one-time password",
        Some("NewUser"),
        201,
    ),
    ("get", "/api/v1/users/{email}", "One user", None, 200),
    (
        "get",
        "/api/v1/audit",
        "The organisation's audit trail, newest first",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/members",
        "Member companies (association only)",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/catalog/clauses",
        "Every clause of the regulation",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/catalog/clauses/{id}",
        "One clause: original text and English summary",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/imports",
        "Import a scanner report (the raw body, gzip too) into a system's findings (EVAL-4.1.3 to EVAL-4.1.5); 200 for a dry run",
        None,
        201,
    ),
    (
        "get",
        "/api/v1/dashboard",
        "The dashboard: warnings and counts of the caller's organisation",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/deadlines",
        "Every deadline: assessments due, plan reviews, finding due dates",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/findings",
        "Findings, filtered and paged (EVAL-8)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/findings",
        "Record a finding (EVAL-8)",
        Some("NewFinding"),
        201,
    ),
    (
        "get",
        "/api/v1/findings/{id}",
        "One finding with its history",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/findings/{id}/transitions",
        "Move a finding through remediation (EVAL-8)",
        Some("Transition"),
        200,
    ),
    (
        "get",
        "/api/v1/assessments",
        "Assessments the caller may see (EVAL-4)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessments",
        "Create an assessment (EVAL-4)",
        Some("NewAssessment"),
        201,
    ),
    (
        "get",
        "/api/v1/assessments/{code}",
        "One assessment with team, items and results",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/team",
        "Add an assessor to the team (EVAL-7)",
        Some("Member"),
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/items",
        "Select an item or leave it out with a reason (EVAL-4.1)",
        Some("Decisions"),
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/evidence",
        "Attach evidence to an item",
        Some("Evidence"),
        201,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/start",
        "Start the assessment; refused with what is missing (EVAL-7, EVAL-4.2)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/results",
        "Record an item's result",
        Some("ItemResult"),
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/complete",
        "Complete the assessment",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/plans",
        "Assessment plans (EVAL-2.1)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/plans",
        "Create a plan (EVAL-2.1)",
        Some("NewPlan"),
        201,
    ),
    (
        "get",
        "/api/v1/plans/{id}",
        "One plan",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/plans/{id}/approve",
        "Record the plan's approval (EVAL-2.2)",
        Some("Approval"),
        200,
    ),
    (
        "get",
        "/api/v1/assessors",
        "Assessors (EVAL-7)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessors",
        "Add an assessor (EVAL-7.1)",
        Some("NewAssessor"),
        201,
    ),
    (
        "get",
        "/api/v1/assessors/{id}",
        "One assessor with qualifications",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessors/{id}/qualifications",
        "Record a qualification (EVAL-7.2)",
        Some("Qualification"),
        201,
    ),
    (
        "post",
        "/api/v1/assessors/{id}/nda",
        "Record a signed non-disclosure agreement (EVAL-7.3)",
        Some("Nda"),
        200,
    ),
    (
        "get",
        "/api/v1/drills",
        "Social-engineering drills (EVAL-6)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/drills",
        "Record a drill (EVAL-6)",
        Some("NewDrill"),
        201,
    ),
    (
        "get",
        "/api/v1/reports",
        "Finalised assessment reports with outstanding findings: what internal audit follows (EVAL-8)",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/assessments/{code}/report",
        "The finalised report: stored files with SHA-256, retention, legal hold",
        None,
        200,
    ),
    (
        "delete",
        "/api/v1/assessments/{code}/report",
        "Delete the report's stored bytes; refused before retention ends or under a legal hold",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/assessments/{code}/report/problems",
        "What the completeness gate still misses before finalising (EVAL-8)",
        None,
        200,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/report/finalize",
        "Finalise the report: store PDF, HTML and XLSX with SHA-256 and send it to internal audit (EVAL-8)",
        Some("Finalize"),
        201,
    ),
    (
        "post",
        "/api/v1/assessments/{code}/report/legal-hold",
        "Place a legal hold on the report",
        Some("LegalHold"),
        200,
    ),
    (
        "delete",
        "/api/v1/assessments/{code}/report/legal-hold",
        "Release the legal hold",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/assessments/{code}/report/files/{format}",
        "The stored bytes of a finalised report (pdf, html or xlsx), identical to those finalised",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/assessments/{code}/report/render/{format}",
        "A rendering of a completed assessment's report, not stored (pdf, html or xlsx; ?lang=zh-TW|en)",
        None,
        200,
    ),
    (
        "get",
        "/api/v1/assessments/{code}/report/oscal/{file}",
        "OSCAL 1.1 assessment-results.json or poam.json of the assessment",
        None,
        200,
    ),
];

/// What the generic entry of `POST /api/v1/imports` lacks: its query
/// parameters, its raw request body and the dry run's 200.
fn import_details(op: &mut Value) {
    let q = |name: &str, required: bool, schema: Value, description: &str| json!({ "name": name, "in": "query", "required": required, "schema": schema, "description": description });
    op["parameters"] = json!([
        q(
            "system",
            true,
            json!({ "type": "string" }),
            "code of the system the findings belong to"
        ),
        q(
            "assessment",
            false,
            json!({ "type": "string" }),
            "code of the assessment the findings belong to"
        ),
        q(
            "format",
            false,
            json!({ "type": "string", "enum": ["nessus", "openvas", "nmap", "zap-xml", "zap-json", "burp", "trivy", "sarif", "nuclei-json", "nuclei-jsonl", "csv"] }),
            "the report format, instead of detecting it from the content"
        ),
        q(
            "dry_run",
            false,
            json!({ "type": "boolean" }),
            "report what would change, change nothing"
        ),
        q(
            "name",
            false,
            json!({ "type": "string" }),
            "the report's file name, for errors and the audit trail"
        ),
    ]);
    op["requestBody"] = json!({ "required": true, "description": "the report file as it is (any content type; gzip accepted), at most 256 MiB", "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } } });
    op["responses"]["200"] = json!({ "description": "dry run: what the import would do", "content": { "application/json": {} } });
}

fn schemas() -> Value {
    let s = |props: Value, required: &[&str]| json!({ "type": "object", "additionalProperties": false, "properties": props, "required": required });
    json!({
        "NewSystem": s(json!({
            "code": { "type": "string" }, "name": { "type": "string" },
            "class": { "type": ["integer", "string"], "enum": [1, 2, 3, "1", "2", "3"] },
            "sourcing": { "type": "string", "enum": ["in-house", "outsourced"] },
            "dev_unit": { "type": "string" }, "maint_unit": { "type": "string" },
            "description": { "type": "string" },
            "last_assessed": { "type": "string", "format": "date" },
            "assets": { "type": "array", "items": { "type": "string" } }
        }), &["code", "name", "class", "sourcing", "dev_unit", "maint_unit"]),
        "NewIncident": s(json!({
            "occurred_on": { "type": "string", "format": "date" },
            "harms_consumers": { "type": "boolean" },
            "summary": { "type": "string" }
        }), &["occurred_on", "harms_consumers", "summary"]),
        "NewAsset": s(json!({
            "code": { "type": "string" }, "name": { "type": "string" },
            "kind": { "type": "string", "enum": ["software", "hardware", "environment", "document", "communication", "data", "people"] },
            "owner": { "type": "string" },
            "confidentiality": { "type": ["integer", "string"] },
            "integrity": { "type": ["integer", "string"] },
            "availability": { "type": ["integer", "string"] },
            "description": { "type": "string" }
        }), &["code", "name", "kind", "owner", "confidentiality", "integrity", "availability"]),
        "NewUser": s(json!({
            "email": { "type": "string", "format": "email" },
            "display_name": { "type": "string" },
            "role": { "type": "string" }
        }), &["email", "role"]),
        "NewFinding": s(json!({
            "system": { "type": "string" }, "assessment": { "type": "string" }, "asset": { "type": "string" },
            "title": { "type": "string" },
            "severity": { "type": "string", "enum": ["critical", "high", "medium", "low", "info"] },
            "category": { "type": "string", "description": "clause ID, e.g. EVAL-4.1.3.1" },
            "risk_description": { "type": "string" }, "recommendation": { "type": "string" },
            "owner": { "type": "string" }, "due_on": { "type": "string", "format": "date" }
        }), &["system", "title", "severity", "category", "risk_description", "recommendation", "owner"]),
        "Transition": s(json!({
            "action": { "type": "string" }, "reason": { "type": "string" }, "approver": { "type": "string" },
            "accepted_until": { "type": "string", "format": "date" },
            "evidence_name": { "type": "string" }, "evidence_base64": { "type": "string", "contentEncoding": "base64" }
        }), &["action"]),
        "ItemResult": s(json!({
            "item": { "type": "string", "description": "EVAL-4.1.x.y" },
            "result": { "type": "string", "enum": ["satisfied", "not_satisfied", "not_applicable"] },
            "reason": { "type": "string" }, "notes": { "type": "string" }
        }), &["item", "result"]),
        "File": s(json!({ "name": { "type": "string" }, "base64": { "type": "string", "contentEncoding": "base64" } }), &["name", "base64"]),
        "NewPlan": s(json!({ "title": { "type": "string" }, "systems": { "type": "array", "items": { "type": "string" } } }), &["title", "systems"]),
        "Approval": s(json!({
            "body": { "type": "string", "enum": ["board", "authorised_management", "branch_responsible_person"] },
            "board_authorisation": { "type": "string" }, "approved_on": { "type": "string", "format": "date" },
            "resolution_ref": { "type": "string" }, "document": { "$ref": "#/components/schemas/File" },
            "foreign_branch": { "type": "boolean" }
        }), &["body", "approved_on", "resolution_ref", "document"]),
        "NewAssessor": s(json!({
            "name": { "type": "string" }, "email": { "type": "string" },
            "affiliation": { "type": "string", "enum": ["inside", "outside_firm"] },
            "unit": { "type": "string" }, "user_email": { "type": "string" }
        }), &["name", "affiliation", "unit"]),
        "Qualification": s(json!({
            "kind": { "type": "string", "enum": ["security_management", "security_technical", "simulated_attack", "financial_domain"] },
            "evidence": { "type": "string", "enum": ["certificate", "training", "financial_experience"] },
            "cert_name": { "type": "string" }, "cert_number": { "type": "string" }, "cert_issuer": { "type": "string" },
            "expires_on": { "type": "string", "format": "date" }, "hours": { "type": "integer" }, "years": { "type": "integer" },
            "file": { "$ref": "#/components/schemas/File" }
        }), &["kind", "evidence"]),
        "Nda": s(json!({ "signed_on": { "type": "string", "format": "date" }, "file": { "$ref": "#/components/schemas/File" } }), &["signed_on", "file"]),
        "NewAssessment": s(json!({
            "code": { "type": "string" }, "title": { "type": "string" },
            "systems": { "type": "array", "items": { "type": "string" } },
            "period_start": { "type": "string", "format": "date" }, "period_end": { "type": "string", "format": "date" },
            "countermeasures": { "type": "string" }
        }), &["code", "title", "systems", "period_start", "period_end"]),
        "Member": s(json!({
            "assessor_id": { "type": "integer" }, "declared_on": { "type": "string", "format": "date" },
            "declaration": { "$ref": "#/components/schemas/File" }
        }), &["assessor_id"]),
        "Decisions": { "type": "array", "items": s(json!({
            "item": { "type": "string" }, "selected": { "type": "boolean" }, "reason": { "type": "string" }
        }), &["item", "selected"]) },
        "Evidence": s(json!({ "item": { "type": "string" }, "file": { "$ref": "#/components/schemas/File" } }), &["item", "file"]),
        "NewDrill": s(json!({
            "held_on": { "type": "string", "format": "date" }, "population": { "type": "integer" }, "sent": { "type": "integer" },
            "opened": { "type": "integer" }, "clicked": { "type": "integer" }, "submitted": { "type": "integer" },
            "reported": { "type": "integer" }, "material": { "type": "string" }
        }), &["held_on", "population", "sent", "opened", "clicked", "submitted", "reported"]),
        "Finalize": s(json!({ "lang": { "type": "string", "enum": ["zh-TW", "en"] } }), &[]),
        "LegalHold": s(json!({ "reason": { "type": "string" }, "until": { "type": "string", "format": "date" } }), &["reason"]),
        "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
            "status": { "type": "integer" }, "message": { "type": "string" } } } } }
    })
}

/// The whole document.
pub fn build() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, body, status) in OPERATIONS {
        let mut op = json!({
            "summary": summary,
            "responses": {
                status.to_string(): { "description": "success", "content": { "application/json": {} } },
                "4XX": { "description": "refused; the message says why", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(schema) = body {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
        }
        if let Some(entry) = paths
            .entry((*path).to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            entry.insert((*method).to_string(), op);
        }
    }
    if let Some(op) = paths
        .get_mut("/api/v1/imports")
        .and_then(|p| p.get_mut("post"))
    {
        import_details(op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Zilv API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Information-security self-regulation of Taiwan's non-life insurers (財產保險業辦理資訊安全防護自律規範)."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "An API token made on the account page (zilv_…)" } },
            "schemas": schemas()
        },
        "paths": paths
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    /// Every route the API's sources declare, as (method, OpenAPI path).
    fn declared() -> Vec<(String, String)> {
        let sources = [
            include_str!("mod.rs"),
            include_str!("programme.rs"),
            include_str!("reports.rs"),
        ];
        let mut out = Vec::new();
        for src in sources {
            for part in src.split(".route(").skip(1) {
                // Only the arguments of this `.route(…)` call.
                let mut depth = 1;
                let end = part
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(part.len(), |(i, _)| i);
                let part = &part[..end];
                let start = part.find('"').unwrap() + 1;
                let len = part[start..].find('"').unwrap();
                let path = &part[start..start + len];
                let rest = &part[start + len..];
                for method in ["get", "post", "delete", "put", "patch"] {
                    let called = rest.match_indices(&format!("{method}(")).any(|(i, _)| {
                        i == 0
                            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric()
                                && rest.as_bytes()[i - 1] != b'_'
                    });
                    if called {
                        out.push((method.to_string(), format!("/api/v1{path}")));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_declared_api_route_is_in_the_openapi_document() {
        let doc = super::build();
        let declared = declared();
        assert!(declared.len() >= 50, "{declared:?}");
        for (method, path) in &declared {
            assert!(
                doc["paths"][path].get(method).is_some(),
                "{method} {path} is routed but not documented"
            );
        }
        for (method, path, _, body, _) in super::OPERATIONS {
            assert!(
                declared.iter().any(|(m, p)| m == method && p == path),
                "{method} {path} is documented but not routed"
            );
            if let Some(schema) = body {
                assert!(
                    doc["components"]["schemas"].get(*schema).is_some(),
                    "{method} {path}: schema {schema} is missing"
                );
            }
        }
    }
}

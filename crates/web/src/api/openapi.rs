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

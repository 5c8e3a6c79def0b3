-- The security-assessment lifecycle of Annex 2 (EVAL-2 to EVAL-8): stored
-- files, assessment plans, assessors and their qualifications, assessments
-- with team, items and results, findings with their history, and
-- social-engineering drills. Released: never edit; add a new migration.

-- Uploaded files, content-addressed by SHA-256 and kept in the database
-- itself, so that a backup of the database holds them and a change that
-- links a file is one transaction.
CREATE TABLE stored_files (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    sha256     TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (org_id, sha256)
);

-- EVAL-2.1, EVAL-2.2: the plan and its approval.
CREATE TABLE assessment_plans (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    title               TEXT    NOT NULL,
    approving_body      TEXT    CHECK (approving_body IN ('board', 'authorised_management', 'branch_responsible_person')),
    board_authorisation TEXT,
    approved_on         TEXT,
    resolution_ref      TEXT,
    document_sha256     TEXT,
    document_name       TEXT,
    document_size       INTEGER,
    reviewed_on         TEXT,
    created_at          TEXT    NOT NULL
);
CREATE INDEX assessment_plans_org ON assessment_plans (org_id, id);

CREATE TABLE plan_entries (
    plan_id   INTEGER NOT NULL REFERENCES assessment_plans (id),
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    system_id INTEGER NOT NULL REFERENCES systems (id),
    class     INTEGER NOT NULL CHECK (class BETWEEN 1 AND 3),
    PRIMARY KEY (plan_id, system_id)
);

-- EVAL-7.1: the company's units independent of development and maintenance.
CREATE TABLE independent_units (
    org_id INTEGER NOT NULL REFERENCES organisations (id),
    name   TEXT    NOT NULL,
    PRIMARY KEY (org_id, name)
);

-- EVAL-7: assessors, inside an independent unit or from an outside firm.
CREATE TABLE assessors (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    name          TEXT    NOT NULL,
    email         TEXT,
    affiliation   TEXT    NOT NULL CHECK (affiliation IN ('inside', 'outside_firm')),
    unit          TEXT    NOT NULL,
    user_id       INTEGER REFERENCES users (id),
    nda_signed_on TEXT,
    nda_sha256    TEXT,
    nda_name      TEXT,
    created_at    TEXT    NOT NULL
);
CREATE INDEX assessors_org ON assessors (org_id, id);
CREATE INDEX assessors_user ON assessors (user_id);

-- EVAL-7.2: one qualification with its evidence.
CREATE TABLE assessor_qualifications (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    assessor_id INTEGER NOT NULL REFERENCES assessors (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('security_management', 'security_technical', 'simulated_attack', 'financial_domain')),
    evidence    TEXT    NOT NULL CHECK (evidence IN ('certificate', 'training', 'financial_experience')),
    cert_name   TEXT,
    cert_number TEXT,
    cert_issuer TEXT,
    expires_on  TEXT,
    hours       INTEGER,
    years       INTEGER,
    file_sha256 TEXT,
    file_name   TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX assessor_qualifications_assessor ON assessor_qualifications (org_id, assessor_id);

-- EVAL-4: one assessment.
CREATE TABLE assessments (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    code            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed')),
    period_start    TEXT    NOT NULL,
    period_end      TEXT    NOT NULL,
    countermeasures TEXT    NOT NULL,
    started_at      TEXT,
    completed_at    TEXT,
    completed_on    TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX assessments_org_status ON assessments (org_id, status);

CREATE TABLE assessment_systems (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    system_id     INTEGER NOT NULL REFERENCES systems (id),
    PRIMARY KEY (assessment_id, system_id)
);
CREATE INDEX assessment_systems_system ON assessment_systems (org_id, system_id);

-- EVAL-7.1: team members with their independence declaration.
CREATE TABLE assessment_team (
    assessment_id      INTEGER NOT NULL REFERENCES assessments (id),
    org_id             INTEGER NOT NULL REFERENCES organisations (id),
    assessor_id        INTEGER NOT NULL REFERENCES assessors (id),
    declared_on        TEXT,
    declaration_sha256 TEXT,
    declaration_name   TEXT,
    PRIMARY KEY (assessment_id, assessor_id)
);
CREATE INDEX assessment_team_assessor ON assessment_team (org_id, assessor_id);

-- EVAL-4.1, EVAL-4.2: item decisions and results.
CREATE TABLE assessment_items (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    item          TEXT    NOT NULL,
    choice        TEXT    NOT NULL CHECK (choice IN ('selected', 'left_out')),
    reason        TEXT    NOT NULL,
    result        TEXT    CHECK (result IN ('satisfied', 'not_satisfied', 'not_applicable')),
    result_reason TEXT    NOT NULL,
    notes         TEXT    NOT NULL,
    PRIMARY KEY (assessment_id, item)
);

CREATE TABLE assessment_evidence (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    item          TEXT    NOT NULL,
    file_sha256   TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX assessment_evidence_assessment ON assessment_evidence (org_id, assessment_id);

-- EVAL-8: findings and their remediation.
CREATE TABLE findings (
    id                    INTEGER PRIMARY KEY,
    org_id                INTEGER NOT NULL REFERENCES organisations (id),
    assessment_id         INTEGER REFERENCES assessments (id),
    system_id             INTEGER NOT NULL REFERENCES systems (id),
    asset_id              INTEGER REFERENCES assets (id),
    title                 TEXT    NOT NULL,
    severity              TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    severity_rank         INTEGER NOT NULL,
    category              TEXT    NOT NULL,
    risk_description      TEXT    NOT NULL,
    recommendation        TEXT    NOT NULL,
    source                TEXT    NOT NULL,
    fingerprint           TEXT,
    owner                 TEXT    NOT NULL,
    found_on              TEXT    NOT NULL,
    due_on                TEXT,
    status                TEXT    NOT NULL CHECK (status IN ('open', 'in_remediation', 'resolved', 'closed_fixed', 'risk_accepted', 'false_positive', 'reactivated')),
    outstanding           INTEGER NOT NULL CHECK (outstanding IN (0, 1)),
    accepted_by           TEXT,
    accepted_reason       TEXT,
    accepted_until        TEXT,
    false_positive_reason TEXT,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    UNIQUE (org_id, system_id, fingerprint)
);
CREATE INDEX findings_org_id ON findings (org_id, id);
CREATE INDEX findings_org_status ON findings (org_id, status, id);
CREATE INDEX findings_org_severity ON findings (org_id, severity, id);
CREATE INDEX findings_org_system ON findings (org_id, system_id, id);
CREATE INDEX findings_org_assessment ON findings (org_id, assessment_id, id);
CREATE INDEX findings_org_overdue ON findings (org_id, outstanding, due_on);

CREATE TABLE finding_history (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    finding_id      INTEGER NOT NULL REFERENCES findings (id),
    at              TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    from_status     TEXT,
    to_status       TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    evidence_sha256 TEXT,
    evidence_name   TEXT
);
CREATE INDEX finding_history_finding ON finding_history (org_id, finding_id, id);

-- EVAL-6: social-engineering drills, recorded.
CREATE TABLE drills (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    held_on    TEXT    NOT NULL,
    population INTEGER NOT NULL,
    sent       INTEGER NOT NULL,
    opened     INTEGER NOT NULL,
    clicked    INTEGER NOT NULL,
    submitted  INTEGER NOT NULL,
    reported   INTEGER NOT NULL,
    material   TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX drills_org_year ON drills (org_id, year);

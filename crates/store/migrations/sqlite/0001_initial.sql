-- Organisations, users, information assets, computer systems, major
-- incidents and the hash-chained audit trail. Released: never edit; add a
-- new migration instead.

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('association', 'company', 'regulator')),
    created_at TEXT    NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES organisations (id),
    email                TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
    created_at           TEXT    NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE assets (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    code            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('software', 'hardware', 'environment', 'document', 'communication', 'data', 'people')),
    owner           TEXT    NOT NULL,
    confidentiality INTEGER NOT NULL CHECK (confidentiality BETWEEN 1 AND 3),
    integrity       INTEGER NOT NULL CHECK (integrity BETWEEN 1 AND 3),
    availability    INTEGER NOT NULL CHECK (availability BETWEEN 1 AND 3),
    description     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE systems (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organisations (id),
    code             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    class            INTEGER NOT NULL CHECK (class BETWEEN 1 AND 3),
    sourcing         TEXT    NOT NULL CHECK (sourcing IN ('in-house', 'outsourced')),
    dev_unit         TEXT    NOT NULL,
    maint_unit       TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    last_assessed_on TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE system_assets (
    system_id INTEGER NOT NULL REFERENCES systems (id),
    asset_id  INTEGER NOT NULL REFERENCES assets (id),
    PRIMARY KEY (system_id, asset_id)
);

CREATE TABLE major_incidents (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organisations (id),
    system_id       INTEGER NOT NULL REFERENCES systems (id),
    occurred_on     TEXT    NOT NULL,
    harms_consumers INTEGER NOT NULL CHECK (harms_consumers IN (0, 1)),
    summary         TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE INDEX major_incidents_system ON major_incidents (system_id);

CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    org_id      INTEGER,
    actor       TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT    NOT NULL UNIQUE,
    hash        TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_events_org ON audit_events (org_id, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

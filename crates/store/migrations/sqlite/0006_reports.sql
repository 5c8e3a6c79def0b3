-- EVAL-8: finalised assessment reports and the exact bytes of each format,
-- kept unchanged for the retention period the catalog fixes (five years),
-- with the legal hold that can extend it. Released: never edit; add a new
-- migration.

-- One finalised report per assessment. The row outlives the deletion of its
-- files: deleted_at/deleted_by record the audited, explicit deletion.
CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    assessment_id     INTEGER NOT NULL REFERENCES assessments (id),
    language          TEXT    NOT NULL CHECK (language IN ('zh-TW', 'en')),
    finalised_at      TEXT    NOT NULL,
    finalised_on      TEXT    NOT NULL,
    finalised_by      TEXT    NOT NULL,
    retention_until   TEXT    NOT NULL,
    sent_to_audit_at  TEXT    NOT NULL,
    legal_hold        INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
    legal_hold_reason TEXT,
    legal_hold_until  TEXT,
    legal_hold_by     TEXT,
    deleted_at        TEXT,
    deleted_on        TEXT,
    deleted_by        TEXT,
    UNIQUE (org_id, assessment_id)
);
CREATE INDEX reports_org ON reports (org_id, id);

-- The stored bytes of one format of a report, with their SHA-256.
CREATE TABLE report_files (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    format     TEXT    NOT NULL CHECK (format IN ('pdf', 'html', 'xlsx')),
    media_type TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB    NOT NULL,
    PRIMARY KEY (report_id, format)
);

-- What was finalised never changes; the retention may only grow.
CREATE TRIGGER reports_frozen BEFORE UPDATE ON reports
WHEN NEW.org_id <> OLD.org_id OR NEW.assessment_id <> OLD.assessment_id
  OR NEW.language <> OLD.language OR NEW.finalised_at <> OLD.finalised_at
  OR NEW.finalised_on <> OLD.finalised_on OR NEW.finalised_by <> OLD.finalised_by
  OR NEW.sent_to_audit_at <> OLD.sent_to_audit_at
  OR NEW.retention_until < OLD.retention_until
  OR OLD.deleted_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a finalised report is immutable (EVAL-8)');
END;

-- Marking a report deleted: only once its retention has ended, by the
-- deletion day the application records and by the database's own clock
-- (the day in Taiwan, UTC+8), and not under a legal hold.
CREATE TRIGGER reports_retained BEFORE UPDATE OF deleted_at ON reports
WHEN NEW.deleted_at IS NOT NULL AND (
       NEW.deleted_on IS NULL
    OR NEW.deleted_on < OLD.retention_until
    OR date('now', '+8 hours') < OLD.retention_until
    OR (OLD.legal_hold = 1 AND (OLD.legal_hold_until IS NULL OR NEW.deleted_on < OLD.legal_hold_until
                                OR date('now', '+8 hours') < OLD.legal_hold_until)))
BEGIN
    SELECT RAISE(ABORT, 'a finalised report cannot be deleted before its retention ends or under a legal hold (EVAL-8)');
END;

CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'the record of a finalised report is kept (EVAL-8)');
END;

CREATE TRIGGER report_files_frozen BEFORE UPDATE ON report_files
BEGIN
    SELECT RAISE(ABORT, 'the bytes of a finalised report are immutable (EVAL-8)');
END;

CREATE TRIGGER report_files_retained BEFORE DELETE ON report_files
WHEN NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = OLD.report_id AND r.deleted_at IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a finalised report cannot be deleted before its retention ends (EVAL-8)');
END;

-- The remediation documents of a report's findings are kept with it.
CREATE TRIGGER stored_files_retained_delete BEFORE DELETE ON stored_files
WHEN EXISTS (
    SELECT 1 FROM reports r
    JOIN findings f ON f.org_id = r.org_id AND f.assessment_id = r.assessment_id
    JOIN finding_history h ON h.org_id = f.org_id AND h.finding_id = f.id
    WHERE r.org_id = OLD.org_id AND r.deleted_at IS NULL AND h.evidence_sha256 = OLD.sha256)
BEGIN
    SELECT RAISE(ABORT, 'a remediation document of a retained report cannot be deleted (EVAL-8)');
END;

CREATE TRIGGER stored_files_retained_update BEFORE UPDATE ON stored_files
WHEN EXISTS (
    SELECT 1 FROM reports r
    JOIN findings f ON f.org_id = r.org_id AND f.assessment_id = r.assessment_id
    JOIN finding_history h ON h.org_id = f.org_id AND h.finding_id = f.id
    WHERE r.org_id = OLD.org_id AND r.deleted_at IS NULL AND h.evidence_sha256 = OLD.sha256)
BEGIN
    SELECT RAISE(ABORT, 'a remediation document of a retained report cannot be changed (EVAL-8)');
END;

-- INSERT OR REPLACE deletes the row it replaces without firing the delete
-- triggers above: an insert over an existing report or file is refused.
CREATE TRIGGER reports_no_replace BEFORE INSERT ON reports
WHEN EXISTS (SELECT 1 FROM reports r WHERE r.id = NEW.id
             OR (r.org_id = NEW.org_id AND r.assessment_id = NEW.assessment_id))
BEGIN
    SELECT RAISE(ABORT, 'a finalised report is immutable (EVAL-8)');
END;

CREATE TRIGGER report_files_no_replace BEFORE INSERT ON report_files
WHEN EXISTS (SELECT 1 FROM report_files f WHERE f.report_id = NEW.report_id AND f.format = NEW.format)
BEGIN
    SELECT RAISE(ABORT, 'the bytes of a finalised report are immutable (EVAL-8)');
END;

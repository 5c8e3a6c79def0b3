-- EVAL-4.1.2.3: reviews of network logs against threat-intelligence
-- indicators, each attached to an assessment's EVAL-4.1.2.3 item, and their
-- results per indicator and internal host. Released: never edit; add a new
-- migration.

-- One review run. The files are JSON arrays of {name, sha256, size}; the
-- summary is the matcher's run summary as JSON (records read, malformed,
-- indicators loaded, expired and rejected, hits).
CREATE TABLE ioc_reviews (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organisations (id),
    assessment_id     INTEGER NOT NULL REFERENCES assessments (id),
    item              TEXT    NOT NULL,
    system_id         INTEGER NOT NULL REFERENCES systems (id),
    status            TEXT    NOT NULL CHECK (status IN ('completed')),
    started_at        TEXT    NOT NULL,
    finished_at       TEXT    NOT NULL,
    indicator_files   TEXT    NOT NULL,
    log_files         TEXT    NOT NULL,
    summary           TEXT    NOT NULL,
    findings_created  INTEGER NOT NULL,
    findings_existing INTEGER NOT NULL,
    created_by        TEXT    NOT NULL
);
CREATE INDEX ioc_reviews_assessment ON ioc_reviews (org_id, assessment_id, id);

-- The hits of one indicator from one internal host in one review, and the
-- finding that tracks the pair.
CREATE TABLE ioc_review_aggregates (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    review_id     INTEGER NOT NULL REFERENCES ioc_reviews (id),
    indicator     TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('domain', 'ipv4', 'ipv6', 'cidr', 'url')),
    source        TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    internal_host TEXT,
    first_seen    TEXT,
    last_seen     TEXT,
    hits          INTEGER NOT NULL,
    finding_id    INTEGER REFERENCES findings (id)
);
CREATE INDEX ioc_review_aggregates_review ON ioc_review_aggregates (org_id, review_id, id);

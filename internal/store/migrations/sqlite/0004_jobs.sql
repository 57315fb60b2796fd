-- The durable job queue (transactional outbox). A job row is written in the same
-- transaction as the change that causes it, so a job exists exactly when that
-- change committed. Workers lease due jobs (pending with run_at <= now, or running
-- with an expired lease, whose worker died) and record the outcome. Async tasks of
-- the API are jobs of some kinds. payload and result are JSON texts.

CREATE TABLE jobs (
    id              TEXT    PRIMARY KEY,
    kind            TEXT    NOT NULL,
    reseller_id     INTEGER REFERENCES resellers (id),
    payload         TEXT    NOT NULL DEFAULT '{}',
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    run_at          INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    result          TEXT,
    failure_message TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX jobs_status_run_at ON jobs (status, run_at);
CREATE INDEX jobs_status_lease_until ON jobs (status, lease_until);
CREATE INDEX jobs_reseller_id ON jobs (reseller_id);

-- The durable job queue (transactional outbox). A job row is written in the same
-- transaction as the change that causes it, so a job exists exactly when that
-- change committed. Workers lease due jobs (pending with run_at <= now, or running
-- with an expired lease, whose worker died) with SELECT ... FOR UPDATE SKIP LOCKED,
-- so nodes sharing the database never take the same job, and record the outcome.
-- Async tasks of the API are jobs of some kinds. payload and result are JSON texts.

CREATE TABLE jobs (
    id              TEXT    COLLATE "C" PRIMARY KEY,
    kind            TEXT    NOT NULL,
    reseller_id     BIGINT  REFERENCES resellers (id),
    payload         TEXT    NOT NULL DEFAULT '{}',
    status          TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    max_attempts    BIGINT  NOT NULL,
    run_at          BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    result          TEXT,
    failure_message TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX jobs_status_run_at ON jobs (status, run_at);
CREATE INDEX jobs_status_lease_until ON jobs (status, lease_until);
CREATE INDEX jobs_reseller_id ON jobs (reseller_id);

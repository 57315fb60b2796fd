-- The provisioning operations that wait for a manager (manual mode,
-- docs/vendor-protocol.md): one row per subscription whose operation was e-mailed
-- to the product's address and is not yet marked done or failed. It names the job
-- that sent it, the operation and the order that caused it (0 for none), so the
-- completion applies the same outcome the job would have. The row goes when the
-- outcome is applied; finished jobs may be purged long before that.
CREATE TABLE provisioning_waits (
    subscription_id BIGINT PRIMARY KEY,
    job_id TEXT NOT NULL,
    op TEXT NOT NULL,
    order_id BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

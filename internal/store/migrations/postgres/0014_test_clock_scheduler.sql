-- The test clock (docs/test-clock.md): with CASCADE_TEST_CLOCK set, the installation's
-- time is the machine's plus offset_micros, kept here so a restart never moves time
-- back and every process sharing the database agrees. An advance holds the row's
-- lease (advance_owner until advance_until, in the machine's time) while it steps
-- time forward, so one runs at a time across processes; an advancer that died
-- leaves it to expire. Without the setting nothing reads this table.
CREATE TABLE test_clock (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    offset_micros BIGINT  NOT NULL,
    advance_owner TEXT,
    advance_until BIGINT
);
INSERT INTO test_clock (id, offset_micros) VALUES (1, 0);

-- The scheduler's passes (internal/jobs/scheduler.go), one row each, made by the
-- first run. A node runs a pass only while it holds the row's lease (lease_owner
-- until lease_until, in the machine's time), taken by a conditional UPDATE, so two
-- nodes never run one pass at once; a node that died leaves its lease to expire.
-- last_run_for is the instant the pass last completed a run for, and runs counts them.
CREATE TABLE scheduler_passes (
    name         TEXT COLLATE "C" PRIMARY KEY,
    lease_owner  TEXT,
    lease_until  BIGINT,
    last_run_for BIGINT,
    runs         BIGINT  NOT NULL DEFAULT 0
);

-- A claim takes the due jobs in (run_at, id) order. The index it walked ordered
-- them by run_at alone, so PostgreSQL put an incremental sort on top, which reads
-- at least 32 rows before it hands out the first: every claim of one job read and
-- sorted 33 queued jobs (51 buffers of its 79). With id in the index, the walk gives
-- the claim's order whole and stops at its limit. It replaces the old index, whose
-- keys are its prefix, so a job's writes touch no more indexes than before.
CREATE INDEX jobs_status_run_at_id ON jobs (status, run_at, id);
DROP INDEX jobs_status_run_at;

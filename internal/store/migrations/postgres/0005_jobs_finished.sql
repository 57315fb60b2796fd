-- Finished jobs (completed or failed) are deleted once they are older than the
-- retention (store.DB.PurgeFinishedJobs). This index finds them by age without
-- reading the queue; it is partial, so the pending and running jobs that workers
-- update all the time (finished_at is NULL until a job ends) are not in it.
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;

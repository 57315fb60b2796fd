-- What a subscription's vendor answered and where its provisioning stands
-- (docs/vendor-protocol.md): the vendor's id of the subscription (external_id, sent
-- on every later call), the attributes the vendor answered (a JSON object; empty
-- when none), the failure of the last operation (code, text and when, in
-- microseconds; empty and 0 when none) and the job that carries or carried the
-- latest operation. Only the provisioning job writes them.
ALTER TABLE subscriptions ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN vendor_attributes TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN provisioning_error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN provisioning_error_message TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN provisioning_error_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN provisioning_job_id TEXT NOT NULL DEFAULT '';

-- What the scheduler reads from vendors (docs/vendor-protocol.md, Usage and
-- consumption). Each subscription of a product with the usage or consumption
-- toggle has a row here once an operation of it reached the vendor: when its next
-- read is due (microseconds) and up to when its consumption was read (the next
-- period starts there). The pass claims a row by moving due_at forward with a
-- conditional update, so two processes never read one subscription in an interval.
CREATE TABLE subscription_vendor_reads (
    subscription_id BIGINT PRIMARY KEY,
    due_at          BIGINT NOT NULL,
    consumed_to     BIGINT NOT NULL
);
CREATE INDEX subscription_vendor_reads_due ON subscription_vendor_reads (due_at, subscription_id);

-- The units of each resource in use, as the vendor last answered.
CREATE TABLE subscription_resource_usage (
    subscription_id  BIGINT NOT NULL,
    plan_resource_id BIGINT NOT NULL,
    usage            BIGINT NOT NULL,
    read_at          BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, plan_resource_id)
);

-- The units consumed in each period read, for pay-as-you-go charging: one row per
-- subscription, resource key and period start, so a period read twice counts once.
-- quantity is the decimal the vendor answered, exactly as written.
CREATE TABLE subscription_consumption (
    subscription_id  BIGINT NOT NULL,
    resource_key     TEXT   NOT NULL,
    period_from      BIGINT NOT NULL,
    period_to        BIGINT NOT NULL,
    plan_resource_id BIGINT NOT NULL,
    quantity         TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, resource_key, period_from)
);

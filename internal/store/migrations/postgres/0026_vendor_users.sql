-- The account users each product's vendor knows (docs/vendor-protocol.md, User
-- events): one row per user and product. wanted is what the vendor should hold
-- (active, inactive or deleted), told what it was last told successfully (empty
-- before a create reached it); the user's delivery job carries the calls between
-- them, one at a time, and job_id names it while it runs (empty when none does).
-- steps counts the calls that succeeded and names the next call's event id with the
-- job's id. The last permanent failure stays in the error columns until a call
-- succeeds. vendor_user_id is the id the vendor answered to the create.
CREATE TABLE vendor_users (
    user_id        BIGINT NOT NULL,
    product_id     BIGINT NOT NULL,
    reseller_id    BIGINT NOT NULL,
    vendor_user_id TEXT   NOT NULL DEFAULT '',
    wanted         TEXT   NOT NULL,
    told           TEXT   NOT NULL DEFAULT '',
    steps          BIGINT NOT NULL DEFAULT 0,
    job_id         TEXT   NOT NULL DEFAULT '',
    error_code     TEXT   NOT NULL DEFAULT '',
    error_message  TEXT   NOT NULL DEFAULT '',
    error_at       BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);

-- The installation's identity towards vendors: ap_guid, sent with every call to a
-- vendor's service (docs/vendor-protocol.md). One row, made here, so every process
-- sharing the database reads the same value and it never changes afterwards. The
-- value is a random (version 4) UUID in its usual text form.
CREATE TABLE installation (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    ap_guid TEXT    NOT NULL
);
INSERT INTO installation (id, ap_guid) VALUES (1,
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))));

-- The secret each product in automatic mode signs its calls with. It is kept as it
-- is, since signing needs it; it is shown once, when made or rotated.
CREATE TABLE product_secrets (
    product_id INTEGER PRIMARY KEY REFERENCES products (id),
    secret     TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

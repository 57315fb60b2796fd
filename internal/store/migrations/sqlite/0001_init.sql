-- The reseller tree, managers, access levels, API-token cache epoch and idempotency keys.
-- Times are microseconds since the Unix epoch, UTC. A *_folded column holds its
-- text lower-cased by Cascade (domain.Fold), for case-insensitive search and order
-- that is the same on both engines, whatever the database locale.

CREATE TABLE resellers (
    id                     INTEGER PRIMARY KEY,
    parent_id              INTEGER REFERENCES resellers (id),
    path                   TEXT    NOT NULL,
    name                   TEXT    NOT NULL,
    name_folded            TEXT NOT NULL,
    domain                 TEXT NOT NULL,
    currency               TEXT    NOT NULL,
    manager_id             INTEGER REFERENCES managers (id),
    general_updated_at     INTEGER NOT NULL,
    company_name           TEXT    NOT NULL DEFAULT '',
    company_address_line_1 TEXT    NOT NULL DEFAULT '',
    company_address_line_2 TEXT    NOT NULL DEFAULT '',
    company_city           TEXT    NOT NULL DEFAULT '',
    company_state          TEXT    NOT NULL DEFAULT '',
    company_zip            TEXT    NOT NULL DEFAULT '',
    company_country        TEXT    NOT NULL DEFAULT '',
    company_phone          TEXT    NOT NULL DEFAULT '',
    company_fax            TEXT    NOT NULL DEFAULT '',
    company_email          TEXT    NOT NULL DEFAULT '',
    company_updated_at     INTEGER NOT NULL,
    contacts_first_name    TEXT    NOT NULL DEFAULT '',
    contacts_last_name     TEXT    NOT NULL DEFAULT '',
    contacts_middle_name   TEXT    NOT NULL DEFAULT '',
    contacts_position      TEXT    NOT NULL DEFAULT '',
    contacts_phone         TEXT    NOT NULL DEFAULT '',
    contacts_email         TEXT    NOT NULL DEFAULT '',
    contacts_updated_at    INTEGER NOT NULL,
    custom_attributes      TEXT    NOT NULL DEFAULT '{}',
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE UNIQUE INDEX resellers_domain ON resellers (domain);
CREATE INDEX resellers_path ON resellers (path);
CREATE INDEX resellers_parent_id ON resellers (parent_id);

CREATE TABLE manager_roles (
    id          INTEGER PRIMARY KEY,
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    name        TEXT    NOT NULL,
    name_folded TEXT NOT NULL,
    role        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX manager_roles_reseller_name ON manager_roles (reseller_id, name);

CREATE TABLE managers (
    id                INTEGER PRIMARY KEY,
    reseller_id       INTEGER NOT NULL REFERENCES resellers (id),
    name              TEXT    NOT NULL,
    name_folded       TEXT NOT NULL,
    email             TEXT NOT NULL,
    password_hash     TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    role              TEXT    NOT NULL,
    manager_role_id   INTEGER REFERENCES manager_roles (id),
    phone             TEXT    NOT NULL DEFAULT '',
    photo             TEXT    NOT NULL DEFAULT '',
    manager_key       TEXT,
    mfa_required      INTEGER NOT NULL DEFAULT 0,
    custom_attributes TEXT    NOT NULL DEFAULT '{}',
    token_hash        BLOB    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX managers_email ON managers (email);
CREATE UNIQUE INDEX managers_manager_key ON managers (manager_key);
CREATE UNIQUE INDEX managers_token_hash ON managers (token_hash);
CREATE INDEX managers_reseller_id ON managers (reseller_id);

-- One row; bumped in every transaction that changes who a token belongs to or what it
-- may do, so every API node can drop its token cache.
CREATE TABLE auth_epoch (
    id    INTEGER PRIMARY KEY,
    epoch INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);

CREATE TABLE idempotency_keys (
    manager_id  INTEGER NOT NULL,
    key_hash    BLOB    NOT NULL,
    fingerprint BLOB    NOT NULL,
    owner       BLOB    NOT NULL,
    state       TEXT    NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    response    BLOB,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (manager_id, key_hash)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Accounts (customers of resellers), their users and the Owner's one-time login
-- tokens, with the installation-wide account types and classes they refer to.
-- Money columns are integers of millionths of the currency unit (domain.Amount);
-- times are microseconds since the Unix epoch, UTC.

-- Account types and classes are installation-wide and seeded here with fixed ids,
-- which the API exposes (account_type_id, account_class_id).
CREATE TABLE account_types (
    id                 INTEGER PRIMARY KEY,
    key                TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    name_pattern       TEXT    NOT NULL,
    primary_name_label TEXT    NOT NULL DEFAULT '',
    is_default         BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX account_types_key ON account_types (key);
INSERT INTO account_types (id, key, name, name_pattern, primary_name_label, is_default) VALUES
    (1, 'business', 'Business', '%primary_name', 'Company name', 1),
    (2, 'personal', 'Personal', '%first_name %last_name', '', 0);

CREATE TABLE account_classes (
    id             INTEGER PRIMARY KEY,
    key            TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    charging_model TEXT    NOT NULL,
    credit_limit   INTEGER NOT NULL DEFAULT 0,
    is_default     BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX account_classes_key ON account_classes (key);
INSERT INTO account_classes (id, key, name, charging_model, credit_limit, is_default) VALUES
    (1, 'default', 'Default', 'prepay', 0, 1),
    (2, 'prepay', 'Prepay', 'prepay', 0, 0),
    (3, 'postpay', 'Postpay', 'postpay', 0, 0);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL,
    first_name  TEXT    NOT NULL DEFAULT '',
    middle_name TEXT    NOT NULL DEFAULT '',
    last_name   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE accounts (
    id                      INTEGER PRIMARY KEY,
    reseller_id             INTEGER NOT NULL REFERENCES resellers (id),
    account_type_id         INTEGER NOT NULL REFERENCES account_types (id),
    account_class_key       TEXT    NOT NULL REFERENCES account_classes (key),
    name                    TEXT    NOT NULL,
    name_folded             TEXT    NOT NULL,
    primary_name            TEXT    NOT NULL DEFAULT '',
    first_name              TEXT    NOT NULL DEFAULT '',
    middle_name             TEXT    NOT NULL DEFAULT '',
    last_name               TEXT    NOT NULL DEFAULT '',
    email                   TEXT    NOT NULL,
    country                 TEXT    NOT NULL DEFAULT '',
    region                  TEXT    NOT NULL DEFAULT '',
    city                    TEXT    NOT NULL DEFAULT '',
    street                  TEXT    NOT NULL DEFAULT '',
    building                TEXT    NOT NULL DEFAULT '',
    office                  TEXT    NOT NULL DEFAULT '',
    zip                     TEXT    NOT NULL DEFAULT '',
    phone                   TEXT    NOT NULL DEFAULT '',
    inn                     TEXT    NOT NULL DEFAULT '',
    status                  TEXT    NOT NULL,
    manager_id              INTEGER REFERENCES managers (id),
    owner_id                INTEGER REFERENCES users (id),
    tech_user_id            INTEGER REFERENCES users (id),
    currency                TEXT    NOT NULL,
    balance                 INTEGER NOT NULL DEFAULT 0,
    credit_limit            INTEGER NOT NULL DEFAULT 0,
    credit_limit_use_system BOOLEAN NOT NULL DEFAULT 1,
    external_key            TEXT,
    custom_attributes       TEXT    NOT NULL DEFAULT '{}',
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
-- Lists are per reseller and ordered by id; the filters select within a reseller. Each
-- filter index leads with reseller_id, so an equality on both columns beats the
-- reseller-only indexes even without planner statistics (SQLite has none).
CREATE INDEX accounts_reseller_id ON accounts (reseller_id, id);
CREATE INDEX accounts_reseller_created_at ON accounts (reseller_id, created_at);
CREATE INDEX accounts_reseller_updated_at ON accounts (reseller_id, updated_at);
CREATE INDEX accounts_reseller_email ON accounts (reseller_id, email);
CREATE INDEX accounts_reseller_inn ON accounts (reseller_id, inn);
CREATE INDEX accounts_manager_id ON accounts (manager_id);
CREATE UNIQUE INDEX accounts_reseller_external_key ON accounts (reseller_id, external_key);

CREATE TABLE account_users (
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    access_level TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_users_user_id ON account_users (user_id);
-- Exactly one Owner per account.
CREATE UNIQUE INDEX account_users_owner ON account_users (account_id) WHERE access_level = 'owner';

-- One-time login tokens of account Owners, stored hashed.
CREATE TABLE user_login_tokens (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX user_login_tokens_expires_at ON user_login_tokens (expires_at);

-- The catalogue: service terms, product categories, products, plans with their
-- periods, resources, switches and order attributes, and the log of price changes.
-- Every object is keyed per reseller by a stable key (the catalogue file's name for
-- it). Money columns are integers of millionths of the currency unit (domain.Amount).

CREATE TABLE service_terms (
    id          INTEGER PRIMARY KEY,
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    key         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    billing_day INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX service_terms_reseller_key ON service_terms (reseller_id, key);

CREATE TABLE product_categories (
    id          INTEGER PRIMARY KEY,
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    key         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    name_folded TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    priority    INTEGER NOT NULL DEFAULT 0,
    public      BOOLEAN NOT NULL DEFAULT 0,
    logo        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX product_categories_reseller_key ON product_categories (reseller_id, key);

CREATE TABLE products (
    id                        INTEGER PRIMARY KEY,
    reseller_id               INTEGER NOT NULL REFERENCES resellers (id),
    key                       TEXT    NOT NULL,
    name                      TEXT    NOT NULL,
    name_folded               TEXT    NOT NULL,
    type                      TEXT    NOT NULL DEFAULT '',
    category_id               INTEGER NOT NULL REFERENCES product_categories (id),
    description               TEXT    NOT NULL DEFAULT '',
    public                    BOOLEAN NOT NULL DEFAULT 0,
    priority                  INTEGER NOT NULL DEFAULT 0,
    vendor_name               TEXT    NOT NULL DEFAULT '',
    provisioning_mode         TEXT    NOT NULL,
    manual_email              TEXT    NOT NULL DEFAULT '',
    api_path                  TEXT    NOT NULL DEFAULT '',
    allow_order_attributes    BOOLEAN NOT NULL DEFAULT 0,
    allow_usage_url           BOOLEAN NOT NULL DEFAULT 0,
    allow_consumption_url     BOOLEAN NOT NULL DEFAULT 0,
    allow_resource_validation BOOLEAN NOT NULL DEFAULT 0,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
);
CREATE UNIQUE INDEX products_reseller_key ON products (reseller_id, key);
CREATE INDEX products_category_id ON products (category_id);

CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    reseller_id     INTEGER NOT NULL REFERENCES resellers (id),
    product_id      INTEGER NOT NULL REFERENCES products (id),
    key             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    name_folded     TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    public          BOOLEAN NOT NULL DEFAULT 0,
    service_term_id INTEGER REFERENCES service_terms (id),
    billing_type    TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    sku             TEXT    NOT NULL DEFAULT '',
    fixed_price     BOOLEAN NOT NULL DEFAULT 0,
    parent_id       INTEGER REFERENCES plans (id),
    ancestry        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX plans_reseller_key ON plans (reseller_id, key);
CREATE INDEX plans_product_id ON plans (product_id);
CREATE INDEX plans_parent_id ON plans (parent_id);
CREATE INDEX plans_sku ON plans (sku);

CREATE TABLE plan_periods (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id),
    key           TEXT    NOT NULL,
    duration      INTEGER NOT NULL,
    unit          TEXT    NOT NULL,
    trial         BOOLEAN NOT NULL DEFAULT 0,
    setup_fee     INTEGER NOT NULL DEFAULT 0,
    recurring_fee INTEGER NOT NULL DEFAULT 0,
    renewal_fee   INTEGER NOT NULL DEFAULT 0,
    transfer_fee  INTEGER NOT NULL DEFAULT 0,
    position      INTEGER NOT NULL DEFAULT 0,
    deleted       BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX plan_periods_plan_key ON plan_periods (plan_id, key);

CREATE TABLE plan_resources (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL REFERENCES plans (id),
    key             TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    unit_of_measure TEXT    NOT NULL,
    measurable      BOOLEAN NOT NULL DEFAULT 0,
    included        INTEGER NOT NULL DEFAULT 0,
    minimum         INTEGER NOT NULL DEFAULT 0,
    "limit"         INTEGER NOT NULL DEFAULT 0,
    unlimited       BOOLEAN NOT NULL DEFAULT 0,
    setup_fee       INTEGER NOT NULL DEFAULT 0,
    recurring_fee   INTEGER NOT NULL DEFAULT 0,
    overuse_fee     INTEGER NOT NULL DEFAULT 0,
    renewal_fee     INTEGER NOT NULL DEFAULT 0,
    public          BOOLEAN NOT NULL DEFAULT 1,
    position        INTEGER NOT NULL DEFAULT 0,
    deleted         BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX plan_resources_plan_key ON plan_resources (plan_id, key);

CREATE TABLE plan_switches (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    target_id   INTEGER NOT NULL REFERENCES plans (id),
    switch_type TEXT    NOT NULL,
    PRIMARY KEY (plan_id, switch_type, target_id)
);

CREATE TABLE plan_order_attributes (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id),
    key      TEXT    NOT NULL,
    label    TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    required BOOLEAN NOT NULL DEFAULT 0,
    "values" TEXT    NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX plan_order_attributes_plan_key ON plan_order_attributes (plan_id, key);

-- Append-only: every change of a period or resource price, so what a plan cost at any
-- moment can be answered after the row itself has moved on.
CREATE TABLE price_changes (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    item        TEXT    NOT NULL,
    item_key    TEXT    NOT NULL,
    fee         TEXT    NOT NULL,
    old_amount  INTEGER NOT NULL,
    new_amount  INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL
);
CREATE INDEX price_changes_plan_id ON price_changes (plan_id, changed_at);

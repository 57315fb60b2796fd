-- Subscriptions, the orders that buy and change them, the payments that pay orders,
-- and the counters that number documents.
--
-- Conventions of these tables: money is INTEGER millionths of the currency unit
-- (domain.Amount); times are microseconds since the Unix epoch, UTC; civil dates are
-- TEXT 'YYYY-MM-DD', which sort as dates. A date or moment that is not set yet is ''
-- or 0 rather than NULL, so that every sortable column has a value: a list sorted by
-- closed_at or provisioning_date then walks its index and pages by cursor like any
-- other (a NULL would compare as unknown in the cursor's row comparison). The API
-- shows '' and 0 as null.
--
-- Lists are per reseller, like accounts: every documented sort and filter of the
-- orders, subscriptions and payments lists has an index led by reseller_id and
-- ending in id (see migration 0008).

CREATE TABLE subscriptions (
    id                        INTEGER PRIMARY KEY,
    reseller_id               INTEGER  NOT NULL REFERENCES resellers (id),
    account_id                INTEGER  NOT NULL REFERENCES accounts (id),
    plan_id                   INTEGER  NOT NULL REFERENCES plans (id),
    plan_period_id            INTEGER  NOT NULL REFERENCES plan_periods (id),
    name                      TEXT    NOT NULL,
    trial                     BOOLEAN NOT NULL DEFAULT 0,
    status                    TEXT    NOT NULL,
    return_status             TEXT    NOT NULL DEFAULT '',
    awaiting_approval         TEXT    NOT NULL DEFAULT '',
    start_date                TEXT    NOT NULL DEFAULT '',
    expiration_date           TEXT    NOT NULL DEFAULT '',
    paid_to                   TEXT    NOT NULL DEFAULT '',
    hold_to                   TEXT    NOT NULL DEFAULT '',
    payment_model             TEXT    NOT NULL,
    credit_limit              INTEGER  NOT NULL DEFAULT 0,
    credit_limit_use_system   BOOLEAN NOT NULL DEFAULT 1,
    current_debt              INTEGER  NOT NULL DEFAULT 0,
    autorenew                 BOOLEAN NOT NULL DEFAULT 0,
    disable_autorenew         BOOLEAN NOT NULL DEFAULT 0,
    autorenew_before_approval BOOLEAN NOT NULL DEFAULT 0,
    fixed_price               BOOLEAN NOT NULL DEFAULT 0,
    custom_price              BOOLEAN NOT NULL DEFAULT 0,
    promo_code                TEXT    NOT NULL DEFAULT '',
    -- The locked prices of the period (domain.PriceSnapshot); the resources' are on
    -- subscription_resources.
    currency                  TEXT    NOT NULL,
    setup_fee                 INTEGER  NOT NULL DEFAULT 0,
    recurring_fee             INTEGER  NOT NULL DEFAULT 0,
    renewal_fee               INTEGER  NOT NULL DEFAULT 0,
    transfer_fee              INTEGER  NOT NULL DEFAULT 0,
    created_at                INTEGER  NOT NULL,
    updated_at                INTEGER  NOT NULL
);
CREATE INDEX subscriptions_reseller_id ON subscriptions (reseller_id, id);
CREATE INDEX subscriptions_reseller_created_at ON subscriptions (reseller_id, created_at, id);
CREATE INDEX subscriptions_reseller_updated_at ON subscriptions (reseller_id, updated_at, id);
CREATE INDEX subscriptions_reseller_expiration_date ON subscriptions (reseller_id, expiration_date, id);
CREATE INDEX subscriptions_reseller_account_id ON subscriptions (reseller_id, account_id, id);
CREATE INDEX subscriptions_reseller_status ON subscriptions (reseller_id, status, id);
CREATE INDEX subscriptions_reseller_payment_model ON subscriptions (reseller_id, payment_model, id);
CREATE INDEX subscriptions_reseller_trial ON subscriptions (reseller_id, trial, id);
CREATE INDEX subscriptions_reseller_plan_id ON subscriptions (reseller_id, plan_id, id);
CREATE INDEX subscriptions_account_id ON subscriptions (account_id, id);

-- A subscription's resources: the quantities it holds and the unit prices it was
-- bought at (locked until its next renewal or switch). Every resource of the plan
-- has a row, ordered or not, so the snapshot holds every price.
CREATE TABLE subscription_resources (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id),
    plan_resource_id INTEGER NOT NULL REFERENCES plan_resources (id),
    included         INTEGER NOT NULL DEFAULT 0,
    additional       INTEGER NOT NULL DEFAULT 0,
    setup_fee        INTEGER NOT NULL DEFAULT 0,
    recurring_fee    INTEGER NOT NULL DEFAULT 0,
    overuse_fee      INTEGER NOT NULL DEFAULT 0,
    renewal_fee      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX subscription_resources_subscription_plan_resource
    ON subscription_resources (subscription_id, plan_resource_id);

-- Orders. payment_id names the linked payment; it has no foreign key because the
-- payment, which refers to its order, is written after the order.
CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    reseller_id       INTEGER  NOT NULL REFERENCES resellers (id),
    account_id        INTEGER  NOT NULL REFERENCES accounts (id),
    subscription_id   INTEGER  NOT NULL REFERENCES subscriptions (id),
    kind              TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    document_id       TEXT    NOT NULL,
    payment_model     TEXT    NOT NULL,
    total             INTEGER  NOT NULL,
    currency          TEXT    NOT NULL,
    payment_id        INTEGER,
    manager_id        INTEGER  REFERENCES managers (id),
    created_by        TEXT    NOT NULL DEFAULT '',
    requester_ip      TEXT    NOT NULL DEFAULT '',
    promo_code        TEXT    NOT NULL DEFAULT '',
    custom_price      BOOLEAN NOT NULL DEFAULT 0,
    expiration_date   TEXT    NOT NULL,
    provisioning_date TEXT    NOT NULL DEFAULT '',
    closed_at         INTEGER  NOT NULL DEFAULT 0,
    plan_id           INTEGER  REFERENCES plans (id),
    plan_period_id    INTEGER  REFERENCES plan_periods (id),
    switch_type       TEXT    NOT NULL DEFAULT '',
    -- The completed order-attributes validation task the order was made with.
    async_task_id     TEXT,
    created_at        INTEGER  NOT NULL,
    updated_at        INTEGER  NOT NULL
);
CREATE UNIQUE INDEX orders_reseller_document_id ON orders (reseller_id, document_id);
CREATE INDEX orders_reseller_id ON orders (reseller_id, id);
CREATE INDEX orders_reseller_created_at ON orders (reseller_id, created_at, id);
CREATE INDEX orders_reseller_updated_at ON orders (reseller_id, updated_at, id);
CREATE INDEX orders_reseller_closed_at ON orders (reseller_id, closed_at, id);
CREATE INDEX orders_reseller_expiration_date ON orders (reseller_id, expiration_date, id);
CREATE INDEX orders_reseller_provisioning_date ON orders (reseller_id, provisioning_date, id);
CREATE INDEX orders_reseller_account_id ON orders (reseller_id, account_id, id);
CREATE INDEX orders_reseller_kind ON orders (reseller_id, kind, id);
CREATE INDEX orders_reseller_status ON orders (reseller_id, status, id);
CREATE INDEX orders_subscription_id ON orders (subscription_id, id);
-- One order in flight per subscription (domain.OrderStatus.InFlight): a second
-- order, however concurrent, is refused by this index.
CREATE UNIQUE INDEX orders_subscription_in_flight ON orders (subscription_id)
    WHERE status IN ('waiting_for_payment', 'waiting_for_provisioning', 'provisioning', 'provisioning_failed');

-- The lines of an order: the quantities it asks for (kind 'request') and the priced
-- lines of its quote (kind 'quote', domain.QuoteLine; months as an exact fraction).
CREATE TABLE order_lines (
    order_id                 INTEGER NOT NULL REFERENCES orders (id),
    position                 INTEGER NOT NULL,
    kind                     TEXT   NOT NULL,
    plan_resource_id         INTEGER NOT NULL DEFAULT 0,
    subscription_resource_id INTEGER NOT NULL DEFAULT 0,
    quantity                 INTEGER NOT NULL DEFAULT 0,
    fee                      TEXT   NOT NULL DEFAULT '',
    plan_id                  INTEGER NOT NULL DEFAULT 0,
    unit_price               INTEGER NOT NULL DEFAULT 0,
    months_num               INTEGER NOT NULL DEFAULT 0,
    months_den               INTEGER NOT NULL DEFAULT 0,
    amount                   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, kind, position)
);

CREATE TABLE payments (
    id                       INTEGER PRIMARY KEY,
    reseller_id              INTEGER  NOT NULL REFERENCES resellers (id),
    account_id               INTEGER  NOT NULL REFERENCES accounts (id),
    purpose                  TEXT    NOT NULL,
    order_id                 INTEGER  REFERENCES orders (id),
    invoice_id               INTEGER,
    document_id              TEXT    NOT NULL,
    total                    INTEGER  NOT NULL,
    initial_total            INTEGER  NOT NULL,
    discount_amount          INTEGER  NOT NULL DEFAULT 0,
    amount_paid_from_balance INTEGER  NOT NULL DEFAULT 0,
    currency                 TEXT    NOT NULL,
    status                   TEXT    NOT NULL,
    comment                  TEXT    NOT NULL DEFAULT '',
    -- The text shown on the receipt (the API's purpose attribute).
    description              TEXT    NOT NULL DEFAULT '',
    payment_method_id        INTEGER  REFERENCES payment_methods (id),
    payment_method_name      TEXT    NOT NULL DEFAULT '',
    manager_id               INTEGER  REFERENCES managers (id),
    requester_ip             TEXT    NOT NULL DEFAULT '',
    due_date                 TEXT    NOT NULL DEFAULT '',
    expiration_date          TEXT    NOT NULL DEFAULT '',
    external_total           INTEGER,
    external_currency        TEXT    NOT NULL DEFAULT '',
    external_transaction_id  TEXT    NOT NULL DEFAULT '',
    closed_at                INTEGER  NOT NULL DEFAULT 0,
    created_at               INTEGER  NOT NULL,
    updated_at               INTEGER  NOT NULL
);
CREATE UNIQUE INDEX payments_reseller_document_id ON payments (reseller_id, document_id);
CREATE INDEX payments_reseller_id ON payments (reseller_id, id);
CREATE INDEX payments_reseller_created_at ON payments (reseller_id, created_at, id);
CREATE INDEX payments_reseller_updated_at ON payments (reseller_id, updated_at, id);
CREATE INDEX payments_reseller_closed_at ON payments (reseller_id, closed_at, id);
CREATE INDEX payments_reseller_total ON payments (reseller_id, total, id);
CREATE INDEX payments_reseller_status ON payments (reseller_id, status, id);
CREATE INDEX payments_reseller_account_id ON payments (reseller_id, account_id, id);
CREATE INDEX payments_order_id ON payments (order_id);

-- The last number of each reseller's series of documents, by prefix ('SO', 'RN', ...
-- for orders, '' for payments). A document takes the next number by bumping its row
-- in the transaction that writes the document: the row stays locked until that
-- commits, so numbers are handed out one at a time, and a rolled-back document gives
-- its number back. The series has no gaps.
CREATE TABLE document_counters (
    reseller_id INTEGER NOT NULL REFERENCES resellers (id),
    prefix      TEXT   NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (reseller_id, prefix)
);

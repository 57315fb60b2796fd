-- The history of what managers did to subscriptions: each stop, activation,
-- deletion, approval or decline of a waiting stop or deletion, and each change of
-- auto-renew, with the reason and comment the manager gave (stop and activate
-- require both), who did it, and the statuses before and after. Operators read it
-- to learn why a subscription stopped; rows are only ever added.
CREATE TABLE subscription_operations (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    reseller_id     INTEGER NOT NULL REFERENCES resellers (id),
    operation       TEXT    NOT NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    comment         TEXT    NOT NULL DEFAULT '',
    manager_id      INTEGER REFERENCES managers (id),
    status_before   TEXT    NOT NULL,
    status_after    TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX subscription_operations_subscription_id ON subscription_operations (subscription_id, id);

-- The pass bill_consumption walks the subscriptions in id order, a bounded batch per
-- transaction, and reads each one's consumption of the periods being billed
-- (docs/billing.md, "Pay as you go"): an exact seek by subscription and end of the
-- read, whatever the subscription's history. The index by end first, which the pass
-- read the whole window through, has no reader left.
CREATE INDEX subscription_consumption_subscription_to ON subscription_consumption (subscription_id, period_to);
DROP INDEX subscription_consumption_period_to;

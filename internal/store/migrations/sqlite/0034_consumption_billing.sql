-- The billing pass charges pay-as-you-go consumption by the billing period in which
-- each read ended (docs/billing.md, "Pay as you go"): it reads the consumption that
-- ended in the periods just billed, by the end of each read.
CREATE INDEX subscription_consumption_period_to ON subscription_consumption (period_to, subscription_id);

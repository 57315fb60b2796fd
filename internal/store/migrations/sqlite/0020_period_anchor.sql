-- Dates of the subscription lifecycle that counting from the previous end got
-- wrong or that no pass acted on (docs/lifecycle.md, "Time: what the scheduler
-- does"). Dates are TEXT 'YYYY-MM-DD' in the installation's zone, '' when not set.

-- period_anchor: the day the current series of periods is counted from, once a
-- renewal restarted the count (a paid period after a trial, a period of another
-- length); '' while the periods count from start_date.
ALTER TABLE subscriptions ADD COLUMN period_anchor TEXT NOT NULL DEFAULT '';
-- paid_to_handled_for: the paid-to date whose passing the scheduler acted on (the
-- stop of a subscription paid month by month whose next month was not paid), so
-- that a declined stop is not asked again for the same month.
ALTER TABLE subscriptions ADD COLUMN paid_to_handled_for TEXT NOT NULL DEFAULT '';

-- Active subscriptions paid month by month, by the day their paid month ends; those
-- paid to the expiration date (every other billing type, and the last month) are
-- left out. The predicate is store.DuePaidMonths's, word for word.
CREATE INDEX subscriptions_paid_to_due ON subscriptions (paid_to, id)
    WHERE status = 'active' AND paid_to <> '' AND paid_to < expiration_date AND paid_to_handled_for <> paid_to;

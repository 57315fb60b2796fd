package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Writing a subscription the transaction read under its lock: only the columns and
// resources that changed since that read (see row_changes.go), with the automatic
// days its plan's held terms give.

// subscriptionUpdates are the columns UpdateSubscription writes, in the order of
// subscriptionUpdateState's values.
var subscriptionUpdates = newUpdatableColumns("subscriptions", "plan_id", "plan_period_id", "name", "trial",
	"status", "return_status", "awaiting_approval", "start_date", "expiration_date", "paid_to", "hold_to",
	"payment_model", "credit_limit", "credit_limit_use_system", "autorenew", "disable_autorenew",
	"autorenew_before_approval", "fixed_price", "custom_price", "promo_code", "currency", "setup_fee",
	"recurring_fee", "renewal_fee", "transfer_fee", "period_anchor", "external_id", "vendor_attributes",
	"provisioning_error_code", "provisioning_error_message", "provisioning_error_at", "provisioning_job_id",
	"updated_at")

// subscriptionUpdateState lists the values of the columns of subscriptionUpdates of s.
func subscriptionUpdateState(s *domain.Subscription) []any {
	return append([]any{s.PlanID, s.PlanPeriodID, s.Name, s.Trial},
		subscriptionState(s, append(vendorState(s.Vendor), micros(s.UpdatedAt))...)...)
}

// rememberSubscriptions records subs as the transaction read them under their locks:
// their rows and their resources.
func (c *Conn) rememberSubscriptions(subs ...*domain.Subscription) {
	for _, s := range subs {
		c.rememberRow("subscriptions", s.ID, subscriptionUpdateState(s))
	}
	c.rememberResources(subs...)
}

// wroteSubscriptionVendor records that a statement of the transaction other than
// UpdateSubscription wrote s.Vendor and s.UpdatedAt to the row of s
// (UpdateSubscriptionVendor), so that its update compares with what the row holds.
func (c *Conn) wroteSubscriptionVendor(s *domain.Subscription) {
	key := lockedRow{"subscriptions", s.ID}
	was := c.readRows[key]
	if was == nil {
		return
	}
	now := append([]any(nil), was...) // the remembered list is never changed in place
	// The vendor's columns and updated_at are the last of subscriptionUpdates.
	state := subscriptionUpdateState(s)
	n := len(vendorState(s.Vendor)) + 1
	copy(now[len(now)-n:], state[len(state)-n:])
	c.readRows[key] = now
}

// heldDaysTail is the tail of an update (updatableColumns.update) of a subscription
// whose plan's terms are held: it writes the automatic days, compared with the new
// expiration ($k+1) and paid-to ($k+2) dates, the days being $k+3 and $k+4, and
// checks that the catalogue is at generation $k+5. A SET's right side reads the row
// as it was before the statement, which no other statement of the transaction
// changes the made_for columns of between.
func heldDaysTail(k int) (string, string) {
	return heldDaysSets(k), " AND " + generationIs(ScopeCatalog, fmt.Sprintf("$%d", k+5))
}

// heldDaysTailFailing is heldDaysTail for an update nobody waits for the answer of
// (PostgreSQL, Conn.along): a catalogue that has moved fails the statement
// (catalog_moved(), migration 0043), which aborts the transaction, where writing no
// row would let it commit.
func heldDaysTailFailing(k int) (string, string) {
	return heldDaysSets(k), " AND CASE WHEN " + generationIs(ScopeCatalog, fmt.Sprintf("$%d", k+5)) +
		" THEN TRUE ELSE catalog_moved() END"
}

// writeSubscriptionRow runs u, the update of a subscription's row the transaction
// holds, checked against the catalogue's generation when checked is set. An
// update that fails the transaction itself when the catalogue has moved (failing:
// heldDaysTailFailing) needs no answer, so it goes with the next statement or the
// commit (Conn.along), whose error is then ErrCatalogMoved. Any other runs at
// once, and a checked one that writes no row is that error.
func (c *Conn) writeSubscriptionRow(ctx context.Context, u statement, checked, failing bool) error {
	if failing {
		return c.along(ctx, u)
	}
	res, err := c.exec(ctx, u.query, u.args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); checked && n == 0 {
		return ErrCatalogMoved // the row is held, so only the catalogue's check can fail
	}
	return nil
}

// heldDaysSets are the assignments of the automatic days of heldDaysTail.
func heldDaysSets(k int) string {
	return fmt.Sprintf(`, renewal_due_on = CASE WHEN renewal_made_for = $%d THEN '' ELSE $%d END,
		prolong_due_on = CASE WHEN prolong_made_for = $%d THEN '' ELSE $%d END`, k+1, k+3, k+2, k+4)
}

// UpdateSubscription writes the mutable fields of s, which the transaction read
// with FindSubscriptionForUpdate: its plan and period (a switch or renewal moves
// them), its state, its prices, the days its automatic orders fall due, and its
// resources' quantities and prices. Of the row's columns only those that changed
// since that read (or the transaction's last update of s) are written, and without
// held terms no statement when none did (see row_changes.go). A resource without an
// id is added; one equal to what the transaction read under the lock (or last
// wrote) is not written again.
func (c *Conn) UpdateSubscription(ctx context.Context, s *domain.Subscription) error {
	if err := c.needLock("subscriptions", s.ID); err != nil {
		return err
	}
	now := subscriptionUpdateState(s)
	mask := subscriptionUpdates.changed(c.readRows[lockedRow{"subscriptions", s.ID}], now)
	// With its plan's terms held (HoldPlanTerms), the automatic days are written by
	// the same statement, whatever else changed: they follow the terms as well as
	// the row, and the terms are those of the catalogue at held.gen, which the
	// statement checks.
	held, ok := c.planTerms[s.PlanID]
	if ok || mask != 0 {
		variant, tail, extra, failing := 0, noTail, []any(nil), false
		if ok {
			rules := held.billing.Rules()
			variant, tail = 1, heldDaysTail
			if c.db.engine == Postgres { // where a statement nobody waits for saves a round trip
				variant, tail, failing = 2, heldDaysTailFailing, true
			}
			extra = []any{dateText(s.ExpirationDate), dateText(s.PaidTo),
				dateText(s.AutoRenewalDay(rules, held.terms)), dateText(s.AutoProlongDay(rules, held.terms)), held.gen}
		}
		q, args := subscriptionUpdates.update(mask, variant, now, s.ID, tail, extra...)
		if err := c.writeSubscriptionRow(ctx, statement{query: q, args: args}, ok, failing); err != nil {
			return fmt.Errorf("update subscription %d: %w", s.ID, err)
		}
		c.rememberRow("subscriptions", s.ID, now)
	}
	var err error
	for i := range s.Resources {
		r := &s.Resources[i]
		f := s.Prices.Resources[r.PlanResourceID]
		row := resourceRow{r.PlanResourceID, r.Included, r.Additional, f}
		if was, read := c.resources[r.ID]; r.ID != 0 && read && was == row {
			continue
		}
		if r.ID == 0 {
			err = c.row(ctx, `INSERT INTO subscription_resources (subscription_id, plan_resource_id, included,
				additional, setup_fee, recurring_fee, overuse_fee, renewal_fee) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				RETURNING id`, []any{s.ID, r.PlanResourceID, r.Included, r.Additional, int64(f.Setup),
				int64(f.Recurring), int64(f.Overuse), int64(f.Renewal)}, &r.ID)
		} else {
			_, err = c.exec(ctx, `UPDATE subscription_resources SET plan_resource_id = $1, included = $2,
				additional = $3, setup_fee = $4, recurring_fee = $5, overuse_fee = $6, renewal_fee = $7
				WHERE id = $8 AND subscription_id = $9`, r.PlanResourceID, r.Included, r.Additional,
				int64(f.Setup), int64(f.Recurring), int64(f.Overuse), int64(f.Renewal), r.ID, s.ID)
		}
		if err != nil {
			return fmt.Errorf("update resource %d of subscription %d: %w", r.PlanResourceID, s.ID, err)
		}
		c.rememberResource(r.ID, row)
	}
	if err := c.touchSubscriptionChanged(ctx, s.ResellerID, s.ID); err != nil {
		return err
	}
	if ok {
		return nil
	}
	return c.writeAutomaticDays(ctx, s)
}

// resourceRow is what a subscription_resources row holds besides its ids.
type resourceRow struct {
	planResourceID       int64
	included, additional int64
	fees                 domain.ResourceFees
}

// rememberResources records the resources of s as the transaction holds them.
func (c *Conn) rememberResources(subs ...*domain.Subscription) {
	for _, s := range subs {
		for _, r := range s.Resources {
			c.rememberResource(r.ID, resourceRow{r.PlanResourceID, r.Included, r.Additional,
				s.Prices.Resources[r.PlanResourceID]})
		}
	}
}

func (c *Conn) rememberResource(id int64, row resourceRow) {
	if c.resources == nil {
		c.resources = make(map[int64]resourceRow)
	}
	c.resources[id] = row
}

// heldTerms is what the automatic days of a plan's subscriptions are computed from,
// and the catalogue's generation it was read at.
type heldTerms struct {
	billing domain.BillingType
	terms   domain.TermSettings
	gen     int64
}

// HoldPlanTerms gives the transaction the billing type and service-term settings of
// plan planID, read by the caller at generation gen of the catalogue (ScopeCatalog;
// 0 for none): the automatic days of the plan's subscriptions it updates are then
// computed from them and written with the subscription, rather than read and
// written apart. The update checks that the catalogue is still at gen, as
// ExpectCatalog's creates do: when it is not, nothing is written and
// UpdateSubscription returns ErrCatalogMoved.
func (c *Conn) HoldPlanTerms(planID int64, billing domain.BillingType, terms domain.TermSettings, gen int64) {
	if c.planTerms == nil {
		c.planTerms = make(map[int64]heldTerms)
	}
	c.planTerms[planID] = heldTerms{billing, terms, gen}
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The automatic renewal and prolong orders of the scheduler (migration 0018): the
// day each falls due is kept on the subscription row whenever the row is written,
// from its own dates and auto-renew flag and its plan's billing type and service
// term (domain.Subscription.AutoRenewalDay, AutoProlongDay), so each pass walks a
// partial index of the rows due, like the other lifecycle passes.

// AutomaticOrderIndex is the unique index that keeps the scheduler from making a
// second automatic order of a kind for one subscription and date.
const AutomaticOrderIndex = "orders_automatic_once"

var (
	// DueRenewals: active or graced subscriptions by the day their automatic renewal
	// order is made.
	DueRenewals = DueQuery{"automatic renewals", "subscriptions", "renewal_due_on",
		"status IN ('active', 'graced') AND renewal_due_on <> ''"}
	// DueProlongs: active subscriptions by the day their next prolong order is made.
	DueProlongs = DueQuery{"automatic prolongs", "subscriptions", "prolong_due_on",
		"status = 'active' AND prolong_due_on <> ''"}
)

// AutomaticDays are the days a subscription's automatic orders fall due; a zero day
// is not due (none to make, or made already).
type AutomaticDays struct {
	Renewal, Prolong domain.Date
}

// writeAutomaticDays sets the days s's automatic orders fall due, from s as it was
// just written and its plan's terms; a day whose order was made for the current
// expiration (paid-to) date already stays empty.
func (c *Conn) writeAutomaticDays(ctx context.Context, s *domain.Subscription) error {
	rules, terms, err := c.automaticTerms(ctx, s.PlanID)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `UPDATE subscriptions SET
		renewal_due_on = CASE WHEN renewal_made_for = expiration_date THEN '' ELSE $1 END,
		prolong_due_on = CASE WHEN prolong_made_for = paid_to THEN '' ELSE $2 END WHERE id = $3`,
		dateText(s.AutoRenewalDay(rules, terms)), dateText(s.AutoProlongDay(rules, terms)), s.ID)
	if err != nil {
		return fmt.Errorf("automatic days of subscription %d: %w", s.ID, err)
	}
	return nil
}

// automaticTerms reads what the automatic days of a subscription of plan planID
// follow: the rules of the plan's billing type and its service term's points.
func (c *Conn) automaticTerms(ctx context.Context, planID int64) (domain.BillingRules, domain.TermSettings, error) {
	var (
		billing      string
		auto, manual sql.NullInt64
	)
	err := c.row(ctx, `SELECT p.billing_type, t.autorenew_point, t.manual_renew_point FROM plans p
		LEFT JOIN service_terms t ON t.id = p.service_term_id WHERE p.id = $1`, []any{planID}, &billing, &auto, &manual)
	if err != nil {
		return domain.BillingRules{}, domain.TermSettings{}, fmt.Errorf("terms of plan %d: %w", planID, err)
	}
	terms := domain.DefaultTermSettings
	if auto.Valid {
		terms.AutoRenewPoint, terms.ManualRenewPoint = int(auto.Int64), int(manual.Int64)
	}
	return domain.BillingType(billing).Rules(), terms, nil
}

// FindAutomaticDays returns the days the automatic orders of subscription id fall
// due; the transaction holds the row for update.
func (c *Conn) FindAutomaticDays(ctx context.Context, id int64) (AutomaticDays, error) {
	var (
		d                AutomaticDays
		renewal, prolong string
	)
	if err := c.needLock("subscriptions", id); err != nil {
		return d, err
	}
	err := c.row(ctx, `SELECT renewal_due_on, prolong_due_on FROM subscriptions WHERE id = $1`, []any{id},
		&renewal, &prolong)
	if err == nil {
		err = datesFrom([]*domain.Date{&d.Renewal, &d.Prolong}, []string{renewal, prolong})
	}
	if err != nil {
		return d, fmt.Errorf("automatic days of subscription %d: %w", id, err)
	}
	return d, nil
}

// MarkAutomaticOrder records that the scheduler's order o (a renewal or prolong
// order) was made for date of subscription sub, which the transaction holds for
// update: the order carries the date under the unique index AutomaticOrderIndex,
// and the subscription's due day of that kind is cleared until the date moves on.
// With o nil only the subscription is marked (an order of the kind was there).
func (c *Conn) MarkAutomaticOrder(ctx context.Context, sub *domain.Subscription, kind domain.OrderKind,
	date domain.Date, o *domain.Order) error {
	if err := c.needLock("subscriptions", sub.ID); err != nil {
		return err
	}
	if o != nil {
		if _, err := c.exec(ctx, `UPDATE orders SET automatic_for = $1 WHERE id = $2`, dateText(date), o.ID); err != nil {
			return fmt.Errorf("mark automatic order %d: %w", o.ID, err)
		}
	}
	query := `UPDATE subscriptions SET renewal_made_for = $1, renewal_due_on = '' WHERE id = $2`
	if kind == domain.ProlongOrder {
		query = `UPDATE subscriptions SET prolong_made_for = $1, prolong_due_on = '' WHERE id = $2`
	}
	if _, err := c.exec(ctx, query, dateText(date), sub.ID); err != nil {
		return fmt.Errorf("mark automatic %s of subscription %d: %w", kind, sub.ID, err)
	}
	return nil
}

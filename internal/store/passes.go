package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The queries of the scheduler's lifecycle passes: which orders and subscriptions
// have a time-driven step due, and the day the next one falls due. Each reads one
// partial index of migration 0016, which holds only the rows that may become due, so
// a pass costs what it has to do, not the size of the tables.

// DueQuery names the rows one lifecycle pass acts on: those of a table in a status
// whose date column is set, walked in the order of that date and the id.
type DueQuery struct {
	name  string
	table string
	date  string // the date column
	where string // the partial index's predicate, word for word, so the index is used
}

// The lifecycle passes' queries, each over its index of migration 0016.
var (
	// DueUnpaidOrders: orders waiting for payment, by expiration date.
	DueUnpaidOrders = DueQuery{"unpaid orders", "orders", "expiration_date",
		"status = 'waiting_for_payment'"}
	// DueDelayedOrders: accepted orders waiting for their provisioning date.
	DueDelayedOrders = DueQuery{"delayed orders", "orders", "provisioning_date",
		"status = 'waiting_for_provisioning'"}
	// DueExpiredSubscriptions: active subscriptions by the end of their period, those
	// whose end the scheduler acted on already left out.
	DueExpiredSubscriptions = DueQuery{"expiring subscriptions", "subscriptions", "expiration_date",
		"status = 'active' AND expiration_date <> '' AND expiry_handled_for <> expiration_date"}
	// DuePaidMonths: active subscriptions paid month by month whose paid-to date is
	// before their expiration date, by that paid-to date (migration 0020).
	DuePaidMonths = DueQuery{"paid months", "subscriptions", "paid_to",
		"status = 'active' AND paid_to <> '' AND paid_to < expiration_date AND paid_to_handled_for <> paid_to"}
	// DueGraceEnds: graced subscriptions by the day their grace ends.
	DueGraceEnds = DueQuery{"grace ends", "subscriptions", "grace_ends_on",
		"status = 'graced' AND grace_ends_on <> ''"}
	// DueDeletions: stopped subscriptions by the day their deletion is due.
	DueDeletions = DueQuery{"deletions", "subscriptions", "delete_on",
		"status = 'stopped' AND delete_on <> ''"}
)

// DueKey is a row a DueQuery found: its date and id, the position a walk resumes
// after.
type DueKey struct {
	Date domain.Date
	ID   int64
}

// DueRows returns up to limit rows of q whose date is through or before, after the
// position after (the zero key starts from the beginning), in the order of date and
// id. A walk that resumes after the last key it got visits every due row once, even
// those a pass skipped and left due.
func (c *Conn) DueRows(ctx context.Context, q DueQuery, through domain.Date, after DueKey, limit int) ([]DueKey, error) {
	query, args := q.rowsQuery(through, after, limit)
	var out []DueKey
	err := eachRow(ctx, c, query, args, func(sc scanner) error {
		var (
			k    DueKey
			date string
			err  error
		)
		if err = sc.Scan(&date, &k.ID); err != nil {
			return err
		}
		if k.Date, err = textDate(date); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find due %s: %w", q.name, err)
	}
	return out, nil
}

// rowsQuery is the SELECT of DueRows: a walk of q's partial index from after.
func (q DueQuery) rowsQuery(through domain.Date, after DueKey, limit int) (string, []any) {
	query := "SELECT " + q.date + ", id FROM " + q.table + " WHERE " + q.where + " AND " + q.date + " <= $1"
	args := []any{dateText(through)}
	if after != (DueKey{}) {
		query += " AND (" + q.date + ", id) > ($2, $3)"
		args = append(args, dateText(after.Date), after.ID)
	}
	return query + fmt.Sprintf(" ORDER BY %s, id LIMIT %d", q.date, limit), args
}

// nextQuery is the SELECT of NextDueDate: the first entry of q's index after a date.
func (q DueQuery) nextQuery(after domain.Date) (string, []any) {
	return "SELECT MIN(" + q.date + ") FROM " + q.table + " WHERE " + q.where + " AND " + q.date + " > $1",
		[]any{dateText(after)}
}

// NextDueDate returns the earliest date of q's rows that is after after, and false
// when there is none.
func (c *Conn) NextDueDate(ctx context.Context, q DueQuery, after domain.Date) (domain.Date, bool, error) {
	var next sql.NullString
	query, args := q.nextQuery(after)
	err := c.row(ctx, query, args, &next)
	if err != nil {
		return domain.Date{}, false, fmt.Errorf("next due %s: %w", q.name, err)
	}
	if !next.Valid || next.String == "" {
		return domain.Date{}, false, nil
	}
	d, err := textDate(next.String)
	return d, err == nil, err
}

// SubscriptionSchedule is the days a subscription's next time-driven steps are due
// (migration 0016); a zero date is not set.
type SubscriptionSchedule struct {
	// ExpiryHandledFor is the expiration date whose end the scheduler acted on.
	ExpiryHandledFor domain.Date
	// GraceEndsOn is the day a graced subscription's stop is asked for.
	GraceEndsOn domain.Date
	// StoppedOn is the day it last stopped.
	StoppedOn domain.Date
	// DeleteOn is the day a stopped subscription's deletion is asked for.
	DeleteOn domain.Date
	// PaidToHandledFor is the paid-to date whose passing the scheduler acted on.
	PaidToHandledFor domain.Date
}

// FindSubscriptionSchedule returns the schedule of subscription id, which the
// transaction holds for update (FindSubscriptionForUpdate).
func (c *Conn) FindSubscriptionSchedule(ctx context.Context, id int64) (SubscriptionSchedule, error) {
	var (
		s                                 SubscriptionSchedule
		handled, grace, stopped, deleteOn string
		paidHandled                       string
	)
	if err := c.needLock("subscriptions", id); err != nil {
		return s, err
	}
	err := c.row(ctx, `SELECT expiry_handled_for, grace_ends_on, stopped_on, delete_on, paid_to_handled_for
		FROM subscriptions WHERE id = $1`, []any{id}, &handled, &grace, &stopped, &deleteOn, &paidHandled)
	if err == nil {
		err = datesFrom([]*domain.Date{&s.ExpiryHandledFor, &s.GraceEndsOn, &s.StoppedOn, &s.DeleteOn,
			&s.PaidToHandledFor}, []string{handled, grace, stopped, deleteOn, paidHandled})
	}
	if err != nil {
		return s, fmt.Errorf("schedule of subscription %d: %w", id, err)
	}
	return s, nil
}

// UpdateSubscriptionSchedule writes the schedule of subscription id, which the
// transaction read for update.
func (c *Conn) UpdateSubscriptionSchedule(ctx context.Context, id int64, s SubscriptionSchedule) error {
	if err := c.needLock("subscriptions", id); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE subscriptions SET expiry_handled_for = $1, grace_ends_on = $2, stopped_on = $3,
		delete_on = $4, paid_to_handled_for = $5 WHERE id = $6`, dateText(s.ExpiryHandledFor), dateText(s.GraceEndsOn),
		dateText(s.StoppedOn), dateText(s.DeleteOn), dateText(s.PaidToHandledFor), id)
	if err != nil {
		return fmt.Errorf("update the schedule of subscription %d: %w", id, err)
	}
	return nil
}

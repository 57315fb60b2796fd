package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// A postpaid subscription's current debt (docs/billing.md, "Postpaid debt and
// blocking"): kept on the subscription's row, moved by the transactions that move
// what it owes, and recomputed by the ledger check.

// AddSubscriptionDebt moves the current debt of s, read for update, by delta, in the
// row and in s. It is the one writer of current_debt (UpdateSubscription leaves it),
// so another copy of the row the transaction holds never writes an old debt back.
func (c *Conn) AddSubscriptionDebt(ctx context.Context, s *domain.Subscription, delta domain.Amount) error {
	if delta == 0 {
		return nil
	}
	if err := c.needLock("subscriptions", s.ID); err != nil {
		return err
	}
	var debt int64
	if err := c.row(ctx, `UPDATE subscriptions SET current_debt = current_debt + $1 WHERE id = $2
		RETURNING current_debt`, []any{int64(delta), s.ID}, &debt); err != nil {
		return fmt.Errorf("move the debt of subscription %d: %w", s.ID, err)
	}
	s.CurrentDebt = domain.Amount(debt)
	return c.touchSubscriptionChanged(ctx, s.ResellerID, s.ID)
}

// AddSubscriptionDebts moves the current debt of each of subs, read for update, by
// the delta at the same place of deltas, in s and with one statement sent with the
// commit (a batch of orders' charges). The rows are locked, so the sum is known now
// and the write cannot fail on the data; nothing in the transaction reads the debt
// back from the row.
func (c *Conn) AddSubscriptionDebts(ctx context.Context, subs []*domain.Subscription, deltas []domain.Amount) error {
	var (
		cases, ids string
		args       []any
	)
	for i, s := range subs {
		if deltas[i] == 0 {
			continue
		}
		if err := c.needLock("subscriptions", s.ID); err != nil {
			return err
		}
		n := len(args)
		cases += fmt.Sprintf(" WHEN $%d THEN CAST($%d AS BIGINT)", n+1, n+2)
		if ids != "" {
			ids += ", "
		}
		ids += fmt.Sprintf("$%d", n+1)
		args = append(args, s.ID, int64(deltas[i]))
		s.CurrentDebt += deltas[i]
		if err := c.touchSubscriptionChanged(ctx, s.ResellerID, s.ID); err != nil {
			return err
		}
	}
	if len(args) == 0 {
		return nil
	}
	return c.execLater(`UPDATE subscriptions SET current_debt = current_debt + CASE id`+cases+` END
		WHERE id IN (`+ids+`)`, args...)
}

// invoiceUnpaid is true of an invoice (alias i) whose subscriptions' debts are not
// settled yet: its payment is not completed, or, without a payment, its settling job
// has not run (SettleInvoiceDebt).
const invoiceUnpaid = `NOT i.debt_settled`

// chargeDebtSigned is a charge's (alias ch) amount as its debt counts it: a refund's
// taken off (domain.ChargeDebt).
const chargeDebtSigned = `CASE WHEN ch.status IN ('waiting_for_refund', 'refunded') THEN -ch.amount ELSE ch.amount END`

// debtTerms add up to every subscription's current debt (domain.ChargeDebt and the
// approved corrections put in an invoice), each a query answering
// (subscription_id, v) rows.
var debtTerms = []ledgerTerm{
	{"open postpaid charges", `SELECT ch.subscription_id, SUM(` + chargeDebtSigned + `) AS v FROM charges ch
		WHERE ch.payment_model = 'postpay'
		AND ch.status IN ('new', 'opened', 'blocked', 'waiting_for_refund') GROUP BY ch.subscription_id`},
	{"postpaid charges of unpaid invoices", `SELECT ch.subscription_id, SUM(` + chargeDebtSigned + `) AS v
		FROM charges ch JOIN invoices i ON i.id = ch.invoice_id
		WHERE ch.payment_model = 'postpay' AND ch.status IN ('closed', 'refunded')
		AND ` + invoiceUnpaid + ` GROUP BY ch.subscription_id`},
	{"invoice corrections not yet invoiced", `SELECT k.subscription_id, SUM(k.total) AS v FROM corrections k
		WHERE k.status = 'approved' AND k.applies_to = 'invoice' AND k.invoice_id IS NULL
		GROUP BY k.subscription_id`},
	{"invoice corrections of unpaid invoices", `SELECT k.subscription_id, SUM(k.total) AS v
		FROM corrections k JOIN invoices i ON i.id = k.invoice_id
		WHERE k.status = 'approved' AND k.applies_to = 'invoice' AND ` + invoiceUnpaid + `
		GROUP BY k.subscription_id`},
}

// InvoiceDebtShares returns what invoice id owes of each subscription's current
// debt: its postpaid charges (refunds taken off) and corrections, by subscription.
// Its payment's completion takes them off.
func (c *Conn) InvoiceDebtShares(ctx context.Context, id int64) (map[int64]domain.Amount, error) {
	out := map[int64]domain.Amount{}
	err := eachRow(ctx, c, `SELECT subscription_id, SUM(v) FROM (
		SELECT ch.subscription_id, `+chargeDebtSigned+` AS v FROM charges ch WHERE ch.invoice_id = $1
			AND ch.payment_model = 'postpay' AND ch.status IN ('closed', 'refunded')
		UNION ALL
		SELECT k.subscription_id, k.total AS v FROM corrections k WHERE k.invoice_id = $1
			AND k.status = 'approved' AND k.applies_to = 'invoice' AND k.subscription_id IS NOT NULL) d
		GROUP BY subscription_id ORDER BY subscription_id`, []any{id}, func(sc scanner) error {
		var sub, v int64
		if err := sc.Scan(&sub, &v); err != nil {
			return err
		}
		out[sub] = domain.Amount(v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the debt invoice %d settles: %w", id, err)
	}
	return out, nil
}

// SettleInvoiceDebt marks invoice id's debt settled, locking its row, and reports
// whether it was not settled before: the caller then takes the invoice's shares
// (InvoiceDebtShares) off its subscriptions' debts in the same transaction, so a
// second settling of one invoice moves nothing. The invoice is locked after its
// payment and before its subscriptions.
func (c *Conn) SettleInvoiceDebt(ctx context.Context, id int64) (bool, error) {
	var got int64
	err := c.row(ctx, `UPDATE invoices SET debt_settled = $1 WHERE id = $2 AND NOT debt_settled RETURNING id`,
		[]any{true, id}, &got)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("settle the debt of invoice %d: %w", id, err)
	}
	return true, nil
}

// checkDebts returns a violation for every subscription whose current debt is not
// what debtTerms make it, in one statement.
func (c *Conn) checkDebts(ctx context.Context) ([]LedgerViolation, error) {
	q := `SELECT s.account_id, s.id, s.current_debt, ` + debtSum(len(debtTerms)) + ` FROM subscriptions s`
	for i, t := range debtTerms {
		q += fmt.Sprintf(" LEFT JOIN (%s) d%d ON d%d.subscription_id = s.id", t.query, i, i)
	}
	q += ` WHERE s.current_debt <> ` + debtSum(len(debtTerms)) + ` ORDER BY s.id`
	var out []LedgerViolation
	err := eachRow(ctx, c, q, nil, func(sc scanner) error {
		var account, id, debt, want int64
		if err := sc.Scan(&account, &id, &debt, &want); err != nil {
			return err
		}
		out = append(out, LedgerViolation{AccountID: account, Text: fmt.Sprintf(
			"subscription %d: current debt %s, but its %s make %s", id, domain.Amount(debt), termNames(debtTerms),
			domain.Amount(want))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check the subscriptions' debts: %w", err)
	}
	settled, err := c.checkSettledInvoices(ctx)
	return append(out, settled...), err
}

// checkSettledInvoices returns a violation for every invoice with a payment whose
// debt_settled flag is not whether the payment is completed: the completion sets it
// in its transaction, and nothing else settles an invoice that has a payment.
func (c *Conn) checkSettledInvoices(ctx context.Context) ([]LedgerViolation, error) {
	var out []LedgerViolation
	err := eachRow(ctx, c, `SELECT i.account_id, i.id, i.debt_settled FROM invoices i
		WHERE EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id)
		AND i.debt_settled <> EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id AND p.status = 'completed')
		ORDER BY i.id`, nil, func(sc scanner) error {
		var (
			account, id int64
			settled     bool
		)
		if err := sc.Scan(&account, &id, &settled); err != nil {
			return err
		}
		text := fmt.Sprintf("invoice %d: its payment is completed, but its debt is not settled", id)
		if settled {
			text = fmt.Sprintf("invoice %d: its debt is settled, but its payment is not completed", id)
		}
		out = append(out, LedgerViolation{AccountID: account, Text: text})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check the invoices' settling: %w", err)
	}
	return out, nil
}

// debtSum is the SQL sum of the n debt terms' values.
func debtSum(n int) string {
	sum := "0"
	for i := 0; i < n; i++ {
		sum += fmt.Sprintf(" + COALESCE(d%d.v, 0)", i)
	}
	return sum
}

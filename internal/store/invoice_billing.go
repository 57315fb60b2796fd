package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The billing pass's queries (service/passes_billing.go). The charges it has still
// to put in an invoice are those of the partial index charges_to_invoice
// (migration 0033): blocked postpaid charges and postpaid refunds waiting for their
// refund, closed prepaid charges and refunded prepaid refunds, without an invoice, so
// each run reads what is left to bill, not every charge ever made.

// toInvoice is the predicate of charges_to_invoice, so the index is used: the same
// terms as the index's WHERE, which both engines match term by term.
var toInvoice = toInvoiceOf("")

// AccountToInvoice is an account with charges to put in an invoice, and how many.
type AccountToInvoice struct {
	ID      int64
	Charges int
}

// AccountsToInvoice returns up to limit accounts that have charges to put in an
// invoice, above after, in id order, with the number of those charges: the charges
// whose period started (postpaid) or which were closed (prepaid) before the day
// before; a zero before takes all. The counts let the pass bound the charges one
// transaction holds.
func (c *Conn) AccountsToInvoice(ctx context.Context, before domain.Date, after int64, limit int) ([]AccountToInvoice, error) {
	var out []AccountToInvoice
	query, args := accountsToInvoiceSQL(c.db.engine, before, after, limit)
	err := eachRow(ctx, c, query, args, func(sc scanner) error {
		var a AccountToInvoice
		err := sc.Scan(&a.ID, &a.Charges)
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accounts to invoice: %w", err)
	}
	return out, nil
}

// accountsToInvoiceSQL is the query of AccountsToInvoice: a walk of the index
// charges_to_invoice in account order, counted per account as it goes.
func accountsToInvoiceSQL(e Engine, before domain.Date, after int64, limit int) (string, []any) {
	due, args := "'9999-12-31'", []any{after, limit}
	if !before.IsZero() {
		due, args = "$3", append(args, dateText(before))
	}
	return `SELECT account_id, COUNT(*) FROM ` + chargesToInvoiceFrom(e, "") + ` WHERE ` + toInvoice + `
		AND account_id > $1 AND ((payment_model = 'postpay' AND operate_from < ` + due + `)
		OR (payment_model = 'prepay' AND close_date < ` + due + `)) GROUP BY account_id ORDER BY account_id LIMIT $2`, args
}

// BillingDays returns the billing days the billing pass may act on: those of the
// plans (their service term's, 1 for a plan without one), or none when no charge
// waits for an invoice. Only the days plans use: a day none bills on would make
// the pass walk every charge still to invoice for nothing.
func (c *Conn) BillingDays(ctx context.Context) ([]int, error) {
	var waiting sql.NullInt64
	if err := c.row(ctx, "SELECT MIN(account_id) FROM "+c.chargesToInvoice("")+" WHERE "+toInvoice, nil, &waiting); err != nil {
		return nil, fmt.Errorf("charges to invoice: %w", err)
	}
	if !waiting.Valid {
		return nil, nil
	}
	var out []int
	err := eachRow(ctx, c, `SELECT DISTINCT COALESCE(t.billing_day, 1) FROM plans p
		LEFT JOIN service_terms t ON t.id = p.service_term_id`, nil, func(sc scanner) error {
		var d int
		err := sc.Scan(&d)
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("billing days: %w", err)
	}
	return out, nil
}

// LockAccounts holds the rows of accounts ids for update, in id order (the order
// every batch takes them in), until the transaction ends: every movement of an
// account's charges happens under its account's lock.
func (c *Conn) LockAccounts(ctx context.Context, ids []int64) error {
	lock, err := c.lockClause(forUpdate, "a")
	if err != nil {
		return err
	}
	in, arg := oneOf(c.db.engine, "a.id", 1, ids)
	err = eachRow(ctx, c, "SELECT a.id FROM accounts a WHERE "+in+" ORDER BY a.id"+lock, []any{arg},
		func(sc scanner) error {
			var id int64
			if err := sc.Scan(&id); err != nil {
				return err
			}
			c.lockedForUpdate("accounts", id)
			return nil
		})
	if err != nil {
		return fmt.Errorf("lock accounts: %w", err)
	}
	return nil
}

// ChargeToInvoice is a charge waiting for its invoice, with the billing day of its
// subscription's service term.
type ChargeToInvoice struct {
	ID, ResellerID, AccountID int64
	PaymentModel              domain.PaymentModel
	Refund                    bool // a Charge::Refund, which the invoice subtracts
	Amount                    domain.Amount
	Currency                  string // the reseller's
	OperateFrom, CloseDate    domain.Date
	BillingDay                int
}

// ChargesToInvoice returns the charges of accounts ids (locked with LockAccounts)
// that wait for an invoice, in id order. The charges of an order still waiting for
// its provisioning date are left for a later run: until then the order may be
// cancelled, and its charges deleted rather than billed. Only such an order drops
// its blocked postpaid charges, so the pass never writes a charge a cancellation
// holds (which locks the charges before the account, the other way round).
func (c *Conn) ChargesToInvoice(ctx context.Context, ids []int64) ([]ChargeToInvoice, error) {
	in, arg := oneOf(c.db.engine, "c.account_id", 1, ids)
	pending := string(domain.OrderStatusWaitingForProvisioning)
	var out []ChargeToInvoice
	err := eachRow(ctx, c, `SELECT c.id, c.reseller_id, c.account_id, c.payment_model, c.type, c.amount,
		c.reseller_currency, c.operate_from, c.close_date, COALESCE(t.billing_day, 1)
		FROM `+c.chargesToInvoice("c")+` JOIN subscriptions s ON s.id = c.subscription_id JOIN plans p ON p.id = s.plan_id
		LEFT JOIN service_terms t ON t.id = p.service_term_id LEFT JOIN orders o ON o.id = c.order_id
		WHERE `+in+" AND c."+toInvoiceOf("c.")+" AND (o.id IS NULL OR o.status <> $2) ORDER BY c.id", []any{arg, pending}, func(sc scanner) error {
		var (
			ch          ChargeToInvoice
			model, from string
			typ, closed string
			amount      int64
		)
		if err := sc.Scan(&ch.ID, &ch.ResellerID, &ch.AccountID, &model, &typ, &amount, &ch.Currency, &from, &closed,
			&ch.BillingDay); err != nil {
			return err
		}
		ch.PaymentModel, ch.Amount = domain.PaymentModel(model), domain.Amount(amount)
		ch.Refund = domain.ChargeType(typ) == domain.ChargeRefund
		out = append(out, ch)
		return datesFrom([]*domain.Date{&out[len(out)-1].OperateFrom, &out[len(out)-1].CloseDate},
			[]string{from, closed})
	})
	if err != nil {
		return nil, fmt.Errorf("charges to invoice: %w", err)
	}
	return out, nil
}

// chargesToInvoiceFrom names the charges table, as alias when not "", for a query
// of the charges still to invoice. SQLite, without statistics, would rather read
// every charge without an invoice through charges_invoice_id, or every closed
// charge of an account through charges_account_status; it is told to walk
// charges_to_invoice, whose predicate every such query's WHERE implies.
func chargesToInvoiceFrom(e Engine, alias string) string {
	from := "charges"
	if alias != "" {
		from += " " + alias
	}
	if e == SQLite {
		from += " INDEXED BY charges_to_invoice"
	}
	return from
}

// chargesToInvoice is chargesToInvoiceFrom for c's engine.
func (c *Conn) chargesToInvoice(alias string) string { return chargesToInvoiceFrom(c.db.engine, alias) }

// toInvoiceOf is the predicate of charges_to_invoice with its columns but the first
// qualified by alias (the caller qualifies the first).
func toInvoiceOf(alias string) string {
	return "invoice_id IS NULL AND ((" + alias + "payment_model = 'postpay' AND " + alias +
		"status IN ('blocked', 'waiting_for_refund')) OR (" + alias + "payment_model = 'prepay' AND " + alias +
		"status IN ('closed', 'refunded')))"
}

// InvoicedPeriods returns which of the periods (account, payment model, first day)
// of accounts ids that start on one of froms have an invoice already. froms are the
// first days of the periods the batch can invoice (one per billing day in use), so
// the query seeks each (account, payment model, first day) in the unique index
// invoices_account_period instead of reading every invoice the accounts ever had.
func (c *Conn) InvoicedPeriods(ctx context.Context, ids []int64, froms []domain.Date) (map[InvoicePeriod]bool, error) {
	out := map[InvoicePeriod]bool{}
	if len(ids) == 0 || len(froms) == 0 {
		return out, nil
	}
	query, args := invoicedPeriodsSQL(c.db.engine, ids, froms)
	err := eachRow(ctx, c, query, args, func(sc scanner) error {
		var (
			k           InvoicePeriod
			model, from string
			err         error
		)
		if err = sc.Scan(&k.AccountID, &model, &from); err != nil {
			return err
		}
		k.PaymentModel = domain.PaymentModel(model)
		k.From, err = textDate(from)
		out[k] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("invoiced periods: %w", err)
	}
	return out, nil
}

// invoicedPeriodsSQL is the query of InvoicedPeriods. Naming both payment models
// lets the engines use all three columns of invoices_account_period.
func invoicedPeriodsSQL(e Engine, ids []int64, froms []domain.Date) (string, []any) {
	in, arg := oneOf(e, "account_id", 1, ids)
	days := make([]string, len(froms))
	for i, d := range froms {
		days[i] = dateText(d)
	}
	inDays, daysArg := oneOf(e, "from_date", 2, days)
	return "SELECT account_id, payment_model, from_date FROM invoices WHERE " + in +
		" AND payment_model IN ('postpay', 'prepay') AND " + inDays, []any{arg, daysArg}
}

// InvoicePeriod names the one invoice an account may have per payment model and
// billing period (the unique index invoices_account_period).
type InvoicePeriod struct {
	AccountID    int64
	PaymentModel domain.PaymentModel
	From         domain.Date
}

// CreateInvoices inserts invoices, whose numbers and payment ids are set, with
// multi-row INSERTs, and sets their ids.
func (c *Conn) CreateInvoices(ctx context.Context, invoices []*domain.Invoice) error {
	rows := make([][]any, len(invoices))
	byNumber := make(map[string]*domain.Invoice, len(invoices))
	perReseller := map[int64]int{}
	for i, inv := range invoices {
		rows[i] = []any{inv.ResellerID, inv.AccountID, inv.DocumentID, inv.OwnDocumentID, string(inv.Status),
			string(inv.PaymentModel), dateText(inv.FromDate), dateText(inv.ToDate), int64(inv.Total), inv.Currency,
			nullable(inv.PaymentID), micros(inv.CreatedAt), micros(inv.UpdatedAt)}
		byNumber[fmt.Sprint(inv.ResellerID, "/", inv.OwnDocumentID)] = inv
		perReseller[inv.ResellerID]++
	}
	err := c.insertMany(ctx, "invoices", `reseller_id, account_id, document_id, own_document_id, status,
		payment_model, from_date, to_date, total, currency, payment_id, created_at, updated_at`, rows,
		"id, reseller_id, own_document_id", func(sc scanner) error {
			var (
				id, rid int64
				number  string
			)
			if err := sc.Scan(&id, &rid, &number); err != nil {
				return err
			}
			byNumber[fmt.Sprint(rid, "/", number)].ID = id
			return nil
		}, false)
	if err != nil {
		return fmt.Errorf("create invoices: %w", err)
	}
	for id, n := range perReseller {
		if err := c.count(ctx, tallyInvoices, id, n); err != nil {
			return err
		}
	}
	return nil
}

// GatherCharges puts the charges ids in invoice invoiceID; with closeOn set it also
// ends them on that day (postpaid charges, blocked until the billing day, closed; and
// postpaid refunds, waiting until then, refunded). Postpaid money never touches the
// balance, so nothing else moves. Their accounts are locked (LockAccounts).
func (c *Conn) GatherCharges(ctx context.Context, invoiceID int64, ids []int64, closeOn domain.Date, now time.Time) error {
	in, arg := oneOf(c.db.engine, "id", 3, ids)
	query, args := "UPDATE charges SET invoice_id = $1, updated_at = $2 WHERE "+in, []any{invoiceID, micros(now), arg}
	if !closeOn.IsZero() {
		in, arg = oneOf(c.db.engine, "id", 7, ids)
		query = `UPDATE charges SET invoice_id = $1, updated_at = $2, close_date = $3,
			status = CASE WHEN type = $4 THEN $5 ELSE $6 END WHERE ` + in
		args = []any{invoiceID, micros(now), dateText(closeOn), string(domain.ChargeRefund),
			string(domain.ChargeRefunded), string(domain.ChargeClosed), arg}
	}
	if _, err := c.exec(ctx, query, args...); err != nil {
		return fmt.Errorf("gather charges in invoice %d: %w", invoiceID, err)
	}
	return nil
}

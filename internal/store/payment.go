package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Payments: of orders, of postpaid invoices and balance top-ups.

const paymentColumns = `p.id, p.reseller_id, p.account_id, p.purpose, COALESCE(p.order_id, 0),
	COALESCE(p.invoice_id, 0), p.document_id, p.total, p.initial_total, p.discount_amount,
	p.amount_paid_from_balance, p.currency, p.status, p.comment, p.description, COALESCE(p.payment_method_id, 0),
	p.payment_method_name, COALESCE(p.manager_id, 0), p.requester_ip, p.due_date, p.expiration_date,
	p.external_total, p.external_currency, p.external_transaction_id, p.closed_at, p.created_at, p.updated_at,
	COALESCE((SELECT o.kind FROM orders o WHERE o.id = p.order_id), '')`

// paymentFields maps the API's filter and sort fields of payments to columns; each
// has an index led by reseller_id (migration 0015).
var paymentFields = map[string]column{
	"id":          {expr: "p.id"},
	"created_at":  {expr: "p.created_at"},
	"updated_at":  {expr: "p.updated_at"},
	"closed_at":   {expr: "p.closed_at"},
	"total":       {expr: "p.total"},
	"status":      {expr: "p.status", text: true},
	"account_id":  {expr: "p.account_id"},
	"reseller_id": {expr: "p.reseller_id"},
}

func scanPayment(sc scanner) (*domain.Payment, error) {
	var (
		p                                     domain.Payment
		purpose, status, due, expiration      string
		total, initial, discount, fromBalance int64
		external                              nullInt64
		closed, created, updated              int64
		orderKind                             string
	)
	err := sc.Scan(&p.ID, &p.ResellerID, &p.AccountID, &purpose, &p.OrderID,
		&p.InvoiceID, &p.DocumentID, &total, &initial, &discount,
		&fromBalance, &p.Currency, &status, &p.Comment, &p.Description, &p.PaymentMethodID,
		&p.PaymentMethodName, &p.ManagerID, &p.RequesterIP, &due, &expiration,
		&external, &p.ExternalCurrency, &p.ExternalTransactionID, &closed, &created, &updated, &orderKind)
	if err != nil {
		return nil, err
	}
	p.Purpose, p.Status, p.OrderKind = domain.PaymentPurpose(purpose), domain.PaymentStatus(status), domain.OrderKind(orderKind)
	p.Total, p.InitialTotal = domain.Amount(total), domain.Amount(initial)
	p.DiscountAmount, p.AmountPaidFromBalance = domain.Amount(discount), domain.Amount(fromBalance)
	if external.Valid {
		v := domain.Amount(external.Int64)
		p.ExternalTotal = &v
	}
	p.ClosedAt, p.CreatedAt, p.UpdatedAt = microsMoment(closed), fromMicros(created), fromMicros(updated)
	err = datesFrom([]*domain.Date{&p.DueDate, &p.ExpirationDate}, []string{due, expiration})
	return &p, err
}

// FindPaymentByID returns payment id of reseller resellerID; one of another reseller
// is not found like a missing one. A resellerID of 0 finds it whatever its reseller,
// for the service's own jobs.
func (c *Conn) FindPaymentByID(ctx context.Context, resellerID, id int64) (*domain.Payment, error) {
	return c.findPayment(ctx, resellerID, id, "")
}

// FindPaymentForUpdate is FindPaymentByID holding the payment's row until the write
// transaction ends (see lock.go), for an update built on it.
func (c *Conn) FindPaymentForUpdate(ctx context.Context, resellerID, id int64) (*domain.Payment, error) {
	return readLocked(ctx, c, forUpdate, "payments", "p", id,
		func(ctx context.Context, id int64, lock string) (*domain.Payment, error) {
			return c.findPayment(ctx, resellerID, id, lock)
		})
}

func (c *Conn) findPayment(ctx context.Context, resellerID, id int64, lock string) (*domain.Payment, error) {
	q, args := "SELECT "+paymentColumns+" FROM payments p WHERE p.id = $1", []any{id}
	if resellerID != 0 {
		q, args = q+" AND p.reseller_id = $2", append(args, resellerID)
	}
	return one(ctx, c, domain.NotFound(domain.MsgPaymentNotFound), fmt.Sprintf("find payment %d", id),
		scanPayment, q+lock, args...)
}

// FindPaymentsByIDs returns the payments with the given ids, in that order; ids that
// match none are left out.
func (c *Conn) FindPaymentsByIDs(ctx context.Context, ids []int64) ([]*domain.Payment, error) {
	out, err := byIDs(ctx, c, "SELECT "+paymentColumns+" FROM payments p WHERE ", "p.id", ids,
		scanPayment, func(p *domain.Payment) int64 { return p.ID })
	if err != nil {
		return nil, fmt.Errorf("find payments by id: %w", err)
	}
	return out, nil
}

// PaymentFilter selects the payments of one reseller (ResellerID) or of a reseller
// and every reseller below it (Within) matching Query.
type PaymentFilter struct {
	ResellerID int64
	Within     Subtree
	Query      domain.ListQuery
}

// FindPayments returns one page of a reseller's payments, the number of all that
// match and the cursor of the next page.
func (c *Conn) FindPayments(ctx context.Context, f PaymentFilter) ([]*domain.Payment, domain.PageInfo, error) {
	l, b := paymentListing(c.db.engine, f.Within, f.ResellerID)
	out, info, err := listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Payment, error) {
		return c.FindPaymentsByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find payments: %w", err)
	}
	return out, info, nil
}

// CreatePayment inserts p and sets its id.
func (c *Conn) CreatePayment(ctx context.Context, p *domain.Payment) error {
	err := c.row(ctx, `INSERT INTO payments (`+paymentInsertColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26) RETURNING id`,
		append([]any{p.ResellerID, p.AccountID, string(p.Purpose), nullable(p.OrderID), nullable(p.InvoiceID)},
			paymentState(p, micros(p.CreatedAt))...), &p.ID)
	if err != nil {
		return fmt.Errorf("create payment: %w", err)
	}
	c.lockedForUpdate("payments", p.ID) // the transaction's own new row
	return c.count(ctx, tallyPayments, p.ResellerID, 1)
}

// paymentInsertColumns are the columns CreatePayment writes, in the order of its values.
const paymentInsertColumns = `reseller_id, account_id, purpose, order_id, invoice_id, document_id,
	total, initial_total, discount_amount, amount_paid_from_balance, currency, status, comment, description,
	payment_method_id, payment_method_name, manager_id, requester_ip, due_date, expiration_date,
	external_total, external_currency, external_transaction_id, closed_at, updated_at, created_at`

// paymentState lists the columns of p from document_id to updated_at, in the order
// of CreatePayment's INSERT, then more.
func paymentState(p *domain.Payment, more ...any) []any {
	var external any
	if p.ExternalTotal != nil {
		external = int64(*p.ExternalTotal)
	}
	return append([]any{p.DocumentID, int64(p.Total), int64(p.InitialTotal), int64(p.DiscountAmount),
		int64(p.AmountPaidFromBalance), p.Currency, string(p.Status), p.Comment, p.Description,
		nullable(p.PaymentMethodID), p.PaymentMethodName, nullable(p.ManagerID), p.RequesterIP,
		dateText(p.DueDate), dateText(p.ExpirationDate), external, p.ExternalCurrency, p.ExternalTransactionID,
		momentMicros(p.ClosedAt), micros(p.UpdatedAt)}, more...)
}

// UpdatePayment writes the mutable fields of p, which the transaction read with
// FindPaymentForUpdate.
func (c *Conn) UpdatePayment(ctx context.Context, p *domain.Payment) error {
	if err := c.needLock("payments", p.ID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE payments SET document_id = $1, total = $2, initial_total = $3,
		discount_amount = $4, amount_paid_from_balance = $5, currency = $6, status = $7, comment = $8,
		description = $9, payment_method_id = $10, payment_method_name = $11, manager_id = $12,
		requester_ip = $13, due_date = $14, expiration_date = $15, external_total = $16,
		external_currency = $17, external_transaction_id = $18, closed_at = $19, updated_at = $20
		WHERE id = $21`, paymentState(p, p.ID)...)
	if err != nil {
		return fmt.Errorf("update payment %d: %w", p.ID, err)
	}
	return nil
}

// paymentListing declares the list of the payments of a subtree or of one reseller.
func paymentListing(e Engine, t Subtree, resellerID int64) (listing, *sqlBuilder) {
	b := &sqlBuilder{engine: e}
	l := listing{from: "FROM payments p", id: "p.id", cols: paymentFields}
	l.scopeTo(b, "p", tallyPayments, t, resellerID, "")
	return l, b
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Invoices (migration 0030): what an account is billed for a billing period.

// tallyInvoices counts the invoices of each reseller for the list's total.
const tallyInvoices = "invoices"

const invoiceColumns = `i.id, i.reseller_id, i.account_id, i.document_id, i.own_document_id, i.status,
	i.payment_model, i.from_date, i.to_date, i.total, i.currency, COALESCE(i.payment_id, 0), i.approved_at,
	i.external_total, i.external_currency, i.link,
	CASE WHEN EXISTS (SELECT 1 FROM invoice_files f WHERE f.invoice_id = i.id) THEN 1 ELSE 0 END,
	i.created_at, i.updated_at`

// invoiceFields maps the API's filter and sort fields of invoices to columns; each
// has an index led by reseller_id (migration 0030).
var invoiceFields = map[string]column{
	"id":            {expr: "i.id"},
	"created_at":    {expr: "i.created_at"},
	"updated_at":    {expr: "i.updated_at"},
	"status":        {expr: "i.status", text: true},
	"account_id":    {expr: "i.account_id"},
	"from_date":     {expr: "i.from_date", text: true},
	"to_date":       {expr: "i.to_date", text: true},
	"payment_model": {expr: "i.payment_model", text: true},
}

func scanInvoice(sc scanner) (*domain.Invoice, error) {
	var (
		inv                      domain.Invoice
		status, model, from, to  string
		total, approved, hasFile int64
		external                 nullInt64
		created, updated         int64
	)
	err := sc.Scan(&inv.ID, &inv.ResellerID, &inv.AccountID, &inv.DocumentID, &inv.OwnDocumentID, &status,
		&model, &from, &to, &total, &inv.Currency, &inv.PaymentID, &approved,
		&external, &inv.ExternalCurrency, &inv.Link, &hasFile, &created, &updated)
	if err != nil {
		return nil, err
	}
	inv.Status, inv.PaymentModel = domain.InvoiceStatus(status), domain.PaymentModel(model)
	inv.Total, inv.HasFile = domain.Amount(total), hasFile == 1
	inv.ApprovedAt, inv.CreatedAt, inv.UpdatedAt = microsMoment(approved), fromMicros(created), fromMicros(updated)
	if external.Valid {
		v := domain.Amount(external.Int64)
		inv.ExternalTotal = &v
	}
	return &inv, datesFrom([]*domain.Date{&inv.FromDate, &inv.ToDate}, []string{from, to})
}

// FindInvoiceByID returns invoice id; a resellerID other than 0 also requires the
// invoice to be that reseller's. Errors: not_found.
func (c *Conn) FindInvoiceByID(ctx context.Context, resellerID, id int64) (*domain.Invoice, error) {
	return c.findInvoice(ctx, resellerID, id, "")
}

// FindInvoiceForUpdate is FindInvoiceByID holding the invoice's row until the write
// transaction ends, for an update built on it.
func (c *Conn) FindInvoiceForUpdate(ctx context.Context, resellerID, id int64) (*domain.Invoice, error) {
	return readLocked(ctx, c, forUpdate, "invoices", "i", id,
		func(ctx context.Context, id int64, lock string) (*domain.Invoice, error) {
			return c.findInvoice(ctx, resellerID, id, lock)
		})
}

func (c *Conn) findInvoice(ctx context.Context, resellerID, id int64, lock string) (*domain.Invoice, error) {
	q, args := "SELECT "+invoiceColumns+" FROM invoices i WHERE i.id = $1", []any{id}
	if resellerID != 0 {
		q, args = q+" AND i.reseller_id = $2", append(args, resellerID)
	}
	return one(ctx, c, domain.NotFound(domain.MsgInvoiceNotFound), fmt.Sprintf("find invoice %d", id),
		scanInvoice, q+lock, args...)
}

// FindInvoiceOfPeriod returns the invoice of account accountID under model whose
// billing period starts on from. Errors: not_found.
func (c *Conn) FindInvoiceOfPeriod(ctx context.Context, accountID int64, model domain.PaymentModel, from domain.Date) (*domain.Invoice, error) {
	return one(ctx, c, domain.NotFound(domain.MsgInvoiceNotFound), fmt.Sprintf("find invoice of account %d", accountID),
		scanInvoice, "SELECT "+invoiceColumns+` FROM invoices i
		WHERE i.account_id = $1 AND i.payment_model = $2 AND i.from_date = $3`,
		accountID, string(model), dateText(from))
}

// FindInvoicesByIDs returns the invoices with the given ids, in that order.
func (c *Conn) FindInvoicesByIDs(ctx context.Context, ids []int64) ([]*domain.Invoice, error) {
	out, err := byIDs(ctx, c, "SELECT "+invoiceColumns+" FROM invoices i WHERE ", "i.id", ids,
		scanInvoice, func(inv *domain.Invoice) int64 { return inv.ID })
	if err != nil {
		return nil, fmt.Errorf("find invoices by id: %w", err)
	}
	return out, nil
}

// FindInvoices returns one page of the invoices of the subtree t, the number of
// all that match and the cursor of the next page.
func (c *Conn) FindInvoices(ctx context.Context, t Subtree, q domain.ListQuery) ([]*domain.Invoice, domain.PageInfo, error) {
	b := &sqlBuilder{engine: c.db.engine}
	l := listing{from: "FROM invoices i", id: "i.id", cols: invoiceFields}
	l.scopeTo(b, "i", tallyInvoices, t, 0, "")
	out, info, err := listRows(ctx, c, l, b, q, func(ids []int64) ([]*domain.Invoice, error) {
		return c.FindInvoicesByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find invoices: %w", err)
	}
	return out, info, nil
}

// UpdateInvoiceApproval writes the approval fields of inv, which the transaction
// read with FindInvoiceForUpdate, and its receipt file: file replaces the stored
// one, and "" removes it.
func (c *Conn) UpdateInvoiceApproval(ctx context.Context, inv *domain.Invoice, file string) error {
	if err := c.needLock("invoices", inv.ID); err != nil {
		return err
	}
	var external any
	if inv.ExternalTotal != nil {
		external = int64(*inv.ExternalTotal)
	}
	_, err := c.exec(ctx, `UPDATE invoices SET document_id = $1, approved_at = $2, external_total = $3,
		external_currency = $4, link = $5, updated_at = $6 WHERE id = $7`,
		inv.DocumentID, momentMicros(inv.ApprovedAt), external, inv.ExternalCurrency, inv.Link, micros(inv.UpdatedAt), inv.ID)
	if err == nil {
		_, err = c.exec(ctx, "DELETE FROM invoice_files WHERE invoice_id = $1", inv.ID)
	}
	if err == nil && file != "" {
		_, err = c.exec(ctx, "INSERT INTO invoice_files (invoice_id, data) VALUES ($1, $2)", inv.ID, file)
	}
	if err != nil {
		return fmt.Errorf("update invoice %d: %w", inv.ID, err)
	}
	return nil
}

// TouchInvoice moves the updated_at of invoice id, which the transaction read for
// update, to now: its payment was completed.
func (c *Conn) TouchInvoice(ctx context.Context, id int64, now time.Time) error {
	if err := c.needLock("invoices", id); err != nil {
		return err
	}
	if _, err := c.exec(ctx, "UPDATE invoices SET updated_at = $1 WHERE id = $2", micros(now), id); err != nil {
		return fmt.Errorf("update invoice %d: %w", id, err)
	}
	return nil
}

// InvoiceFile returns the receipt file attached to invoice id, "" when none.
func (c *Conn) InvoiceFile(ctx context.Context, id int64) (string, error) {
	var data []string
	err := eachRow(ctx, c, "SELECT data FROM invoice_files WHERE invoice_id = $1", []any{id}, func(sc scanner) error {
		var d string
		err := sc.Scan(&d)
		data = append(data, d)
		return err
	})
	if err != nil || len(data) == 0 {
		return "", err
	}
	return data[0], nil
}

// InvoiceLinks are the objects an invoice gathers: its charges and their
// subscriptions, and its corrections, in id order.
type InvoiceLinks struct {
	ChargeIDs       []int64
	SubscriptionIDs []int64
	CorrectionIDs   []int64
}

// FindInvoiceLinks returns the links of each of the invoices ids, read in one query
// through the charges' invoice index.
func (c *Conn) FindInvoiceLinks(ctx context.Context, ids []int64) (map[int64]*InvoiceLinks, error) {
	out := make(map[int64]*InvoiceLinks, len(ids))
	for _, id := range ids {
		out[id] = &InvoiceLinks{ChargeIDs: []int64{}, SubscriptionIDs: []int64{}, CorrectionIDs: []int64{}}
	}
	if len(ids) == 0 {
		return out, nil
	}
	in, arg := oneOf(c.db.engine, "invoice_id", 1, ids)
	seen := map[[2]int64]bool{}
	err := eachRow(ctx, c, "SELECT invoice_id, id, subscription_id FROM charges WHERE "+in+" ORDER BY id",
		[]any{arg}, func(sc scanner) error {
			var inv, charge, sub int64
			if err := sc.Scan(&inv, &charge, &sub); err != nil {
				return err
			}
			l := out[inv]
			l.ChargeIDs = append(l.ChargeIDs, charge)
			if !seen[[2]int64{inv, sub}] {
				seen[[2]int64{inv, sub}] = true
				l.SubscriptionIDs = append(l.SubscriptionIDs, sub)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("charges of invoices: %w", err)
	}
	in, arg = oneOf(c.db.engine, "invoice_id", 1, ids)
	err = eachRow(ctx, c, "SELECT invoice_id, id FROM corrections WHERE "+in+" ORDER BY id", []any{arg},
		func(sc scanner) error {
			var inv, id int64
			if err := sc.Scan(&inv, &id); err != nil {
				return err
			}
			out[inv].CorrectionIDs = append(out[inv].CorrectionIDs, id)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("corrections of invoices: %w", err)
	}
	return out, nil
}

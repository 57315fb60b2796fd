package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Corrections of accounts' money (migration 0029).

const correctionColumns = `k.id, k.reseller_id, k.account_id, k.manager_id, COALESCE(k.approver_id, 0), k.status,
	k.total, k.currency, k.included_invoice, COALESCE(k.subscription_id, 0), k.period_from, k.period_to,
	k.comment, k.applies_to, COALESCE(k.invoice_id, 0), COALESCE(k.payment_id, 0), k.approved_at,
	k.created_at, k.updated_at`

// correctionFields maps the API's filter and sort fields of corrections to columns;
// each filter has an index led by reseller_id (migration 0029).
var correctionFields = map[string]column{
	"id":         {expr: "k.id"},
	"status":     {expr: "k.status", text: true},
	"account_id": {expr: "k.account_id"},
}

func scanCorrection(sc scanner) (*domain.Correction, error) {
	var (
		k                                 domain.Correction
		status, target, from, to          string
		total, approved, created, updated int64
	)
	err := sc.Scan(&k.ID, &k.ResellerID, &k.AccountID, &k.ManagerID, &k.ApproverID, &status,
		&total, &k.Currency, &k.IncludedInvoice, &k.SubscriptionID, &from, &to,
		&k.Comment, &target, &k.InvoiceID, &k.PaymentID, &approved, &created, &updated)
	if err != nil {
		return nil, err
	}
	k.Status, k.Target, k.Total = domain.CorrectionStatus(status), domain.CorrectionTarget(target), domain.Amount(total)
	k.ApprovedAt, k.CreatedAt, k.UpdatedAt = microsMoment(approved), fromMicros(created), fromMicros(updated)
	err = datesFrom([]*domain.Date{&k.PeriodFrom, &k.PeriodTo}, []string{from, to})
	return &k, err
}

// FindCorrectionByID returns correction id of reseller resellerID; one of another
// reseller is not found like a missing one. A resellerID of 0 finds it whatever its
// reseller.
func (c *Conn) FindCorrectionByID(ctx context.Context, resellerID, id int64) (*domain.Correction, error) {
	return c.findCorrection(ctx, resellerID, id, "")
}

// FindCorrectionForUpdate is FindCorrectionByID holding the correction's row until
// the write transaction ends (see lock.go): two decisions on one correction run one
// after the other, and the second sees the first's status.
func (c *Conn) FindCorrectionForUpdate(ctx context.Context, resellerID, id int64) (*domain.Correction, error) {
	return readLocked(ctx, c, forUpdate, "corrections", "k", id,
		func(ctx context.Context, id int64, lock string) (*domain.Correction, error) {
			return c.findCorrection(ctx, resellerID, id, lock)
		})
}

func (c *Conn) findCorrection(ctx context.Context, resellerID, id int64, lock string) (*domain.Correction, error) {
	q, args := "SELECT "+correctionColumns+" FROM corrections k WHERE k.id = $1", []any{id}
	if resellerID != 0 {
		q, args = q+" AND k.reseller_id = $2", append(args, resellerID)
	}
	return one(ctx, c, domain.NotFound(domain.MsgCorrectionNotFound), fmt.Sprintf("find correction %d", id),
		scanCorrection, q+lock, args...)
}

// FindCorrectionsByIDs returns the corrections with the given ids, in that order;
// ids that match none are left out.
func (c *Conn) FindCorrectionsByIDs(ctx context.Context, ids []int64) ([]*domain.Correction, error) {
	out, err := byIDs(ctx, c, "SELECT "+correctionColumns+" FROM corrections k WHERE ", "k.id", ids,
		scanCorrection, func(k *domain.Correction) int64 { return k.ID })
	if err != nil {
		return nil, fmt.Errorf("find corrections by id: %w", err)
	}
	return out, nil
}

// CorrectionFilter selects the corrections of a reseller and of every reseller below
// it (Within) matching Query.
type CorrectionFilter struct {
	Within Subtree
	Query  domain.ListQuery
}

// FindCorrections returns one page of a subtree's corrections, the number of all
// that match and the cursor of the next page. Corrections keep no counters: the
// total is counted through the reseller's index.
func (c *Conn) FindCorrections(ctx context.Context, f CorrectionFilter) ([]*domain.Correction, domain.PageInfo, error) {
	b := &sqlBuilder{engine: c.db.engine}
	l := listing{from: "FROM corrections k", id: "k.id", cols: correctionFields}
	l.scopeTo(b, "k", "", f.Within, 0, "")
	out, info, err := listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Correction, error) {
		return c.FindCorrectionsByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find corrections: %w", err)
	}
	return out, info, nil
}

// CreateCorrection inserts k and sets its id.
func (c *Conn) CreateCorrection(ctx context.Context, k *domain.Correction) error {
	err := c.row(ctx, `INSERT INTO corrections (reseller_id, account_id, manager_id, total, currency,
		included_invoice, subscription_id, period_from, period_to, comment, payment_id, created_at,
		carried_from_invoice_id, approver_id, status, applies_to, invoice_id, approved_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		append([]any{k.ResellerID, k.AccountID, k.ManagerID, int64(k.Total), k.Currency, k.IncludedInvoice,
			nullable(k.SubscriptionID), dateText(k.PeriodFrom), dateText(k.PeriodTo), k.Comment, nullable(k.PaymentID),
			micros(k.CreatedAt), nullable(k.CarriedFrom)}, correctionState(k)...), &k.ID)
	if err != nil {
		return fmt.Errorf("create correction: %w", err)
	}
	c.lockedForUpdate("corrections", k.ID) // the transaction's own new row
	return nil
}

// correctionState lists the columns of k that change after its creation, in the
// order of CreateCorrection's INSERT, then more.
func correctionState(k *domain.Correction, more ...any) []any {
	return append([]any{nullable(k.ApproverID), string(k.Status), string(k.Target), nullable(k.InvoiceID),
		momentMicros(k.ApprovedAt), micros(k.UpdatedAt)}, more...)
}

// UpdateCorrection writes the fields of k that change after its creation; the
// transaction read k with FindCorrectionForUpdate.
func (c *Conn) UpdateCorrection(ctx context.Context, k *domain.Correction) error {
	if err := c.needLock("corrections", k.ID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE corrections SET approver_id = $1, status = $2, applies_to = $3,
		invoice_id = $4, approved_at = $5, updated_at = $6 WHERE id = $7`, correctionState(k, k.ID)...)
	if err != nil {
		return fmt.Errorf("update correction %d: %w", k.ID, err)
	}
	return nil
}

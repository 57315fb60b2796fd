package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Payment methods: the ways a reseller's customers may pay, written by the catalogue
// file (catalog apply) and listed by the API.

const paymentMethodColumns = `pm.id, pm.reseller_id, pm.key, pm.name, pm.created_at, pm.updated_at`

// paymentMethodFields maps the API's filter and sort fields of payment methods to
// columns; each sort walks an index led by reseller_id (migration 0012).
var paymentMethodFields = map[string]column{
	"id":  {expr: "pm.id"},
	"key": {expr: "pm.key", text: true},
}

func scanPaymentMethod(s scanner) (*domain.PaymentMethod, error) {
	var (
		m                domain.PaymentMethod
		created, updated int64
	)
	if err := s.Scan(&m.ID, &m.ResellerID, &m.Key, &m.Name, &created, &updated); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &m, nil
}

// FindPaymentMethods returns one page of a reseller's payment methods, their count
// and the cursor of the next page (see listKeys). A reseller has few of them (the
// catalogue limits bound them), so a filtered total counts rows.
func (c *Conn) FindPaymentMethods(ctx context.Context, resellerID int64, q domain.ListQuery) ([]*domain.PaymentMethod, domain.PageInfo, error) {
	l, b := paymentMethodListing(c.db.engine, resellerID)
	return listRows(ctx, c, l, b, q, func(ids []int64) ([]*domain.PaymentMethod, error) {
		return byIDs(ctx, c, "SELECT "+paymentMethodColumns+" FROM payment_methods pm WHERE ", "pm.id", ids,
			scanPaymentMethod, func(m *domain.PaymentMethod) int64 { return m.ID })
	})
}

// paymentMethodListing declares the list of a reseller's payment methods.
func paymentMethodListing(e Engine, resellerID int64) (listing, *sqlBuilder) {
	b := sqlBuilder{engine: e}
	b.cond("pm.reseller_id = %s", resellerID)
	return listing{from: "FROM payment_methods pm", id: "pm.id", cols: paymentMethodFields}, &b
}

// LoadPaymentMethods returns a reseller's payment methods by key, for a catalogue
// apply to compare with its file.
func (c *Conn) LoadPaymentMethods(ctx context.Context, resellerID int64) (map[string]*domain.PaymentMethod, error) {
	out := map[string]*domain.PaymentMethod{}
	err := eachRow(ctx, c, "SELECT "+paymentMethodColumns+" FROM payment_methods pm WHERE pm.reseller_id = $1",
		[]any{resellerID}, func(s scanner) error {
			m, err := scanPaymentMethod(s)
			if err == nil {
				out[m.Key] = m
			}
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("load payment methods of reseller %d: %w", resellerID, err)
	}
	return out, nil
}

// CreatePaymentMethod inserts m and sets its id.
func (c *Conn) CreatePaymentMethod(ctx context.Context, m *domain.PaymentMethod) error {
	err := c.catalogRow(ctx, `INSERT INTO payment_methods (reseller_id, key, name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		[]any{m.ResellerID, m.Key, m.Name, micros(m.CreatedAt), micros(m.UpdatedAt)}, &m.ID)
	if err != nil {
		return fmt.Errorf("create payment method %q: %w", m.Key, err)
	}
	return nil
}

// UpdatePaymentMethod writes m's name and updated_at.
func (c *Conn) UpdatePaymentMethod(ctx context.Context, m *domain.PaymentMethod) error {
	_, err := c.catalogExec(ctx, `UPDATE payment_methods SET name = $1, updated_at = $2 WHERE id = $3`,
		m.Name, micros(m.UpdatedAt), m.ID)
	if err != nil {
		return fmt.Errorf("update payment method %d: %w", m.ID, err)
	}
	return nil
}

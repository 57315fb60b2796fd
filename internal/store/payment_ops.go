package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindPaymentByDocumentID returns the payment of reseller resellerID numbered
// documentID ("002018"), through the unique index on (reseller_id, document_id); a
// number the reseller has not given is not found.
func (c *Conn) FindPaymentByDocumentID(ctx context.Context, resellerID int64, documentID string) (*domain.Payment, error) {
	return one(ctx, c, domain.NotFound(domain.MsgPaymentNotFound), fmt.Sprintf("find payment %s", documentID),
		scanPayment, "SELECT "+paymentColumns+" FROM payments p WHERE p.reseller_id = $1 AND p.document_id = $2",
		resellerID, documentID)
}

// FindPaymentMethodsByIDs returns the payment methods with the given ids, in that
// order; ids that match none are left out.
func (c *Conn) FindPaymentMethodsByIDs(ctx context.Context, ids []int64) ([]*domain.PaymentMethod, error) {
	out, err := byIDs(ctx, c, "SELECT "+paymentMethodColumns+" FROM payment_methods pm WHERE ", "pm.id", ids,
		scanPaymentMethod, func(m *domain.PaymentMethod) int64 { return m.ID })
	if err != nil {
		return nil, fmt.Errorf("find payment methods by id: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The objects orders, subscriptions and payments refer to, read in batches for the
// API's include.

// FindAccountsByIDs returns the accounts with the given ids, in that order; ids that
// match none are left out.
func (c *Conn) FindAccountsByIDs(ctx context.Context, ids []int64) ([]*domain.Account, error) {
	return c.findAccountsByIDs(ctx, ids)
}

// FindPaymentMethodsOf returns the payment methods of the given resellers, for the
// service to find the ones that apply along a reseller's chain.
func (c *Conn) FindPaymentMethodsOf(ctx context.Context, resellerIDs []int64) ([]*domain.PaymentMethod, error) {
	in, arg := oneOf(c.db.engine, "pm.reseller_id", 1, resellerIDs)
	out, err := collect(ctx, c, "SELECT "+paymentMethodColumns+" FROM payment_methods pm WHERE "+in+
		" ORDER BY pm.id", []any{arg}, scanPaymentMethod)
	if err != nil {
		return nil, fmt.Errorf("find payment methods of resellers %v: %w", resellerIDs, err)
	}
	return out, nil
}

// FindAccountWithManagerName returns the account with the given id, or a not-found
// error, together with the name of manager managerID ("" when there is no such
// manager), in one statement: what a sales order reads of both before it writes.
// The id is opaque to SQLite's planner, which plans the join with it (see opaqueInt).
func (c *Conn) FindAccountWithManagerName(ctx context.Context, id, managerID int64) (*domain.Account, string, error) {
	var name nullText
	acc, err := one(ctx, c, domain.NotFound(domain.MsgAccountNotFound), fmt.Sprintf("find account %d", id),
		func(s scanner) (*domain.Account, error) { return scanAccount(s, &name) },
		"SELECT "+accountColumns+", (SELECT m.name FROM managers m WHERE m.id = $2) "+accountFrom+
			" WHERE a.id = "+opaqueInt(1), id, managerID)
	return acc, name.String, err
}

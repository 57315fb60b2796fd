package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ProvisionSubject is what a provisioning run reads before it asks the vendor:
// the subscription with its resources, the order that causes the operation with
// its lines (nil for none), and, when asked for, the subscription's account as the
// vendor's tenant.
type ProvisionSubject struct {
	Subscription *domain.Subscription
	Order        *domain.Order
	Tenant       *AccountTenant
	// Gens and GenOKs are GenerationSums of the groups of scopes asked for, read
	// in the same round trip; nil when the generations are not asked of the
	// database (SQLite keeps them in memory), and then read apart.
	Gens   []int64
	GenOKs []bool
}

// FindProvisionSubject reads subscription subscriptionID with its resources,
// order orderID (none when 0) with its lines and, with tenant set, the
// subscription's account with its type's key and its owner's names. None of these
// reads needs another's answer, so on PostgreSQL they go in one round trip where
// they took four (see readTogether).
//
// groups, when given, are groups of scopes whose generation sums the caller will
// need next (GenerationSums): on PostgreSQL they are read after the others in the
// same round trip, where they would take one of their own.
func (c *Conn) FindProvisionSubject(ctx context.Context, subscriptionID, orderID int64, tenant bool,
	groups ...[]Scope) (ProvisionSubject, error) {
	var out ProvisionSubject
	subPart, foundSub := subscriptionJoined(0, subscriptionID)
	parts := []readPart{subPart}
	held := &domain.Order{ID: orderID} // takes the lines until the order is read
	if orderID != 0 {
		parts = append(parts, readPart{query: "SELECT " + orderColumns + " FROM orders o WHERE o.id = $1",
			args: []any{orderID}, each: func(sc scanner) (err error) {
				out.Order, err = scanOrder(sc)
				return err
			}}, orderLines(c.db.engine, []*domain.Order{held}))
	}
	if tenant {
		parts = append(parts, readPart{query: accountTenantSQL +
			"a.id = (SELECT sa.account_id FROM subscriptions sa WHERE sa.id = $1)", args: []any{subscriptionID},
			each: func(sc scanner) error {
				t, err := scanAccountTenant(sc)
				out.Tenant = &t
				return err
			}})
	}
	var gens map[Scope]int64
	if len(groups) > 0 && c.db.engine == Postgres && c.generationsAsked() {
		scopes := scopesOf(groups)
		gens = make(map[Scope]int64, len(scopes))
		parts = append(parts, generationsRead(c.db.engine, scopes, gens))
	}
	if err := c.readTogether(ctx, parts...); err != nil {
		return out, fmt.Errorf("read subscription %d to provision: %w", subscriptionID, err)
	}
	if gens != nil {
		out.Gens, out.GenOKs = make([]int64, len(groups)), make([]bool, len(groups))
		sumGroups(gens, groups, out.Gens, out.GenOKs)
	}
	var err error
	if out.Subscription, err = foundSub(); err != nil {
		return out, err
	}
	if orderID != 0 {
		if out.Order == nil {
			return out, domain.NotFound(domain.MsgOrderNotFound)
		}
		out.Order.Lines, out.Order.QuoteLines = held.Lines, held.QuoteLines
	}
	if tenant && out.Tenant == nil {
		return out, domain.NotFound(domain.MsgAccountNotFound)
	}
	return out, nil
}

// FindProductAndAccountUsers returns product productID and, when need says the
// product needs them, the ids of the users of account accountID in ascending
// order. On PostgreSQL both are read in one round trip (in a transaction too),
// the users whatever need says; on SQLite, where a statement costs no round trip,
// the users only when needed.
func (c *Conn) FindProductAndAccountUsers(ctx context.Context, productID, accountID int64,
	need func(*domain.Product) bool) (*domain.Product, []int64, error) {
	var (
		product *domain.Product
		users   []int64
	)
	productPart := readPart{query: "SELECT " + productColumns + " " + productFrom + " WHERE p.id = $1",
		args: []any{productID}, each: func(sc scanner) (err error) {
			product, err = scanProduct(sc)
			return err
		}}
	usersPart := accountUserIDs(accountID, &users)
	var err error
	if c.db.engine == Postgres {
		err = c.readTogether(ctx, productPart, usersPart)
	} else if err = c.readTogether(ctx, productPart); err == nil && product != nil && need(product) {
		err = c.readTogether(ctx, usersPart)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find product %d and the users of account %d: %w", productID, accountID, err)
	}
	if product == nil {
		return nil, nil, domain.NotFound(domain.MsgProductNotFound)
	}
	if !need(product) {
		users = nil
	}
	return product, users, nil
}

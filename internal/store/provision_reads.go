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

// ProvisionQuery names the subject of one provisioning run: subscription
// SubscriptionID, the order OrderID that causes the operation (none when 0), and
// Groups, groups of scopes whose generation sums the run will need next
// (GenerationSums), none when nil.
type ProvisionQuery struct {
	SubscriptionID, OrderID int64
	Groups                  [][]Scope
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
	out, err := c.FindProvisionSubjects(ctx, []ProvisionQuery{{SubscriptionID: subscriptionID, OrderID: orderID,
		Groups: groups}}, tenant)
	if err != nil {
		return ProvisionSubject{}, err
	}
	return out[0], nil
}

// FindProvisionSubjects reads the subject of each of qs, as FindProvisionSubject
// reads one, in their order: on PostgreSQL all in one round trip, the orders'
// lines in one statement and the generations of every group's scopes in another.
// A subject not found fails the whole read.
func (c *Conn) FindProvisionSubjects(ctx context.Context, qs []ProvisionQuery, tenant bool) ([]ProvisionSubject, error) {
	out := make([]ProvisionSubject, len(qs))
	var (
		parts  []readPart
		found  = make([]func() (*domain.Subscription, error), len(qs))
		held   = make([]*domain.Order, len(qs)) // each takes its order's lines until the order is read
		orders []*domain.Order
		groups [][]Scope
	)
	for i, q := range qs {
		var subPart readPart
		subPart, found[i] = subscriptionJoined(0, q.SubscriptionID)
		parts = append(parts, subPart)
		if q.OrderID != 0 {
			held[i] = &domain.Order{ID: q.OrderID}
			orders = append(orders, held[i])
			parts = append(parts, orderRow(q.OrderID, "", &out[i].Order))
		}
		if tenant {
			parts = append(parts, readPart{query: accountTenantSQL +
				"a.id = (SELECT sa.account_id FROM subscriptions sa WHERE sa.id = $1)", args: []any{q.SubscriptionID},
				each: func(sc scanner) error {
					t, err := scanAccountTenant(sc)
					out[i].Tenant = &t
					return err
				}})
		}
		groups = append(groups, q.Groups...)
	}
	if len(orders) > 0 {
		parts = append(parts, orderLines(c.db.engine, orders))
	}
	var gens map[Scope]int64
	if len(groups) > 0 && c.db.engine == Postgres && c.generationsAsked() {
		scopes := scopesOf(groups)
		gens = make(map[Scope]int64, len(scopes))
		parts = append(parts, generationsRead(c.db.engine, scopes, gens))
	}
	if err := c.readTogether(ctx, parts...); err != nil {
		ids := make([]int64, len(qs))
		for i, q := range qs {
			ids[i] = q.SubscriptionID
		}
		return nil, fmt.Errorf("read subscriptions %v to provision: %w", ids, err)
	}
	for i, q := range qs {
		if err := out[i].finish(q, found[i], held[i], tenant, gens); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// finish completes the subject of q once its reads are in: the subscription
// found, the order's lines from held, the sums of q's groups from gens (nil when
// they were not read).
func (out *ProvisionSubject) finish(q ProvisionQuery, found func() (*domain.Subscription, error), held *domain.Order,
	tenant bool, gens map[Scope]int64) error {
	if gens != nil && len(q.Groups) > 0 {
		out.Gens, out.GenOKs = make([]int64, len(q.Groups)), make([]bool, len(q.Groups))
		sumGroups(gens, q.Groups, out.Gens, out.GenOKs)
	}
	var err error
	if out.Subscription, err = found(); err != nil {
		return err
	}
	if q.OrderID != 0 {
		if out.Order == nil {
			return domain.NotFound(domain.MsgOrderNotFound)
		}
		out.Order.Lines, out.Order.QuoteLines = held.Lines, held.QuoteLines
	}
	if tenant && out.Tenant == nil {
		return domain.NotFound(domain.MsgAccountNotFound)
	}
	return nil
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

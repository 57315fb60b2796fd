package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// LockedReads names what a write transaction reads as it takes the locks of an
// order and its subscription, the order's first (the order every writer takes them
// in): the order's row (none when OrderID is 0; with its lines only when
// OrderLines is set), the subscription with its resources, and what the caller may
// need after them, read without a hold: the account AccountID (none when 0) and the
// ids of the users of account UsersOf (none when 0). With UsersOf, a HoldProduct
// other than 0 also holds the row of the first of those users (the lowest id) and
// that product shared when its vendor should hold HoldState of the user already
// (HoldSettledVendorUser): the first step of a walk of the users in id order.
type LockedReads struct {
	OrderID        int64
	OrderLines     bool
	SubscriptionID int64
	AccountID      int64
	UsersOf        int64
	HoldProduct    int64
	HoldState      string
}

// LockedRows is what ReadLocked read. Account is nil, and UsersRead false, when
// they were not asked for or not read (see ReadLocked). HeldUser is the user whose
// row of HeldProduct it holds shared, 0 for none.
type LockedRows struct {
	Order        *domain.Order
	Subscription *domain.Subscription
	Account      *domain.Account
	Users        []int64
	UsersRead    bool
	HeldProduct  int64
	HeldUser     int64
}

// Held reports whether ReadLocked holds the row of user and product shared.
func (r LockedRows) Held(user, product int64) bool {
	return r.HeldUser != 0 && r.HeldUser == user && r.HeldProduct == product
}

// ReadLocked reads r in the transaction, holding the order and the subscription for
// update until it ends. On PostgreSQL every read goes in one round trip, with the
// statements queued to go ahead of the next (see readTogether), where they took one
// each; the server runs them in turn, so each lock is taken before the reads after
// it, which see what a writer that held the row committed. On SQLite, where a
// statement costs no round trip, the account and the users are left for the caller
// to read if it comes to need them.
func (c *Conn) ReadLocked(ctx context.Context, r LockedReads) (LockedRows, error) {
	out, err := c.ReadLockedAll(ctx, []LockedReads{r})
	if err != nil {
		return LockedRows{}, err
	}
	return out[0], nil
}

// ReadLockedAll reads each of rs as ReadLocked reads one, in their order, holding
// every order and subscription for update until the transaction ends: on
// PostgreSQL all in one round trip, each order locked before its subscription and
// the reads after them.
func (c *Conn) ReadLockedAll(ctx context.Context, rs []LockedReads) ([]LockedRows, error) {
	lock, err := c.lockClause(forUpdate, "o")
	if err != nil {
		return nil, err
	}
	out := make([]LockedRows, len(rs))
	var parts []readPart
	finish := make([]func() error, len(rs))
	for i, r := range rs {
		var p []readPart
		p, finish[i] = c.lockedParts(r, lock, &out[i])
		parts = append(parts, p...)
	}
	if err := c.readTogether(ctx, parts...); err != nil {
		return nil, fmt.Errorf("read %s for update: %w", lockedNames(rs), err)
	}
	for _, f := range finish {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lockedParts returns the reads of r into out, the order's taken with lock, and
// what completes out once they are in.
func (c *Conn) lockedParts(r LockedReads, lock string, out *LockedRows) ([]readPart, func() error) {
	var parts []readPart
	heldLines := &domain.Order{ID: r.OrderID} // takes the lines until the order is read
	if r.OrderID != 0 {
		parts = append(parts, orderRow(r.OrderID, lock, &out.Order))
		if r.OrderLines {
			parts = append(parts, orderLines(c.db.engine, []*domain.Order{heldLines}))
		}
	}
	subPart, foundSub := c.subscriptionLocked(0, r.SubscriptionID)
	parts = append(parts, subPart...)
	if c.db.engine == Postgres {
		if r.AccountID != 0 {
			in, arg := oneOf(c.db.engine, "a.id", 1, []int64{r.AccountID})
			parts = append(parts, readPart{query: "SELECT " + accountColumns + " " + accountFrom + " WHERE " + in,
				args: []any{arg}, each: func(sc scanner) (err error) {
					out.Account, err = scanAccount(sc)
					return err
				}})
		}
		if r.UsersOf != 0 {
			parts = append(parts, accountUserIDs(r.UsersOf, &out.Users))
			out.UsersRead = true
			if r.HoldProduct != 0 {
				share, _ := c.lockClause(forShare, "v")
				parts = append(parts, holdSettledVendorUser(
					"(SELECT MIN(au.user_id) FROM account_users au WHERE au.account_id = $1)", r.UsersOf,
					r.HoldProduct, r.HoldState, share, func(id int64) { out.HeldUser = id }))
				out.HeldProduct = r.HoldProduct
			}
		}
	}
	return parts, func() error {
		if r.OrderID != 0 {
			if out.Order == nil {
				return domain.NotFound(domain.MsgOrderNotFound)
			}
			if r.OrderLines {
				out.Order.Lines, out.Order.QuoteLines = heldLines.Lines, heldLines.QuoteLines
			}
			c.lockedForUpdate("orders", out.Order.ID)
			c.rememberOrder(out.Order)
		}
		var err error
		if out.Subscription, err = foundSub(); err != nil {
			return err
		}
		c.lockedForUpdate("subscriptions", out.Subscription.ID)
		c.rememberSubscriptions(out.Subscription)
		return nil
	}
}

// lockedNames names the rows of rs, for an error: each order and subscription.
func lockedNames(rs []LockedReads) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = fmt.Sprintf("order %d and subscription %d", r.OrderID, r.SubscriptionID)
	}
	return strings.Join(names, ", ")
}

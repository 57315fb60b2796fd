package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// SubscriptionsAddedToPage is AccountsAddedToPage for a page of the subscriptions f
// selects: for the subscriptions with the given ids, added since the page was read,
// how many f's list selects and how many may fall inside the page, whose last row
// is last.
func (c *Conn) SubscriptionsAddedToPage(ctx context.Context, f SubscriptionFilter, scope Scope, ids []int64,
	last *domain.Cursor) (AddedToPage, error) {
	l, b := subscriptionListing(c.db.engine, f.Within, f.ResellerID, f.Below)
	out, err := addedToPage(ctx, c, l, b, f.Query, "subscriptions s", scope, ids, last)
	if err != nil {
		return out, fmt.Errorf("count subscriptions added to a page: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindListedRows returns the subscriptions with the given ids as a list shows them
// (FindListedSubscriptions), in the order of ids, those that match none left out,
// and the order in flight of each that has one, by subscription id
// (FindInFlightOrders): what a cached page needs of the rows that changed since it
// was read. On PostgreSQL the two reads are one round trip.
func (c *Conn) FindListedRows(ctx context.Context, ids []int64) ([]*domain.Subscription, map[int64]*domain.Order, error) {
	if len(ids) == 0 {
		return nil, map[int64]*domain.Order{}, nil
	}
	byID := make(map[int64]*domain.Subscription, len(ids))
	flying := make(map[int64]*domain.Order, len(ids))
	subIn, subArg := oneOf(c.db.engine, "s.id", 1, ids)
	err := c.readTogether(ctx,
		readPart{query: "SELECT " + listedSubscriptionColumns + " FROM subscriptions s WHERE " + subIn,
			args: []any{subArg}, each: func(sc scanner) error {
				s, err := scanListedSubscription(sc)
				if err == nil {
					byID[s.ID] = s
				}
				return err
			}},
		inFlightOrdersRead(c.db.engine, ids, flying))
	if err != nil {
		return nil, nil, fmt.Errorf("read listed subscriptions %v: %w", ids, err)
	}
	return inOrderOf(ids, byID), flying, nil
}

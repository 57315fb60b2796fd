package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindSalesOrderTask returns the id of the order attributes validation that the
// sales order of subscription id was made with: the task whose values are the
// subscription's attributes. It is "" when the order had none, or there is no
// sales order (a subscription made otherwise).
func (c *Conn) FindSalesOrderTask(ctx context.Context, subscriptionID int64) (string, error) {
	var id string
	err := c.row(ctx, `SELECT COALESCE(async_task_id, '') FROM orders
		WHERE subscription_id = $1 AND kind = $2 ORDER BY id LIMIT 1`,
		[]any{subscriptionID, string(domain.SalesOrder)}, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find the sales order task of subscription %d: %w", subscriptionID, err)
	}
	return id, nil
}

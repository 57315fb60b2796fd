package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindSalesOrderTask returns the id of the order attributes validation that the
// sales order of subscription id was made with, and the task's result, whose values
// are the subscription's attributes. The id is "" when the order had none, or there
// is no sales order (a subscription made otherwise); the result is empty when the
// task has none, or was purged since.
func (c *Conn) FindSalesOrderTask(ctx context.Context, subscriptionID int64) (string, []byte, error) {
	var (
		id     string
		result nullText
	)
	err := c.row(ctx, `SELECT COALESCE(o.async_task_id, ''), j.result FROM orders o
		LEFT JOIN jobs j ON j.id = o.async_task_id
		WHERE o.subscription_id = $1 AND o.kind = $2 ORDER BY o.id LIMIT 1`,
		[]any{subscriptionID, string(domain.SalesOrder)}, &id, &result)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("find the sales order task of subscription %d: %w", subscriptionID, err)
	}
	return id, []byte(result.String), nil
}

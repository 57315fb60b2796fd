package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// orderAttributeColumns are the columns scanOrderAttribute reads, in its order.
const orderAttributeColumns = `id, plan_id, key, label, type, required, "values", position`

func scanOrderAttribute(s scanner) (domain.OrderAttribute, error) {
	var (
		a         domain.OrderAttribute
		typ, vals string
	)
	if err := s.Scan(&a.ID, &a.PlanID, &a.Key, &a.Label, &typ, &a.Required, &vals, &a.Position); err != nil {
		return a, err
	}
	a.Type = domain.OrderAttributeType(typ)
	if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
		return a, fmt.Errorf("values of order attribute %d: %w", a.ID, err)
	}
	if a.Values == nil {
		a.Values = []string{}
	}
	return a, nil
}

// FindOrderAttributes returns the order attributes of plan planID in their order
// (position, then id); a plan without any has an empty list.
func (c *Conn) FindOrderAttributes(ctx context.Context, planID int64) ([]domain.OrderAttribute, error) {
	out, err := collect(ctx, c, "SELECT "+orderAttributeColumns+
		" FROM plan_order_attributes WHERE plan_id = $1 ORDER BY position, id", []any{planID}, scanOrderAttribute)
	if err != nil {
		return nil, fmt.Errorf("find order attributes of plan %d: %w", planID, err)
	}
	if out == nil {
		out = []domain.OrderAttribute{}
	}
	return out, nil
}

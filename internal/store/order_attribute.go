package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindOrderAttributes returns the order attributes of plan planID in their order
// (position, then id); a plan without any has an empty list.
func (c *Conn) FindOrderAttributes(ctx context.Context, planID int64) ([]domain.OrderAttribute, error) {
	out := []domain.OrderAttribute{}
	err := eachRow(ctx, c, `SELECT id, plan_id, key, label, type, required, "values", position
		FROM plan_order_attributes WHERE plan_id = $1 ORDER BY position, id`, []any{planID},
		func(s scanner) error {
			var (
				a         domain.OrderAttribute
				typ, vals string
			)
			if err := s.Scan(&a.ID, &a.PlanID, &a.Key, &a.Label, &typ, &a.Required, &vals, &a.Position); err != nil {
				return err
			}
			a.Type = domain.OrderAttributeType(typ)
			if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
				return fmt.Errorf("values of order attribute %d: %w", a.ID, err)
			}
			if a.Values == nil {
				a.Values = []string{}
			}
			out = append(out, a)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find order attributes of plan %d: %w", planID, err)
	}
	return out, nil
}

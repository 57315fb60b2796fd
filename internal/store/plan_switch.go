package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Switches between plans as the orders on a subscription read them.

// FindSwitchTargets returns the switches plan planID declares to plans that are
// active (sellable) now, of every switch type, in target order.
func (c *Conn) FindSwitchTargets(ctx context.Context, planID int64) ([]domain.PlanSwitch, error) {
	out, err := c.findSwitchTargets(ctx, []int64{planID})
	if err != nil {
		return nil, fmt.Errorf("find switch targets of plan %d: %w", planID, err)
	}
	return out, nil
}

// FindSwitchTargetsOf returns the switches to active plans of each of the given
// plans, by plan id, in target order: one query for a page of subscriptions.
func (c *Conn) FindSwitchTargetsOf(ctx context.Context, planIDs []int64) (map[int64][]domain.PlanSwitch, error) {
	out := make(map[int64][]domain.PlanSwitch, len(planIDs))
	if len(planIDs) == 0 {
		return out, nil
	}
	list, err := c.findSwitchTargets(ctx, planIDs)
	if err != nil {
		return nil, fmt.Errorf("find switch targets of plans %v: %w", planIDs, err)
	}
	for _, sw := range list {
		out[sw.PlanID] = append(out[sw.PlanID], sw)
	}
	return out, nil
}

func (c *Conn) findSwitchTargets(ctx context.Context, planIDs []int64) ([]domain.PlanSwitch, error) {
	in, arg := oneOf(c.db.engine, "ps.plan_id", 1, planIDs)
	return collect(ctx, c, `SELECT ps.plan_id, ps.target_id, ps.switch_type FROM plan_switches ps
		JOIN plans pl ON pl.id = ps.target_id WHERE `+in+` AND pl.status = $2
		ORDER BY ps.plan_id, ps.target_id, ps.switch_type`, []any{arg, string(domain.PlanActive)},
		func(sc scanner) (domain.PlanSwitch, error) {
			var (
				sw domain.PlanSwitch
				st string
			)
			err := sc.Scan(&sw.PlanID, &sw.TargetID, &st)
			sw.Type = domain.SwitchType(st)
			return sw, err
		})
}

// DropOtherSubscriptionResources deletes the resources of s, which the transaction
// read with FindSubscriptionForUpdate, that s.Resources no longer lists: after a
// switch, those of the plan it left.
func (c *Conn) DropOtherSubscriptionResources(ctx context.Context, s *domain.Subscription) error {
	if err := c.needLock("subscriptions", s.ID); err != nil {
		return err
	}
	ids := make([]int64, 0, len(s.Resources))
	for _, r := range s.Resources {
		if r.ID != 0 {
			ids = append(ids, r.ID)
		}
	}
	q, args := `DELETE FROM subscription_resources WHERE subscription_id = $1`, []any{s.ID}
	if len(ids) > 0 {
		in, arg := oneOf(c.db.engine, "id", 2, ids)
		q, args = q+" AND NOT "+in, append(args, arg)
	}
	if _, err := c.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("drop resources of subscription %d: %w", s.ID, err)
	}
	return nil
}

package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// CompleteSubscriptionProvisioning marks the operation of a subscription of the
// reseller that waits for a manager (manual mode) done or failed, applying the
// outcome as a provisioning job applies a vendor's answer: done completes the order
// and moves the subscription on (active, stopped ...); failed fails the order and
// leaves the subscription in the operation's failed status with the manager's text
// in provisioning_error (code "manual"), from which provisioning_retry sends the
// e-mail again. The answer is the subscription as it stands after.
// Errors: forbidden, not_found, invalid (the body; no operation waiting).
func (s *Service) CompleteSubscriptionProvisioning(ctx context.Context, a domain.Actor, resellerID, id int64,
	in domain.ProvisioningCompletionInput) (*SubscriptionView, error) {
	if err := authorize(a, domain.ActionProvisioningRetry); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	c := s.db.Reader()
	sub, err := c.FindSubscriptionByID(ctx, resellerID, id)
	if err != nil {
		return nil, err
	}
	report, err := in.Validate()
	if err != nil {
		return nil, err
	}
	w, err := c.FindProvisioningWait(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	p := provisionPayload{SubscriptionID: sub.ID, OrderID: w.OrderID, Op: w.Op}
	out := ProvisionOutcome{Done: report.Done, Message: report.Message}
	var v *SubscriptionView
	err = s.onSalePlan(ctx, sub.PlanID, func(held salePlan) error {
		var err error
		v, err = inTxAnswering(ctx, s, func(tx *store.Conn) (*SubscriptionView, error) {
			return s.completeWaitIn(ctx, tx, resellerID, w, p, held, out)
		})
		return err
	})
	if err != nil {
		return nil, wrap(err, "complete the provisioning of subscription %d", id)
	}
	s.log.InfoContext(ctx, "provisioning operation marked by a manager", "subscription_id", id, "op", w.Op,
		"done", out.Done, "message", out.Message, "manager_id", a.ManagerID)
	return v, nil
}

// completeWaitIn is CompleteSubscriptionProvisioning's transaction tx: under the
// rows' locks, the order's before the subscription's as every writer takes them, it
// ends the wait w, which only the first of two completions finds, and applies out.
func (s *Service) completeWaitIn(ctx context.Context, tx *store.Conn, resellerID int64, w *domain.ProvisioningWait,
	p provisionPayload, held salePlan, out ProvisionOutcome) (*SubscriptionView, error) {
	if p.OrderID != 0 {
		if _, err := tx.FindOrderRowForUpdate(ctx, p.OrderID); err != nil {
			return nil, err
		}
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, resellerID, p.SubscriptionID)
	if err != nil {
		return nil, err
	}
	ended, err := tx.DeleteProvisioningWait(ctx, sub.ID, w.JobID)
	if err != nil {
		return nil, err
	}
	if !ended {
		return nil, domain.Errorf(domain.ErrInvalid, domain.MsgProvisioningNotWaiting)
	}
	now := s.clock.Now()
	if !out.Done {
		sub.Vendor.Error = &domain.ProvisioningError{Code: domain.ProvisioningManualFailed, Message: out.Message, At: now}
		sub.UpdatedAt = now
		if err := tx.UpdateSubscriptionVendor(ctx, sub); err != nil {
			return nil, err
		}
		if err := tx.FailCompletedJob(ctx, w.JobID, "marked failed by a manager: "+out.Message, now); err != nil {
			return nil, err
		}
	}
	if err := s.applyOutcomeIn(ctx, tx, p, nil, nil, held, out, nil); err != nil {
		return nil, err
	}
	if sub, err = tx.FindSubscriptionByID(ctx, resellerID, p.SubscriptionID); err != nil {
		return nil, err
	}
	views, err := s.subscriptionViews(ctx, tx, []*domain.Subscription{sub})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

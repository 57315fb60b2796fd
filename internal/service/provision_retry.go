package service

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// A vendor's refusal ends the provisioning job failed, with the vendor's text as its
// failure message, after the refusal is applied (order provisioning_failed, the
// subscription in the operation's failed status). So "cascade jobs list --status
// failed" shows what the vendor refused, and "cascade jobs retry" sends it again: the
// retried job, finding the refusal applied at its first attempt, takes the domain's
// retry events (the order back to provisioning, the subscription back to the
// operation's transitional status) and provisions as the first run did.

// refused is the error that ends a job whose operation the vendor refused. The
// vendor's text comes first, since a job listing shows only the message's start; the
// job's payload names the subscription.
func refused(op domain.ProvisionOp, text string) error {
	return jobs.Permanent(fmt.Errorf("vendor refused %s: %s", op, text))
}

// retryRequested reports whether a run of job should retry the refused operation:
// the subscription shows op's failed status at the job's first attempt. A job is
// written as its subscription enters op's transitional status, and only the job
// moves it out, so its first attempt meets the failed status only after an operator
// retried the failed job (which resets the attempts). A later attempt that meets it
// is a run whose predecessor applied the refusal and died before recording it: that
// refusal stands.
func retryRequested(job domain.Job, sub *domain.Subscription, op domain.ProvisionOp) bool {
	return job.Attempts == 1 && sub.Status == op.Failed()
}

// retryProvisioning takes the retry events of a refused operation under the rows'
// locks, the order's before the subscription's: a provisioning_failed order goes
// back to provisioning, and the subscription from op's failed status back to its
// transitional one.
func (s *Service) retryProvisioning(ctx context.Context, p provisionPayload) error {
	err := s.inTx(ctx, func(tx *store.Conn) error {
		now := s.clock.Now()
		if p.OrderID != 0 {
			o, err := tx.FindOrderForUpdate(ctx, 0, p.OrderID)
			if err != nil {
				return err
			}
			if o.Status == domain.OrderStatusProvisioningFailed {
				if err := o.Apply(domain.OrderEventRetry, now, s.opts.Location); err != nil {
					return err
				}
				o.UpdatedAt = now
				if err := tx.UpdateOrder(ctx, o); err != nil {
					return err
				}
			}
		}
		sub, err := tx.FindSubscriptionForUpdate(ctx, 0, p.SubscriptionID)
		if err != nil {
			return err
		}
		if sub.Status != p.Op.Failed() {
			return nil // retried already
		}
		plan, err := s.planByID(ctx, tx, sub.PlanID)
		if err != nil {
			return err
		}
		if err := sub.Apply(domain.SubscriptionEvent{Kind: domain.SubscriptionEventRetry}, plan.BillingType.Rules()); err != nil {
			return err
		}
		sub.UpdatedAt = now
		return tx.UpdateSubscription(ctx, sub)
	})
	if err != nil {
		return fmt.Errorf("retry %s of subscription %d: %w", p.Op, p.SubscriptionID, err)
	}
	return nil
}

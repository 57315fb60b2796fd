package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// RetrySubscriptionProvisioning sends the failed vendor operation of a subscription
// of the reseller again, as `cascade jobs retry` does with its job: the job goes
// back in the queue with a fresh budget of attempts, and its first run takes the
// retry events (the order back to provisioning, the subscription back to the
// operation's transitional status) before it calls the vendor. The answer is the
// subscription as it stands, still in the failed status until the job runs.
// Errors: forbidden, not_found, conflict (no failed vendor operation, or one being
// retried already).
func (s *Service) RetrySubscriptionProvisioning(ctx context.Context, a domain.Actor, resellerID, id int64) (*SubscriptionView, error) {
	if err := authorize(a, domain.ActionProvisioningRetry); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	v, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*SubscriptionView, error) {
		sub, err := tx.FindSubscriptionForUpdate(ctx, resellerID, id)
		if err != nil {
			return nil, err
		}
		if !sub.Status.ProvisioningFailed() || sub.Vendor.JobID == "" || sub.Vendor.Error == nil {
			return nil, domain.Errorf(domain.ErrConflict, domain.MsgProvisioningNotFailed)
		}
		requeued, err := tx.RequeueFailedJob(ctx, sub.Vendor.JobID, s.clock.Now())
		if err != nil {
			return nil, err
		}
		if !requeued {
			return nil, domain.Errorf(domain.ErrConflict, domain.MsgProvisioningRetrying)
		}
		views, err := s.subscriptionViews(ctx, tx, []*domain.Subscription{sub})
		if err != nil {
			return nil, err
		}
		return views[0], nil
	})
	if err != nil {
		return nil, wrap(err, "retry the provisioning of subscription %d", id)
	}
	return v, nil
}

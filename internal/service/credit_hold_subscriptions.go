package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// A credit hold stops the account's prepaid pay-as-you-go subscriptions, and its
// release activates again those it stopped (docs/billing.md, "Credit hold").
//
// The hold is set or lifted where money moves, with the account's row locked last
// (order -> payment -> subscription -> account); stopping subscriptions there would
// lock them after the account. So that transaction only writes a
// JobCreditHoldSubscriptions job for the account (the outbox). The job takes each
// candidate subscription in a transaction of its own, in the usual order (its
// waiting order, then the subscription), and decides from the account's status as
// committed then: a job that runs after the hold was already lifted stops
// nothing, and one run twice finds nothing left to do.

// JobCreditHoldSubscriptions applies an account's credit hold, or its release, to
// its subscriptions.
const JobCreditHoldSubscriptions = "credit_hold_subscriptions"

// creditHoldAttempts bounds the runs of a JobCreditHoldSubscriptions job; a run
// waits (retries) while a subscription the hold stopped is still stopping.
const creditHoldAttempts = 20

// creditHoldRetry is the wait before the next run when a stop is still running.
const creditHoldRetry = 30 * time.Second

// errStopStillRunning asks for another run of the job: a subscription the hold
// stopped is still stopping and cannot be activated yet.
var errStopStillRunning = errors.New("a stop caused by the credit hold is still running")

// creditHoldPayload is the payload of a JobCreditHoldSubscriptions job.
type creditHoldPayload struct {
	AccountID int64 `json:"account_id"`
}

// enqueueCreditHoldJob writes, in tx, the job that applies acc's new status to its
// subscriptions.
func enqueueCreditHoldJob(tx *store.Conn, acc *domain.Account, now time.Time) error {
	return enqueueLater(tx, JobCreditHoldSubscriptions, acc.ResellerID, creditHoldPayload{AccountID: acc.ID},
		creditHoldAttempts, now)
}

// runCreditHoldSubscriptions is the handler of JobCreditHoldSubscriptions.
func (s *Service) runCreditHoldSubscriptions(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p creditHoldPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("credit hold job %s: %w", job.ID, err))
	}
	refs, err := s.db.Reader().FindCreditHoldSubscriptions(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	moved, err := s.applyCreditHoldToAll(ctx, refs)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]int{"subscriptions": moved})
}

// applyCreditHoldToAll applies the hold, or its release, to each of refs in a
// transaction of its own and returns how many it changed.
func (s *Service) applyCreditHoldToAll(ctx context.Context, refs []store.SubscriptionRef) (int, error) {
	// One subscription that fails (its lock times out, its stop is refused) must not
	// keep the hold from the others: each is tried, and the failures are returned
	// together so the job runs again for them; those already done are skipped then.
	moved, pending := 0, false
	var failed []error
	for _, r := range refs {
		var changed bool
		err := s.inTx(ctx, func(tx *store.Conn) error {
			var err error
			changed, err = s.applyCreditHoldTo(ctx, tx, r)
			return err
		})
		switch {
		case errors.Is(err, errStopStillRunning):
			pending = true
		case err != nil:
			failed = append(failed, fmt.Errorf("credit hold of subscription %d: %w", r.ID, err))
		case changed:
			moved++
		}
	}
	if len(failed) > 0 {
		return moved, errors.Join(failed...)
	}
	if pending {
		return moved, jobs.RetryAfter(errStopStillRunning, creditHoldRetry)
	}
	return moved, nil
}

// applyCreditHoldTo stops or activates subscription r as its account's status says,
// in tx, and reports whether it changed it. On credit hold, a prepaid
// pay-as-you-go subscription that is active or graced is stopped as the lifecycle
// stops one (waiting for approval when the stop type is manual) and marked; out of
// it, a marked one goes back: a stopped one is activated, one still waiting for the
// approval of the stop returns to its status (decline), and the mark is cleared.
func (s *Service) applyCreditHoldTo(ctx context.Context, tx *store.Conn, r store.SubscriptionRef) (bool, error) {
	op, err := s.lockSubscriptionOp(ctx, tx, r.ResellerID, r.ID)
	if err != nil {
		return false, err
	}
	// The account's committed status, read after the subscription's lock and not
	// locked itself: the stop may lock the waiting order's payment, which comes
	// before the account. Every change of the status writes a job of its own that
	// waits for this lock and reads the status after it, so the last one wins.
	acc, err := tx.FindAccountByID(ctx, op.sub.AccountID)
	if err != nil {
		return false, err
	}
	held, err := tx.SubscriptionCreditHeld(ctx, op.sub.ID)
	if err != nil {
		return false, err
	}
	sub := op.sub
	if acc.Status == domain.AccountStatusCreditHold {
		if held || !creditHoldStops(sub, op.billing) {
			return false, nil
		}
		if err := s.requestProvision(ctx, op, domain.ProvisionOpStop); err != nil {
			return false, err
		}
		return true, tx.SetSubscriptionCreditHeld(ctx, sub.ID, true)
	}
	if !held {
		return false, nil
	}
	switch {
	case sub.Status == domain.SubscriptionStatusStopped:
		if err := s.startProvisioning(ctx, tx, sub, op.rules, domain.ProvisionOpActivate, nil, op.now); err != nil {
			return false, err
		}
	case sub.Status == domain.SubscriptionStatusWaitingForManualApprove && sub.AwaitingApproval == domain.ProvisionOpStop:
		if err := op.apply(ctx, domain.SubscriptionEvent{Kind: domain.SubscriptionEventDecline}); err != nil {
			return false, err
		}
	case sub.Status == domain.SubscriptionStatusStopping:
		return false, errStopStillRunning
	}
	// Anything else (a failed stop an operator deals with, a subscription deleted
	// meanwhile) is no longer the hold's to bring back.
	return true, tx.SetSubscriptionCreditHeld(ctx, sub.ID, false)
}

// creditHoldStops reports whether a credit hold stops sub, of a plan of billing
// type billing: a prepaid pay-as-you-go subscription that is active or graced.
func creditHoldStops(sub *domain.Subscription, billing domain.BillingType) bool {
	return sub.PaymentModel == domain.PaymentModelPrepay && billing == domain.BillingPayAsYouGo &&
		(sub.Status == domain.SubscriptionStatusActive || sub.Status == domain.SubscriptionStatusGraced)
}

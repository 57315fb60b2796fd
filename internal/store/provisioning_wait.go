package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The provisioning operations that wait for a manager (migration 0024). Every write
// runs under the subscription's row lock, which serialises them: the waiting job's
// record and a completion never interleave, and two completions never both apply.

const provisioningWaitColumns = `subscription_id, job_id, op, order_id, created_at`

func scanProvisioningWait(s scanner) (*domain.ProvisioningWait, error) {
	var (
		w         domain.ProvisioningWait
		op        string
		createdAt int64
	)
	if err := s.Scan(&w.SubscriptionID, &w.JobID, &op, &w.OrderID, &createdAt); err != nil {
		return nil, err
	}
	w.Op, w.CreatedAt = domain.ProvisionOp(op), fromMicros(createdAt)
	return &w, nil
}

// FindProvisioningWait returns the operation of subscription id that waits for a
// manager, or an invalid error (MsgProvisioningNotWaiting) when none does.
func (c *Conn) FindProvisioningWait(ctx context.Context, subscriptionID int64) (*domain.ProvisioningWait, error) {
	return one(ctx, c, domain.Errorf(domain.ErrInvalid, domain.MsgProvisioningNotWaiting),
		fmt.Sprintf("find the waiting operation of subscription %d", subscriptionID), scanProvisioningWait,
		"SELECT "+provisioningWaitColumns+" FROM provisioning_waits WHERE subscription_id = $1", subscriptionID)
}

// PutProvisioningWait records w as its subscription's waiting operation, replacing
// any other (a job run again after a crash records the same one). The transaction
// must hold the subscription for update.
func (c *Conn) PutProvisioningWait(ctx context.Context, w *domain.ProvisioningWait) error {
	if err := c.needLock("subscriptions", w.SubscriptionID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `INSERT INTO provisioning_waits (`+provisioningWaitColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (subscription_id) DO UPDATE SET job_id = EXCLUDED.job_id, op = EXCLUDED.op,
			order_id = EXCLUDED.order_id, created_at = EXCLUDED.created_at`,
		w.SubscriptionID, w.JobID, string(w.Op), w.OrderID, micros(w.CreatedAt))
	if err != nil {
		return fmt.Errorf("record the waiting %s of subscription %d: %w", w.Op, w.SubscriptionID, err)
	}
	return nil
}

// DeleteProvisioningWait removes the waiting operation of subscription id sent by
// job jobID and reports whether there was one. The transaction must hold the
// subscription for update, so of two completions only the first finds it.
func (c *Conn) DeleteProvisioningWait(ctx context.Context, subscriptionID int64, jobID string) (bool, error) {
	if err := c.needLock("subscriptions", subscriptionID); err != nil {
		return false, err
	}
	res, err := c.exec(ctx, `DELETE FROM provisioning_waits WHERE subscription_id = $1 AND job_id = $2`, subscriptionID, jobID)
	if err != nil {
		return false, fmt.Errorf("end the waiting operation of subscription %d: %w", subscriptionID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FailCompletedJob turns the completed job id into a failed one with message, in
// the caller's transaction: a waiting operation's job ends completed, and when a
// manager marks the operation failed, the job shows the failure, so an operator may
// retry it like a vendor's refusal (RequeueFailedJob). A job purged already, or not
// completed, is left as it is.
func (c *Conn) FailCompletedJob(ctx context.Context, id, message string, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE jobs SET status = $1, failure_message = $2, updated_at = $3, finished_at = $3
		WHERE id = $4 AND status = $5`,
		string(domain.JobStatusFailed), message, micros(now), id, string(domain.JobStatusCompleted))
	if err != nil {
		return fmt.Errorf("fail job %s: %w", id, err)
	}
	return nil
}

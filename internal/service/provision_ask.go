package service

import (
	"context"
	"encoding/json"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// A provisioning run in two steps, whether it runs alone (runProvision) or in a
// group (runProvisionGroup): with its subject read, it asks the vendor
// (askVendor), then applies the outcome the vendor answered (applyAlone, or
// applyOutcomesTogether for a group's).

// answeredRun is a provisioning run that has the vendor's outcome, to apply: the
// run's job, its payload, what it read and asked, the outcome and the result the
// job ends with when the outcome is done.
type answeredRun struct {
	job    domain.Job
	p      provisionPayload
	req    ProvisionRequest
	out    ProvisionOutcome
	result json.RawMessage
}

// ended is how the job of a run whose outcome was applied ends: done with its
// result, or failed with the vendor's refusal.
func (a *answeredRun) ended() (json.RawMessage, error) {
	if !a.out.Done {
		return nil, refused(a.p.Op, a.out.Message)
	}
	return a.result, nil
}

// askVendor carries job's operation p, whose subject the run read, to the vendor.
// It returns the run with the vendor's outcome to apply, or, with run nil, how the
// job ends without one: an outcome applied by an earlier attempt, a refusal that
// stands, an operation left to a manager, or an error (no answer: retried).
func (s *Service) askVendor(ctx context.Context, job domain.Job, p provisionPayload,
	subject store.ProvisionSubject) (run *answeredRun, result json.RawMessage, err error) {
	c := s.db.Reader()
	sub := subject.Subscription
	req := ProvisionRequest{Subscription: sub, Op: p.Op, Job: job, Order: subject.Order, tenant: subject.Tenant}
	if subject.Gens != nil {
		req.gens = &sellerGens{seller: job.ResellerID, gens: subject.Gens, oks: subject.GenOKs}
	}
	if retryRequested(job, sub, p.Op) {
		if err := s.retryProvisioning(ctx, p); err != nil {
			return nil, nil, err
		}
		if sub, err = c.FindSubscriptionByID(ctx, 0, p.SubscriptionID); err != nil {
			return nil, nil, err
		}
		req.Subscription = sub
		if req.Order != nil {
			if req.Order, err = c.FindOrderByID(ctx, 0, p.OrderID); err != nil {
				return nil, nil, err
			}
		}
	}
	if sub.Status == p.Op.Failed() {
		// A run that applied the vendor's refusal and died before the job failed.
		return nil, nil, refused(p.Op, "the refusal an earlier attempt applied stands")
	}
	if outcomeApplied(p, sub, req.Order) {
		// A run that applied its outcome and died before the job was marked done.
		result, err := json.Marshal(map[string]any{"skipped": true, "status": sub.Status})
		return nil, result, err
	}
	out, err := s.opts.Provisioner.Provision(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if out.Waiting {
		result, err := s.awaitManager(ctx, p, job)
		return nil, result, err
	}
	if result, err = json.Marshal(out); err != nil {
		return nil, nil, err
	}
	return &answeredRun{job: job, p: p, req: req, out: out, result: result}, nil, nil
}

// applyAlone applies run's outcome in a transaction of its own, as runProvision
// does, and returns how its job ends.
func (s *Service) applyAlone(ctx context.Context, run *answeredRun) jobs.Outcome {
	if err := s.applyProvisionOutcome(ctx, run.p, run.req, run.out, run.result); err != nil {
		return jobs.Outcome{Err: err}
	}
	result, err := run.ended()
	return jobs.Outcome{Result: result, Err: err}
}

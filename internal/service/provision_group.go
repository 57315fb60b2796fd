package service

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// Provisioning jobs a worker claimed together run as one group (jobs.GroupHandler):
// their subjects are read in one round trip, the vendor is asked for each in turn
// (so a worker still makes one call at a time), and the outcomes answered are
// applied in one transaction, which completes the jobs done and claims the
// worker's next. Each outcome is applied under its own rows' locks by the rules
// of a run alone (applyLockedOutcome); the transaction only shares the round
// trips, the commit and the scope moves. Should it fail (a deadlock, a catalogue
// that moved, a lease lost), every outcome is applied alone, as runProvision
// applies it, without asking the vendor again.

// runProvisionGroup is the group handler of provisioning jobs. A job whose
// payload does not parse, or whose subscription another job of the group
// names, runs alone after the others, as does every job when their subjects
// cannot be read together.
func (s *Service) runProvisionGroup(ctx context.Context, group []domain.Job) []jobs.Outcome {
	outs := make([]jobs.Outcome, len(group))
	tenant := s.callsVendors()
	var (
		members, alone []int // indexes in group
		payloads       []provisionPayload
		queries        []store.ProvisionQuery
	)
	seen := make(map[int64]bool, len(group))
	for i, j := range group {
		p, err := provisionPayloadOf(j)
		if err != nil || seen[p.SubscriptionID] {
			alone = append(alone, i)
			continue
		}
		seen[p.SubscriptionID] = true
		members, payloads = append(members, i), append(payloads, p)
		queries = append(queries, store.ProvisionQuery{SubscriptionID: p.SubscriptionID, OrderID: p.OrderID,
			Groups: subjectGroups(j, tenant)})
	}
	var subjects []store.ProvisionSubject
	if len(members) > 0 {
		var err error
		if subjects, err = s.db.Reader().FindProvisionSubjects(ctx, queries, tenant); err != nil {
			alone, members = allIndexes(len(group)), nil
		}
	}
	var (
		answered []*answeredRun
		at       []int // the index in group of each answered run
		started  int   // the jobs that started
	)
	// The first job has the time a run alone would have; each later one starts
	// only with a vendor call's time left.
	start := func(i int) bool {
		if started > 0 && !s.timeForACall(ctx) {
			outs[i].Err = jobs.ErrNotRun
			return false
		}
		started++
		return true
	}
	for k, i := range members {
		if !start(i) {
			continue
		}
		run, result, err := s.askVendor(jobs.Member(ctx, group[i]), group[i], payloads[k], subjects[k])
		if run == nil {
			outs[i] = jobs.Outcome{Result: result, Err: err}
			continue
		}
		answered, at = append(answered, run), append(at, i)
	}
	if err := s.applyOutcomesTogether(ctx, answered); err != nil {
		s.log.Info("provision: outcomes applied one by one", "outcomes", len(answered), "err", err)
		for k, run := range answered {
			outs[at[k]] = s.applyAlone(jobs.Member(ctx, run.job), run)
		}
	} else {
		for k, run := range answered {
			result, err := run.ended()
			outs[at[k]] = jobs.Outcome{Result: result, Err: err}
		}
	}
	for _, i := range alone {
		if start(i) {
			result, err := s.runProvision(jobs.Member(ctx, group[i]), group[i])
			outs[i] = jobs.Outcome{Result: result, Err: err}
		}
	}
	return outs
}

// timeForACall reports whether the group run of ctx has time left for one more
// call to a vendor, as long as a call may take: the jobs it leaves go back to the
// queue unrun (jobs.ErrNotRun) rather than failing an attempt on a deadline they
// never had a chance to meet.
func (s *Service) timeForACall(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	deadline, ok := ctx.Deadline()
	if !ok || s.opts.VendorCalls == nil {
		return true
	}
	return time.Until(deadline) > s.opts.VendorCalls.Timeout
}

// allIndexes returns 0 to n-1.
func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// applyOutcomesTogether applies the outcomes of runs in one transaction, with the
// plans of their subscriptions from memory: the completions of the jobs done
// first, then the locks and reads of every run in one round trip on PostgreSQL,
// each order before its subscription, then each outcome in turn; their writes go
// with the commit. Any failure rolls all of them back.
func (s *Service) applyOutcomesTogether(ctx context.Context, runs []*answeredRun) error {
	if len(runs) == 0 {
		return nil
	}
	held := make([]salePlan, len(runs))
	for i, run := range runs {
		var err error
		if held[i], err = s.salePlan(ctx, run.req.Subscription.PlanID, false); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(tx *store.Conn) error {
		now := s.clock.Now()
		var done []jobs.Done
		reads := make([]store.LockedReads, len(runs))
		for i, run := range runs {
			if run.out.Done {
				done = append(done, jobs.Done{Job: run.job, Result: run.result})
			}
			reads[i] = s.outcomeReads(run.p, run.req.Order, run.req.Subscription, held[i].plan.ProductID, run.out)
		}
		if err := jobs.CompleteGroupIn(ctx, tx, done, now); err != nil {
			return err
		}
		locked, err := tx.ReadLockedAll(ctx, reads)
		if err != nil {
			return err
		}
		for i, run := range runs {
			err := s.applyLockedOutcome(ctx, tx, run.p, run.req.Order, locked[i], held[i], run.out, now)
			if err != nil {
				return fmt.Errorf("apply the outcome of %s of subscription %d: %w", run.p.Op,
					run.p.SubscriptionID, err)
			}
		}
		return nil
	})
}

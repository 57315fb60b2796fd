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

// The provisioning boundary: every change the vendor must hear about is a job of
// kind JobProvision, written in the transaction of the change (the outbox). The job's
// handler asks the Provisioner to carry the operation out and applies the outcome in
// a transaction of its own, under the rows' locks.

// JobProvision carries one provisioning operation of a subscription to the vendor.
const JobProvision = "provision"

// provisionAttempts bounds the runs of one provisioning job; only a Provisioner that
// cannot reach the vendor (an error, not a refusal) makes it run again. A vendor
// retry schedule of more delays raises it (Service.provisionAttempts).
const provisionAttempts = 10

// provisionAttempts is how many runs a provisioning job gets: provisionAttempts, or
// the first run and one after each delay of the vendor retry schedule when that is
// more, so the job's bound never cuts the schedule short.
func (s *Service) provisionAttempts() int {
	if s.opts.VendorCalls != nil {
		return max(provisionAttempts, len(s.opts.VendorCalls.Retry)+1)
	}
	return provisionAttempts
}

// ProvisionRequest is one operation the vendor is asked to carry out.
type ProvisionRequest struct {
	Subscription *domain.Subscription
	Op           domain.ProvisionOp
	Order        *domain.Order // the order that causes it; nil for stops, activations, deletions
	// Job is the provisioning job that carries the operation: its id names the
	// operation to the vendor on every attempt, and its Attempts count this one.
	Job domain.Job
	// plan and product are the subscription's plan and its product with its
	// secret when a provisioner before in the chain read them (withProduct); nil
	// otherwise.
	plan    *domain.Plan
	product *catalogProduct
	// parties are the seller and the distributor when the provisioner read them
	// with the product (deliveryCatalog); tenant the subscription's account when
	// the run read it with the subscription (FindProvisionSubject). nil otherwise.
	parties *vendorParties
	tenant  *store.AccountTenant
	// gens are the generations of the catalogue and of the seller when the run
	// read them with the subscription (on PostgreSQL, in its round trip); nil
	// otherwise.
	gens *sellerGens
}

// ProvisionOutcome is the vendor's answer: done, failed with the vendor's text, or
// waiting for a manager to carry the operation out (manual mode).
type ProvisionOutcome struct {
	Done    bool
	Message string // why it failed; empty when done
	// Waiting ends the job leaving the operation open, until a manager marks it
	// done or failed (CompleteSubscriptionProvisioning).
	Waiting bool `json:",omitempty"`
	// keep, when set, keeps what the provisioner learnt (the vendor's answer or
	// error) in the transaction that applies the outcome, under the subscription's
	// lock, so the two are committed together or not at all: it changes the
	// subscription, which the outcome then writes, and may write rows of its own.
	keep func(ctx context.Context, tx *store.Conn, sub *domain.Subscription) error
}

// Provisioner carries out provisioning operations on the vendor's side.
type Provisioner interface {
	// Provision carries out req and reports the vendor's outcome. An error means no
	// outcome was had (the vendor did not answer): the job is retried later.
	Provision(ctx context.Context, req ProvisionRequest) (ProvisionOutcome, error)
}

// BuiltinProvisioner is the provisioner of an installation without vendor calls:
// every operation is done at once.
type BuiltinProvisioner struct{}

// Provision implements Provisioner.
func (BuiltinProvisioner) Provision(context.Context, ProvisionRequest) (ProvisionOutcome, error) {
	return ProvisionOutcome{Done: true}, nil
}

// provisionPayload is the payload of a provisioning job.
type provisionPayload struct {
	SubscriptionID int64              `json:"subscription_id"`
	OrderID        int64              `json:"order_id,omitempty"`
	Op             domain.ProvisionOp `json:"op"`
}

// startProvisioning moves sub into op's transitional status and writes the job that
// carries op to the vendor, in tx. order, which causes it, may be nil.
func (s *Service) startProvisioning(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	rules domain.BillingRules, op domain.ProvisionOp, order *domain.Order, now time.Time) error {
	if err := sub.Apply(domain.ProvisionStart(op), rules); err != nil {
		return err
	}
	sub.UpdatedAt = now
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	return s.enqueueProvision(ctx, tx, sub, op, order)
}

// enqueueProvision writes the job that carries op of sub, which already shows op's
// transitional status, to the vendor, in tx. order, which causes it, may be nil.
func (s *Service) enqueueProvision(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	op domain.ProvisionOp, order *domain.Order) error {
	p := provisionPayload{SubscriptionID: sub.ID, Op: op}
	if order != nil {
		p.OrderID = order.ID
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	// Nothing reads the job before the commit: it is sent with it.
	j := &domain.Job{Kind: JobProvision, ResellerID: sub.ResellerID, Payload: payload, MaxAttempts: s.provisionAttempts()}
	j.CreatedAt = s.clock.Now()
	return tx.EnqueueJobLater(j)
}

// orderProvisionOp is the operation an order of kind k sends to the vendor.
func orderProvisionOp(k domain.OrderKind) domain.ProvisionOp {
	switch k {
	case domain.SalesOrder:
		return domain.ProvisionOpCreate
	case domain.SwitchOrder:
		return domain.ProvisionOpSwitch
	case domain.RenewalOrder, domain.ProlongOrder:
		return domain.ProvisionOpRenew
	}
	return domain.ProvisionOpUpdate
}

// runProvision is the handler of provisioning jobs. Only one operation of a
// subscription runs at a time: an operation starts from a stable status and leaves
// the subscription in a transitional one, from which nothing else starts until this
// job applies the outcome; so the jobs of one subscription never overlap.
func (s *Service) runProvision(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	p, err := provisionPayloadOf(job)
	if err != nil {
		return nil, err
	}
	tenant := s.callsVendors()
	subject, err := s.db.Reader().FindProvisionSubject(ctx, p.SubscriptionID, p.OrderID, tenant,
		subjectGroups(job, tenant)...)
	if err != nil {
		return nil, err
	}
	run, result, err := s.askVendor(ctx, job, p, subject)
	if run == nil {
		return result, err
	}
	out := s.applyAlone(ctx, run)
	return out.Result, out.Err
}

// provisionPayloadOf returns the payload of job, a provisioning job; one that does
// not parse fails the job for good.
func provisionPayloadOf(job domain.Job) (provisionPayload, error) {
	var p provisionPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || !p.Op.Valid() {
		return p, jobs.Permanent(fmt.Errorf("payload %s: %v", job.Payload, err))
	}
	return p, nil
}

// callsVendors reports whether the installation's provisioner calls vendors. Such
// a provisioner builds every request with the tenant: a run reads it with the
// subscription and the order, in their round trip. So are the generations of the
// catalogue and of the seller (the job's reseller is the subscription's), with
// which the request's plan, product and parties come from memory
// (subjectGroups).
func (s *Service) callsVendors() bool {
	_, ok := s.opts.Provisioner.(*vendorProvisioner)
	return ok
}

// subjectGroups are the groups of scopes whose generations a run of job reads
// with its subject: the seller's, when vendors are called (tenant).
func subjectGroups(job domain.Job, tenant bool) [][]store.Scope {
	if !tenant {
		return nil
	}
	return sellerGroups(job.ResellerID)
}

// applyProvisionOutcome applies the vendor's outcome under the rows' locks, the
// order's before the subscription's (the order every writer takes them in): the order
// completes or fails, and the subscription reaches the operation's done or failed
// status. Done for a create starts the subscription's period on today's local date.
// An outcome done ends the job, as done with result, in the same transaction
// (jobs.CompleteIn). req is what the run read before it asked the vendor: the
// transaction does not read the order's lines again (they never change), and takes
// the plan of the subscription from memory (see sale_plans.go), checked by the
// subscription's update against the catalogue's generation; when the catalogue has
// moved, the outcome is applied again on the plan read afresh.
func (s *Service) applyProvisionOutcome(ctx context.Context, p provisionPayload, req ProvisionRequest,
	out ProvisionOutcome, result json.RawMessage) error {
	err := s.onSalePlan(ctx, req.Subscription.PlanID, func(held salePlan) error {
		// Outcomes of one account's subscriptions hold its users' vendor rows shared,
		// and one may then need a row for update (wantVendorUsersIn): the database
		// may break a deadlock between two of them by failing one, which then runs
		// again here rather than asking the vendor again in a run of its own.
		for retries := 0; ; retries++ {
			err := s.inTx(ctx, func(tx *store.Conn) error {
				return s.applyOutcomeIn(ctx, tx, p, req.Order, req.Subscription, held, out, result)
			})
			if !store.IsDeadlock(err) || retries >= maxDeadlockRetries {
				return err
			}
		}
	})
	if err != nil {
		return fmt.Errorf("apply the outcome of %s of subscription %d: %w", p.Op, p.SubscriptionID, err)
	}
	return nil
}

// onSalePlan runs apply, a transaction applying an outcome, with the plan planID
// held in memory, and again on the plan read afresh while it fails because the
// catalogue moved (store.ErrCatalogMoved), at most three times in all.
func (s *Service) onSalePlan(ctx context.Context, planID int64, apply func(held salePlan) error) error {
	err := store.ErrCatalogMoved
	for try := 0; try < 3 && errors.Is(err, store.ErrCatalogMoved); try++ {
		var held salePlan
		if held, err = s.salePlan(ctx, planID, try > 0); err != nil {
			break
		}
		err = apply(held)
	}
	return err
}

// applyOutcomeIn is applyProvisionOutcome's transaction tx, with read the order read
// before (nil without one), before the subscription read before (nil when not read)
// and held the plan the subscription was read with.
func (s *Service) applyOutcomeIn(ctx context.Context, tx *store.Conn, p provisionPayload, read *domain.Order,
	before *domain.Subscription, held salePlan, out ProvisionOutcome, result json.RawMessage) error {
	now := s.clock.Now()
	if out.Done {
		if err := jobs.CompleteIn(ctx, tx, result, now); err != nil {
			return err
		}
	}
	locked, err := tx.ReadLocked(ctx, s.outcomeReads(p, read, before, held.plan.ProductID, out))
	if err != nil {
		return err
	}
	return s.applyLockedOutcome(ctx, tx, p, read, locked, held, out, now)
}

// applyLockedOutcome applies out, the outcome of p, at now in tx, which read
// locked under the locks of the order and the subscription (outcomeReads), with
// read the order the run read before (nil without one) and held the plan the
// subscription was read with.
func (s *Service) applyLockedOutcome(ctx context.Context, tx *store.Conn, p provisionPayload, read *domain.Order,
	locked store.LockedRows, held salePlan, out ProvisionOutcome, now time.Time) error {
	var err error
	order, sub := locked.Order, locked.Subscription
	if order != nil && !needOrderLines(p, read) {
		order.Lines = read.Lines
	}
	if outcomeApplied(p, sub, order) {
		return nil
	}
	if out.keep != nil {
		if err := out.keep(ctx, tx, sub); err != nil {
			return err
		}
	}
	if sub.PlanID != held.plan.ID { // moved since the run's first read
		if held, err = s.currentSalePlan(ctx, tx, sub.PlanID); err != nil {
			return err
		}
	}
	if order != nil {
		ev := domain.OrderEventProvisioned
		if !out.Done {
			ev = domain.OrderEventProvisioningFailed
		}
		if err := order.Apply(ev, now, s.opts.Location); err != nil {
			return err
		}
		order.UpdatedAt = now
		if err := tx.UpdateOrder(ctx, order); err != nil {
			return err
		}
		if order.Status == domain.OrderStatusCompleted {
			// The order's rows and the subscription's are locked; the account comes last.
			if err := s.moveOrderCharges(ctx, tx, order, chargesOnComplete, accountMove{}, now); err != nil {
				return err
			}
		}
	}
	plan, rules := held.plan, held.plan.BillingType.Rules()
	tx.HoldPlanTerms(plan.ID, plan.BillingType, held.terms, held.gen)
	ev := domain.ProvisionDone(p.Op)
	if !out.Done {
		ev = domain.ProvisionFailed(p.Op)
	}
	if err := sub.Apply(ev, rules); err != nil {
		return err
	}
	if out.Done { // back in a stable status: the debt its orders raised may block it
		if _, err := s.applyDebtMoveAfterOp(ctx, tx, sub, &rules, p.Op, locked.Account); err != nil {
			return err
		}
	}
	if out.Done && p.Op == domain.ProvisionOpCreate {
		period, ok := planPeriod(plan, sub.PlanPeriodID)
		if !ok {
			return fmt.Errorf("subscription %d: period %d is not in plan %d", sub.ID, sub.PlanPeriodID, plan.ID)
		}
		sub.StartDate, sub.ExpirationDate, sub.PaidTo = domain.ActivePeriod(s.today(now), period, rules)
	}
	if out.Done {
		if err := s.wantVendorUsersIn(ctx, tx, sub, plan, held.gen, p.Op, locked); err != nil {
			return err
		}
	}
	if out.Done && order != nil && order.Kind != domain.SalesOrder {
		return s.completeOrder(ctx, tx, order, sub, plan, now)
	}
	sub.UpdatedAt = now
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	if out.Done && p.Op == domain.ProvisionOpStop {
		return s.recordStopped(ctx, tx, sub, plan, now)
	}
	return nil
}

// outcomeReads is what applyOutcomeIn reads as it locks the order and the
// subscription: the order's lines unless the run read them (they never change), and,
// for an outcome done, what the subscription as the run read it says the transaction
// will read after the locks: the account of a postpaid subscription under the
// system's credit limit, whose debt the outcome reviews, and the account's users,
// whose state at the vendor an outcome moves when vendors are called, with the
// first user's row of product (the plan's) held shared when the outcome leaves the
// subscription in use and that row is settled (wantVendorUsersIn's first step). On
// PostgreSQL they go in the locks' round trip (store.Conn.ReadLocked); a guess the
// locked rows belie costs a read that is not used, or one of its own later.
func (s *Service) outcomeReads(p provisionPayload, read *domain.Order, before *domain.Subscription, product int64,
	out ProvisionOutcome) store.LockedReads {
	r := store.LockedReads{OrderID: p.OrderID, OrderLines: needOrderLines(p, read), SubscriptionID: p.SubscriptionID}
	if before == nil || before.ID != p.SubscriptionID || !out.Done {
		return r
	}
	if before.PaymentModel == domain.PaymentModelPostpay && before.CreditLimitUseSystem {
		r.AccountID = before.AccountID
	}
	if after, ok := subscriptionAfter(p.Op); ok && s.opts.VendorCalls != nil {
		r.UsersOf = before.AccountID
		if state := wantedUserState([]domain.SubscriptionStatus{after}); state == userActive {
			r.HoldProduct, r.HoldState = product, state
		}
	}
	return r
}

// needOrderLines reports whether the outcome of p must read its order's lines: the
// run read none, or another order's.
func needOrderLines(p provisionPayload, read *domain.Order) bool {
	return p.OrderID != 0 && (read == nil || read.ID != p.OrderID)
}

// outcomeApplied reports whether the outcome of the job with payload p was applied
// already, by a run that died before the job was marked done: the subscription has
// left the operation's transitional status, or the order that caused it is no longer
// provisioning. The order is what tells, since a later order of the same kind puts
// the subscription back into the same status. Both are moved in one transaction.
func outcomeApplied(p provisionPayload, sub *domain.Subscription, order *domain.Order) bool {
	return sub.Status != p.Op.Transitional() || order != nil && order.Status != domain.OrderStatusProvisioning
}

// planPeriod is the period id of plan.
func planPeriod(plan *domain.Plan, id int64) (domain.PlanPeriod, bool) {
	for _, p := range plan.Periods {
		if p.ID == id {
			return p, true
		}
	}
	return domain.PlanPeriod{}, false
}

package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// The lifecycle passes of the scheduler: the steps orders and subscriptions take
// because a day has come (docs/lifecycle.md, "Time: what the scheduler does"). Each
// pass finds its due rows through an index (store.DueQuery), then takes them in
// batches, one transaction per batch; every row is locked and checked again inside
// it, since an API call or another node may have moved it since it was found. A row
// that is no longer due is skipped, so a second run for one instant changes nothing.

// PassBatch is how many rows one transaction of a lifecycle pass takes at most.
const PassBatch = 500

// Passes returns the lifecycle passes, in the order they run at each instant:
// unpaid orders are cancelled before anything is provisioned, the automatic renewal
// and prolong orders are made before delayed orders start (a renewal made on the
// expiration date starts at once), a prolong order paid and waiting for the paid-to
// date starts before unpaid months stop, expired periods are graced or stopped
// before graces end, and stops before deletions.
func (s *Service) Passes() []jobs.Pass {
	passes := []*lifecyclePass{
		{name: "expire_unpaid_orders", query: store.DueUnpaidOrders, lag: 1, step: s.expireUnpaidOrder},
		{name: "renew_subscriptions", query: store.DueRenewals, step: s.autoRenew,
			batchStep: s.automaticBatch(domain.RenewalOrder)},
		{name: "prolong_subscriptions", query: store.DueProlongs, step: s.autoProlong,
			batchStep: s.automaticBatch(domain.ProlongOrder)},
		{name: "start_delayed_orders", query: store.DueDelayedOrders, step: s.startDelayedOrder},
		{name: "end_paid_months", query: store.DuePaidMonths, step: s.endPaidMonth},
		{name: "end_subscription_periods", query: store.DueExpiredSubscriptions, step: s.endPeriod},
		{name: "end_subscription_graces", query: store.DueGraceEnds, step: s.endGrace},
		{name: "delete_stopped_subscriptions", query: store.DueDeletions, step: s.deleteStopped},
		// The day after its due date an unpaid invoice's payment expires. One payment
		// a transaction: each locks its invoice's subscriptions after it, so a second
		// payment in the same transaction would be locked after a subscription, the
		// wrong way round for a completion of that payment running at the same time.
		// Few invoices expire on a day.
		{name: "expire_invoice_payments", query: store.DueInvoicePayments, lag: 1, step: s.expireInvoicePayment,
			batch: 1},
	}
	out := make([]jobs.Pass, len(passes))
	for i, p := range passes {
		p.s = s
		if p.batch == 0 {
			p.batch = PassBatch
		}
		out[i] = p
	}
	// Consumption is read, then charged, then invoiced, so that what was read at a
	// billing day's midnight joins that day's invoices.
	out = append(out, s.vendorReadPasses()...)
	out = append(out, s.usageBillingPasses()...)
	out = append(out, s.billingPasses()...)
	// Subzero periods end after the day's charges, which may move balances first.
	return append(out, s.subzeroPasses()...)
}

// passStep takes one due row (order or subscription id) in tx: it locks the row,
// checks it is still due at now (local day today) and moves it on. It reports false
// when the row was no longer due. A refusal of the state machine (a forbidden error)
// leaves the row as it is: the batch is run again without it.
type passStep func(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error)

// passBatch is what the steps of one transaction share: the instant, and the
// service terms read once per batch, by id (0: the default terms).
type passBatch struct {
	now   time.Time
	today domain.Date
	terms map[int64]domain.TermSettings
}

// lifecyclePass is a jobs.Pass over one due query: a row of it falls due at local
// midnight lag days after its date.
type lifecyclePass struct {
	s     *Service
	name  string
	query store.DueQuery
	lag   int
	step  passStep
	// batchStep, when set, takes the rows of each batch first, together, and
	// leaves the rows it cannot take to step.
	batchStep batchStep
	batch     int // rows per transaction
}

// Name implements jobs.Pass.
func (p *lifecyclePass) Name() string { return p.name }

// Run implements jobs.Pass: it walks every row due at now once, in batches. A run
// that found rows logs how many and how long it took.
func (p *lifecyclePass) Run(ctx context.Context, now time.Time) error {
	today := p.s.today(now)
	through := today.AddDays(-p.lag)
	var (
		after store.DueKey
		found int
		start = time.Now() // the machine's time: how long the run takes
	)
	defer func() {
		if found > 0 {
			p.s.log.Info("scheduler pass ran", "pass", p.name, "at", now, "due", found,
				"seconds", time.Since(start).Seconds())
		}
	}()
	batches := p.overlapping()
	defer batches.wait()
	for batches.err() == nil {
		keys, err := p.s.db.Reader().DueRows(ctx, p.query, through, after, p.batch)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			break
		}
		found += len(keys)
		batches.run(func() error {
			if err := p.runBatch(ctx, now, keys); err != nil {
				return fmt.Errorf("%s at %s: %w", p.name, now, err)
			}
			return nil
		})
		if len(keys) < p.batch {
			break
		}
		after = keys[len(keys)-1]
	}
	return batches.wait()
}

// batchesInFlight is how many batches of a pass with a batch step run at once on
// PostgreSQL. There most of a batch's work is the server's (its inserts and
// updates), so the next batch reads, locks and drafts its rows in this process while
// the one before writes. More would only queue: every batch holds its series'
// document counters from its first order to its commit. The rows of two batches
// are apart (the walk hands each row out once) and the second waits for the first
// only at the counters, which the first takes last of what the two share, so they
// cannot deadlock. On SQLite, with one writer, batches run one after another.
const batchesInFlight = 2

// overlapping returns the runner of p's batches for one run.
func (p *lifecyclePass) overlapping() *batchRunner {
	n := 1
	if p.batchStep != nil && p.s.db.Engine() == store.Postgres {
		n = batchesInFlight
	}
	return &batchRunner{slots: make(chan struct{}, n)}
}

// batchRunner runs the batches of a pass run, up to cap(slots) at once, and keeps
// the first error; after one, no batch starts.
type batchRunner struct {
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	first error
}

// run runs batch when a slot is free, in a goroutine of its own unless batches run
// one at a time.
func (r *batchRunner) run(batch func() error) {
	if cap(r.slots) == 1 {
		r.fail(batch())
		return
	}
	r.slots <- struct{}{}
	r.wg.Add(1)
	go func() {
		defer func() {
			if v := recover(); v != nil { // as the scheduler's guard does for a pass
				r.fail(fmt.Errorf("batch panicked: %v", v))
			}
			<-r.slots
			r.wg.Done()
		}()
		r.fail(batch())
	}()
}

func (r *batchRunner) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first == nil {
		r.first = err
	}
}

// err returns the first error of the batches run so far.
func (r *batchRunner) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first
}

// wait waits for the batches running and returns the first error.
func (r *batchRunner) wait() error {
	r.wg.Wait()
	return r.err()
}

// maxDeadlockRetries bounds how often a batch runs again after the database broke a
// deadlock with another node's batch by failing this one.
const maxDeadlockRetries = 5

// runBatch takes keys in one transaction. A row the state machine refuses rolls the
// transaction back, and the batch runs again without it: what a refused step wrote
// before the refusal must not stay. A batch that another node's batch deadlocked
// with runs again too: its steps re-check every row, so what the other node did
// meanwhile is not done twice.
func (p *lifecyclePass) runBatch(ctx context.Context, now time.Time, keys []store.DueKey) error {
	refused := map[int64]bool{}
	for retries := 0; ; {
		b := &passBatch{now: now, today: p.s.today(now), terms: map[int64]domain.TermSettings{}}
		var at int64
		err := p.s.inTx(ctx, func(tx *store.Conn) error {
			ids := make([]int64, 0, len(keys))
			for _, k := range keys {
				if !refused[k.ID] {
					ids = append(ids, k.ID)
				}
			}
			if p.batchStep != nil {
				var err error
				if ids, err = p.batchStep(ctx, tx, b, ids); err != nil {
					return err
				}
			}
			for _, id := range ids {
				at = id
				if _, err := p.step(ctx, tx, b, id); err != nil {
					return err
				}
			}
			return nil
		})
		if store.IsDeadlock(err) && retries < maxDeadlockRetries {
			retries++
			continue
		}
		if domain.CodeOf(err) == domain.ErrForbidden && at != 0 {
			p.s.log.Warn("scheduler: a due row was refused and is left as it is", "pass", p.name, "id", at, "err", err)
			refused[at] = true
			continue
		}
		return err
	}
}

// NextDue implements jobs.Pass: the local midnight of the day the next row falls due.
func (p *lifecyclePass) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	today := p.s.today(after)
	d, ok, err := p.s.db.Reader().NextDueDate(ctx, p.query, today.AddDays(-p.lag))
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	return d.AddDays(p.lag).Start(p.s.opts.Location), true, nil
}

// termsOf returns the service-term settings of plan, each service term read once
// per batch (plans share a few terms).
func (b *passBatch) termsOf(ctx context.Context, tx *store.Conn, plan *domain.Plan) (domain.TermSettings, error) {
	if t, ok := b.terms[plan.ServiceTermID]; ok {
		return t, nil
	}
	t, err := tx.PlanTermSettings(ctx, plan)
	if err == nil {
		b.terms[plan.ServiceTermID] = t
	}
	return t, err
}

// expireUnpaidOrder cancels an order still unpaid after its expiration date, with
// its payment, as cancel_operation does (a sales order's subscription is discarded).
func (s *Service) expireUnpaidOrder(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	o, err := tx.FindOrderForUpdate(ctx, 0, id)
	if err != nil || !o.Unpaid(b.today) {
		return false, err
	}
	return true, s.closeUnprovisioned(ctx, tx, o, domain.OrderEventExpire, b.now)
}

// startDelayedOrder starts provisioning an accepted order whose provisioning date has
// come, as a payment does for an order that is not delayed.
func (s *Service) startDelayedOrder(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	o, err := tx.FindOrderForUpdate(ctx, 0, id)
	if err != nil || o.Status != domain.OrderStatusWaitingForProvisioning || o.Delayed(b.today) {
		return false, err
	}
	if err := o.Apply(domain.OrderEventProvisioningDateReached, b.now, s.opts.Location); err != nil {
		return false, err
	}
	o.UpdatedAt = b.now
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return false, err
	}
	return true, s.provisionOrder(ctx, tx, o, b.now)
}

// provisionOrder starts the provisioning of o, which has just become provisioning:
// the subscription moves into the operation's transitional status and the job is
// written, in tx.
func (s *Service) provisionOrder(ctx context.Context, tx *store.Conn, o *domain.Order, now time.Time) error {
	sub, err := tx.FindSubscriptionForUpdate(ctx, 0, o.SubscriptionID)
	if err != nil {
		return err
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return err
	}
	return s.startProvisioning(ctx, tx, sub, plan.BillingType.Rules(), orderProvisionOp(o.Kind), o, now)
}

// lockedSubscription reads subscription id for update with its plan and schedule,
// and its order that waits for its payment or its provisioning date (nil when none),
// which a stop or a deletion the step asks for cancels. The rows are locked in the
// order every writer takes them: the waiting order first, then the subscription
// (see operateSubscription).
func (s *Service) lockedSubscription(ctx context.Context, tx *store.Conn, id int64) (*lockedSub, error) {
	waiting, err := lockWaitingOrder(ctx, tx, id, nil)
	if err != nil {
		return nil, err
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if waiting, err = lockWaitingOrder(ctx, tx, id, waiting); err != nil {
		return nil, err
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	sched, err := tx.FindSubscriptionSchedule(ctx, id)
	return &lockedSub{sub: sub, plan: plan, sched: sched, waiting: waiting}, err
}

// lockedSub is a subscription a pass step holds: its row, plan and schedule, and
// its waiting order.
type lockedSub struct {
	sub     *domain.Subscription
	plan    *domain.Plan
	sched   store.SubscriptionSchedule
	waiting *domain.Order
}

// endPeriod acts on an active subscription whose period ended without a renewal:
// its automatic renewal is paid from the balance when that covers it
// (renewFromBalance); otherwise (domain.LapseOf) it is graced until its grace ends,
// or its stop is asked for.
func (s *Service) endPeriod(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	l, err := s.lockedSubscription(ctx, tx, id)
	if err != nil || !l.sub.PeriodEnded(b.today) || l.sched.ExpiryHandledFor == l.sub.ExpirationDate {
		return false, err
	}
	if paid, err := s.renewFromBalance(ctx, tx, b, l); err != nil || paid {
		return paid, err
	}
	terms, err := b.termsOf(ctx, tx, l.plan)
	if err != nil {
		return false, err
	}
	lapse := domain.LapseOf(l.sub, terms)
	if err := s.requestAutomatic(ctx, tx, b, l, lapse.Event); err != nil {
		return false, err
	}
	l.sched.ExpiryHandledFor, l.sched.GraceEndsOn = l.sub.ExpirationDate, lapse.GraceEndsOn
	return true, tx.UpdateSubscriptionSchedule(ctx, l.sub.ID, l.sched)
}

// endPaidMonth asks for the stop of a subscription paid month by month whose
// paid-to date has come with the next month unpaid (domain.PaidMonthEnded); its
// prolong order still waiting for payment is cancelled with it. The paid-to date is
// acted on once: a declined stop is not asked again for that month, and a row the
// domain leaves alone (a trial) leaves the pass's index.
func (s *Service) endPaidMonth(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	l, err := s.lockedSubscription(ctx, tx, id)
	if err != nil || l.sub.Status != domain.SubscriptionStatusActive || l.sub.PaidTo.IsZero() ||
		l.sub.PaidTo.After(b.today) || l.sched.PaidToHandledFor == l.sub.PaidTo {
		return false, err
	}
	if l.sub.PaidMonthEnded(l.plan.BillingType.Rules(), b.today) {
		terms, err := b.termsOf(ctx, tx, l.plan)
		if err != nil {
			return false, err
		}
		if err := s.requestAutomatic(ctx, tx, b, l, domain.ProvisionRequest(domain.ProvisionOpStop, terms)); err != nil {
			return false, err
		}
	}
	l.sched.PaidToHandledFor = l.sub.PaidTo
	return true, tx.UpdateSubscriptionSchedule(ctx, l.sub.ID, l.sched)
}

// endGrace asks for the stop of a graced subscription whose grace has ended.
func (s *Service) endGrace(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	l, err := s.lockedSubscription(ctx, tx, id)
	if err != nil || l.sub.Status != domain.SubscriptionStatusGraced || l.sched.GraceEndsOn.IsZero() ||
		l.sched.GraceEndsOn.After(b.today) {
		return false, err
	}
	return true, s.requestScheduled(ctx, tx, b, l, domain.ProvisionOpStop, &l.sched.GraceEndsOn)
}

// deleteStopped asks for the deletion of a subscription stopped for the stop period.
func (s *Service) deleteStopped(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	l, err := s.lockedSubscription(ctx, tx, id)
	if err != nil || l.sub.Status != domain.SubscriptionStatusStopped || l.sched.DeleteOn.IsZero() ||
		l.sched.DeleteOn.After(b.today) {
		return false, err
	}
	return true, s.requestScheduled(ctx, tx, b, l, domain.ProvisionOpDelete, &l.sched.DeleteOn)
}

// requestScheduled asks for op on l's subscription under its plan's terms and clears
// the day it was due on (due, a field of l.sched): a manager who declines it keeps
// the subscription as it is, and is not asked again.
func (s *Service) requestScheduled(ctx context.Context, tx *store.Conn, b *passBatch, l *lockedSub,
	op domain.ProvisionOp, due *domain.Date) error {
	terms, err := b.termsOf(ctx, tx, l.plan)
	if err != nil {
		return err
	}
	if err := s.requestAutomatic(ctx, tx, b, l, domain.ProvisionRequest(op, terms)); err != nil {
		return err
	}
	*due = domain.Date{}
	return tx.UpdateSubscriptionSchedule(ctx, l.sub.ID, l.sched)
}

// requestAutomatic moves l's subscription by ev: grace, or a domain.ProvisionRequest
// that waits for a manager's approval or starts the operation and writes its job. A
// stop or a deletion first cancels the subscription's waiting order with its
// payment, as a manager's stop does (domain.SubscriptionEvent.EndsWaitingOrders).
func (s *Service) requestAutomatic(ctx context.Context, tx *store.Conn, b *passBatch, l *lockedSub,
	ev domain.SubscriptionEvent) error {
	if ev.EndsWaitingOrders() && l.waiting != nil {
		if err := s.closeUnprovisioned(ctx, tx, l.waiting, domain.OrderEventSubscriptionStopped, b.now); err != nil {
			return err
		}
	}
	rules := l.plan.BillingType.Rules()
	if ev.Kind == domain.SubscriptionEventStart {
		return s.startProvisioning(ctx, tx, l.sub, rules, ev.Op, nil, b.now)
	}
	if err := l.sub.Apply(ev, rules); err != nil {
		return err
	}
	l.sub.UpdatedAt = b.now
	return tx.UpdateSubscription(ctx, l.sub)
}

// recordStopped keeps the day sub, read for update, stopped, and the day its
// deletion falls due under plan's terms of today.
func (s *Service) recordStopped(ctx context.Context, tx *store.Conn, sub *domain.Subscription, plan *domain.Plan, now time.Time) error {
	terms, err := tx.PlanTermSettings(ctx, plan)
	if err != nil {
		return err
	}
	sched, err := tx.FindSubscriptionSchedule(ctx, sub.ID)
	if err != nil {
		return err
	}
	sched.StoppedOn = s.today(now)
	sched.DeleteOn = domain.DeletionDay(sched.StoppedOn, terms)
	return tx.UpdateSubscriptionSchedule(ctx, sub.ID, sched)
}

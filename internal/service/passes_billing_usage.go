package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// Pay as you go (docs/billing.md, "Pay as you go"): on each billing day the pass
// bill_consumption charges what the subscriptions whose consumption is read
// (products with the consumption toggle) consumed in the billing period that ended
// the day before, beyond what each holds, at each resource's overuse fee: one
// Charge::Overuse per resource and period (domain.UsageCharge), rounded once,
// converted at the currency rate in force. A read belongs to the period in which it
// ended. Prepaid charges are closed at once (the balance pays them); postpaid ones
// are blocked, and bill_accounts, which runs after this pass, invoices them with the
// period's other postpaid charges. A period's charge has the billing key
// usage:<plan resource>:<period start>, unique per subscription: a run again, or
// one of another process at once, charges nothing twice.

// usageBatch is how many subscriptions one transaction of the pass charges: at
// most one charge per plan resource each, so a transaction holds a few thousand
// charges at most, and the pass's memory is one batch's reads whatever the size of
// the history of reads.
const usageBatch = 1000

// usagePass is the scheduler's pass that charges consumption.
type usagePass struct {
	s     *Service
	batch int
	// onBatch, when set, is told the subscriptions of each transaction before it
	// runs (tests watch the batches with it).
	onBatch func(subs []store.ConsumerToBill)

	done dayDone // this process's last complete run
}

// usageBillingPasses returns the pass that charges consumption.
func (s *Service) usageBillingPasses() []jobs.Pass {
	return []jobs.Pass{&usagePass{s: s, batch: usageBatch}}
}

// Name implements jobs.Pass.
func (p *usagePass) Name() string { return "bill_consumption" }

// NextDue implements jobs.Pass: the local midnight of the next billing day of a
// subscription whose consumption is read.
func (p *usagePass) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	days, err := p.s.db.Reader().ConsumptionBillingDays(ctx)
	if err != nil || len(days) == 0 {
		return time.Time{}, false, err
	}
	return p.s.nextBillingMidnight(after, days), true, nil
}

// Run implements jobs.Pass: it charges the consumption of the periods billed on the
// latest billing day of each subscription up to the local day of now. It walks the
// subscriptions with consumption in the window in id order, a batch of p.batch per
// transaction; a run killed between batches is finished by the next, which skips
// what was charged.
func (p *usagePass) Run(ctx context.Context, now time.Time) error {
	today := p.s.today(now)
	if p.done.is(today) {
		return nil
	}
	loc := p.s.opts.Location
	// Every period billed up to today started within the last two months.
	from, to := today.AddMonths(-2).Start(loc), today.AddDays(1).Start(loc)
	for after := int64(0); ; {
		subs, err := p.s.db.Reader().ConsumersToBill(ctx, from, to, after, p.batch)
		if err != nil {
			return err
		}
		if len(subs) > 0 {
			if after > 0 {
				if err := p.s.passPause(ctx); err != nil {
					return err
				}
			}
			if err := p.runBatch(ctx, now, subs, from, to); err != nil {
				return fmt.Errorf("bill consumption at %s: %w", now, err)
			}
		}
		if len(subs) < p.batch {
			break
		}
		after = subs[len(subs)-1].SubscriptionID
	}
	p.done.set(today)
	return nil
}

// runBatch charges the consumption of subs that ended after from and not after to
// in one transaction, again when the database broke a deadlock with another writer
// by failing it.
func (p *usagePass) runBatch(ctx context.Context, now time.Time, subs []store.ConsumerToBill, from, to time.Time) error {
	if p.onBatch != nil {
		p.onBatch(subs)
	}
	for retries := 0; ; retries++ {
		err := p.s.inTx(ctx, func(tx *store.Conn) error { return p.s.chargeConsumption(ctx, tx, subs, from, to, now) })
		if !store.IsDeadlock(err) || retries >= maxDeadlockRetries {
			return err
		}
	}
}

// chargeConsumption charges, in tx, the consumption of subs that ended after from
// and not after to and belongs to each one's billed period, holding the rows of
// their accounts (every change of an account's charges happens under its lock, so
// the keys read are the keys charged).
func (s *Service) chargeConsumption(ctx context.Context, tx *store.Conn, subs []store.ConsumerToBill,
	from, to time.Time, now time.Time) error {
	var accounts, subIDs []int64
	day := map[int64]int{}
	for _, c := range subs {
		accounts = append(accounts, c.AccountID)
		subIDs = append(subIDs, c.SubscriptionID)
		day[c.SubscriptionID] = c.BillingDay
	}
	// The subscriptions before their accounts (the lock order): a postpaid
	// subscription's debt moves with its charges.
	found, err := tx.FindSubscriptionsForUpdate(ctx, subIDs)
	if err != nil {
		return err
	}
	slices.Sort(accounts)
	if err := tx.LockAccounts(ctx, slices.Compact(accounts)); err != nil {
		return err
	}
	reads, err := tx.ConsumptionEnded(ctx, subIDs, from, to)
	if err != nil {
		return err
	}
	today, loc := s.today(now), s.opts.Location
	bySub := map[int64][]store.ConsumptionRead{}
	for _, r := range reads {
		periodFrom, _, billed := domain.BillingPeriod(today, day[r.SubscriptionID])
		if !r.To.After(periodFrom.Start(loc)) || r.To.After(billed.Start(loc)) {
			continue // another period's
		}
		bySub[r.SubscriptionID] = append(bySub[r.SubscriptionID], r)
	}
	charged, err := tx.BillingKeysWithPrefix(ctx, subIDs, domain.UsageKeyPrefix)
	if err != nil {
		return err
	}
	var all []*domain.Charge
	moves := map[int64]accountMove{}
	for _, sub := range found {
		charges, err := s.usageCharges(ctx, tx, sub, day[sub.ID], bySub[sub.ID], today, now)
		if err != nil {
			return err
		}
		for _, c := range charges {
			if charged[sub.ID][c.BillingKey] {
				continue
			}
			c.Status = domain.ChargeBlocked
			if c.PaymentModel == domain.PaymentModelPrepay {
				c.Status, c.CloseDate = domain.ChargeClosed, today
				m := moves[c.AccountID]
				m.balance -= c.Amount
				moves[c.AccountID] = m
			}
			all = append(all, c)
		}
	}
	if err := tx.CreateCharges(ctx, all); err != nil {
		return err
	}
	if err := s.addUsageDebt(ctx, tx, found, all, now); err != nil {
		return err
	}
	return moveAccounts(ctx, tx, moves, now)
}

// addUsageDebt adds what charges, new consumption charges of subs (read for
// update), owe to their postpaid subscriptions' debts, and blocks those now above
// their credit limits (docs/billing.md, "Postpaid debt and blocking").
func (s *Service) addUsageDebt(ctx context.Context, tx *store.Conn, subs []*domain.Subscription,
	charges []*domain.Charge, now time.Time) error {
	moved, err := addChargesDebt(ctx, tx, subs, charges)
	if err != nil {
		return err
	}
	for _, sub := range moved {
		if err := s.reviewDebt(ctx, tx, sub, now); err != nil {
			return err
		}
	}
	return nil
}

// usageCharges are the charges of sub (billed on billingDay) for reads, of its billing period that ended
// by today, one per plan resource with an overuse; none when the period lies within
// the subscription's hold (hold_to: its charges were closed by hand up to then).
func (s *Service) usageCharges(ctx context.Context, tx *store.Conn, sub *domain.Subscription, billingDay int,
	reads []store.ConsumptionRead, today domain.Date, now time.Time) ([]*domain.Charge, error) {
	if len(reads) == 0 {
		return nil, nil
	}
	from, _, billed := domain.BillingPeriod(today, billingDay)
	if !sub.HoldTo.IsZero() && billed.AddDays(-1).Before(sub.HoldTo) {
		return nil, nil
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	currency, rate, err := s.rateInForce(ctx, tx, sub.ResellerID, plan.Currency, now)
	if err != nil {
		return nil, err
	}
	used := map[int64][]string{}
	for _, r := range reads {
		used[r.PlanResourceID] = append(used[r.PlanResourceID], r.Quantity)
	}
	var out []*domain.Charge
	for _, res := range plan.Resources {
		if len(used[res.ID]) == 0 {
			continue
		}
		c, err := domain.UsageCharge(domain.UsagePeriod{Subscription: sub, Resource: res, From: from, To: billed,
			Reads: used[res.ID]}, plan.Currency, currency, rate, now)
		if err != nil {
			return nil, fmt.Errorf("subscription %d: %w", sub.ID, err)
		}
		if c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

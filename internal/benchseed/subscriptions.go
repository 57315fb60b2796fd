package benchseed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Subscriptions are written in transactions of subTxRows each, built in memory and
// sent in a few bulk statements a table, so this bounds the memory, which stays the
// same whatever their number. (A variable, so tests can cross the boundary cheaply.)
var subTxRows = 5_000

// subscriptionPlans and subscriptionAccounts bound how many of the reseller's plans
// and accounts the seeded subscriptions are spread over (the first ones of each list).
const (
	subscriptionPlans    = 20
	subscriptionAccounts = 1_000
)

// errNothingToSubscribe is returned when the reseller has no plan or no account to
// make subscriptions of.
var errNothingToSubscribe = errors.New("subscriptions need active plans and accounts of the reseller: " +
	"seed them first (--bench-plans, --bench-accounts)")

// Subscriptions adds n active subscriptions to a reseller, each bought by a completed
// sales order, for benchmarks and load tests. They are spread round-robin over the
// reseller's first active plans (each on its first period, every resource at its
// minimum or included quantity) and first accounts, which must exist. Row i was created i steps
// before now and started on that moment's day (in UTC), a step being a minute or less, so
// that every row started within the last seedWindow: none falls due for a scheduler pass
// while a benchmark runs on them (a backlog of renewals would take the writer from the
// requests measured, and empty their caches). They are written by the
// store's bulk path (store.Conn.InsertSeededSubscriptions: COPY on PostgreSQL), which
// leaves the list counters, the order numbers and the subscriptions' resources and
// priced order lines what sales orders leave behind; only the payments and
// provisioning jobs of those orders are not written.
func Subscriptions(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int) error {
	step := maxSeedStep
	if n > 0 && seedWindow/time.Duration(n) < step {
		step = seedWindow / time.Duration(n)
	}
	return subscribeAll(ctx, db, resellerID, n, nil, func(i, _ int, _ subscriptionPlan) subscriptionShape {
		created := now.Add(-time.Duration(i) * step)
		return subscriptionShape{created: created, start: domain.DateOf(created, time.UTC), model: domain.PaymentModelPrepay}
	})
}

// seedWindow bounds how long ago Subscriptions' rows started, and maxSeedStep how far
// apart they were created (a test spreads a few rows over the whole window).
var (
	seedWindow  = 7 * 24 * time.Hour
	maxSeedStep = time.Minute
)

// RenewingSubscriptions adds n active auto-renewing subscriptions to a reseller, like
// Subscriptions, whose automatic renewal orders all fall due on day: each started on
// the day that makes its plan's service term put the renewal there (for a monthly
// period and an auto-renew point of 3 days, a month before day + 3), which must not
// be after now's day (UTC). Every other one is postpaid, the rest prepaid, the mix
// the renewal benchmark measures. Plans whose renewal cannot fall on day (no
// recurring period, or one that would start later than today) are left out.
func RenewingSubscriptions(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int, day domain.Date) error {
	return renewingOn(ctx, db, now, resellerID, n, day, func(i, _ int) subscriptionShape {
		if i%2 == 1 {
			return subscriptionShape{model: domain.PaymentModelPostpay}
		}
		return subscriptionShape{model: domain.PaymentModelPrepay}
	})
}

// renewingOn writes n subscriptions whose renewals fall due on day, as
// RenewingSubscriptions describes; model gives subscription i, of round round (see
// subscribeAll), its payment model and whether its order's charges and payment are
// written too, in a shape whose dates it leaves unset.
func renewingOn(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int, day domain.Date,
	model func(i, round int) subscriptionShape) error {
	today := domain.DateOf(now, time.UTC)
	pick := func(plans []subscriptionPlan) ([]subscriptionPlan, error) {
		var out []subscriptionPlan
		for _, p := range plans {
			if p.start = p.startRenewingOn(day); !p.start.IsZero() && !p.start.After(today) {
				out = append(out, p)
			}
		}
		if len(out) == 0 && len(plans) > 0 {
			return nil, fmt.Errorf("no plan has a period that started by %s and renews on %s: choose a later day", today, day)
		}
		return out, nil
	}
	return subscribeAll(ctx, db, resellerID, n, pick, func(i, round int, p subscriptionPlan) subscriptionShape {
		sh := model(i, round)
		// Created on their first day, a second apart, so none is created in the future.
		sh.created, sh.start = p.start.Start(time.UTC).Add(time.Duration(i%86_400)*time.Second), p.start
		return sh
	})
}

// subscriptionShape is what tells one seeded subscription from another: when it was
// created, the day its period started, how it is paid and whether the charges its
// order makes are written (as the order would have made them), and, for a prepaid
// one, whether its order was paid and provisioned: a completed payment of its
// total, its charges closed on the order's day.
type subscriptionShape struct {
	created time.Time
	start   domain.Date
	model   domain.PaymentModel
	charged bool
	paid    bool
}

// subscribeAll writes n subscriptions spread round-robin over the reseller's first
// active plans (those pick keeps, when given; it may refuse them all) and first
// accounts, shape giving each its own dates and payment model. Subscription i goes
// to account i modulo their number, in round i divided by it: every account gets one
// subscription of each round.
func subscribeAll(ctx context.Context, db *store.DB, resellerID int64, n int,
	pick func([]subscriptionPlan) ([]subscriptionPlan, error), shape func(i, round int, p subscriptionPlan) subscriptionShape) error {
	var (
		plans    []subscriptionPlan
		accounts []int64
	)
	err := db.InTx(ctx, func(tx *store.Conn) (err error) {
		if plans, err = subscriptionPlansOf(ctx, tx, resellerID); err != nil {
			return err
		}
		accounts, err = accountIDsOf(ctx, tx, resellerID)
		return err
	})
	if err != nil {
		return err
	}
	if pick != nil {
		if plans, err = pick(plans); err != nil {
			return err
		}
	}
	if len(plans) == 0 || len(accounts) == 0 {
		return errNothingToSubscribe
	}
	return writeRanges(ctx, db, resellerID, n, func(tx *store.Conn, start, end int) ([]store.SeededSubscription, error) {
		return prepareRange(ctx, tx, resellerID, plans, accounts, start, end, shape)
	})
}

// subscriptionPlan is a plan priced for the seeded subscriptions: its first period
// with each resource at its minimum (or included) quantity, quoted once.
type subscriptionPlan struct {
	plan    *domain.Plan
	tariff  domain.Tariff
	ordered []domain.ResourceOrder
	qty     domain.Quantities
	quote   domain.Quote
	terms   domain.TermSettings
	start   domain.Date // the first day of RenewingSubscriptions' periods
}

// subscriptionPlansOf prices the reseller's first active plans that have a period.
func subscriptionPlansOf(ctx context.Context, tx *store.Conn, resellerID int64) ([]subscriptionPlan, error) {
	found, _, err := tx.FindPlans(ctx, store.PlanFilter{ResellerID: resellerID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: subscriptionPlans}}})
	if err != nil {
		return nil, err
	}
	var out []subscriptionPlan
	for _, p := range found {
		if p.Status != domain.PlanActive || len(p.Periods) == 0 {
			continue
		}
		sp := subscriptionPlan{plan: p}
		if sp.terms, err = tx.PlanTermSettings(ctx, p); err != nil {
			return nil, err
		}
		if sp.tariff, err = domain.SalesTariff(*p, p.Periods[0].ID); err != nil {
			return nil, err
		}
		for _, r := range sp.tariff.Resources {
			if q := max(r.Minimum, r.Included); q > 0 {
				sp.ordered = append(sp.ordered, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: q})
			}
		}
		if sp.qty, err = domain.SalesQuantities(sp.tariff, sp.ordered); err != nil {
			return nil, err
		}
		if sp.quote, err = domain.QuoteSales(sp.tariff, sp.qty); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// accountIDsOf returns the ids of the reseller's first accounts.
func accountIDsOf(ctx context.Context, tx *store.Conn, resellerID int64) ([]int64, error) {
	found, _, err := tx.FindAccounts(ctx, store.AccountFilter{ResellerID: resellerID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: subscriptionAccounts}}})
	ids := make([]int64, len(found))
	for i, a := range found {
		ids[i] = a.ID
	}
	return ids, err
}

// startRenewingOn returns the day a subscription of p must start for its automatic
// renewal to fall due on day under p's terms, or the zero day when none does within
// two years before it.
func (p subscriptionPlan) startRenewingOn(day domain.Date) domain.Date {
	for k := 0; k <= 2*366; k++ {
		start := day.AddDays(-k)
		if p.active(start).AutoRenewalDay(p.plan.BillingType.Rules(), p.terms) == day {
			return start
		}
	}
	return domain.Date{}
}

// active is a subscription of p whose period started on start, without its owner.
func (p subscriptionPlan) active(start domain.Date) *domain.Subscription {
	period := p.tariff.Period
	rules := p.plan.BillingType.Rules()
	sub := &domain.Subscription{PlanID: p.plan.ID, PlanPeriodID: period.ID, Name: domain.SubscriptionName(*p.plan),
		Trial: period.Trial, Status: domain.SubscriptionStatusActive, CreditLimitUseSystem: true,
		Autorenew:  rules.Recurring && !period.Trial && period.Unit != domain.UnitEndless,
		FixedPrice: p.plan.FixedPrice, Prices: p.tariff.Snapshot()}
	sub.StartDate, sub.ExpirationDate, sub.PaidTo = domain.ActivePeriod(start, period, rules)
	return sub
}

// subscription is one active subscription of p for the account, shaped by sh, with
// a resource for every resource of p's tariff, its id not yet set.
func (p subscriptionPlan) subscription(resellerID, accountID int64, sh subscriptionShape) *domain.Subscription {
	sub := p.active(sh.start)
	sub.ResellerID, sub.AccountID, sub.PaymentModel = resellerID, accountID, sh.model
	sub.Timestamps = domain.Timestamps{CreatedAt: sh.created, UpdatedAt: sh.created}
	for _, r := range p.tariff.Resources {
		sub.Resources = append(sub.Resources, domain.SubscriptionResource{PlanResourceID: r.ID, Included: r.Included,
			Additional: max(0, p.qty[r.ID]-r.Included)})
	}
	return sub
}

// order is the completed sales order id, number num in the reseller's series, that
// bought sub.
func (p subscriptionPlan) order(sub *domain.Subscription, sh subscriptionShape, id, num int64) *domain.Order {
	o := &domain.Order{ID: id, ResellerID: sub.ResellerID, AccountID: sub.AccountID, SubscriptionID: sub.ID,
		Kind: domain.SalesOrder, Status: domain.OrderStatusCompleted, DocumentID: domain.FormatDocumentID(domain.SalesOrder, num),
		PaymentModel: sh.model, Total: p.quote.Total, Currency: p.quote.Currency, CreatedBy: "System",
		ExpirationDate: sh.start, ClosedAt: sh.created, PlanID: p.plan.ID, PlanPeriodID: p.tariff.Period.ID,
		QuoteLines: p.quote.Lines, Timestamps: sub.Timestamps}
	for _, r := range p.ordered {
		o.Lines = append(o.Lines, domain.OrderLine{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity})
	}
	return o
}

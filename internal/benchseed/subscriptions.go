package benchseed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Subscriptions are written in transactions of subTxRows each: every subscription
// queues a few statements (its resources, its order's lines, the list counters)
// until its transaction commits, so this bounds the memory, which stays the same
// whatever their number. (A variable, so tests can cross the boundary cheaply.)
var subTxRows = 2_000

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
// minimum or included quantity) and first accounts, which must exist. Row i was created i minutes
// before now and started on that moment's day (in UTC). They are written through the
// store's own inserts, so the list counters, the order numbers and the subscriptions'
// resources and priced order lines are what sales orders leave behind; only the
// payments and provisioning jobs of those orders are not written.
func Subscriptions(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int) error {
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
	if len(plans) == 0 || len(accounts) == 0 {
		return errNothingToSubscribe
	}
	for start := 0; start < n; start += subTxRows {
		end := min(start+subTxRows, n)
		err := db.InTx(ctx, func(tx *store.Conn) error {
			for i := start; i < end; i++ {
				created := now.Add(-time.Duration(i) * time.Minute)
				if err := plans[i%len(plans)].subscribe(ctx, tx, resellerID, accounts[i%len(accounts)], created); err != nil {
					return fmt.Errorf("subscription %d: %w", i, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("subscriptions %d to %d: %w", start, end, err)
		}
	}
	return nil
}

// subscriptionPlan is a plan priced for the seeded subscriptions: its first period
// with each resource at its minimum (or included) quantity, quoted once.
type subscriptionPlan struct {
	plan    *domain.Plan
	tariff  domain.Tariff
	ordered []domain.ResourceOrder
	qty     domain.Quantities
	quote   domain.Quote
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

// subscribe writes one active prepaid subscription of p for the account, created at
// created, and the completed sales order that bought it, numbered in the reseller's
// series.
func (p subscriptionPlan) subscribe(ctx context.Context, tx *store.Conn, resellerID, accountID int64, created time.Time) error {
	today := domain.DateOf(created, time.UTC)
	period := p.tariff.Period
	rules := p.plan.BillingType.Rules()
	ts := domain.Timestamps{CreatedAt: created, UpdatedAt: created}
	sub := &domain.Subscription{ResellerID: resellerID, AccountID: accountID, PlanID: p.plan.ID,
		PlanPeriodID: period.ID, Name: domain.SubscriptionName(*p.plan), Trial: period.Trial,
		Status: domain.SubscriptionStatusActive, PaymentModel: domain.PaymentModelPrepay, CreditLimitUseSystem: true,
		Autorenew:  rules.Recurring && !period.Trial && period.Unit != domain.UnitEndless,
		FixedPrice: p.plan.FixedPrice, Prices: p.tariff.Snapshot(), Timestamps: ts}
	sub.StartDate, sub.ExpirationDate, sub.PaidTo = domain.ActivePeriod(today, period, rules)
	for _, r := range p.tariff.Resources {
		sub.Resources = append(sub.Resources, domain.SubscriptionResource{PlanResourceID: r.ID, Included: r.Included,
			Additional: max(0, p.qty[r.ID]-r.Included)})
	}
	if err := tx.CreateSubscription(ctx, sub); err != nil {
		return err
	}
	num, err := tx.NextDocumentNumber(ctx, resellerID, domain.SalesOrder.DocumentPrefix())
	if err != nil {
		return err
	}
	o := &domain.Order{ResellerID: resellerID, AccountID: accountID, SubscriptionID: sub.ID, Kind: domain.SalesOrder,
		Status: domain.OrderStatusCompleted, DocumentID: domain.FormatDocumentID(domain.SalesOrder, num),
		PaymentModel: domain.PaymentModelPrepay, Total: p.quote.Total, Currency: p.quote.Currency, CreatedBy: "System",
		ExpirationDate: today, ClosedAt: created, PlanID: p.plan.ID, PlanPeriodID: period.ID,
		QuoteLines: p.quote.Lines, Timestamps: ts}
	for _, r := range p.ordered {
		o.Lines = append(o.Lines, domain.OrderLine{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity})
	}
	return tx.CreateOrder(ctx, o)
}

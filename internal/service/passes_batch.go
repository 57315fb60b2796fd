package service

import (
	"context"
	"slices"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// The automatic orders of a batch, made together (docs/lifecycle.md, "Time: what
// the scheduler does"). A renewal pass may find a hundred thousand subscriptions
// due at one instant; made one by one, each costs two dozen statements. Here the
// subscriptions of a batch without an order in flight, the usual case, are locked,
// checked and drafted together, by the same rules as one (automaticDue,
// orderBasis.check, draftAutomatic), and their orders, lines, payments and marks
// are written in a few multi-row statements. The rest (an order in flight to
// supersede or to wait for) take the one-by-one step, in the same transaction.

// batchStep takes the due rows ids of a batch in tx before the pass's step does:
// it acts on those it can, and returns the ids it leaves to the step.
type batchStep func(ctx context.Context, tx *store.Conn, b *passBatch, ids []int64) ([]int64, error)

// automaticBatch returns the batch step of the scheduler's orders of kind.
func (s *Service) automaticBatch(kind domain.OrderKind) batchStep {
	return func(ctx context.Context, tx *store.Conn, b *passBatch, ids []int64) ([]int64, error) {
		return s.automaticOrders(ctx, tx, b, ids, kind)
	}
}

// automaticOrders makes the orders of kind of the subscriptions ids that are due
// and have no order in flight, and returns those that have one. The rows are
// locked as automaticOrder locks them: the waiting orders first, then the
// subscriptions, each set in the order of its ids.
func (s *Service) automaticOrders(ctx context.Context, tx *store.Conn, b *passBatch, ids []int64,
	kind domain.OrderKind) ([]int64, error) {
	flying, err := tx.FindInFlightOrders(ctx, ids)
	if err != nil {
		return nil, err
	}
	var waiting []int64
	for _, o := range flying {
		if waitingOrder(o.Status) {
			waiting = append(waiting, o.ID)
		}
	}
	if err := tx.LockOrders(ctx, waiting); err != nil {
		return nil, err
	}
	subs, err := tx.FindSubscriptionsForUpdate(ctx, ids)
	if err != nil {
		return nil, err
	}
	locked := make([]int64, len(subs))
	for i, sub := range subs {
		locked[i] = sub.ID
	}
	days, err := tx.FindAutomaticDaysOf(ctx, locked)
	if err != nil {
		return nil, err
	}
	// Under the locks no order can start; one that started before them is seen now.
	if flying, err = tx.FindInFlightOrders(ctx, locked); err != nil {
		return nil, err
	}
	var (
		rest  []int64
		due   []*domain.Subscription
		dates []domain.Date
	)
	for _, sub := range subs {
		date, ok := automaticDue(sub, days[sub.ID], kind, b.today)
		switch {
		case !ok:
		case flying[sub.ID] != nil:
			rest = append(rest, sub.ID)
		default:
			due, dates = append(due, sub), append(dates, date)
		}
	}
	w, err := s.draftAutomaticOrders(ctx, tx, b, due, dates, kind)
	if err != nil {
		return nil, err
	}
	return rest, w.write(ctx, s, tx, b, kind)
}

// automaticWrite is what a batch of automatic orders writes: the orders, each made
// for the date at the same place, and the bases they were drafted on.
type automaticWrite struct {
	orders []*domain.Order
	dates  []domain.Date
	bases  []orderBasis
}

// draftAutomaticOrders drafts the order of kind of each of subs (locked, due, none
// with an order in flight), made for the date at the same place of dates. What
// they are checked against is read once for the batch: their accounts, and each
// plan with its terms and switches. A subscription the domain refuses is logged
// and left as it is, as the one-by-one step leaves it.
func (s *Service) draftAutomaticOrders(ctx context.Context, tx *store.Conn, b *passBatch, subs []*domain.Subscription,
	dates []domain.Date, kind domain.OrderKind) (automaticWrite, error) {
	var w automaticWrite
	if len(subs) == 0 {
		return w, nil
	}
	accountIDs := make([]int64, len(subs))
	var planIDs []int64
	plans := map[int64]*domain.Plan{}
	for i, sub := range subs {
		accountIDs[i] = sub.AccountID
		if plans[sub.PlanID] == nil {
			p, err := s.planByID(ctx, tx, sub.PlanID)
			if err != nil {
				return w, err
			}
			plans[sub.PlanID] = p
			planIDs = append(planIDs, sub.PlanID)
		}
	}
	accs, err := tx.FindAccountsByIDs(ctx, distinct(accountIDs))
	if err != nil {
		return w, err
	}
	accounts := byID(accs, func(a *domain.Account) int64 { return a.ID })
	switches, err := tx.FindSwitchTargetsOf(ctx, planIDs)
	if err != nil {
		return w, err
	}
	for i, sub := range subs {
		plan := plans[sub.PlanID]
		terms, err := b.termsOf(ctx, tx, plan)
		if err != nil {
			return w, err
		}
		basis := orderBasis{sub: sub, plan: plan, terms: terms, switches: switches[plan.ID], today: b.today}
		acc := accounts[sub.AccountID]
		if acc == nil {
			acc = &domain.Account{}
		}
		err = basis.check(acc, kind)
		var o *domain.Order
		if err == nil {
			o, err = s.draftAutomatic(ctx, tx, b, basis, kind)
		}
		if domain.CodeOf(automaticRefusal(err, sub, kind)) == domain.ErrForbidden {
			s.log.Warn("scheduler: a due row was refused and is left as it is", "kind", kind, "id", sub.ID, "err", err)
			continue
		}
		if err != nil {
			return w, err
		}
		w.orders, w.dates, w.bases = append(w.orders, o), append(w.dates, dates[i]), append(w.bases, basis)
	}
	return w, nil
}

// write places the drafted orders as placeOrder places one, numbered in their
// resellers' series in the order of their subscriptions: each waits for its
// payment, which is written with it, or for its provisioning date, or is
// provisioned at once. Then the subscriptions are marked.
func (w automaticWrite) write(ctx context.Context, s *Service, tx *store.Conn, b *passBatch, kind domain.OrderKind) error {
	if len(w.orders) == 0 {
		return nil
	}
	createdBy, err := s.createdBy(ctx, tx, systemActor)
	if err != nil {
		return err
	}
	numbers, err := nextNumbers(ctx, tx, w.orders, kind.DocumentPrefix())
	if err != nil {
		return err
	}
	var paid []*domain.Order
	for i, o := range w.orders {
		o.CreatedBy, o.DocumentID = createdBy, domain.FormatDocumentID(o.Kind, numbers[i])
		o.Start(b.today)
		if o.NeedsPayment() {
			paid = append(paid, o)
		}
	}
	paymentIDs, err := tx.NewPaymentIDs(ctx, len(paid))
	if err != nil {
		return err
	}
	for i, o := range paid {
		o.PaymentID = paymentIDs[i]
	}
	if err := tx.CreateAutomaticOrders(ctx, w.orders, w.dates); err != nil {
		return err
	}
	subs := make([]int64, len(w.orders))
	charged := make([]*domain.Subscription, len(w.orders))
	for i, o := range w.orders {
		subs[i], charged[i] = o.SubscriptionID, w.bases[i].sub
	}
	if err := s.chargeOrders(ctx, tx, w.orders, charged, b.now); err != nil {
		return err
	}
	if err := tx.MarkAutomaticOrders(ctx, kind, subs, w.dates); err != nil {
		return err
	}
	if numbers, err = nextNumbers(ctx, tx, paid, store.PaymentDocumentPrefix); err != nil {
		return err
	}
	payments := make([]*domain.Payment, len(paid))
	for i, o := range paid {
		payments[i] = orderPayment(o, numbers[i], b.now)
		payments[i].ID = o.PaymentID
	}
	if err := tx.CreateOrderPayments(ctx, payments); err != nil {
		return err
	}
	for i, o := range w.orders {
		if o.Status == domain.OrderStatusProvisioning {
			basis := w.bases[i]
			if err := s.startProvisioning(ctx, tx, basis.sub, basis.rules, orderProvisionOp(o.Kind), o, b.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// nextNumbers takes a document number of the series prefix for each of orders, in
// their order, from each reseller's series. The series are taken in the order of
// the resellers' ids, so that two batches running at once never hold each other's
// in opposite orders.
func nextNumbers(ctx context.Context, tx *store.Conn, orders []*domain.Order, prefix string) ([]int64, error) {
	count := map[int64]int{}
	var resellers []int64
	for _, o := range orders {
		if count[o.ResellerID] == 0 {
			resellers = append(resellers, o.ResellerID)
		}
		count[o.ResellerID]++
	}
	slices.Sort(resellers)
	next := make(map[int64]int64, len(count))
	for _, r := range resellers {
		first, err := tx.NextDocumentRange(ctx, r, prefix, count[r])
		if err != nil {
			return nil, err
		}
		next[r] = first
	}
	out := make([]int64, len(orders))
	for i, o := range orders {
		out[i] = next[o.ResellerID]
		next[o.ResellerID]++
	}
	return out, nil
}

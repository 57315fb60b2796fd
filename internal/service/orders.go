package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Orders: the sales order that buys a subscription, reading orders, and cancelling.

// OrderSource is who asks for an order, as the order records it.
type OrderSource struct {
	RequesterIP string
}

// CreateSalesOrder buys a new subscription for an account of the reseller: the
// subscription (ordered, at the plan's current prices, locked), the order priced by
// the plan's tariff, and for a prepaid order with something to pay its payment,
// numbered, all in one transaction. An order that needs no payment is accepted at
// once: it waits for its provisioning date, or starts provisioning with its job
// written in the same transaction. Every problem of the body is reported at once.
// The plan comes from memory (see sale_plans.go): when the catalogue has moved from
// the generation it was read at, nothing is written and the order runs again on the
// plan read afresh. Errors: forbidden, not_found (reseller), invalid.
func (s *Service) CreateSalesOrder(ctx context.Context, a domain.Actor, resellerID int64, in domain.SalesOrderInput, src OrderSource) (*domain.Order, error) {
	if err := authorize(a, domain.ActionOrderCreate); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	req, err := in.Validate()
	if err != nil {
		return nil, err
	}
	var o *domain.Order
	err = store.ErrCatalogMoved
	// A catalogue that moves at every try is being rewritten without pause; three
	// tries are plenty otherwise.
	for try := 0; try < 3 && errors.Is(err, store.ErrCatalogMoved); try++ {
		plan, perr := s.salePlan(ctx, req.PlanID, try > 0)
		if perr != nil && domain.CodeOf(perr) != domain.ErrNotFound {
			return nil, wrap(perr, "create %s", req)
		}
		o, err = inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Order, error) {
			tx.ExpectCatalog(plan.gen)
			return s.createSalesOrder(ctx, tx, a, resellerID, req, plan, perr, src)
		})
	}
	if err != nil {
		return nil, wrap(err, "create %s", req)
	}
	return o, nil
}

// salesRefs is what a sales order is checked and priced against.
type salesRefs struct {
	account   *domain.Account
	plan      *domain.Plan
	tariff    domain.Tariff
	qty       domain.Quantities
	quote     domain.Quote
	terms     domain.TermSettings
	createdBy string // the order's CreatedBy
}

// salesRefs loads and checks the references of req: the account (with the label of
// the manager a, read with it), the plan and its period (plan, or planErr when it
// could not be found), the resources, the payment model, the validated order
// attributes and the provisioning date. The problems of the account and plan stop
// it at once (nothing else can be checked without them); the others are reported
// together.
func (s *Service) salesRefs(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	req domain.SalesOrderRequest, plan salePlan, planErr error, today domain.Date) (salesRefs, error) {
	var (
		refs    salesRefs
		err     error
		errs    []error
		manager string
	)
	refs.account, err = s.accountBy(ctx, a, resellerID, req.AccountID, func(ctx context.Context, id int64) (*domain.Account, error) {
		acc, name, err := tx.FindAccountWithManagerName(ctx, id, a.ManagerID)
		manager = name
		return acc, err
	})
	if domain.CodeOf(err) == domain.ErrNotFound {
		errs = append(errs, domain.FieldError(domain.PtrSalesAccount, domain.MsgAccountNotFound))
	} else if err != nil {
		return refs, err
	}
	refs.plan, refs.terms = plan.plan, plan.terms
	if planErr != nil || refs.plan.ResellerID != resellerID || refs.plan.Status != domain.PlanActive {
		errs = append(errs, domain.FieldError(domain.PtrSalesPlan, domain.MsgPlanNotFound))
	}
	if len(errs) > 0 {
		return refs, errors.Join(errs...)
	}
	if refs.createdBy, err = s.createdByNamed(ctx, tx, a, manager); err != nil {
		return refs, err
	}
	if refs.tariff, err = domain.SalesTariff(*refs.plan, req.PlanPeriodID); err != nil {
		errs = append(errs, err)
	} else if refs.qty, err = domain.SalesQuantities(refs.tariff, req.Resources); err != nil {
		errs = append(errs, err)
	}
	if err := refs.account.Class.CheckPaymentModel(req.PaymentModel); err != nil {
		errs = append(errs, err)
	}
	if err := refuseOnCreditHold(refs.account); err != nil {
		errs = append(errs, err)
	}
	if err := req.CheckProvisioningDate(today); err != nil {
		errs = append(errs, err)
	}
	if err := s.checkAttributesTask(ctx, tx, resellerID, refs.plan.ID, plan.attributes, req); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return refs, errors.Join(errs...)
	}
	refs.quote, err = domain.QuoteSales(refs.tariff, refs.qty)
	return refs, err
}

// checkAttributesTask requires, for a plan with order attributes, the id of a
// completed order attributes validation of this plan and account, of this reseller,
// whose results are valid. A task given for a plan without attributes is checked
// the same way.
func (s *Service) checkAttributesTask(ctx context.Context, tx *store.Conn, resellerID, planID int64, attributes bool,
	req domain.SalesOrderRequest) error {
	if req.AsyncTaskID == "" {
		if !attributes {
			return nil
		}
		return domain.FieldError(domain.PtrSalesAsyncTask, domain.MsgAsyncTaskRequired)
	}
	unusable := domain.FieldError(domain.PtrSalesAsyncTask, domain.MsgAsyncTaskNotUsable)
	job, err := tx.FindJobByID(ctx, req.AsyncTaskID)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return unusable
	}
	if err != nil {
		return err
	}
	var (
		p       orderAttributesPayload
		results AttributeResults
	)
	if job.Kind != JobOrderAttributesValidation || job.ResellerID != resellerID ||
		job.Status != domain.JobStatusCompleted {
		return unusable
	}
	if jsonInto(job.Payload, &p) != nil || jsonInto(job.Result, &results) != nil ||
		p.PlanID != planID || p.AccountID != req.AccountID || !results.Valid {
		return unusable
	}
	return nil
}

func (s *Service) createSalesOrder(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	req domain.SalesOrderRequest, plan salePlan, planErr error, src OrderSource) (*domain.Order, error) {
	now := s.clock.Now()
	today := s.today(now)
	// The ids of the sale's rows come with the account's read, so that its
	// subscription's INSERT need not wait for one (store.Conn.ReserveSaleIDs). The
	// order's and the payment's are taken where writeOrder reserves them: when no
	// idempotency claim renders the answer inside the transaction, and for a
	// prepaid order, which has a payment unless it costs nothing.
	atCommit, resources := claimFrom(ctx) == nil, 0
	if plan.plan != nil {
		resources = len(plan.plan.Resources) // the subscription holds one of each
	}
	if err := tx.ReserveSaleIDs(ctx, resources, atCommit, atCommit && req.PaymentModel == domain.PaymentModelPrepay); err != nil {
		return nil, err
	}
	refs, err := s.salesRefs(ctx, tx, a, resellerID, req, plan, planErr, today)
	if err != nil {
		return nil, err
	}
	if refs.quote, err = s.convertQuote(ctx, tx, resellerID, refs.quote, now); err != nil {
		return nil, err
	}
	rules := refs.plan.BillingType.Rules()
	ts := domain.Timestamps{CreatedAt: now, UpdatedAt: now}
	period := refs.tariff.Period
	sub := &domain.Subscription{ResellerID: resellerID, AccountID: refs.account.ID, PlanID: refs.plan.ID,
		PlanPeriodID: period.ID, Name: domain.SubscriptionName(*refs.plan), Trial: period.Trial,
		Status: domain.SubscriptionStatusOrdered, PaymentModel: req.PaymentModel,
		CreditLimit: req.CreditLimit, CreditLimitUseSystem: req.CreditLimitUseSystem,
		Autorenew:  rules.Recurring && !period.Trial && period.Unit != domain.UnitEndless,
		FixedPrice: refs.plan.FixedPrice, PromoCode: req.PromoCode, Prices: refs.tariff.Snapshot(), Timestamps: ts}
	for _, r := range refs.tariff.Resources {
		sub.Resources = append(sub.Resources, domain.SubscriptionResource{PlanResourceID: r.ID,
			Included: r.Included, Additional: max(0, refs.qty[r.ID]-r.Included)})
	}
	o := &domain.Order{ResellerID: resellerID, AccountID: refs.account.ID,
		Kind: domain.SalesOrder, PaymentModel: req.PaymentModel, Total: refs.quote.Total,
		Currency: refs.quote.Currency, PlanCurrency: refs.quote.PlanCurrency, CurrencyRate: refs.quote.Rate,
		ManagerID: a.ManagerID, CreatedBy: refs.createdBy, RequesterIP: src.RequesterIP,
		PromoCode: req.PromoCode, ExpirationDate: domain.OrderExpirationDate(now, s.opts.Location, refs.terms),
		ProvisioningDate: req.ProvisioningDate, PlanID: refs.plan.ID, PlanPeriodID: period.ID,
		QuoteLines: refs.quote.Lines, AsyncTaskID: req.AsyncTaskID, Timestamps: ts}
	for _, r := range req.Resources {
		o.Lines = append(o.Lines, domain.OrderLine{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity})
	}
	if err := refuseOverCredit(o, sub, refs.account); err != nil {
		return nil, err
	}
	return o, s.writeOrder(ctx, tx, o, sub, rules, now)
}

// placeOrder writes o, an order of sub (whose plan has rules), made by a at now (see
// writeOrder).
func (s *Service) placeOrder(ctx context.Context, tx *store.Conn, a domain.Actor, o *domain.Order,
	sub *domain.Subscription, rules domain.BillingRules, now time.Time) error {
	var err error
	if o.CreatedBy, err = s.createdBy(ctx, tx, a); err != nil {
		return err
	}
	return s.writeOrder(ctx, tx, o, sub, rules, now)
}

// writeOrder writes o, an order of sub (whose plan has rules), at now: numbered in
// the reseller's series of its kind, in its first status (Order.Start), with its
// payment when it needs one, or with provisioning started when it is accepted at
// once. A new subscription (no id yet, a sale's) is written first, already in the
// status provisioning gives it when the order starts it. A subscription with an order
// in flight refuses the order with 422 order_in_progress. The series are taken after
// the subscription is written, with the order (store.Conn.CreateNumberedOrder), so
// their rows stay locked as briefly as may be: for a sale, with the commit.
func (s *Service) writeOrder(ctx context.Context, tx *store.Conn, o *domain.Order,
	sub *domain.Subscription, rules domain.BillingRules, now time.Time) error {
	o.Start(s.today(now))
	pay, provision, sale := o.NeedsPayment(), o.Status == domain.OrderStatusProvisioning, sub.ID == 0
	op := orderProvisionOp(o.Kind)
	var p *domain.Payment
	if pay {
		p = orderPayment(o, 0, now) // numbered with the order
	}
	create := tx.CreateNumberedOrder
	if sale && claimFrom(ctx) == nil {
		// Nothing reads the numbers before the commit (an idempotent request renders
		// its answer inside the transaction), so they may be taken with it; the ids
		// go with the subscription's INSERT.
		if err := tx.ReserveOrderIDs(ctx, o, p); err != nil {
			return err
		}
		create = tx.CreateNumberedOrderAtCommit
	}
	if sale {
		sub.CurrentDebt = domain.OrderDebt(o) // written with the subscription, owed from the start
		if provision {
			if err := sub.Apply(domain.ProvisionStart(op), rules); err != nil {
				return err
			}
		}
		if err := tx.CreateSubscription(ctx, sub); err != nil {
			return err
		}
		o.SubscriptionID = sub.ID
	}
	if err := create(ctx, o, o.Kind.DocumentPrefix(), p); err != nil {
		return s.orderInFlight(ctx, o.SubscriptionID, err)
	}
	if err := s.chargeOrder(ctx, tx, o, sub, now); err != nil {
		return err
	}
	switch {
	case pay:
		return nil
	case provision && sale:
		return s.enqueueProvision(ctx, tx, sub, op, o)
	case provision:
		return s.startProvisioning(ctx, tx, sub, rules, op, o, now)
	}
	return nil
}

// createdBy is the label of the manager a makes an order as: "#343 Jane Doe", or
// "System" for the scheduler, which acts as no manager.
func (s *Service) createdBy(ctx context.Context, tx *store.Conn, a domain.Actor) (string, error) {
	return s.createdByNamed(ctx, tx, a, "")
}

// createdByNamed is createdBy with the manager's name already read ("" when not),
// which it then reads.
func (s *Service) createdByNamed(ctx context.Context, tx *store.Conn, a domain.Actor, name string) (string, error) {
	if a.ManagerID == 0 {
		return domain.CreatedBySystem, nil
	}
	if name != "" {
		return domain.CreatedByManager(a.ManagerID, name), nil
	}
	m, err := tx.FindManagerByID(ctx, a.ManagerID)
	if err != nil {
		return "", err
	}
	return domain.CreatedByManager(m.ID, m.Name), nil
}

// orderPayment is the payment of o, numbered n in the reseller's series of
// payments, waiting until the order's expiration date.
func orderPayment(o *domain.Order, n int64, now time.Time) *domain.Payment {
	return &domain.Payment{ResellerID: o.ResellerID, AccountID: o.AccountID, Purpose: domain.PaymentForOrder,
		OrderID: o.ID, DocumentID: formatPaymentNumber(n), Total: o.Total, InitialTotal: o.Total,
		Currency: o.Currency, Status: domain.PaymentStatusWaitingForPayment, ExpirationDate: o.ExpirationDate,
		RequesterIP: o.RequesterIP, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// formatPaymentNumber is payment number n: six digits at least, no letters ("002018").
func formatPaymentNumber(n int64) string { return fmt.Sprintf("%06d", n) }

// orderInFlight turns the refusal of the one-in-flight index into 422
// order_in_progress naming the order in flight; other errors pass through. The order
// is read outside the refused transaction, which PostgreSQL has aborted.
func (s *Service) orderInFlight(ctx context.Context, subscriptionID int64, err error) error {
	var u *store.ErrUnique
	if !errors.As(err, &u) || u.Constraint != store.OrderInFlightIndex {
		return err
	}
	doc := ""
	if o, ferr := s.db.Reader().FindInFlightOrder(ctx, subscriptionID); ferr == nil {
		doc = o.DocumentID
	}
	return domain.Errorf(domain.ErrInvalid, domain.MsgOrderInProgress, doc)
}

// FindOrderByID returns an order of the reseller or of a reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindOrderByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Order, error) {
	if err := authorize(a, domain.ActionOrderRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	o, err := s.db.Reader().FindOrderByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if within, err := s.ownedWithin(ctx, a, path, o.ResellerID); err != nil || !within {
		return nil, notFoundUnless(err, domain.MsgOrderNotFound)
	}
	return o, nil
}

// FindOrders lists the orders of a reseller and of every reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindOrders(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Order, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionOrderRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindOrders(ctx, store.OrderFilter{Within: t, Query: q})
}

// CancelOrder cancels an order of the reseller (cancel_operation): while it waits for
// its payment, or for a provisioning date still ahead. Its payment is cancelled with
// it, and a cancelled sales order discards the subscription it would have made. The
// order's row is locked before the payment's and the subscription's, the order
// every writer takes them in. Errors: forbidden (role, or the order cannot be
// cancelled now), not_found.
func (s *Service) CancelOrder(ctx context.Context, a domain.Actor, resellerID, id int64) error {
	if err := authorize(a, domain.ActionOrderCancel); err != nil {
		return err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *store.Conn) error {
		now := s.clock.Now()
		o, err := tx.FindOrderForUpdate(ctx, resellerID, id)
		if err != nil {
			return err
		}
		return s.closeUnprovisioned(ctx, tx, o, domain.OrderEventCancel, now)
	})
	return wrap(err, "cancel order %d", id)
}

// closeUnprovisioned moves o, read for update, by ev (an event that ends it before
// provisioning), tells its payment and discards the subscription of a sales order.
func (s *Service) closeUnprovisioned(ctx context.Context, tx *store.Conn, o *domain.Order, ev domain.OrderEvent, now time.Time) error {
	if err := o.Apply(ev, now, s.opts.Location); err != nil {
		return err
	}
	o.UpdatedAt = now
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	if pev, ok := ev.PaymentEvent(); ok && o.PaymentID != 0 {
		p, err := tx.FindPaymentForUpdate(ctx, 0, o.PaymentID)
		if err != nil {
			return err
		}
		if err := p.Apply(pev, now); err != nil {
			return err
		}
		p.UpdatedAt = now
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
	}
	if err := s.discardCancelledSale(ctx, tx, o, now); err != nil {
		return err
	}
	return s.moveOrderCharges(ctx, tx, o, chargesOnDrop, accountMove{}, now)
}

// discardCancelledSale discards the subscription a sales order o, read for update,
// would have made, once o is cancelled; any other order changes nothing.
func (s *Service) discardCancelledSale(ctx context.Context, tx *store.Conn, o *domain.Order, now time.Time) error {
	if o.Kind != domain.SalesOrder || o.Status != domain.OrderStatusCancelled {
		return nil
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, 0, o.SubscriptionID)
	if err != nil {
		return err
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return err
	}
	if err := sub.Apply(domain.SubscriptionEvent{Kind: domain.SubscriptionEventDiscard}, plan.BillingType.Rules()); err != nil {
		return err
	}
	sub.UpdatedAt = now
	return tx.UpdateSubscription(ctx, sub)
}

// jsonInto decodes b into v; empty b decodes nothing and fails.
func jsonInto(b []byte, v any) error {
	if len(b) == 0 {
		return errors.New("empty JSON")
	}
	return json.Unmarshal(b, v)
}

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
// Errors: forbidden, not_found (reseller), invalid.
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
	o, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Order, error) {
		return s.createSalesOrder(ctx, tx, a, resellerID, req, src)
	})
	if err != nil {
		return nil, wrap(err, "create %s", req)
	}
	s.jobsEnqueued()
	return o, nil
}

// salesRefs is what a sales order is checked and priced against.
type salesRefs struct {
	account *domain.Account
	plan    *domain.Plan
	tariff  domain.Tariff
	qty     domain.Quantities
	quote   domain.Quote
	terms   domain.TermSettings
}

// salesRefs loads and checks the references of req: the account, the plan and its
// period, the resources, the payment model, the validated order attributes and the
// provisioning date. The problems of the account and plan stop it at once (nothing
// else can be checked without them); the others are reported together.
func (s *Service) salesRefs(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	req domain.SalesOrderRequest, today domain.Date) (salesRefs, error) {
	var (
		refs salesRefs
		err  error
		errs []error
	)
	refs.account, err = s.accountOf(ctx, tx, a, resellerID, req.AccountID)
	if domain.CodeOf(err) == domain.ErrNotFound {
		errs = append(errs, domain.FieldError(domain.PtrSalesAccount, domain.MsgAccountNotFound))
	} else if err != nil {
		return refs, err
	}
	refs.plan, err = s.planOf(ctx, tx, a, resellerID, req.PlanID)
	if domain.CodeOf(err) == domain.ErrNotFound || err == nil && refs.plan.Status != domain.PlanActive {
		errs = append(errs, domain.FieldError(domain.PtrSalesPlan, domain.MsgPlanNotFound))
	} else if err != nil {
		return refs, err
	}
	if len(errs) > 0 {
		return refs, errors.Join(errs...)
	}
	if refs.tariff, err = domain.SalesTariff(*refs.plan, req.PlanPeriodID); err != nil {
		errs = append(errs, err)
	} else if refs.qty, err = domain.SalesQuantities(refs.tariff, req.Resources); err != nil {
		errs = append(errs, err)
	}
	if err := refs.account.Class.CheckPaymentModel(req.PaymentModel); err != nil {
		errs = append(errs, err)
	}
	if err := req.CheckProvisioningDate(today); err != nil {
		errs = append(errs, err)
	}
	if err := s.checkAttributesTask(ctx, tx, resellerID, refs.plan.ID, req); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return refs, errors.Join(errs...)
	}
	if refs.quote, err = domain.QuoteSales(refs.tariff, refs.qty); err != nil {
		return refs, err
	}
	refs.terms, err = tx.PlanTermSettings(ctx, refs.plan)
	return refs, err
}

// checkAttributesTask requires, for a plan with order attributes, the id of a
// completed order attributes validation of this plan and account, of this reseller,
// whose results are valid. A task given for a plan without attributes is checked
// the same way.
func (s *Service) checkAttributesTask(ctx context.Context, tx *store.Conn, resellerID, planID int64, req domain.SalesOrderRequest) error {
	if req.AsyncTaskID == "" {
		attrs, err := tx.FindOrderAttributes(ctx, planID)
		if err != nil || len(attrs) == 0 {
			return err
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
	req domain.SalesOrderRequest, src OrderSource) (*domain.Order, error) {
	now := s.clock.Now()
	today := s.today(now)
	refs, err := s.salesRefs(ctx, tx, a, resellerID, req, today)
	if err != nil {
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
	if err := tx.CreateSubscription(ctx, sub); err != nil {
		return nil, err
	}
	o := &domain.Order{ResellerID: resellerID, AccountID: refs.account.ID, SubscriptionID: sub.ID,
		Kind: domain.SalesOrder, PaymentModel: req.PaymentModel, Total: refs.quote.Total,
		Currency: refs.quote.Currency, ManagerID: a.ManagerID, RequesterIP: src.RequesterIP,
		PromoCode: req.PromoCode, ExpirationDate: domain.OrderExpirationDate(now, s.opts.Location, refs.terms),
		ProvisioningDate: req.ProvisioningDate, PlanID: refs.plan.ID, PlanPeriodID: period.ID,
		QuoteLines: refs.quote.Lines, AsyncTaskID: req.AsyncTaskID, Timestamps: ts}
	for _, r := range req.Resources {
		o.Lines = append(o.Lines, domain.OrderLine{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity})
	}
	return o, s.placeOrder(ctx, tx, a, o, sub, rules, now)
}

// placeOrder writes o, an order of sub (whose plan has rules), made by a at now:
// numbered in the reseller's series of its kind, in its first status (Order.Start),
// with its payment when it needs one, or with provisioning started when it is
// accepted at once. A subscription with an order in flight refuses it with 422
// order_in_progress.
func (s *Service) placeOrder(ctx context.Context, tx *store.Conn, a domain.Actor, o *domain.Order,
	sub *domain.Subscription, rules domain.BillingRules, now time.Time) error {
	var err error
	if o.CreatedBy, err = s.createdBy(ctx, tx, a); err != nil {
		return err
	}
	n, err := tx.NextDocumentNumber(ctx, o.ResellerID, o.Kind.DocumentPrefix())
	if err != nil {
		return err
	}
	o.DocumentID = domain.FormatDocumentID(o.Kind, n)
	o.Start(s.today(now))
	if err := tx.CreateOrder(ctx, o); err != nil {
		return s.orderInFlight(ctx, o.SubscriptionID, err)
	}
	switch {
	case o.NeedsPayment():
		p, err := s.createOrderPayment(ctx, tx, o, now)
		if err != nil {
			return err
		}
		o.PaymentID = p.ID
		return tx.UpdateOrder(ctx, o)
	case o.Status == domain.OrderStatusProvisioning:
		return s.startProvisioning(ctx, tx, sub, rules, orderProvisionOp(o.Kind), o, now)
	}
	return nil
}

// createdBy is the label of the manager a makes an order as: "#343 Jane Doe", or
// "System" for the scheduler, which acts as no manager.
func (s *Service) createdBy(ctx context.Context, tx *store.Conn, a domain.Actor) (string, error) {
	if a.ManagerID == 0 {
		return domain.CreatedBySystem, nil
	}
	m, err := tx.FindManagerByID(ctx, a.ManagerID)
	if err != nil {
		return "", err
	}
	return domain.CreatedByManager(m.ID, m.Name), nil
}

// createOrderPayment writes the payment of o, numbered in the reseller's series of
// payments, waiting until the order's expiration date.
func (s *Service) createOrderPayment(ctx context.Context, tx *store.Conn, o *domain.Order, now time.Time) (*domain.Payment, error) {
	n, err := tx.NextDocumentNumber(ctx, o.ResellerID, store.PaymentDocumentPrefix)
	if err != nil {
		return nil, err
	}
	p := &domain.Payment{ResellerID: o.ResellerID, AccountID: o.AccountID, Purpose: domain.PaymentForOrder,
		OrderID: o.ID, DocumentID: formatPaymentNumber(n), Total: o.Total, InitialTotal: o.Total,
		Currency: o.Currency, Status: domain.PaymentStatusWaitingForPayment, ExpirationDate: o.ExpirationDate,
		RequesterIP: o.RequesterIP, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	return p, tx.CreatePayment(ctx, p)
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

// FindOrderByID returns an order of the reseller. Errors: forbidden, not_found.
func (s *Service) FindOrderByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Order, error) {
	if err := authorize(a, domain.ActionOrderRead); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	return s.db.Reader().FindOrderByID(ctx, resellerID, id)
}

// FindOrders lists the orders of one reseller. Errors: forbidden, not_found.
func (s *Service) FindOrders(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Order, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionOrderRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindOrders(ctx, store.OrderFilter{ResellerID: resellerID, Query: q})
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
	return s.discardCancelledSale(ctx, tx, o, now)
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

package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// The operations managers run on subscriptions: stop, activate, delete, the
// approval or decline of a stop or deletion that waits for one, and the auto-renew
// switch. Each runs in one transaction under the subscription's row lock, asks the
// subscription's Ability (the same function its GET shows) or its state machine,
// writes the provisioning job the change needs, and adds an entry to the
// subscription's history.

// subscriptionOp is one operation inside its transaction.
type subscriptionOp struct {
	tx  *store.Conn
	sub *domain.Subscription // read for update
	// view is the subscription's ability and service-term settings as they were
	// before the operation.
	view  *SubscriptionView
	rules domain.BillingRules
	// billing is the billing type of the subscription's plan.
	billing domain.BillingType
	now     time.Time
	// waiting is the subscription's order that waits for its payment or its
	// provisioning date, read for update; nil when it has none.
	waiting *domain.Order
}

// apply moves the subscription by ev and writes it.
func (op *subscriptionOp) apply(ctx context.Context, ev domain.SubscriptionEvent) error {
	if err := op.sub.Apply(ev, op.rules); err != nil {
		return err
	}
	op.sub.UpdatedAt = op.now
	return op.tx.UpdateSubscription(ctx, op.sub)
}

// opRequest is what a manager asked for: the history's name of it and the note given.
type opRequest struct {
	kind domain.SubscriptionOperation
	note domain.OperationNote
	// render asks for the subscription as it is after the operation.
	render bool
}

// StopSubscription stops a subscription of the reseller (stop_operation) when its
// ability allows it. Its order that still waits for payment or for its provisioning
// date is cancelled with the payment, then the stop starts (stopping, with a
// provisioning job) or, when the service term's stop type is manual, waits for a
// manager's approval. Errors: forbidden (role, or the ability), not_found, invalid.
func (s *Service) StopSubscription(ctx context.Context, a domain.Actor, resellerID, id int64, in domain.OperationNoteInput) error {
	return s.notedOperation(ctx, a, resellerID, id, in, domain.SubscriptionOpStop,
		func(ctx context.Context, op *subscriptionOp) error {
			if err := op.view.Ability.Check(domain.AbilityStop); err != nil {
				return err
			}
			return s.requestProvision(ctx, op, domain.ProvisionOpStop)
		})
}

// ActivateSubscription starts activating a stopped subscription of the reseller
// (activate_operation) when its ability allows it: activating, with a provisioning
// job. Errors: forbidden (role, or the ability), not_found, invalid.
func (s *Service) ActivateSubscription(ctx context.Context, a domain.Actor, resellerID, id int64, in domain.OperationNoteInput) error {
	return s.notedOperation(ctx, a, resellerID, id, in, domain.SubscriptionOpActivate,
		func(ctx context.Context, op *subscriptionOp) error {
			if err := op.view.Ability.Check(domain.AbilityActivate); err != nil {
				return err
			}
			return s.startProvisioning(ctx, op.tx, op.sub, op.rules, domain.ProvisionOpActivate, nil, op.now)
		})
}

// DeleteSubscription deletes a subscription of the reseller (delete_operation) when
// its ability allows it (a stopped one, or one inside the deletion period): like a
// stop, its waiting order is cancelled, and the deletion starts or waits for
// approval as the service term's delete type says. Errors: forbidden, not_found.
func (s *Service) DeleteSubscription(ctx context.Context, a domain.Actor, resellerID, id int64) error {
	if err := s.mayOperate(ctx, a, resellerID); err != nil {
		return err
	}
	_, err := s.operateSubscription(ctx, a, resellerID, id, opRequest{kind: domain.SubscriptionOpDelete},
		func(ctx context.Context, op *subscriptionOp) error {
			if err := op.view.Ability.Check(domain.AbilityDestroy); err != nil {
				return err
			}
			return s.requestProvision(ctx, op, domain.ProvisionOpDelete)
		})
	return err
}

// ApproveSubscriptionOperation approves the stop or deletion a subscription of the
// reseller waits for: the operation starts, with its provisioning job. A
// subscription that waits for nothing is forbidden. Errors: forbidden, not_found.
func (s *Service) ApproveSubscriptionOperation(ctx context.Context, a domain.Actor, resellerID, id int64) error {
	if err := s.mayOperate(ctx, a, resellerID); err != nil {
		return err
	}
	_, err := s.operateSubscription(ctx, a, resellerID, id, opRequest{kind: domain.SubscriptionOpApprove},
		func(ctx context.Context, op *subscriptionOp) error {
			awaited := op.sub.AwaitingApproval
			if err := op.apply(ctx, domain.SubscriptionEvent{Kind: domain.SubscriptionEventApprove}); err != nil {
				return err
			}
			return s.enqueueProvision(ctx, op.tx, op.sub, awaited, nil)
		})
	return err
}

// DeclineSubscriptionOperation declines the stop or deletion a subscription of the
// reseller waits for: it returns to the status it had, with its auto-renew as it
// was. Errors: forbidden, not_found.
func (s *Service) DeclineSubscriptionOperation(ctx context.Context, a domain.Actor, resellerID, id int64) error {
	if err := s.mayOperate(ctx, a, resellerID); err != nil {
		return err
	}
	_, err := s.operateSubscription(ctx, a, resellerID, id, opRequest{kind: domain.SubscriptionOpDecline},
		func(ctx context.Context, op *subscriptionOp) error {
			return op.apply(ctx, domain.SubscriptionEvent{Kind: domain.SubscriptionEventDecline})
		})
	return err
}

// SetSubscriptionAutorenew switches the auto-renew of a subscription of the reseller
// (PATCH) and returns the subscription as it is then. Errors: forbidden (role, or
// the ability change_auto_renew_option), not_found, invalid (missing, or the value
// it has already).
func (s *Service) SetSubscriptionAutorenew(ctx context.Context, a domain.Actor, resellerID, id int64, in domain.AutorenewInput) (*SubscriptionView, error) {
	if err := s.mayOperate(ctx, a, resellerID); err != nil {
		return nil, err
	}
	on, err := in.Validate()
	if err != nil {
		return nil, err
	}
	kind := domain.SubscriptionOpAutorenewOff
	if on {
		kind = domain.SubscriptionOpAutorenewOn
	}
	return s.operateSubscription(ctx, a, resellerID, id, opRequest{kind: kind, render: true},
		func(ctx context.Context, op *subscriptionOp) error {
			if err := op.view.Ability.Check(domain.AbilityChangeAutoRenewOption); err != nil {
				return err
			}
			if err := op.sub.SetAutorenew(on); err != nil {
				return err
			}
			op.sub.UpdatedAt = op.now
			return op.tx.UpdateSubscription(ctx, op.sub)
		})
}

// notedOperation runs an operation whose body carries a reason and a comment.
func (s *Service) notedOperation(ctx context.Context, a domain.Actor, resellerID, id int64, in domain.OperationNoteInput,
	kind domain.SubscriptionOperation, act func(context.Context, *subscriptionOp) error) error {
	if err := s.mayOperate(ctx, a, resellerID); err != nil {
		return err
	}
	note, err := in.Validate()
	if err != nil {
		return err
	}
	_, err = s.operateSubscription(ctx, a, resellerID, id, opRequest{kind: kind, note: note}, act)
	return err
}

// mayOperate refuses an actor whose role may not operate subscriptions, and a
// reseller it does not see.
func (s *Service) mayOperate(ctx context.Context, a domain.Actor, resellerID int64) error {
	if err := authorize(a, domain.ActionSubscriptionOperate); err != nil {
		return err
	}
	_, err := s.resellerPath(ctx, a, resellerID)
	return err
}

// operateSubscription runs act on subscription id of the reseller, which the caller
// checked with mayOperate, in one
// transaction and records it in the subscription's history. The rows are locked
// in the order every writer takes them: the subscription's waiting order (whose
// payment closeUnprovisioned locks next), then the subscription. An order that
// became waiting between the first look and the subscription's lock is locked
// after it; it was committed before the lock was granted, so only a writer that
// holds that new order and waits for this subscription could deadlock with it,
// which PostgreSQL breaks by failing one of the two.
// The result is the subscription after act when req.render asks for it, else the
// subscription alone (a non-nil result, so an idempotent request records its
// answer with the commit).
func (s *Service) operateSubscription(ctx context.Context, a domain.Actor, resellerID, id int64, req opRequest,
	act func(context.Context, *subscriptionOp) error) (*SubscriptionView, error) {
	v, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*SubscriptionView, error) {
		op, err := s.lockSubscriptionOp(ctx, tx, resellerID, id)
		if err != nil {
			return nil, err
		}
		sub := op.sub
		before := sub.Status
		if err := act(ctx, op); err != nil {
			return nil, err
		}
		rec := &store.SubscriptionOperationRecord{SubscriptionID: sub.ID, ResellerID: sub.ResellerID,
			Operation: req.kind, Reason: req.note.Reason, Comment: req.note.Comment, ManagerID: a.ManagerID,
			StatusBefore: before, StatusAfter: sub.Status, CreatedAt: op.now}
		if err := tx.RecordSubscriptionOperation(ctx, rec); err != nil {
			return nil, err
		}
		if !req.render {
			return &SubscriptionView{Subscription: sub}, nil
		}
		after, err := s.subscriptionViews(ctx, tx, []*domain.Subscription{sub})
		if err != nil {
			return nil, err
		}
		return after[0], nil
	})
	if err != nil {
		return nil, wrap(err, "%s subscription %d", req.kind, id)
	}
	return v, nil
}

// lockSubscriptionOp reads subscription id of the reseller (0: any) for an
// operation in tx, with its waiting order, both locked in the order every writer
// takes them (see operateSubscription).
func (s *Service) lockSubscriptionOp(ctx context.Context, tx *store.Conn, resellerID, id int64) (*subscriptionOp, error) {
	seen, err := tx.FindSubscriptionByID(ctx, resellerID, id)
	if err != nil {
		return nil, err
	}
	waiting, err := lockWaitingOrder(ctx, tx, seen.ID, nil)
	if err != nil {
		return nil, err
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, resellerID, id)
	if err != nil {
		return nil, err
	}
	if waiting, err = lockWaitingOrder(ctx, tx, sub.ID, waiting); err != nil {
		return nil, err
	}
	views, err := s.subscriptionViews(ctx, tx, []*domain.Subscription{sub})
	if err != nil {
		return nil, err
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	return &subscriptionOp{tx: tx, sub: sub, view: views[0], rules: plan.BillingType.Rules(),
		billing: plan.BillingType, now: s.clock.Now(), waiting: waiting}, nil
}

// lockWaitingOrder returns the order of the subscription that waits for its payment
// or its provisioning date, read for update, or nil. held is the one the
// transaction holds already, if any; it is kept while it still waits.
func lockWaitingOrder(ctx context.Context, tx *store.Conn, subscriptionID int64, held *domain.Order) (*domain.Order, error) {
	o, err := tx.FindInFlightOrder(ctx, subscriptionID)
	switch {
	case domain.CodeOf(err) == domain.ErrNotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case !waitingOrder(o.Status):
		return nil, nil
	case held != nil && held.ID == o.ID:
		return held, nil
	}
	if o, err = tx.FindOrderForUpdate(ctx, 0, o.ID); err != nil {
		return nil, err
	}
	if !waitingOrder(o.Status) {
		return nil, nil
	}
	return o, nil
}

// waitingOrder reports whether an order in status st waits for its payment or its
// provisioning date: what a stop or a deletion cancels.
func waitingOrder(st domain.OrderStatus) bool {
	return st == domain.OrderStatusWaitingForPayment || st == domain.OrderStatusWaitingForProvisioning
}

// requestProvision begins a stop or a deletion. The subscription's waiting order is
// cancelled first, with its payment, so that no late payment brings back what was
// stopped; this happens also when the operation waits for approval, since nothing
// ordered could be provisioned from waiting_for_manual_approve. Then the operation
// starts (its transitional status and job), or waits for a manager's approval as
// the service term says (domain.ProvisionRequest).
func (s *Service) requestProvision(ctx context.Context, op *subscriptionOp, pop domain.ProvisionOp) error {
	if op.waiting != nil {
		if err := s.closeUnprovisioned(ctx, op.tx, op.waiting, domain.OrderEventSubscriptionStopped, op.now); err != nil {
			return err
		}
	}
	ev := domain.ProvisionRequest(pop, op.view.Terms)
	if ev.Kind == domain.SubscriptionEventStart {
		return s.startProvisioning(ctx, op.tx, op.sub, op.rules, pop, nil, op.now)
	}
	return op.apply(ctx, ev)
}

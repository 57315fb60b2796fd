package domain

import "fmt"

// OrderStatus is where an order stands between its creation and its end.
type OrderStatus string

// The order statuses with their API values.
const (
	OrderStatusWaitingForPayment      OrderStatus = "waiting_for_payment"
	OrderStatusWaitingForProvisioning OrderStatus = "waiting_for_provisioning"
	OrderStatusProvisioning           OrderStatus = "provisioning"
	OrderStatusProvisioningFailed     OrderStatus = "provisioning_failed"
	OrderStatusCompleted              OrderStatus = "completed"
	OrderStatusCancelled              OrderStatus = "cancelled"
)

// OrderStatuses lists every order status in lifecycle order.
var OrderStatuses = []OrderStatus{
	OrderStatusWaitingForPayment, OrderStatusWaitingForProvisioning, OrderStatusProvisioning,
	OrderStatusProvisioningFailed, OrderStatusCompleted, OrderStatusCancelled,
}

// Valid reports whether s is one of OrderStatuses.
func (s OrderStatus) Valid() bool {
	for _, x := range OrderStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Closed reports whether the order has ended: completed or cancelled.
func (s OrderStatus) Closed() bool { return s == OrderStatusCompleted || s == OrderStatusCancelled }

// InFlight reports whether an order in status s keeps every other order of its
// subscription from being created. That is every status but the closed ones, failed
// provisioning included: the subscription sits in a *_failed status until an operator
// retries, and a second order on top of a half-made change could not be priced.
func (s OrderStatus) InFlight() bool { return s.Valid() && !s.Closed() }

// OrderEvent is something that happens to an order.
type OrderEvent string

// The order events. The scheduler, payments, provisioning and managers raise them.
const (
	// OrderEventPay: the linked payment completed; provisioning starts, or waits for the
	// provisioning date of a delayed order.
	OrderEventPay OrderEvent = "pay"
	// OrderEventProvisioningDateReached: the provisioning date of a waiting order has come.
	OrderEventProvisioningDateReached OrderEvent = "provisioning_date_reached"
	// OrderEventProvisioned and OrderEventProvisioningFailed: the vendor's outcome.
	OrderEventProvisioned        OrderEvent = "provisioned"
	OrderEventProvisioningFailed OrderEvent = "provisioning_failed"
	// OrderEventRetry: an operator provisions a failed order again.
	OrderEventRetry OrderEvent = "retry"
	// OrderEventCancel: a manager or the account cancels the order (cancel_operation), or
	// its payment was cancelled.
	OrderEventCancel OrderEvent = "cancel"
	// OrderEventExpire: the order was not paid by its expiration date.
	OrderEventExpire OrderEvent = "expire"
	// OrderEventSupersede: the automatic renewal replaces a pending change, switch or prolong
	// order with a renewal of the subscription as it is.
	OrderEventSupersede OrderEvent = "supersede"
	// OrderEventSubscriptionStopped: the subscription was stopped or deleted; what was
	// ordered for it and not provisioned yet is dropped, so a late payment cannot bring
	// it back.
	OrderEventSubscriptionStopped OrderEvent = "subscription_stopped"
)

// OrderEvents lists every order event.
var OrderEvents = []OrderEvent{
	OrderEventPay, OrderEventProvisioningDateReached, OrderEventProvisioned, OrderEventProvisioningFailed,
	OrderEventRetry, OrderEventCancel, OrderEventExpire, OrderEventSupersede, OrderEventSubscriptionStopped,
}

// PaymentEvent is what ev does to the order's linked payment, if anything: an order
// that ends without being provisioned cancels its payment (the money of a payment
// already paid from the balance goes back to it).
func (ev OrderEvent) PaymentEvent() (PaymentEvent, bool) {
	switch ev {
	case OrderEventCancel, OrderEventExpire, OrderEventSupersede, OrderEventSubscriptionStopped:
		return PaymentEventOrderCancelled, true
	}
	return "", false
}

// OrderState is what decides an order's next status: its status, its kind, and
// whether its provisioning date is still ahead (Order.Delayed).
type OrderState struct {
	Status  OrderStatus
	Kind    OrderKind
	Delayed bool
}

// NextOrderStatus is the status an order in state s moves to on ev, or a forbidden
// error (403 This action is forbidden) when ev is not allowed in s.
func NextOrderStatus(s OrderState, ev OrderEvent) (OrderStatus, error) {
	if next, ok := nextOrderStatus(s, ev); ok {
		return next, nil
	}
	return s.Status, fmt.Errorf("order %s cannot take %s: %w", s.Status, ev, Forbidden())
}

func nextOrderStatus(s OrderState, ev OrderEvent) (OrderStatus, bool) {
	accepted := OrderStatusProvisioning
	if s.Delayed {
		accepted = OrderStatusWaitingForProvisioning
	}
	switch s.Status {
	case OrderStatusWaitingForPayment:
		switch ev {
		case OrderEventPay:
			return accepted, true
		case OrderEventCancel, OrderEventExpire, OrderEventSubscriptionStopped:
			return OrderStatusCancelled, true
		case OrderEventSupersede:
			return OrderStatusCancelled, s.Kind.SupersededByRenewal()
		}
	case OrderStatusWaitingForProvisioning:
		switch ev {
		case OrderEventProvisioningDateReached:
			return OrderStatusProvisioning, !s.Delayed
		case OrderEventCancel:
			// Only before the provisioning date: on it the order belongs to the
			// provisioning run, even if that has not picked it up yet.
			return OrderStatusCancelled, s.Delayed
		case OrderEventSubscriptionStopped:
			return OrderStatusCancelled, true
		}
	case OrderStatusProvisioning:
		switch ev {
		case OrderEventProvisioned:
			return OrderStatusCompleted, true
		case OrderEventProvisioningFailed:
			return OrderStatusProvisioningFailed, true
		}
	case OrderStatusProvisioningFailed:
		if ev == OrderEventRetry {
			return OrderStatusProvisioning, true
		}
	}
	return s.Status, false
}

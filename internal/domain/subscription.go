package domain

import "fmt"

// SubscriptionStatus is where a subscription stands in its lifecycle.
type SubscriptionStatus string

// The subscription statuses with their API values.
const (
	SubscriptionStatusOrdered                 SubscriptionStatus = "ordered"
	SubscriptionStatusInstalling              SubscriptionStatus = "installing"
	SubscriptionStatusInstallationFailed      SubscriptionStatus = "installation_failed"
	SubscriptionStatusActivating              SubscriptionStatus = "activating"
	SubscriptionStatusActivatingFailed        SubscriptionStatus = "activating_failed"
	SubscriptionStatusActive                  SubscriptionStatus = "active"
	SubscriptionStatusDelivered               SubscriptionStatus = "delivered"
	SubscriptionStatusUpdating                SubscriptionStatus = "updating"
	SubscriptionStatusUpdatingFailed          SubscriptionStatus = "updating_failed"
	SubscriptionStatusRenewing                SubscriptionStatus = "renewing"
	SubscriptionStatusRenewingFailed          SubscriptionStatus = "renewing_failed"
	SubscriptionStatusWaitingForManualApprove SubscriptionStatus = "waiting_for_manual_approve"
	SubscriptionStatusGraced                  SubscriptionStatus = "graced"
	SubscriptionStatusStopping                SubscriptionStatus = "stopping"
	SubscriptionStatusStoppingFailed          SubscriptionStatus = "stopping_failed"
	SubscriptionStatusStopped                 SubscriptionStatus = "stopped"
	SubscriptionStatusDeleting                SubscriptionStatus = "deleting"
	SubscriptionStatusDeletionFailed          SubscriptionStatus = "deletion_failed"
	SubscriptionStatusDeleted                 SubscriptionStatus = "deleted"
	SubscriptionStatusBlocked                 SubscriptionStatus = "blocked"
)

// StatusKind groups subscription statuses by what may happen in them.
type StatusKind string

// The status kinds.
const (
	// StatusStable: nothing is running; operations may start.
	StatusStable StatusKind = "stable"
	// StatusTransitional: the vendor is working; nothing may start until it answers.
	StatusTransitional StatusKind = "transitional"
	// StatusFailed: the vendor refused; an operator retries.
	StatusFailed StatusKind = "failed"
	// StatusFinal: the subscription is gone.
	StatusFinal StatusKind = "final"
)

var subscriptionStatusKinds = map[SubscriptionStatus]StatusKind{
	SubscriptionStatusOrdered: StatusStable, SubscriptionStatusActive: StatusStable,
	SubscriptionStatusDelivered: StatusStable, SubscriptionStatusWaitingForManualApprove: StatusStable,
	SubscriptionStatusGraced: StatusStable, SubscriptionStatusStopped: StatusStable, SubscriptionStatusBlocked: StatusStable,

	SubscriptionStatusInstalling: StatusTransitional, SubscriptionStatusActivating: StatusTransitional,
	SubscriptionStatusUpdating: StatusTransitional, SubscriptionStatusRenewing: StatusTransitional,
	SubscriptionStatusStopping: StatusTransitional, SubscriptionStatusDeleting: StatusTransitional,

	SubscriptionStatusInstallationFailed: StatusFailed, SubscriptionStatusActivatingFailed: StatusFailed,
	SubscriptionStatusUpdatingFailed: StatusFailed, SubscriptionStatusRenewingFailed: StatusFailed,
	SubscriptionStatusStoppingFailed: StatusFailed, SubscriptionStatusDeletionFailed: StatusFailed,

	SubscriptionStatusDeleted: StatusFinal,
}

// SubscriptionStatuses lists every subscription status in the documented order.
var SubscriptionStatuses = []SubscriptionStatus{
	SubscriptionStatusOrdered, SubscriptionStatusInstalling, SubscriptionStatusInstallationFailed,
	SubscriptionStatusActivating, SubscriptionStatusActivatingFailed, SubscriptionStatusActive,
	SubscriptionStatusDelivered, SubscriptionStatusUpdating, SubscriptionStatusUpdatingFailed,
	SubscriptionStatusRenewing, SubscriptionStatusRenewingFailed, SubscriptionStatusWaitingForManualApprove,
	SubscriptionStatusGraced, SubscriptionStatusStopping, SubscriptionStatusStoppingFailed, SubscriptionStatusStopped,
	SubscriptionStatusDeleting, SubscriptionStatusDeletionFailed, SubscriptionStatusDeleted, SubscriptionStatusBlocked,
}

// Valid reports whether s is one of SubscriptionStatuses.
func (s SubscriptionStatus) Valid() bool { _, ok := subscriptionStatusKinds[s]; return ok }

// Kind is whether s is stable, transitional, failed or final ("" when not valid).
func (s SubscriptionStatus) Kind() StatusKind { return subscriptionStatusKinds[s] }

// SubscriptionResource is a resource of a subscription: the plan resource it comes
// from and its quantities. Change orders name it by ID.
type SubscriptionResource struct {
	ID             int64
	PlanResourceID int64
	Included       int64 // the quantity the plan includes
	Additional     int64 // the quantity ordered on top of it
}

// Quantity is the resource's total quantity.
func (r SubscriptionResource) Quantity() int64 { return r.Included + r.Additional }

// Subscription is an account's use of a plan for a period, provisioned on the vendor's
// service and moved through its lifecycle by orders, the scheduler and the vendor.
type Subscription struct {
	ID           int64
	ResellerID   int64
	AccountID    int64
	PlanID       int64
	PlanPeriodID int64
	Name         string
	Trial        bool
	Status       SubscriptionStatus
	// ReturnStatus is the status a subscription goes back to when a manager declines
	// the stop or deletion it waits for, or when it is unblocked.
	ReturnStatus SubscriptionStatus
	// AwaitingApproval is the operation (stop or delete) that waits for a manager's
	// approval in waiting_for_manual_approve; "" otherwise.
	AwaitingApproval ProvisionOp
	StartDate        Date
	// ExpirationDate is the end of the current period: the first day it no longer
	// covers. Zero for an endless period.
	ExpirationDate Date
	// PaidTo is how far a prolonged subscription is paid; for billing types without
	// prolong orders it equals ExpirationDate.
	PaidTo Date
	// PeriodAnchor is the day the current series of periods is counted from, once a
	// renewal restarted the count; zero while it counts from StartDate (Anchor).
	PeriodAnchor Date
	PaymentModel PaymentModel
	CreditLimit  Amount // postpay: the current debt above which it is blocked
	// CreditLimitUseSystem: the credit limit is the account's (or its class's) default
	// rather than CreditLimit.
	CreditLimitUseSystem bool
	CurrentDebt          Amount // postpay: what the current billing period owes so far
	Autorenew            bool
	// DisableAutorenew keeps Autorenew from being changed through the API.
	DisableAutorenew bool
	// AutorenewBeforeApproval is Autorenew as it was before the subscription started
	// to wait for a manual approval (which switches it off); a decline restores it.
	AutorenewBeforeApproval bool
	FixedPrice              bool
	CustomPrice             bool
	PromoCode               string
	HoldTo                  Date // billing is skipped until this day (charges closed by hand); zero when none
	Resources               []SubscriptionResource
	// Prices are the prices it was bought (or last renewed or switched) at, locked
	// until its next renewal (Tariff.Snapshot).
	Prices PriceSnapshot
	// Vendor is what the vendor answered and where provisioning stands.
	Vendor SubscriptionVendor
	Timestamps
}

// Apply moves s by ev, keeping what the next steps need to remember: the status to
// return to and the operation awaiting approval, and Autorenew, which is off while a
// stop or deletion waits for approval. A refused event leaves s unchanged.
func (s *Subscription) Apply(ev SubscriptionEvent, rules BillingRules) error {
	st := SubscriptionState{Status: s.Status, Return: s.ReturnStatus, Awaiting: s.AwaitingApproval,
		PaymentModel: s.PaymentModel, Rules: rules}
	next, err := NextSubscriptionStatus(st, ev)
	if err != nil {
		return fmt.Errorf("subscription %d: %w", s.ID, err)
	}
	switch ev.Kind {
	case SubscriptionEventAwaitApproval:
		s.ReturnStatus, s.AwaitingApproval = s.Status, ev.Op
		s.AutorenewBeforeApproval, s.Autorenew = s.Autorenew, false
	case SubscriptionEventApprove:
		s.AwaitingApproval = ""
	case SubscriptionEventDecline:
		s.AwaitingApproval, s.ReturnStatus = "", ""
		s.Autorenew = s.AutorenewBeforeApproval
	case SubscriptionEventBlock:
		s.ReturnStatus = s.Status
	case SubscriptionEventUnblock:
		s.ReturnStatus = ""
	}
	s.Status = next
	return nil
}

package domain

import (
	"fmt"
	"slices"
)

// ProvisionOp is an operation sent to the vendor's service for a subscription. While it
// runs the subscription shows the operation's transitional status; the vendor's outcome
// moves it to the done or the failed status.
type ProvisionOp string

// The provisioning operations.
const (
	ProvisionOpCreate   ProvisionOp = "create"
	ProvisionOpUpdate   ProvisionOp = "update"
	ProvisionOpRenew    ProvisionOp = "renew"
	ProvisionOpSwitch   ProvisionOp = "switch"
	ProvisionOpStop     ProvisionOp = "stop"
	ProvisionOpActivate ProvisionOp = "activate"
	ProvisionOpDelete   ProvisionOp = "delete"
)

// ProvisionOps lists every provisioning operation.
var ProvisionOps = []ProvisionOp{
	ProvisionOpCreate, ProvisionOpUpdate, ProvisionOpRenew, ProvisionOpSwitch,
	ProvisionOpStop, ProvisionOpActivate, ProvisionOpDelete,
}

type provisionOpInfo struct {
	from                     []SubscriptionStatus // where it may start
	transitional, done, fail SubscriptionStatus
}

// A switch shows as updating: the API has no status of its own for it.
var provisionOps = map[ProvisionOp]provisionOpInfo{
	ProvisionOpCreate: {[]SubscriptionStatus{SubscriptionStatusOrdered},
		SubscriptionStatusInstalling, SubscriptionStatusActive, SubscriptionStatusInstallationFailed},
	ProvisionOpUpdate: {[]SubscriptionStatus{SubscriptionStatusActive},
		SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed},
	ProvisionOpSwitch: {[]SubscriptionStatus{SubscriptionStatusActive},
		SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed},
	ProvisionOpRenew: {[]SubscriptionStatus{SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusStopped},
		SubscriptionStatusRenewing, SubscriptionStatusActive, SubscriptionStatusRenewingFailed},
	ProvisionOpActivate: {[]SubscriptionStatus{SubscriptionStatusStopped},
		SubscriptionStatusActivating, SubscriptionStatusActive, SubscriptionStatusActivatingFailed},
	ProvisionOpStop: {[]SubscriptionStatus{SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusBlocked},
		SubscriptionStatusStopping, SubscriptionStatusStopped, SubscriptionStatusStoppingFailed},
	ProvisionOpDelete: {[]SubscriptionStatus{SubscriptionStatusActive, SubscriptionStatusDelivered, SubscriptionStatusGraced,
		SubscriptionStatusBlocked, SubscriptionStatusStopped},
		SubscriptionStatusDeleting, SubscriptionStatusDeleted, SubscriptionStatusDeletionFailed},
}

// Valid reports whether op is one of ProvisionOps.
func (op ProvisionOp) Valid() bool { _, ok := provisionOps[op]; return ok }

// Transitional is the status a subscription shows while op runs.
func (op ProvisionOp) Transitional() SubscriptionStatus { return provisionOps[op].transitional }

// Done is the status op ends in when the vendor confirms it: a subscription created
// under a billing type whose rules say Delivered is delivered, not active.
func (op ProvisionOp) Done(rules BillingRules) SubscriptionStatus {
	if op == ProvisionOpCreate && rules.Delivered {
		return SubscriptionStatusDelivered
	}
	return provisionOps[op].done
}

// Failed is the status op ends in when the vendor refuses it.
func (op ProvisionOp) Failed() SubscriptionStatus { return provisionOps[op].fail }

// StartsFrom reports whether op may start on a subscription in status s.
func (op ProvisionOp) StartsFrom(s SubscriptionStatus) bool {
	return slices.Contains(provisionOps[op].from, s)
}

// NeedsApproval reports whether op waits for a manager's approval under terms: stops
// and deletions do when the service term says manual.
func (op ProvisionOp) NeedsApproval(terms TermSettings) bool {
	switch op {
	case ProvisionOpStop:
		return terms.StopType == ApprovalManual
	case ProvisionOpDelete:
		return terms.DeleteType == ApprovalManual
	}
	return false
}

// SubscriptionEventKind names what happens to a subscription.
type SubscriptionEventKind string

// The subscription event kinds. Start, done, failed and await_approval carry a
// ProvisionOp.
const (
	// SubscriptionEventStart: an operation is sent to the vendor.
	SubscriptionEventStart SubscriptionEventKind = "start"
	// SubscriptionEventDone and SubscriptionEventFailed: the vendor's outcome of the
	// running operation.
	SubscriptionEventDone   SubscriptionEventKind = "done"
	SubscriptionEventFailed SubscriptionEventKind = "failed"
	// SubscriptionEventRetry: an operator sends the failed operation again.
	SubscriptionEventRetry SubscriptionEventKind = "retry"
	// SubscriptionEventAwaitApproval: a stop or deletion waits for a manager's approval.
	SubscriptionEventAwaitApproval SubscriptionEventKind = "await_approval"
	// SubscriptionEventApprove and SubscriptionEventDecline: the manager's answer.
	SubscriptionEventApprove SubscriptionEventKind = "approve"
	SubscriptionEventDecline SubscriptionEventKind = "decline"
	// SubscriptionEventGrace: the period ended with its renewal unpaid; the service
	// keeps working for the grace period.
	SubscriptionEventGrace SubscriptionEventKind = "grace"
	// SubscriptionEventBlock and SubscriptionEventUnblock: a postpaid subscription's
	// debt passed its credit limit (or its invoice's payment expired), and was settled.
	SubscriptionEventBlock   SubscriptionEventKind = "block"
	SubscriptionEventUnblock SubscriptionEventKind = "unblock"
	// SubscriptionEventDiscard: the sales order of a subscription never provisioned
	// was cancelled.
	SubscriptionEventDiscard SubscriptionEventKind = "discard"
)

// SubscriptionEvent is something that happens to a subscription; Op names the
// operation of a start, an outcome or an approval request.
type SubscriptionEvent struct {
	Kind SubscriptionEventKind
	Op   ProvisionOp
}

// String names the event as docs/lifecycle.md does: "start create", "grace".
func (ev SubscriptionEvent) String() string {
	if ev.Op == "" {
		return string(ev.Kind)
	}
	return string(ev.Kind) + " " + string(ev.Op)
}

// ProvisionStart, ProvisionDone and ProvisionFailed build the events of an operation.
func ProvisionStart(op ProvisionOp) SubscriptionEvent {
	return SubscriptionEvent{SubscriptionEventStart, op}
}

// ProvisionDone is the vendor's confirmation of op.
func ProvisionDone(op ProvisionOp) SubscriptionEvent {
	return SubscriptionEvent{SubscriptionEventDone, op}
}

// ProvisionFailed is the vendor's refusal of op.
func ProvisionFailed(op ProvisionOp) SubscriptionEvent {
	return SubscriptionEvent{SubscriptionEventFailed, op}
}

// ProvisionRequest is how a stop or a deletion begins under terms: at once, or by
// waiting for a manager's approval. Every stop uses it: a manager's, the end of a period
// without renewal or of its grace, an unpaid prolongation, a credit or administrative
// hold.
func ProvisionRequest(op ProvisionOp, terms TermSettings) SubscriptionEvent {
	if op.NeedsApproval(terms) {
		return SubscriptionEvent{SubscriptionEventAwaitApproval, op}
	}
	return ProvisionStart(op)
}

// SubscriptionEvents lists every event, for tests and docs.
func SubscriptionEvents() []SubscriptionEvent {
	var out []SubscriptionEvent
	for _, k := range []SubscriptionEventKind{SubscriptionEventStart, SubscriptionEventDone, SubscriptionEventFailed} {
		for _, op := range ProvisionOps {
			out = append(out, SubscriptionEvent{k, op})
		}
	}
	out = append(out, SubscriptionEvent{Kind: SubscriptionEventRetry},
		SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpStop},
		SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpDelete})
	for _, k := range []SubscriptionEventKind{SubscriptionEventApprove, SubscriptionEventDecline,
		SubscriptionEventGrace, SubscriptionEventBlock, SubscriptionEventUnblock, SubscriptionEventDiscard} {
		out = append(out, SubscriptionEvent{Kind: k})
	}
	return out
}

// SubscriptionState is what decides a subscription's next status.
type SubscriptionState struct {
	Status SubscriptionStatus
	// Return is the status to go back to on a decline or an unblock (active when unset).
	Return SubscriptionStatus
	// Awaiting is the operation waiting for approval.
	Awaiting     ProvisionOp
	PaymentModel PaymentModel
	Rules        BillingRules
}

// NextSubscriptionStatus is the status a subscription in state s moves to on ev, or a
// forbidden error (403 This action is forbidden) when ev is not allowed in s.
func NextSubscriptionStatus(s SubscriptionState, ev SubscriptionEvent) (SubscriptionStatus, error) {
	if next, ok := nextSubscriptionStatus(s, ev); ok {
		return next, nil
	}
	return s.Status, fmt.Errorf("subscription %s cannot take %s: %w", s.Status, ev, Forbidden())
}

// retryOf maps each failed status to the transitional status its retry runs in.
var retryOf = map[SubscriptionStatus]SubscriptionStatus{
	SubscriptionStatusInstallationFailed: SubscriptionStatusInstalling,
	SubscriptionStatusActivatingFailed:   SubscriptionStatusActivating,
	SubscriptionStatusUpdatingFailed:     SubscriptionStatusUpdating,
	SubscriptionStatusRenewingFailed:     SubscriptionStatusRenewing,
	SubscriptionStatusStoppingFailed:     SubscriptionStatusStopping,
	SubscriptionStatusDeletionFailed:     SubscriptionStatusDeleting,
}

func nextSubscriptionStatus(s SubscriptionState, ev SubscriptionEvent) (SubscriptionStatus, bool) {
	op := ev.Op
	switch ev.Kind {
	case SubscriptionEventStart:
		return op.Transitional(), op.StartsFrom(s.Status)
	case SubscriptionEventDone:
		return op.Done(s.Rules), op.Valid() && s.Status == op.Transitional()
	case SubscriptionEventFailed:
		return op.Failed(), op.Valid() && s.Status == op.Transitional()
	case SubscriptionEventRetry:
		next, ok := retryOf[s.Status]
		return next, ok
	case SubscriptionEventAwaitApproval:
		ok := (op == ProvisionOpStop || op == ProvisionOpDelete) && op.StartsFrom(s.Status)
		return SubscriptionStatusWaitingForManualApprove, ok
	case SubscriptionEventApprove:
		ok := s.Status == SubscriptionStatusWaitingForManualApprove && (s.Awaiting == ProvisionOpStop || s.Awaiting == ProvisionOpDelete)
		return s.Awaiting.Transitional(), ok
	case SubscriptionEventDecline:
		return s.returnStatus(), s.Status == SubscriptionStatusWaitingForManualApprove
	case SubscriptionEventGrace:
		return SubscriptionStatusGraced, s.Status == SubscriptionStatusActive
	case SubscriptionEventBlock:
		ok := s.PaymentModel == PaymentModelPostpay && (s.Status == SubscriptionStatusActive || s.Status == SubscriptionStatusGraced)
		return SubscriptionStatusBlocked, ok
	case SubscriptionEventUnblock:
		// Blocking only ever interrupts an active or a graced subscription.
		next := SubscriptionStatusActive
		if s.Return == SubscriptionStatusGraced {
			next = SubscriptionStatusGraced
		}
		return next, s.Status == SubscriptionStatusBlocked
	case SubscriptionEventDiscard:
		return SubscriptionStatusDeleted, s.Status == SubscriptionStatusOrdered
	}
	return s.Status, false
}

// returnStatus is where a decline leads: the remembered status when it is
// one a subscription can rest in, else active.
func (s SubscriptionState) returnStatus() SubscriptionStatus {
	switch s.Return {
	case SubscriptionStatusActive, SubscriptionStatusDelivered, SubscriptionStatusGraced,
		SubscriptionStatusBlocked, SubscriptionStatusStopped:
		if s.Return != s.Status {
			return s.Return
		}
	}
	return SubscriptionStatusActive
}

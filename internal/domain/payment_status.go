package domain

import "fmt"

// PaymentEvent is something that happens to a payment.
type PaymentEvent string

// The payment events.
const (
	// PaymentEventComplete: a manager marks the payment paid by some method (also by its
	// document number, or an ERP completing a postpaid invoice).
	PaymentEventComplete PaymentEvent = "complete"
	// PaymentEventPayFromBalance: the amount is taken from the account's balance.
	PaymentEventPayFromBalance PaymentEvent = "pay_from_balance"
	// PaymentEventCancel: a manager cancels the payment (DELETE payments/{id}).
	PaymentEventCancel PaymentEvent = "cancel"
	// PaymentEventOrderCancelled: the order the payment pays was cancelled; money already
	// taken from the balance goes back to it.
	PaymentEventOrderCancelled PaymentEvent = "order_cancelled"
	// PaymentEventExpire: the due date passed without payment.
	PaymentEventExpire PaymentEvent = "expire"
	// PaymentEventReopen: an expired payment may be paid again (its due date was moved, or
	// the approval of its invoice revoked).
	PaymentEventReopen PaymentEvent = "reopen"
	// PaymentEventCreateReceipt and PaymentEventSendReceipt: a bank-transfer or cash receipt is
	// made and sent to the account.
	PaymentEventCreateReceipt PaymentEvent = "create_receipt"
	PaymentEventSendReceipt   PaymentEvent = "send_receipt"
	// PaymentEventStartProcessing, PaymentEventProcessed and PaymentEventProcessingFailed: a payment
	// gateway takes the payment, then reports success or failure.
	PaymentEventStartProcessing  PaymentEvent = "start_processing"
	PaymentEventProcessed        PaymentEvent = "processed"
	PaymentEventProcessingFailed PaymentEvent = "processing_failed"
)

// PaymentEvents lists every payment event.
var PaymentEvents = []PaymentEvent{
	PaymentEventComplete, PaymentEventPayFromBalance, PaymentEventCancel, PaymentEventOrderCancelled,
	PaymentEventExpire, PaymentEventReopen, PaymentEventCreateReceipt, PaymentEventSendReceipt,
	PaymentEventStartProcessing, PaymentEventProcessed, PaymentEventProcessingFailed,
}

// OrderEvent is what ev does to the order the payment pays, if anything: a paid
// payment lets the order go on, a cancelled one cancels it.
func (ev PaymentEvent) OrderEvent() (OrderEvent, bool) {
	switch ev {
	case PaymentEventComplete, PaymentEventPayFromBalance, PaymentEventProcessed:
		return OrderEventPay, true
	case PaymentEventCancel:
		return OrderEventCancel, true
	}
	return "", false
}

// NextPaymentStatus is the status a payment for purpose, in status s, moves to on ev;
// or the error the API shows: 422 with the documented text for a manager's cancel or
// completion, 403 This action is forbidden otherwise.
func NextPaymentStatus(s PaymentStatus, purpose PaymentPurpose, ev PaymentEvent) (PaymentStatus, error) {
	next, msg := nextPaymentStatus(s, purpose, ev)
	if msg == "" {
		return next, nil
	}
	var err error = Forbidden()
	if msg != MsgForbidden {
		err = &Error{Code: ErrInvalid, Message: msg, Reason: msg.Reason()}
	}
	return s, fmt.Errorf("payment %s cannot take %s: %w", s, ev, err)
}

// nextPaymentStatus answers the next status, or the message of the refusal.
func nextPaymentStatus(s PaymentStatus, purpose PaymentPurpose, ev PaymentEvent) (PaymentStatus, Message) {
	in := func(list ...PaymentStatus) bool {
		for _, x := range list {
			if s == x {
				return true
			}
		}
		return false
	}
	switch ev {
	case PaymentEventComplete:
		if in(PaymentStatusWaitingForPayment, PaymentStatusExpired, PaymentStatusReceiptSent) {
			return PaymentStatusCompleted, ""
		}
		return s, MsgPaymentCompleteStatus
	case PaymentEventPayFromBalance:
		if purpose != PaymentForTopUp && s == PaymentStatusWaitingForPayment {
			return PaymentStatusPaidFromBalance, ""
		}
		return s, MsgPaymentFromBalance
	case PaymentEventCancel:
		switch {
		case s != PaymentStatusWaitingForPayment:
			return s, MsgPaymentCancelStatus
		case purpose == PaymentForInvoice:
			return s, MsgPaymentCancelInvoice
		}
		return PaymentStatusCancelled, ""
	case PaymentEventOrderCancelled:
		switch {
		case purpose != PaymentForOrder:
		case s == PaymentStatusCompleted:
			// Paid outside Cascade: the payment stays paid and the service puts
			// the money on the account's balance.
			return s, ""
		case in(PaymentStatusWaitingForPayment, PaymentStatusExpired, PaymentStatusReceiptCreating,
			PaymentStatusReceiptSent, PaymentStatusPaidFromBalance):
			return PaymentStatusCancelled, ""
		}
	case PaymentEventExpire:
		// An order's payment never expires on its own: the order expires and
		// cancels it, so the two cannot disagree.
		if purpose != PaymentForOrder && in(PaymentStatusWaitingForPayment, PaymentStatusReceiptSent) {
			return PaymentStatusExpired, ""
		}
	case PaymentEventReopen:
		if s == PaymentStatusExpired {
			return PaymentStatusWaitingForPayment, ""
		}
	case PaymentEventCreateReceipt:
		if s == PaymentStatusWaitingForPayment {
			return PaymentStatusReceiptCreating, ""
		}
	case PaymentEventSendReceipt:
		if s == PaymentStatusReceiptCreating {
			return PaymentStatusReceiptSent, ""
		}
	case PaymentEventStartProcessing:
		if in(PaymentStatusWaitingForPayment, PaymentStatusExpired) {
			return PaymentStatusProcessing, ""
		}
	case PaymentEventProcessed:
		if s == PaymentStatusProcessing {
			return PaymentStatusCompleted, ""
		}
	case PaymentEventProcessingFailed:
		if s == PaymentStatusProcessing {
			return PaymentStatusWaitingForPayment, ""
		}
	}
	return s, MsgForbidden
}

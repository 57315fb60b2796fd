package domain

import (
	"errors"
	"testing"
	"time"
)

func TestPaymentModel(t *testing.T) {
	if !PaymentModelPrepay.Valid() || !PaymentModelPostpay.Valid() || PaymentModel("credit").Valid() {
		t.Error("payment model validity")
	}
	if string(PaymentModelPrepay) != string(ChargingModelPrepay) || string(PaymentModelPostpay) != string(ChargingModelPostpay) {
		t.Error("payment models and charging models must share their values")
	}
}

// paymentMove is one allowed move, for the purposes listed (all when none).
type paymentMove struct {
	ev       PaymentEvent
	from     []PaymentStatus
	to       PaymentStatus // "" keeps the status
	purposes []PaymentPurpose
}

var paymentMoves = []paymentMove{
	{PaymentEventComplete, []PaymentStatus{PaymentStatusWaitingForPayment, PaymentStatusExpired, PaymentStatusReceiptSent}, PaymentStatusCompleted, nil},
	{PaymentEventPayFromBalance, []PaymentStatus{PaymentStatusWaitingForPayment}, PaymentStatusPaidFromBalance, []PaymentPurpose{PaymentForOrder, PaymentForInvoice}},
	{PaymentEventCancel, []PaymentStatus{PaymentStatusWaitingForPayment}, PaymentStatusCancelled, []PaymentPurpose{PaymentForOrder, PaymentForTopUp}},
	{PaymentEventOrderCancelled, []PaymentStatus{PaymentStatusWaitingForPayment, PaymentStatusExpired, PaymentStatusReceiptCreating,
		PaymentStatusReceiptSent, PaymentStatusPaidFromBalance}, PaymentStatusCancelled, []PaymentPurpose{PaymentForOrder}},
	{PaymentEventOrderCancelled, []PaymentStatus{PaymentStatusCompleted}, "", []PaymentPurpose{PaymentForOrder}},
	{PaymentEventExpire, []PaymentStatus{PaymentStatusWaitingForPayment, PaymentStatusReceiptSent}, PaymentStatusExpired, []PaymentPurpose{PaymentForInvoice, PaymentForTopUp}},
	{PaymentEventReopen, []PaymentStatus{PaymentStatusExpired}, PaymentStatusWaitingForPayment, nil},
	{PaymentEventCreateReceipt, []PaymentStatus{PaymentStatusWaitingForPayment}, PaymentStatusReceiptCreating, nil},
	{PaymentEventSendReceipt, []PaymentStatus{PaymentStatusReceiptCreating}, PaymentStatusReceiptSent, nil},
	{PaymentEventStartProcessing, []PaymentStatus{PaymentStatusWaitingForPayment, PaymentStatusExpired}, PaymentStatusProcessing, nil},
	{PaymentEventProcessed, []PaymentStatus{PaymentStatusProcessing}, PaymentStatusCompleted, nil},
	{PaymentEventProcessingFailed, []PaymentStatus{PaymentStatusProcessing}, PaymentStatusWaitingForPayment, nil},
}

// paymentRefusal is the message a refused manager's request shows (422); system
// events are refused as forbidden.
func paymentRefusal(ev PaymentEvent, s PaymentStatus) Message {
	switch ev {
	case PaymentEventComplete:
		return MsgPaymentCompleteStatus
	case PaymentEventPayFromBalance:
		return MsgPaymentFromBalance
	case PaymentEventCancel:
		if s == PaymentStatusWaitingForPayment {
			return MsgPaymentCancelInvoice
		}
		return MsgPaymentCancelStatus
	}
	return MsgForbidden
}

func TestNextPaymentStatusEveryPair(t *testing.T) {
	for _, purpose := range []PaymentPurpose{PaymentForOrder, PaymentForInvoice, PaymentForTopUp} {
		for _, from := range PaymentStatuses {
			for _, ev := range PaymentEvents {
				want, moves := from, false
				for _, m := range paymentMoves {
					if m.ev != ev || !contains(m.from, from) || m.purposes != nil && !contains(m.purposes, purpose) {
						continue
					}
					want, moves = m.to, true
					if want == "" {
						want = from
					}
				}
				got, err := NextPaymentStatus(from, purpose, ev)
				if moves {
					if err != nil || got != want {
						t.Errorf("%s payment %s on %s = %s, %v; want %s", purpose, from, ev, got, err, want)
					}
					continue
				}
				var de *Error
				msg := paymentRefusal(ev, from)
				code := ErrInvalid
				if msg == MsgForbidden {
					code = ErrForbidden
				}
				if !errors.As(err, &de) || de.Message != msg || de.Code != code || got != from {
					t.Errorf("%s payment %s on %s = %s, %v; want refused with %s", purpose, from, ev, got, err, msg)
				}
			}
		}
	}
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if x == y {
			return true
		}
	}
	return false
}

func TestPaymentApplySetsClosedAt(t *testing.T) {
	now := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
	p := Payment{ID: 3, Purpose: PaymentForOrder, Status: PaymentStatusWaitingForPayment}
	if err := p.Apply(PaymentEventCreateReceipt, now); err != nil || !p.ClosedAt.IsZero() {
		t.Fatalf("receipt: %v closed=%s", err, p.ClosedAt)
	}
	if err := p.Apply(PaymentEventCancel, now); err == nil || p.Status != PaymentStatusReceiptCreating {
		t.Fatalf("cancel a receipt being made: %v %s, want refused", err, p.Status)
	}
	if err := p.Apply(PaymentEventOrderCancelled, now); err != nil || p.Status != PaymentStatusCancelled || !p.ClosedAt.Equal(now) {
		t.Fatalf("order cancelled: %v %s closed=%s", err, p.Status, p.ClosedAt)
	}
}

func TestPaymentStatusClosed(t *testing.T) {
	closed := map[PaymentStatus]bool{PaymentStatusCompleted: true, PaymentStatusPaidFromBalance: true, PaymentStatusCancelled: true}
	for _, s := range PaymentStatuses {
		if s.Closed() != closed[s] || !s.Valid() {
			t.Errorf("%s: closed=%v valid=%v", s, s.Closed(), s.Valid())
		}
	}
	if len(PaymentStatuses) != 8 || PaymentStatus("pending").Valid() {
		t.Error("payment statuses are the documented eight")
	}
}

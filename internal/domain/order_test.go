package domain

import (
	"errors"
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// isForbidden reports whether err carries the forbidden error the API answers 403 with.
func isForbidden(err error) bool {
	var de *Error
	return errors.As(err, &de) && de.Code == ErrForbidden && de.Message == MsgForbidden
}

func TestOrderKindNames(t *testing.T) {
	cases := []struct {
		kind             OrderKind
		jsonType, prefix string
		ability          AbilityKey
	}{
		{SalesOrder, "sales_orders", "SO", ""},
		{SwitchOrder, "switch_orders", "SW", AbilitySwitchPlan},
		{ChangeOrder, "change_orders", "CH", AbilityAdjust},
		{RenewalOrder, "renewal_orders", "RN", AbilityRenew},
		{ProlongOrder, "prolong_orders", "PO", AbilityProlong},
	}
	if len(cases) != len(OrderKinds) {
		t.Fatalf("%d kinds tested, %d exist", len(cases), len(OrderKinds))
	}
	for _, c := range cases {
		if !c.kind.Valid() || c.kind.JSONAPIType() != c.jsonType || c.kind.DocumentPrefix() != c.prefix || c.kind.Ability() != c.ability {
			t.Errorf("%s: valid=%v type=%q prefix=%q ability=%q, want true %q %q %q", c.kind, c.kind.Valid(),
				c.kind.JSONAPIType(), c.kind.DocumentPrefix(), c.kind.Ability(), c.jsonType, c.prefix, c.ability)
		}
	}
	for _, k := range []OrderKind{"", "sales_order", "salesorder", "DowngradeOrder"} {
		if k.Valid() {
			t.Errorf("%q is valid, want not", k)
		}
	}
}

func TestFormatDocumentID(t *testing.T) {
	cases := []struct {
		kind OrderKind
		n    int64
		want string
	}{
		{SalesOrder, 329, "SO000329"},
		{ProlongOrder, 1, "PO000001"},
		{RenewalOrder, 999999, "RN999999"},
		{SwitchOrder, 1000000, "SW1000000"},
		{ChangeOrder, 12345678, "CH12345678"},
	}
	for _, c := range cases {
		if got := FormatDocumentID(c.kind, c.n); got != c.want {
			t.Errorf("FormatDocumentID(%s, %d)=%q, want %q", c.kind, c.n, got, c.want)
		}
	}
}

func TestOrderStatusClosedAndInFlight(t *testing.T) {
	for _, s := range OrderStatuses {
		closed := s == OrderStatusCompleted || s == OrderStatusCancelled
		if s.Closed() != closed || s.InFlight() == closed || !s.Valid() {
			t.Errorf("%s: closed=%v inFlight=%v valid=%v", s, s.Closed(), s.InFlight(), s.Valid())
		}
	}
	if OrderStatus("paid").Valid() || OrderStatus("paid").InFlight() {
		t.Error("an unknown status is valid or in flight")
	}
}

// orderMoves is the whole order table, written out independently of the code: every
// (status, event, delayed) that moves, and where to. Everything else is refused.
var orderMoves = []struct {
	from    OrderStatus
	ev      OrderEvent
	delayed bool
	to      OrderStatus
}{
	{OrderStatusWaitingForPayment, OrderEventPay, false, OrderStatusProvisioning},
	{OrderStatusWaitingForPayment, OrderEventPay, true, OrderStatusWaitingForProvisioning},
	{OrderStatusWaitingForPayment, OrderEventCancel, false, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventCancel, true, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventExpire, false, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventExpire, true, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventSupersede, false, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventSupersede, true, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventSubscriptionStopped, false, OrderStatusCancelled},
	{OrderStatusWaitingForPayment, OrderEventSubscriptionStopped, true, OrderStatusCancelled},
	{OrderStatusWaitingForProvisioning, OrderEventProvisioningDateReached, false, OrderStatusProvisioning},
	{OrderStatusWaitingForProvisioning, OrderEventCancel, true, OrderStatusCancelled},
	{OrderStatusWaitingForProvisioning, OrderEventSubscriptionStopped, false, OrderStatusCancelled},
	{OrderStatusWaitingForProvisioning, OrderEventSubscriptionStopped, true, OrderStatusCancelled},
	{OrderStatusProvisioning, OrderEventProvisioned, false, OrderStatusCompleted},
	{OrderStatusProvisioning, OrderEventProvisioned, true, OrderStatusCompleted},
	{OrderStatusProvisioning, OrderEventProvisioningFailed, false, OrderStatusProvisioningFailed},
	{OrderStatusProvisioning, OrderEventProvisioningFailed, true, OrderStatusProvisioningFailed},
	{OrderStatusProvisioningFailed, OrderEventRetry, false, OrderStatusProvisioning},
	{OrderStatusProvisioningFailed, OrderEventRetry, true, OrderStatusProvisioning},
}

func TestNextOrderStatusEveryPair(t *testing.T) {
	for _, kind := range OrderKinds {
		for _, from := range OrderStatuses {
			for _, ev := range OrderEvents {
				for _, delayed := range []bool{false, true} {
					want, moves := from, false
					for _, m := range orderMoves {
						if m.from == from && m.ev == ev && m.delayed == delayed {
							want, moves = m.to, true
						}
					}
					// Only change, switch and prolong orders give way to the renewal.
					if ev == OrderEventSupersede && !kind.SupersededByRenewal() {
						want, moves = from, false
					}
					got, err := NextOrderStatus(OrderState{Status: from, Kind: kind, Delayed: delayed}, ev)
					switch {
					case moves && (err != nil || got != want):
						t.Errorf("%s %s on %s (delayed %v) = %s, %v; want %s", kind, from, ev, delayed, got, err, want)
					case !moves && (!isForbidden(err) || got != from):
						t.Errorf("%s %s on %s (delayed %v) = %s, %v; want refused", kind, from, ev, delayed, got, err)
					}
				}
			}
		}
	}
}

func TestSupersededByRenewal(t *testing.T) {
	want := map[OrderKind]bool{ChangeOrder: true, SwitchOrder: true, ProlongOrder: true}
	for _, k := range OrderKinds {
		if k.SupersededByRenewal() != want[k] {
			t.Errorf("%s superseded=%v, want %v", k, k.SupersededByRenewal(), want[k])
		}
	}
}

func TestOrderExpirationDateInTheInstallationZone(t *testing.T) {
	moscow := time.FixedZone("MSK", 3*3600)
	terms := DefaultTermSettings
	terms.CancelUnpaidOrderIn = 3
	// 22:30 UTC on the 31st is already 1 February in Moscow.
	created := time.Date(2027, 1, 31, 22, 30, 0, 0, time.UTC)
	if got := OrderExpirationDate(created, moscow, terms).String(); got != "2027-02-04" {
		t.Errorf("Moscow: expiration=%s, want 2027-02-04", got)
	}
	if got := OrderExpirationDate(created, time.UTC, terms).String(); got != "2027-02-03" {
		t.Errorf("UTC: expiration=%s, want 2027-02-03", got)
	}
	terms.CancelUnpaidOrderIn = 0
	if got := OrderExpirationDate(created, time.UTC, terms).String(); got != "2027-01-31" {
		t.Errorf("0 days: expiration=%s, want the creation day 2027-01-31", got)
	}
}

func TestOrderUnpaidFromTheDayAfterExpiration(t *testing.T) {
	o := Order{Status: OrderStatusWaitingForPayment, ExpirationDate: mustDate(t, "2027-02-03")}
	for day, want := range map[string]bool{"2027-02-02": false, "2027-02-03": false, "2027-02-04": true} {
		if got := o.Unpaid(mustDate(t, day)); got != want {
			t.Errorf("unpaid on %s = %v, want %v", day, got, want)
		}
	}
	o.Status = OrderStatusWaitingForProvisioning
	if o.Unpaid(mustDate(t, "2027-03-01")) {
		t.Error("a paid order is unpaid after its expiration date")
	}
}

func TestOrderStart(t *testing.T) {
	today := mustDate(t, "2027-05-10")
	cases := []struct {
		name         string
		model        PaymentModel
		total        Amount
		provisioning string
		want         OrderStatus
	}{
		{"PrepayWaitsForPayment", PaymentModelPrepay, 5 * AmountScale, "", OrderStatusWaitingForPayment},
		{"PrepayDelayedWaitsForPaymentFirst", PaymentModelPrepay, 5 * AmountScale, "2027-05-20", OrderStatusWaitingForPayment},
		{"FreePrepayProvisions", PaymentModelPrepay, 0, "", OrderStatusProvisioning},
		{"PostpayProvisions", PaymentModelPostpay, 5 * AmountScale, "", OrderStatusProvisioning},
		{"PostpayDelayedWaits", PaymentModelPostpay, 5 * AmountScale, "2027-05-11", OrderStatusWaitingForProvisioning},
		{"PostpayDatedTodayProvisions", PaymentModelPostpay, 5 * AmountScale, "2027-05-10", OrderStatusProvisioning},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Order{PaymentModel: c.model, Total: c.total}
			if c.provisioning != "" {
				o.ProvisioningDate = mustDate(t, c.provisioning)
			}
			o.Start(today)
			if o.Status != c.want {
				t.Fatalf("status=%s, want %s", o.Status, c.want)
			}
		})
	}
}

func TestOrderApplyCancelsDelayedOrderOnlyBeforeItsDate(t *testing.T) {
	loc := time.FixedZone("MSK", 3*3600)
	cases := []struct {
		now       time.Time
		cancelled bool
	}{
		{time.Date(2027, 6, 9, 20, 59, 0, 0, time.UTC), true},  // 23:59 on the 9th, local
		{time.Date(2027, 6, 9, 21, 0, 0, 0, time.UTC), false},  // 00:00 on the 10th, local: the date
		{time.Date(2027, 6, 11, 12, 0, 0, 0, time.UTC), false}, // after it
	}
	for _, c := range cases {
		o := Order{ID: 7, Kind: RenewalOrder, Status: OrderStatusWaitingForProvisioning, ProvisioningDate: mustDate(t, "2027-06-10")}
		err := o.Apply(OrderEventCancel, c.now, loc)
		if c.cancelled {
			if err != nil || o.Status != OrderStatusCancelled || !o.ClosedAt.Equal(c.now) {
				t.Errorf("at %s: %v status=%s closed=%s, want cancelled at that moment", c.now, err, o.Status, o.ClosedAt)
			}
			continue
		}
		if !isForbidden(err) || o.Status != OrderStatusWaitingForProvisioning || !o.ClosedAt.IsZero() {
			t.Errorf("at %s: %v status=%s closed=%s, want refused and unchanged", c.now, err, o.Status, o.ClosedAt)
		}
	}
}

func TestOrderApplyKeepsClosedAtZeroUntilClosed(t *testing.T) {
	now := time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)
	o := Order{Kind: SalesOrder, Status: OrderStatusWaitingForPayment}
	steps := []struct {
		ev     OrderEvent
		want   OrderStatus
		closed bool
	}{
		{OrderEventPay, OrderStatusProvisioning, false},
		{OrderEventProvisioningFailed, OrderStatusProvisioningFailed, false},
		{OrderEventRetry, OrderStatusProvisioning, false},
		{OrderEventProvisioned, OrderStatusCompleted, true},
	}
	for _, s := range steps {
		if err := o.Apply(s.ev, now, time.UTC); err != nil || o.Status != s.want || o.ClosedAt.IsZero() == s.closed {
			t.Fatalf("%s: %v status=%s closed=%s, want %s closed %v", s.ev, err, o.Status, o.ClosedAt, s.want, s.closed)
		}
	}
}

func TestOrderAndPaymentCancelEachOther(t *testing.T) {
	for _, ev := range OrderEvents {
		pe, ok := ev.PaymentEvent()
		ends := ev == OrderEventCancel || ev == OrderEventExpire || ev == OrderEventSupersede || ev == OrderEventSubscriptionStopped
		if ok != ends || ok && pe != PaymentEventOrderCancelled {
			t.Errorf("order %s tells its payment %q (%v)", ev, pe, ok)
		}
	}
	want := map[PaymentEvent]OrderEvent{
		PaymentEventComplete: OrderEventPay, PaymentEventPayFromBalance: OrderEventPay,
		PaymentEventProcessed: OrderEventPay, PaymentEventCancel: OrderEventCancel,
	}
	for _, ev := range PaymentEvents {
		oe, ok := ev.OrderEvent()
		if w, has := want[ev]; ok != has || oe != w {
			t.Errorf("payment %s tells its order %q (%v), want %q", ev, oe, ok, w)
		}
	}
}

func TestCreatedByManager(t *testing.T) {
	if got := CreatedByManager(343, "Jane Doe"); got != "#343 Jane Doe" {
		t.Errorf("got %q", got)
	}
}

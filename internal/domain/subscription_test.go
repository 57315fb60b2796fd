package domain

import (
	"strings"
	"testing"
)

func TestSubscriptionStatusKinds(t *testing.T) {
	want := map[StatusKind][]SubscriptionStatus{
		StatusStable: {SubscriptionStatusOrdered, SubscriptionStatusActive, SubscriptionStatusDelivered,
			SubscriptionStatusWaitingForManualApprove, SubscriptionStatusGraced, SubscriptionStatusStopped,
			SubscriptionStatusBlocked},
		StatusTransitional: {SubscriptionStatusInstalling, SubscriptionStatusActivating, SubscriptionStatusUpdating,
			SubscriptionStatusRenewing, SubscriptionStatusStopping, SubscriptionStatusDeleting},
		StatusFailed: {SubscriptionStatusInstallationFailed, SubscriptionStatusActivatingFailed,
			SubscriptionStatusUpdatingFailed, SubscriptionStatusRenewingFailed, SubscriptionStatusStoppingFailed,
			SubscriptionStatusDeletionFailed},
		StatusFinal: {SubscriptionStatusDeleted},
	}
	n := 0
	for kind, list := range want {
		for _, s := range list {
			n++
			if s.Kind() != kind || !s.Valid() {
				t.Errorf("%s: kind=%q valid=%v, want %q", s, s.Kind(), s.Valid(), kind)
			}
		}
	}
	if n != 20 || len(SubscriptionStatuses) != 20 {
		t.Errorf("%d statuses checked, %d listed, want 20", n, len(SubscriptionStatuses))
	}
	if SubscriptionStatus("suspended").Valid() || SubscriptionStatus("suspended").Kind() != "" {
		t.Error("an unknown status is valid")
	}
}

func TestProvisionOpStatuses(t *testing.T) {
	cases := []struct {
		op                         ProvisionOp
		transitional, done, failed SubscriptionStatus
		doneDelivered              SubscriptionStatus
	}{
		{ProvisionOpCreate, SubscriptionStatusInstalling, SubscriptionStatusActive, SubscriptionStatusInstallationFailed, SubscriptionStatusDelivered},
		{ProvisionOpUpdate, SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed, SubscriptionStatusActive},
		{ProvisionOpRenew, SubscriptionStatusRenewing, SubscriptionStatusActive, SubscriptionStatusRenewingFailed, SubscriptionStatusActive},
		{ProvisionOpSwitch, SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed, SubscriptionStatusActive},
		{ProvisionOpStop, SubscriptionStatusStopping, SubscriptionStatusStopped, SubscriptionStatusStoppingFailed, SubscriptionStatusStopped},
		{ProvisionOpActivate, SubscriptionStatusActivating, SubscriptionStatusActive, SubscriptionStatusActivatingFailed, SubscriptionStatusActive},
		{ProvisionOpDelete, SubscriptionStatusDeleting, SubscriptionStatusDeleted, SubscriptionStatusDeletionFailed, SubscriptionStatusDeleted},
	}
	if len(cases) != len(ProvisionOps) {
		t.Fatalf("%d ops tested, %d exist", len(cases), len(ProvisionOps))
	}
	for _, c := range cases {
		got := []SubscriptionStatus{c.op.Transitional(), c.op.Done(BillingPayAsYouGo.Rules()), c.op.Failed(), c.op.Done(BillingNonRecurring.Rules())}
		want := []SubscriptionStatus{c.transitional, c.done, c.failed, c.doneDelivered}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: transitional, done, failed, done delivered = %v, want %v", c.op, got, want)
				break
			}
		}
	}
}

func TestProvisionRequestFollowsTheServiceTerm(t *testing.T) {
	terms := DefaultTermSettings
	terms.StopType = ApprovalManual
	if ev := ProvisionRequest(ProvisionOpStop, terms); ev.Kind != SubscriptionEventAwaitApproval || ev.Op != ProvisionOpStop {
		t.Errorf("manual stop = %s, want await_approval stop", ev)
	}
	if ev := ProvisionRequest(ProvisionOpDelete, terms); ev != ProvisionStart(ProvisionOpDelete) {
		t.Errorf("automatic delete = %s, want start delete", ev)
	}
	terms.DeleteType = ApprovalManual
	if ev := ProvisionRequest(ProvisionOpDelete, terms); ev.Kind != SubscriptionEventAwaitApproval {
		t.Errorf("manual delete = %s, want await_approval delete", ev)
	}
	if ev := ProvisionRequest(ProvisionOpActivate, terms); ev != ProvisionStart(ProvisionOpActivate) {
		t.Errorf("activate = %s, want start activate: only stops and deletions wait", ev)
	}
}

// subscriptionMoves is the subscription table written out independently of the code,
// for a postpaid pay-as-you-go subscription with nothing remembered. The test varies
// what the state adds (billing type, payment model, remembered status, awaited op)
// and adjusts the few moves those change.
func subscriptionMoves() map[string]SubscriptionStatus {
	m := map[string]SubscriptionStatus{}
	add := func(ev SubscriptionEvent, to SubscriptionStatus, from ...SubscriptionStatus) {
		for _, f := range from {
			m[string(f)+"|"+ev.String()] = to
		}
	}
	S := ProvisionStart
	add(S(ProvisionOpCreate), SubscriptionStatusInstalling, SubscriptionStatusOrdered)
	add(S(ProvisionOpUpdate), SubscriptionStatusUpdating, SubscriptionStatusActive)
	add(S(ProvisionOpSwitch), SubscriptionStatusUpdating, SubscriptionStatusActive)
	add(S(ProvisionOpRenew), SubscriptionStatusRenewing, SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusStopped)
	add(S(ProvisionOpActivate), SubscriptionStatusActivating, SubscriptionStatusStopped)
	add(S(ProvisionOpStop), SubscriptionStatusStopping, SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusBlocked)
	add(S(ProvisionOpDelete), SubscriptionStatusDeleting, SubscriptionStatusActive, SubscriptionStatusDelivered,
		SubscriptionStatusGraced, SubscriptionStatusBlocked, SubscriptionStatusStopped)
	for _, c := range []struct {
		op                         ProvisionOp
		running, done, failed, try SubscriptionStatus
	}{
		{ProvisionOpCreate, SubscriptionStatusInstalling, SubscriptionStatusActive, SubscriptionStatusInstallationFailed, SubscriptionStatusInstalling},
		{ProvisionOpUpdate, SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed, SubscriptionStatusUpdating},
		{ProvisionOpSwitch, SubscriptionStatusUpdating, SubscriptionStatusActive, SubscriptionStatusUpdatingFailed, SubscriptionStatusUpdating},
		{ProvisionOpRenew, SubscriptionStatusRenewing, SubscriptionStatusActive, SubscriptionStatusRenewingFailed, SubscriptionStatusRenewing},
		{ProvisionOpActivate, SubscriptionStatusActivating, SubscriptionStatusActive, SubscriptionStatusActivatingFailed, SubscriptionStatusActivating},
		{ProvisionOpStop, SubscriptionStatusStopping, SubscriptionStatusStopped, SubscriptionStatusStoppingFailed, SubscriptionStatusStopping},
		{ProvisionOpDelete, SubscriptionStatusDeleting, SubscriptionStatusDeleted, SubscriptionStatusDeletionFailed, SubscriptionStatusDeleting},
	} {
		add(ProvisionDone(c.op), c.done, c.running)
		add(ProvisionFailed(c.op), c.failed, c.running)
		add(SubscriptionEvent{Kind: SubscriptionEventRetry}, c.try, c.failed)
	}
	add(SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpStop}, SubscriptionStatusWaitingForManualApprove,
		SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusBlocked)
	add(SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpDelete}, SubscriptionStatusWaitingForManualApprove,
		SubscriptionStatusActive, SubscriptionStatusDelivered, SubscriptionStatusGraced, SubscriptionStatusBlocked, SubscriptionStatusStopped)
	add(SubscriptionEvent{Kind: SubscriptionEventDecline}, SubscriptionStatusActive, SubscriptionStatusWaitingForManualApprove)
	add(SubscriptionEvent{Kind: SubscriptionEventGrace}, SubscriptionStatusGraced, SubscriptionStatusActive)
	add(SubscriptionEvent{Kind: SubscriptionEventBlock}, SubscriptionStatusBlocked, SubscriptionStatusActive, SubscriptionStatusGraced)
	add(SubscriptionEvent{Kind: SubscriptionEventUnblock}, SubscriptionStatusActive, SubscriptionStatusBlocked)
	add(SubscriptionEvent{Kind: SubscriptionEventDiscard}, SubscriptionStatusDeleted, SubscriptionStatusOrdered)
	return m
}

func TestNextSubscriptionStatusEveryPair(t *testing.T) {
	type variant struct {
		name  string
		state SubscriptionState
	}
	variants := []variant{
		{"postpay", SubscriptionState{PaymentModel: PaymentModelPostpay, Rules: BillingPayAsYouGo.Rules()}},
		{"prepay", SubscriptionState{PaymentModel: PaymentModelPrepay, Rules: BillingPayAsYouGo.Rules()}},
		{"non-recurring", SubscriptionState{PaymentModel: PaymentModelPrepay, Rules: BillingNonRecurring.Rules()}},
		{"awaiting stop", SubscriptionState{PaymentModel: PaymentModelPostpay, Awaiting: ProvisionOpStop, Return: SubscriptionStatusGraced}},
		{"awaiting delete", SubscriptionState{PaymentModel: PaymentModelPostpay, Awaiting: ProvisionOpDelete, Return: SubscriptionStatusStopped}},
	}
	table := subscriptionMoves()
	for _, v := range variants {
		for _, from := range SubscriptionStatuses {
			for _, ev := range SubscriptionEvents() {
				want, moves := table[string(from)+"|"+ev.String()]
				switch {
				case ev == ProvisionDone(ProvisionOpCreate) && v.state.Rules.Delivered:
					want = SubscriptionStatusDelivered
				case ev.Kind == SubscriptionEventBlock && v.state.PaymentModel != PaymentModelPostpay:
					moves = false // blocking is for postpaid subscriptions only
				case ev.Kind == SubscriptionEventApprove && from == SubscriptionStatusWaitingForManualApprove && v.state.Awaiting != "":
					want, moves = v.state.Awaiting.Transitional(), true
				case ev.Kind == SubscriptionEventDecline && moves && v.state.Return != "":
					want = v.state.Return
				case ev.Kind == SubscriptionEventUnblock && moves && v.state.Return == SubscriptionStatusGraced:
					want = SubscriptionStatusGraced
				}
				st := v.state
				st.Status = from
				got, err := NextSubscriptionStatus(st, ev)
				switch {
				case moves && (err != nil || got != want):
					t.Errorf("%s: %s on %s = %s, %v; want %s", v.name, from, ev, got, err, want)
				case !moves && (!isForbidden(err) || got != from):
					t.Errorf("%s: %s on %s = %s, %v; want refused", v.name, from, ev, got, err)
				}
			}
		}
	}
}

func TestReturnStatusFallsBackToActive(t *testing.T) {
	for _, ret := range []SubscriptionStatus{"", SubscriptionStatusStopping, SubscriptionStatusWaitingForManualApprove, SubscriptionStatusOrdered, "bogus"} {
		got, err := NextSubscriptionStatus(SubscriptionState{Status: SubscriptionStatusWaitingForManualApprove, Return: ret},
			SubscriptionEvent{Kind: SubscriptionEventDecline})
		if err != nil || got != SubscriptionStatusActive {
			t.Errorf("decline remembering %q = %s, %v; want active", ret, got, err)
		}
	}
	for _, ret := range []SubscriptionStatus{"", SubscriptionStatusStopped, SubscriptionStatusBlocked, SubscriptionStatusDelivered} {
		got, err := NextSubscriptionStatus(SubscriptionState{Status: SubscriptionStatusBlocked, Return: ret},
			SubscriptionEvent{Kind: SubscriptionEventUnblock})
		if err != nil || got != SubscriptionStatusActive {
			t.Errorf("unblock remembering %q = %s, %v; want active", ret, got, err)
		}
	}
}

func TestSubscriptionApplyManualApprovalRound(t *testing.T) {
	rules := BillingPayAsYouGo.Rules()
	s := Subscription{ID: 9, Status: SubscriptionStatusGraced, Autorenew: true, PaymentModel: PaymentModelPrepay}
	if err := s.Apply(SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpStop}, rules); err != nil {
		t.Fatal(err)
	}
	if s.Status != SubscriptionStatusWaitingForManualApprove || s.Autorenew || s.ReturnStatus != SubscriptionStatusGraced || s.AwaitingApproval != ProvisionOpStop {
		t.Fatalf("waiting: %+v", s)
	}
	if err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventDecline}, rules); err != nil {
		t.Fatal(err)
	}
	if s.Status != SubscriptionStatusGraced || !s.Autorenew || s.ReturnStatus != "" || s.AwaitingApproval != "" {
		t.Fatalf("declined: %+v", s)
	}
	if err := s.Apply(SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpStop}, rules); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventApprove}, rules); err != nil {
		t.Fatal(err)
	}
	if s.Status != SubscriptionStatusStopping || s.Autorenew || s.AwaitingApproval != "" {
		t.Fatalf("approved: %+v", s)
	}
	err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventGrace}, rules)
	if !isForbidden(err) || s.Status != SubscriptionStatusStopping || !strings.Contains(err.Error(), "subscription 9") {
		t.Fatalf("grace while stopping: %v, status %s", err, s.Status)
	}
}

func TestSubscriptionApplyBlockRemembersStatus(t *testing.T) {
	rules := BillingPayAsYouGo.Rules()
	s := Subscription{Status: SubscriptionStatusGraced, PaymentModel: PaymentModelPostpay}
	if err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventBlock}, rules); err != nil || s.Status != SubscriptionStatusBlocked {
		t.Fatalf("block: %v %s", err, s.Status)
	}
	if err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventUnblock}, rules); err != nil || s.Status != SubscriptionStatusGraced || s.ReturnStatus != "" {
		t.Fatalf("unblock: %v %s (return %q), want graced", err, s.Status, s.ReturnStatus)
	}
	s.PaymentModel = PaymentModelPrepay
	if err := s.Apply(SubscriptionEvent{Kind: SubscriptionEventBlock}, rules); !isForbidden(err) || s.Status != SubscriptionStatusGraced {
		t.Fatalf("block prepay: %v %s, want refused", err, s.Status)
	}
}

func TestSubscriptionApplyCreatesDelivered(t *testing.T) {
	s := Subscription{Status: SubscriptionStatusOrdered}
	rules := BillingNonRecurring.Rules()
	for _, ev := range []SubscriptionEvent{ProvisionStart(ProvisionOpCreate), ProvisionFailed(ProvisionOpCreate),
		{Kind: SubscriptionEventRetry}, ProvisionDone(ProvisionOpCreate)} {
		if err := s.Apply(ev, rules); err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
	}
	if s.Status != SubscriptionStatusDelivered {
		t.Fatalf("status=%s, want delivered", s.Status)
	}
}

func TestSubscriptionResourceQuantity(t *testing.T) {
	if q := (SubscriptionResource{Included: 5, Additional: 3}).Quantity(); q != 8 {
		t.Errorf("quantity=%d, want 8", q)
	}
}

package service

import (
	"maps"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestViewFactsWithRows checks the facts of a page whose rows were read again: the
// orders in flight of those rows replace theirs (an order that ended leaves no
// entry, a new one is added), the other rows' stay, the page's own facts are not
// changed, and a row whose plan the page does not hold (a switch) asks for every
// fact afresh.
func TestViewFactsWithRows(t *testing.T) {
	plan := &domain.Plan{ID: 7}
	pending := map[int64]domain.PendingOrder{
		1: {Kind: domain.ChangeOrder, Status: domain.OrderStatusProvisioning},
		2: {Kind: domain.RenewalOrder, Status: domain.OrderStatusProvisioning},
	}
	f := viewFacts{plans: map[int64]*domain.Plan{7: plan}, terms: map[int64]domain.TermSettings{},
		targets: map[int64]bool{7: true}, pending: maps.Clone(pending)}
	fresh := []*domain.Subscription{{ID: 1, PlanID: 7}, {ID: 3, PlanID: 7}}
	flying := map[int64]*domain.Order{3: {SubscriptionID: 3, Kind: domain.SwitchOrder, Status: domain.OrderStatusProvisioning}}

	got, ok := f.withRows(fresh, flying)
	if !ok {
		t.Fatal("rows of the page's own plan: the facts were refused")
	}
	want := map[int64]domain.PendingOrder{
		2: pending[2], // a row not read again keeps its order
		3: {Kind: domain.SwitchOrder, Status: domain.OrderStatusProvisioning},
	}
	if !maps.Equal(got.pending, want) {
		t.Fatalf("orders in flight %v, want %v", got.pending, want)
	}
	if !maps.Equal(f.pending, pending) {
		t.Fatalf("the page's own orders in flight changed: %v, were %v", f.pending, pending)
	}
	if got.plans[7] != plan || !got.targets[7] {
		t.Fatalf("plans %v and targets %v, want the page's", got.plans, got.targets)
	}

	if _, ok := f.withRows([]*domain.Subscription{{ID: 1, PlanID: 8}}, nil); ok {
		t.Fatal("a row on a plan the page does not hold kept the page's facts")
	}
}

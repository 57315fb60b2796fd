package service

import (
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestWantedUserState: a user is active while a subscription is in use, inactive
// while only stopped or deleting ones remain, and deleted without any the vendor
// knows.
func TestWantedUserState(t *testing.T) {
	for _, c := range []struct {
		statuses []domain.SubscriptionStatus
		want     string
	}{
		{nil, userDeleted},
		{[]domain.SubscriptionStatus{domain.SubscriptionStatusDeleted, domain.SubscriptionStatusInstallationFailed}, userDeleted},
		{[]domain.SubscriptionStatus{domain.SubscriptionStatusStopped, domain.SubscriptionStatusDeleted}, userInactive},
		{[]domain.SubscriptionStatus{domain.SubscriptionStatusDeleting}, userInactive},
		{[]domain.SubscriptionStatus{domain.SubscriptionStatusStopped, domain.SubscriptionStatusStopping}, userActive},
		{[]domain.SubscriptionStatus{domain.SubscriptionStatusGraced}, userActive},
	} {
		if got := wantedUserState(c.statuses); got != c.want {
			t.Errorf("wantedUserState(%v) = %s, want %s", c.statuses, got, c.want)
		}
	}
}

// TestNextUserCall: each step from what the vendor was told towards what it should hold.
func TestNextUserCall(t *testing.T) {
	for _, c := range []struct {
		told, wanted string
		want         vendorkit.Event
	}{
		{"", userActive, vendorkit.EventUserCreate},
		{"", userInactive, vendorkit.EventUserCreate},
		{"", userDeleted, ""},
		{userDeleted, userActive, vendorkit.EventUserCreate},
		{userActive, userInactive, vendorkit.EventUserDeactivate},
		{userInactive, userActive, vendorkit.EventUserActivate},
		{userInactive, userDeleted, vendorkit.EventUserDelete},
		{userActive, userDeleted, vendorkit.EventUserDelete},
		{userActive, userActive, ""},
	} {
		if got := nextUserCall(&store.VendorUser{Told: c.told, Wanted: c.wanted}); got != c.want {
			t.Errorf("from %q to %q: %q, want %q", c.told, c.wanted, got, c.want)
		}
	}
}

package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorUserEvents: the first subscription of the product that reaches the
// vendor makes the account's owner known to it, once, under the id it answered; a
// second subscription sends nothing. The user is deactivated only when every
// subscription of the product is stopped, activated again with one of them, and
// deleted with the last of them, each call signed and made once.
func TestVendorUserEvents(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond)
		first := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		user := vuWaitStatus(t, w, vendorsvc.UserActive)
		owner := vuOwner(t, w)
		if user.Email != owner.Email || user.FirstName != owner.FirstName || user.LastName != owner.LastName {
			t.Errorf("the vendor's user %+v, want the owner %+v", user, owner)
		}
		if row := vuSettled(t, w); row.VendorUserID != user.ID || row.Told != "active" {
			t.Fatalf("the stored vendor user: %+v, want the vendor's id %s", row, user.ID)
		}

		second := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		if err := w.owner.StopSubscription(ctx, w.r.ID, first.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, first.ID, "stopped")
		vuCalls(t, w, map[vendorkit.Event]int{vendorkit.EventUserCreate: 1})

		if err := w.owner.StopSubscription(ctx, w.r.ID, second.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, second.ID, "stopped")
		vuWaitStatus(t, w, vendorsvc.UserInactive)
		if err := w.owner.ActivateSubscription(ctx, w.r.ID, second.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, second.ID, "active")
		vuWaitStatus(t, w, vendorsvc.UserActive)

		if err := w.owner.DeleteSubscription(ctx, w.r.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, first.ID, "deleted")
		if err := w.owner.StopSubscription(ctx, w.r.ID, second.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, second.ID, "stopped")
		vuWaitStatus(t, w, vendorsvc.UserInactive)
		if err := w.owner.DeleteSubscription(ctx, w.r.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, second.ID, "deleted")
		if got := vuWaitStatus(t, w, vendorsvc.UserDeleted); got.ID != user.ID {
			t.Errorf("deleted the vendor's user %s, want %s", got.ID, user.ID)
		}
		vuCalls(t, w, map[vendorkit.Event]int{vendorkit.EventUserCreate: 1, vendorkit.EventUserDeactivate: 2,
			vendorkit.EventUserActivate: 1, vendorkit.EventUserDelete: 1})
	})
}

// TestVendorUserEventsVendorDown: user events the vendor cannot take for a while
// are retried under their event ids and reach it once each, in order, when it is
// back; a refused one is kept on the user's row and leaves the subscription alone.
func TestVendorUserEventsVendorDown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond,
			50*time.Millisecond, 50*time.Millisecond)
		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventUserCreate,
			vendorkit.EventUserDeactivate}, Status: http.StatusServiceUnavailable, Times: 3, AfterEffect: true})
		sub := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopped")
		vuWaitStatus(t, w, vendorsvc.UserInactive)
		if n, d := w.vendor.Handled(vendorkit.EventUserCreate), w.vendor.Handled(vendorkit.EventUserDeactivate); n != 1 || d != 1 {
			t.Errorf("the vendor created the user %d times and deactivated it %d times, want 1 and 1", n, d)
		}
		var order []string
		ids := map[string]map[string]bool{}
		w.mu.Lock()
		for _, c := range w.calls {
			if c.event == string(vendorkit.EventUserCreate) || c.event == string(vendorkit.EventUserDeactivate) {
				if !c.signed {
					t.Errorf("unsigned call %+v", c)
				}
				if len(order) == 0 || order[len(order)-1] != c.event {
					order = append(order, c.event)
				}
				if ids[c.event] == nil {
					ids[c.event] = map[string]bool{}
				}
				ids[c.event][c.eventID] = true
			}
		}
		w.mu.Unlock()
		if len(order) != 2 || order[0] != string(vendorkit.EventUserCreate) {
			t.Errorf("calls in the order %v, want every create before every deactivate", order)
		}
		for ev, set := range ids {
			if len(set) != 1 {
				t.Errorf("%s went out under %d event ids, want 1", ev, len(set))
			}
		}

		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventUserActivate},
			Status: http.StatusUnprocessableEntity, Message: "seat limit reached"})
		if err := w.owner.ActivateSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		if got := soWait(t, w.owner, w.r.ID, sub.ID, "active"); got.ProvisioningError != nil {
			t.Errorf("the subscription shows %+v", got.ProvisioningError)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			row := vuRow(t, w)
			if row.ErrorMessage != "" {
				if row.ErrorCode != "422" || row.ErrorMessage != "seat limit reached" || row.Told != "inactive" || row.JobID != "" {
					t.Errorf("the refused activation kept as %+v", row)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no failure kept: %+v", row)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if calls := w.callsOf(vendorkit.EventUserActivate); len(calls) != 1 {
			t.Errorf("activate calls %+v, want one, refused at once", calls)
		}

		// The operator runs the failed job again once the vendor is mended.
		w.vendor.Faults.Clear()
		failed, err := w.s.DB.Reader().ListJobs(ctx, store.JobFilter{Kind: service.JobVendorUser,
			Status: domain.JobStatusFailed})
		if err != nil || len(failed) != 1 {
			t.Fatalf("failed user jobs: %v, %v", failed, err)
		}
		err = w.s.DB.InTx(ctx, func(tx *store.Conn) error {
			_, err := tx.RequeueFailedJob(ctx, failed[0].ID, w.s.Clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		vuWaitStatus(t, w, vendorsvc.UserActive)
		if row := vuSettled(t, w); row.ErrorMessage != "" || row.Told != "active" {
			t.Errorf("after the retry: %+v", row)
		}
	})
}

// vuOwner returns the account's one user, its owner, as stored.
func vuOwner(t *testing.T, w *vdWorld) struct{ Email, FirstName, LastName string } {
	t.Helper()
	c := w.s.DB.Reader()
	ids, err := c.FindAccountUserIDs(context.Background(), w.account.ID)
	if err != nil || len(ids) != 1 {
		t.Fatalf("the account's users: %v, %v", ids, err)
	}
	u, err := c.FindUserByID(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return struct{ Email, FirstName, LastName string }{u.Email, u.FirstName, u.LastName}
}

// vuRow returns what Cascade keeps of the owner and the product's vendor.
func vuRow(t *testing.T, w *vdWorld) *store.VendorUser {
	t.Helper()
	c := w.s.DB.Reader()
	ids, err := c.FindAccountUserIDs(context.Background(), w.account.ID)
	if err != nil || len(ids) != 1 {
		t.Fatalf("the account's users: %v, %v", ids, err)
	}
	product, err := c.FindProductByID(context.Background(), w.plan.ProductID)
	if err != nil {
		t.Fatal(err)
	}
	row, err := c.FindVendorUser(context.Background(), ids[0], product.ID)
	if err != nil {
		t.Fatal(err)
	}
	return row
}

// vuSettled waits until no delivery of the owner's events runs and returns its row.
func vuSettled(t *testing.T, w *vdWorld) *store.VendorUser {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		row := vuRow(t, w)
		if row != nil && row.JobID == "" {
			return row
		}
		if time.Now().After(deadline) {
			t.Fatalf("the owner's events are still delivered: %+v", row)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// vuWaitStatus waits until the vendor keeps exactly one user, in status, and
// returns it.
func vuWaitStatus(t *testing.T, w *vdWorld, status string) *vendorsvc.User {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		users, err := w.vendor.Users(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(users) == 1 && users[0].Status == status {
			return users[0]
		}
		if time.Now().After(deadline) {
			for _, u := range users {
				t.Logf("vendor user %+v", u)
			}
			t.Fatalf("the vendor keeps %d users, want one %s", len(users), status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// vuCalls checks that the vendor handled each user event of want as many times as
// it says, and no other user event.
func vuCalls(t *testing.T, w *vdWorld, want map[vendorkit.Event]int) {
	t.Helper()
	for _, ev := range []vendorkit.Event{vendorkit.EventUserCreate, vendorkit.EventUserUpdate, vendorkit.EventUserDelete,
		vendorkit.EventUserActivate, vendorkit.EventUserDeactivate, vendorkit.EventUserPasswordReset} {
		if n := w.vendor.Handled(ev); n != want[ev] {
			t.Errorf("the vendor handled %s %d times, want %d", ev, n, want[ev])
		}
		for _, c := range w.callsOf(ev) {
			if !c.signed {
				t.Errorf("unsigned call %+v", c)
			}
		}
	}
}

// TestVendorUserEventsStoppedTogether: two subscriptions of the product stopped at
// once deactivate the user: each outcome counts the other's, whichever commits first.
func TestVendorUserEventsStoppedTogether(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond)
		first := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		second := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		vuWaitStatus(t, w, vendorsvc.UserActive)
		// The vendor answers slowly, so both stops are in flight together.
		w.vendor.Faults.Delay(200 * time.Millisecond)
		for _, id := range []int64{first.ID, second.ID} {
			if err := w.owner.StopSubscription(ctx, w.r.ID, id, soNote); err != nil {
				t.Fatal(err)
			}
		}
		soWait(t, w.owner, w.r.ID, first.ID, "stopped")
		soWait(t, w.owner, w.r.ID, second.ID, "stopped")
		vuWaitStatus(t, w, vendorsvc.UserInactive)
		vuCalls(t, w, map[vendorkit.Event]int{vendorkit.EventUserCreate: 1, vendorkit.EventUserDeactivate: 1})
	})
}

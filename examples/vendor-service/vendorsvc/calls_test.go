package vendorsvc_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestSubscriptionCalls: every subscription call of Cascade's client reaches the
// service and changes what it keeps as documented.
func TestSubscriptionCalls(t *testing.T) {
	h := startService(t, ":memory:")
	ctx, c, tg := context.Background(), h.client, h.target

	if err := c.Check(ctx, tg, event()); err != nil {
		t.Fatalf("check: %v", err)
	}
	created, err := c.SubscriptionCreate(ctx, tg, event(), subRequest("3007255", 10))
	if err != nil || created.ExternalID == "" || created.Attributes["login_url"] == "" {
		t.Fatalf("create: %+v, %v", created, err)
	}
	ext := created.ExternalID
	sub := h.subscription(t, ext)
	if sub.Status != "active" || sub.Resources["users"] != 10 || sub.SubscriptionID != "3007255" || sub.APGUID != apGUID || sub.ResellerID != "7" {
		t.Fatalf("created: %+v", sub)
	}
	// A second create of the same subscription, under another event id, makes none.
	again, err := c.SubscriptionCreate(ctx, tg, event(), subRequest("3007255", 10))
	if err != nil || again.ExternalID != ext {
		t.Fatalf("second create: %+v, %v, want external_id %s", again, err, ext)
	}

	req := subRequest("3007255", 15)
	req.ExternalID = ext
	req.Plan.SKU = "PRO-1Y"
	if err := c.ResourceValidation(ctx, tg, event(), req); err != nil {
		t.Fatalf("resource validation: %v", err)
	}
	if _, err := c.SubscriptionUpdate(ctx, tg, event(), req); err != nil {
		t.Fatalf("update: %v", err)
	}
	if sub := h.subscription(t, ext); sub.Resources["users"] != 15 || sub.PlanSKU != "PRO-1Y" {
		t.Fatalf("updated: %+v", sub)
	}
	renewed, err := c.SubscriptionRenew(ctx, tg, event(), req)
	if err != nil || renewed.Attributes["renewals"] != "1" {
		t.Fatalf("renew: %+v, %v", renewed, err)
	}
	steps := []struct {
		call func(context.Context, vendor.Target, string, *vendorkit.SubscriptionRequest) error
		want string
	}{{c.SubscriptionDeactivate, "stopped"}, {c.SubscriptionActivate, "active"}, {c.SubscriptionDelete, "deleted"}}
	for _, s := range steps {
		if err := s.call(ctx, tg, event(), req); err != nil {
			t.Fatalf("to %s: %v", s.want, err)
		}
		if got := h.subscription(t, ext).Status; got != s.want {
			t.Fatalf("status = %q, want %q", got, s.want)
		}
	}
	// A deleted subscription refuses, at once, with the service's text.
	f := failure(t, c.SubscriptionActivate(ctx, tg, event(), req))
	if f.Outcome != vendor.Permanent || f.Status != http.StatusConflict || f.Message != `subscription "`+ext+`" is deleted` {
		t.Fatalf("activate deleted: %+v", f)
	}
	// Another installation cannot reach it.
	other := tg
	other.APGUID = "another-installation"
	req.ExternalID = ext
	if f := failure(t, c.SubscriptionDeactivate(ctx, other, event(), req)); f.Status != http.StatusNotFound {
		t.Fatalf("stop from another installation: %+v", f)
	}
}

// TestResourceValidationLimit: a quantity over the limit is refused with the
// available quantity, which Cascade's client reads.
func TestResourceValidationLimit(t *testing.T) {
	h := startService(t, ":memory:")
	ctx := context.Background()
	created, err := h.client.SubscriptionCreate(ctx, h.target, event(), subRequest("1", 5))
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Faults.LimitQuantity(20)
	req := subRequest("1", 21)
	req.ExternalID = created.ExternalID
	f := failure(t, h.client.ResourceValidation(ctx, h.target, event(), req))
	if f.Outcome != vendor.Permanent || f.Status != 422 || f.AvailableQuantity == nil || *f.AvailableQuantity != 20 ||
		f.Message != "only 20 units of users are available" {
		t.Fatalf("over the limit: %+v", f)
	}
	req.Plan.Resources[0].Quantity = 20
	if err := h.client.ResourceValidation(ctx, h.target, event(), req); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

// TestUsageAndConsumption: usage and consumption as set on the service come back
// through the calls, consumption summed exactly over the period asked.
func TestUsageAndConsumption(t *testing.T) {
	h := startService(t, ":memory:")
	ctx := context.Background()
	created, err := h.client.SubscriptionCreate(ctx, h.target, event(), subRequest("1", 5))
	if err != nil {
		t.Fatal(err)
	}
	ext := created.ExternalID
	if err := h.srv.SetUsage(ctx, ext, "users", 3); err != nil {
		t.Fatal(err)
	}
	usage, err := h.client.UsageStatistics(ctx, h.target, event(), &vendorkit.UsageRequest{ExternalID: ext})
	if err != nil || len(usage.Resources) != 1 || usage.Resources[0] != (vendorkit.ResourceUsage{Key: "users", Usage: 3}) {
		t.Fatalf("usage: %+v, %v", usage, err)
	}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []struct {
		at time.Time
		q  string
	}{{day, "0.1"}, {day.Add(time.Hour), "0.2"}, {day.Add(23 * time.Hour), "12.125"}, {day.Add(24 * time.Hour), "100"}} {
		if err := h.srv.AddConsumption(ctx, ext, "traffic", r.at, r.q); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.srv.AddConsumption(ctx, ext, "traffic", day, "1e3"); err == nil {
		t.Fatal("consumption 1e3 accepted")
	}
	got, err := h.client.Consumption(ctx, h.target, event(), &vendorkit.ConsumptionRequest{ExternalID: ext,
		From: day.Format(time.RFC3339), To: day.Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil || len(got.Resources) != 1 || got.Resources[0].Key != "traffic" || got.Resources[0].Quantity != "12.425" {
		t.Fatalf("consumption: %+v, %v, want traffic 12.425", got, err)
	}
	_, err = h.client.Consumption(ctx, h.target, event(), &vendorkit.ConsumptionRequest{ExternalID: ext, From: "yesterday", To: "today"})
	if f := failure(t, err); f.Status != http.StatusBadRequest {
		t.Fatalf("bad period: %+v", f)
	}
}

// TestOrderAttributeCalls: the order form's attributes and their validation.
func TestOrderAttributeCalls(t *testing.T) {
	h := startService(t, ":memory:")
	ctx := context.Background()
	attrs, err := h.client.OrderAttributes(ctx, h.target, event(), &vendorkit.OrderAttributesRequest{AttributesFor: vendorkit.AttributesForCustomer})
	if err != nil || len(attrs.Attributes) != 2 || attrs.Attributes[0].Key != "domain" || !attrs.Attributes[0].Required ||
		len(attrs.Attributes[1].Values) != 2 {
		t.Fatalf("order attributes: %+v, %v", attrs, err)
	}
	ok := &vendorkit.AttributesValidationRequest{Attributes: map[string]string{"domain": "foo.example", "region": "eu"}}
	if err := h.client.AttributesValidation(ctx, h.target, event(), ok); err != nil {
		t.Fatalf("valid attributes: %v", err)
	}
	bad := &vendorkit.AttributesValidationRequest{Attributes: map[string]string{"domain": "foo.example", "region": "mars"}}
	if f := failure(t, h.client.AttributesValidation(ctx, h.target, event(), bad)); f.Status != 422 || f.Message != "region: choose eu or us" {
		t.Fatalf("invalid attributes: %+v", f)
	}
}

// TestUserCalls: every user call, through Cascade's client.
func TestUserCalls(t *testing.T) {
	h := startService(t, ":memory:")
	ctx, c, tg := context.Background(), h.client, h.target
	created, err := c.UserCreate(ctx, tg, event(), &vendorkit.UserCreateRequest{Email: "john@foo.example", Password: "S3cret!", FirstName: "John", LastName: "Doe"})
	if err != nil || created.ID == "" {
		t.Fatalf("user create: %+v, %v", created, err)
	}
	id := created.ID
	user := func() string {
		users, err := h.srv.Users(ctx)
		if err != nil || len(users) != 1 || users[0].ID != id {
			t.Fatalf("users: %+v, %v", users, err)
		}
		return users[0].FirstName + " " + users[0].LastName + " " + users[0].Status
	}
	if got := user(); got != "John Doe active" {
		t.Fatalf("created user: %q", got)
	}
	if err := c.UserUpdate(ctx, tg, event(), &vendorkit.UserUpdateRequest{ID: id, FirstName: "Jon", LastName: "Doe"}); err != nil {
		t.Fatal(err)
	}
	if err := c.UserDeactivate(ctx, tg, event(), &vendorkit.UserRef{ID: id}); err != nil || user() != "Jon Doe inactive" {
		t.Fatalf("deactivate: %v, %q", err, user())
	}
	if err := c.UserActivate(ctx, tg, event(), &vendorkit.UserRef{ID: id}); err != nil || user() != "Jon Doe active" {
		t.Fatalf("activate: %v, %q", err, user())
	}
	if err := c.UserPasswordReset(ctx, tg, event(), &vendorkit.UserPasswordResetRequest{ID: id, Password: "n3w!"}); err != nil {
		t.Fatalf("password reset: %v", err)
	}
	if err := c.UserDelete(ctx, tg, event(), &vendorkit.UserRef{ID: id}); err != nil || user() != "Jon Doe deleted" {
		t.Fatalf("delete: %v, %q", err, user())
	}
	if f := failure(t, c.UserActivate(ctx, tg, event(), &vendorkit.UserRef{ID: id})); f.Status != http.StatusConflict {
		t.Fatalf("activate deleted user: %+v", f)
	}
	if f := failure(t, c.UserUpdate(ctx, tg, event(), &vendorkit.UserUpdateRequest{ID: "u-none"})); f.Status != http.StatusNotFound ||
		f.Message != `no user "u-none"` {
		t.Fatalf("unknown user: %+v", f)
	}
}

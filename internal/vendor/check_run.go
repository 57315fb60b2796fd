package vendor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/cascade-billing/cascade/vendorkit"
)

// The integration check ("Start check" of the product's integration settings)
// calls the vendor's service as provisioning will: the Check, then a subscription
// create and an update marked dry_run, which the service answers without keeping
// anything. Each step passes or fails with the reason; a step after a failed one is
// skipped, since it would fail for the same reason or lack what the failed one
// returns (the create's external_id).

// Steps of the integration check, in order.
const (
	CheckStepCheck  = "check"
	CheckStepCreate = "subscription_create"
	CheckStepUpdate = "subscription_update"
)

// CheckStatus is how a step of the integration check went.
type CheckStatus string

// Statuses of a check step.
const (
	CheckPassed  CheckStatus = "passed"
	CheckFailed  CheckStatus = "failed"
	CheckSkipped CheckStatus = "skipped"
)

// Summaries of the integration check.
const (
	CheckReadyText    = "Your integration is ready to use"
	CheckNotReadyText = "The check found errors: fix them and start the check again"
)

// CheckResult is one step of the integration check.
type CheckResult struct {
	Step   string      `json:"step"`  // CheckStepCheck ...
	Title  string      `json:"title"` // what the step did, for people
	Status CheckStatus `json:"status"`
	// Message is why a step failed or was skipped; empty when it passed.
	Message string `json:"message,omitempty"`
	// Err is the failure itself, for callers that look into it.
	Err error `json:"-"`
}

// CheckReport is the outcome of the integration check.
type CheckReport struct {
	Results []CheckResult `json:"results"`
	Ready   bool          `json:"ready"`   // every step passed
	Summary string        `json:"summary"` // CheckReadyText or CheckNotReadyText
}

// CheckSample returns the subscription the dry calls of a check describe when the
// caller has none of its own: one month of a plan with one resource, sold by
// reseller resellerID to a sample customer.
func CheckSample(resellerID int64) *vendorkit.SubscriptionRequest {
	return &vendorkit.SubscriptionRequest{
		Reseller:    vendorkit.Reseller{ID: resellerID, Name: "Integration check", Currency: "USD", Attributes: map[string]string{}, CoreAttributes: map[string]string{}},
		Distributor: vendorkit.Distributor{ID: resellerID, Name: "Integration check", Currency: "USD", Attributes: map[string]string{}},
		Tenant: vendorkit.Tenant{ID: 1, CompanyName: "Integration Check Ltd", Type: "business",
			Contact: vendorkit.Contact{FirstName: "Ann", LastName: "Lee", Country: "US", Email: "check@example.com"},
			Owner:   vendorkit.Owner{FirstName: "Ann", LastName: "Lee"}},
		Plan: vendorkit.Plan{Name: "Integration check", SKU: "CHECK", Period: vendorkit.Period{Value: 1, Type: vendorkit.PeriodMonth},
			Resources: []vendorkit.PlanResource{{Resource: "1", Key: "users", Quantity: 1}}},
		Subscription: vendorkit.Subscription{ID: "check", Attributes: map[string]string{}},
	}
}

// RunCheck runs the integration check against t. sample is the subscription the dry
// calls describe (CheckSample(t.ResellerID) when nil); the update asks for one more
// unit of each resource. Every call has an event id of its own, so no earlier
// check's answer is replayed.
func (c *Client) RunCheck(ctx context.Context, t Target, sample *vendorkit.SubscriptionRequest) *CheckReport {
	if sample == nil {
		sample = CheckSample(t.ResellerID)
	}
	run := newID()
	create := *sample
	create.ExternalID, create.DryRun = "", true
	update := create
	update.Plan.Resources = slices.Clone(sample.Plan.Resources)
	for i := range update.Plan.Resources {
		update.Plan.Resources[i].Quantity++
	}
	steps := []struct {
		step, title string
		call        func() error
	}{
		{CheckStepCheck, "Check: GET " + vendorkit.EventCheck.Path(), func() error {
			return c.Check(ctx, t, "check-"+run+"-1")
		}},
		{CheckStepCreate, "Subscription Create (dry run): POST " + vendorkit.EventSubscriptionCreate.Path(), func() error {
			a, err := c.SubscriptionCreate(ctx, t, "check-"+run+"-2", &create)
			if err == nil {
				update.ExternalID = a.ExternalID
			}
			return err
		}},
		{CheckStepUpdate, "Subscription Update (dry run): POST " + vendorkit.EventSubscriptionUpdate.Path(), func() error {
			_, err := c.SubscriptionUpdate(ctx, t, "check-"+run+"-3", &update)
			return err
		}},
	}
	report := &CheckReport{Ready: true, Summary: CheckReadyText}
	for _, s := range steps {
		r := CheckResult{Step: s.step, Title: s.title, Status: CheckPassed}
		switch {
		case !report.Ready:
			r.Status, r.Message = CheckSkipped, "not run: an earlier step failed"
		default:
			if err := s.call(); err != nil {
				r.Status, r.Message, r.Err = CheckFailed, checkReason(err), err
				report.Ready, report.Summary = false, CheckNotReadyText
			}
		}
		report.Results = append(report.Results, r)
	}
	return report
}

// checkReason says why a check call failed, with a hint where the cause is usual.
func checkReason(err error) string {
	var f *Failure
	if !errors.As(err, &f) {
		return err.Error()
	}
	msg := f.Message
	if f.Status != 0 {
		msg = fmt.Sprintf("HTTP %d: %s", f.Status, f.Message)
	}
	switch {
	case f.Status == http.StatusUnauthorized:
		msg += " (the service refused the signature: give it the secret the calls are signed with)"
	case errors.Is(err, ErrPrivate):
		msg += " (an installation reaches such addresses only with CASCADE_VENDOR_ALLOW_PRIVATE=1)"
	}
	return msg
}

// newID returns a fresh random id for the events of one check.
func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

package vendor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/vendorkit"
)

// exampleVendor serves the example vendor service on loopback for the test.
func exampleVendor(t *testing.T) (*vendorsvc.Server, Target) {
	t.Helper()
	srv, err := vendorsvc.Open(context.Background(), vendorsvc.Options{Secrets: []string{testSecret}, Database: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv, Target{APIPath: hs.URL, Secret: testSecret, APGUID: "5d6c1a2b-0000-4000-8000-000000000001", ResellerID: 1}
}

// wantReport fails the test unless report has the statuses and messages given,
// step by step, and the summary that follows from them.
func wantReport(t *testing.T, report *CheckReport, want ...CheckResult) {
	t.Helper()
	if len(report.Results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(report.Results), len(want), report.Results)
	}
	ready := true
	for i, w := range want {
		got := report.Results[i]
		if got.Step != w.Step || got.Status != w.Status || got.Message != w.Message || got.Title == "" {
			t.Errorf("step %d = %+v, want %s %s %q", i+1, got, w.Step, w.Status, w.Message)
		}
		ready = ready && w.Status == CheckPassed
	}
	summary := map[bool]string{true: CheckReadyText, false: CheckNotReadyText}[ready]
	if report.Ready != ready || report.Summary != summary {
		t.Errorf("ready %v %q, want %v %q", report.Ready, report.Summary, ready, summary)
	}
}

func TestRunCheckPasses(t *testing.T) {
	srv, tg := exampleVendor(t)
	report := privateClient(5*time.Second).RunCheck(context.Background(), tg, nil)
	wantReport(t, report, CheckResult{Step: CheckStepCheck, Status: CheckPassed},
		CheckResult{Step: CheckStepCreate, Status: CheckPassed}, CheckResult{Step: CheckStepUpdate, Status: CheckPassed})
	if report.Summary != "Your integration is ready to use" {
		t.Fatalf("summary %q", report.Summary)
	}
	// The dry calls reached the service and it kept nothing.
	subs, err := srv.Subscriptions(context.Background())
	if err != nil || len(subs) != 0 || srv.Handled(vendorkit.EventSubscriptionCreate) != 1 || srv.Handled(vendorkit.EventSubscriptionUpdate) != 1 {
		t.Fatalf("after the check: %d subscriptions (%v), create ran %d, update %d", len(subs), err,
			srv.Handled(vendorkit.EventSubscriptionCreate), srv.Handled(vendorkit.EventSubscriptionUpdate))
	}
	// A second check runs again rather than replaying the first one's answers.
	wantReport(t, privateClient(5*time.Second).RunCheck(context.Background(), tg, nil), CheckResult{Step: CheckStepCheck, Status: CheckPassed},
		CheckResult{Step: CheckStepCreate, Status: CheckPassed}, CheckResult{Step: CheckStepUpdate, Status: CheckPassed})
	if n := srv.Handled(vendorkit.EventCheck); n != 2 {
		t.Fatalf("the check call ran %d times in two checks", n)
	}
}

func TestRunCheckFails(t *testing.T) {
	skipped := "not run: an earlier step failed"
	ctx := context.Background()
	t.Run("CreateRefused", func(t *testing.T) {
		srv, tg := exampleVendor(t)
		srv.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate}, Status: 422, Message: "unknown plan CHECK"})
		wantReport(t, privateClient(5*time.Second).RunCheck(ctx, tg, nil), CheckResult{Step: CheckStepCheck, Status: CheckPassed},
			CheckResult{Step: CheckStepCreate, Status: CheckFailed, Message: "HTTP 422: unknown plan CHECK"},
			CheckResult{Step: CheckStepUpdate, Status: CheckSkipped, Message: skipped})
	})
	t.Run("UpdateDown", func(t *testing.T) {
		srv, tg := exampleVendor(t)
		srv.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionUpdate}, Status: 503, Message: "maintenance"})
		wantReport(t, privateClient(5*time.Second).RunCheck(ctx, tg, nil), CheckResult{Step: CheckStepCheck, Status: CheckPassed},
			CheckResult{Step: CheckStepCreate, Status: CheckPassed},
			CheckResult{Step: CheckStepUpdate, Status: CheckFailed, Message: "HTTP 503: maintenance"})
	})
	t.Run("WrongSecret", func(t *testing.T) {
		_, tg := exampleVendor(t)
		tg.Secret = "cvs_throwaway"
		wantReport(t, privateClient(5*time.Second).RunCheck(ctx, tg, nil),
			CheckResult{Step: CheckStepCheck, Status: CheckFailed, Message: "HTTP 401: vendorkit: signature does not match" +
				" (the service refused the signature: give it the secret the calls are signed with)"},
			CheckResult{Step: CheckStepCreate, Status: CheckSkipped, Message: skipped},
			CheckResult{Step: CheckStepUpdate, Status: CheckSkipped, Message: skipped})
	})
	t.Run("CreateUnsupported", func(t *testing.T) {
		kit := vendorkit.NewHandler(checkOnly{}, vendorkit.Config{Secrets: []string{testSecret}})
		hs := httptest.NewServer(kit)
		defer hs.Close()
		tg := Target{APIPath: hs.URL, Secret: testSecret, APGUID: "g", ResellerID: 1}
		wantReport(t, privateClient(5*time.Second).RunCheck(ctx, tg, nil), CheckResult{Step: CheckStepCheck, Status: CheckPassed},
			CheckResult{Step: CheckStepCreate, Status: CheckFailed, Message: "HTTP 404: subscription.create is not supported"},
			CheckResult{Step: CheckStepUpdate, Status: CheckSkipped, Message: skipped})
	})
	t.Run("PrivateAddressRefused", func(t *testing.T) {
		_, tg := exampleVendor(t)
		report := New(DefaultSettings()).RunCheck(ctx, tg, nil)
		if r := report.Results[0]; r.Status != CheckFailed || r.Message == "" || report.Ready {
			t.Fatalf("loopback without allowing it: %+v", report)
		}
		wantReport(t, report, CheckResult{Step: CheckStepCheck, Status: CheckFailed, Message: report.Results[0].Message},
			CheckResult{Step: CheckStepCreate, Status: CheckSkipped, Message: skipped},
			CheckResult{Step: CheckStepUpdate, Status: CheckSkipped, Message: skipped})
		if want := "(an installation reaches such addresses only with CASCADE_VENDOR_ALLOW_PRIVATE=1)"; !strings.Contains(report.Results[0].Message, want) {
			t.Fatalf("reason %q lacks the hint", report.Results[0].Message)
		}
	})
	t.Run("Unreachable", func(t *testing.T) {
		hs := httptest.NewServer(http.NotFoundHandler())
		url := hs.URL
		hs.Close()
		report := privateClient(5*time.Second).RunCheck(ctx, Target{APIPath: url, Secret: testSecret, APGUID: "g", ResellerID: 1}, nil)
		if r := report.Results[0]; r.Status != CheckFailed || !strings.Contains(r.Message, "connection refused") || report.Ready {
			t.Fatalf("unreachable service: %+v", report)
		}
	})
}

// checkOnly is a vendor service that answers the check and nothing else.
type checkOnly struct{ vendorkit.Unimplemented }

func (checkOnly) Check(context.Context, vendorkit.Call) error { return nil }

package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// withDB returns env with the database at dbURL.
func withDB(dbURL string, env map[string]string) map[string]string {
	all := map[string]string{"CASCADE_DATABASE_URL": dbURL}
	for k, v := range env {
		all[k] = v
	}
	return all
}

func TestVendorCheckCommand(t *testing.T) {
	const secret = "cvs_vendor_check"
	svc, err := vendorsvc.Start(context.Background(), "127.0.0.1:0", vendorsvc.Options{Secrets: []string{secret}, Database: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	env := map[string]string{"CASCADE_VENDOR_ALLOW_PRIVATE": "1", "CASCADE_VENDOR_CHECK_SECRET": secret}
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		svc.Faults.Clear()
		out, err := runCLIEnv(t, withDB(e.URL, env), "vendor", "check", svc.URL)
		guid, _ := runCLI(t, e.URL, "version")
		apGUID := regexp.MustCompile(`ap_guid (\S+)`).FindStringSubmatch(guid)
		if err != nil || apGUID == nil || !strings.Contains(out, "as ap_guid "+apGUID[1]+", reseller_id 1\n") {
			t.Fatalf("check of a good service: %v\n%s", err, out)
		}
		for _, want := range []string{"passed  Check: GET /check\n", "passed  Subscription Create (dry run): POST /subscription/create\n",
			"passed  Subscription Update (dry run): POST /subscription/update\n", "\nYour integration is ready to use\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}

		// A service that refuses the create fails the check with its text.
		svc.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate}, Status: 422, Message: "unknown plan CHECK"})
		out, err = runCLIEnv(t, withDB(e.URL, env), "vendor", "check", svc.URL)
		if !errors.Is(err, errCheckFailed) {
			t.Fatalf("check of a broken service: %v, want the check to fail\n%s", err, out)
		}
		for _, want := range []string{"passed  Check: GET /check\n", "failed  Subscription Create (dry run): POST /subscription/create\n" +
			"          HTTP 422: unknown plan CHECK\n", "skipped Subscription Update", "\nThe check found errors: fix them and start the check again\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}

		// Without a secret, a throwaway one is printed, which the service refuses.
		out, err = runCLIEnv(t, withDB(e.URL, map[string]string{"CASCADE_VENDOR_ALLOW_PRIVATE": "1"}), "vendor", "check", svc.URL)
		if !errors.Is(err, errCheckFailed) || !secretLine.MatchString(out) || !strings.Contains(out, "HTTP 401: vendorkit: signature does not match") {
			t.Fatalf("check with a throwaway secret: %v\n%s", err, out)
		}
		// Loopback is refused unless the installation allows it.
		out, err = runCLIEnv(t, withDB(e.URL, map[string]string{"CASCADE_VENDOR_CHECK_SECRET": secret}), "vendor", "check", svc.URL)
		if !errors.Is(err, errCheckFailed) || !strings.Contains(out, "CASCADE_VENDOR_ALLOW_PRIVATE=1") {
			t.Fatalf("check of loopback without allowing it: %v\n%s", err, out)
		}
		for _, args := range [][]string{{"vendor"}, {"vendor", "check"}, {"vendor", "check", svc.URL, svc.URL}} {
			if _, err := runCLIEnv(t, withDB(e.URL, env), args...); err == nil || err.Error() != vendorUsage {
				t.Errorf("%v: %v, want the usage", args, err)
			}
		}
	})
}

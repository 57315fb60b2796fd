package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/vendor"
)

const vendorUsage = "usage: cascade vendor check URL"

// errCheckFailed ends a vendor check with a step that did not pass, so the command
// exits non-zero.
var errCheckFailed = errors.New("the integration check failed")

// vendor runs the vendor tools: "check URL" runs the integration check against
// the vendor service at URL (the product's API path): the Check call, then a dry
// subscription create and update, as the installation (its ap_guid) for the
// operator (reseller 1). The calls are signed with CASCADE_VENDOR_CHECK_SECRET, or
// with a throwaway secret the command prints, which the service must be given to
// pass its signature check. The installation's CASCADE_VENDOR_* settings apply.
func (c *cli) vendor(ctx context.Context, args []string) error {
	if len(args) < 1 || args[0] != "check" {
		return errors.New(vendorUsage)
	}
	m, fs, err := c.open(ctx, "vendor check", args[1:], nil, false)
	if err != nil {
		return err
	}
	defer m.Close()
	urls, err := positional(fs)
	if err != nil {
		return err
	}
	if len(urls) != 1 {
		return errors.New(vendorUsage)
	}
	secret := c.getenv("CASCADE_VENDOR_CHECK_SECRET")
	if secret == "" {
		secret = service.NewProductSecret()
		fmt.Fprintf(c.stdout, "calls are signed with a throwaway secret (start the service with it, or set CASCADE_VENDOR_CHECK_SECRET):\n  %s\n", secret)
	} else {
		fmt.Fprintln(c.stdout, "calls are signed with the secret in CASCADE_VENDOR_CHECK_SECRET")
	}
	t := vendor.Target{APIPath: urls[0], Secret: secret, APGUID: m.Service.APGUID(), ResellerID: domain.OperatorID}
	fmt.Fprintf(c.stdout, "checking %s as ap_guid %s, reseller_id %d\n", t.APIPath, t.APGUID, t.ResellerID)
	client := vendor.New(m.Config.Vendor)
	defer client.Close()
	report := client.RunCheck(ctx, t, nil)
	for _, r := range report.Results {
		fmt.Fprintf(c.stdout, "  %-7s %s\n", r.Status, r.Title)
		if r.Status == vendor.CheckFailed {
			fmt.Fprintf(c.stdout, "          %s\n", r.Message)
		}
	}
	fmt.Fprintln(c.stdout, report.Summary)
	if !report.Ready {
		return errCheckFailed
	}
	return nil
}

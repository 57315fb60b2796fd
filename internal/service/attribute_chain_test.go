package service

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestVendorAttributeStep checks the extension point of order attribute validation:
// a vendor step runs after the platform's own check, only for products provisioned
// automatically with "Allow order attributes" on, and never sees values the platform
// refused.
func TestVendorAttributeStep(t *testing.T) {
	calls := 0
	vendor := VendorAttributeStep(AttributeValidatorFunc(func(_ context.Context, in AttributeCheck) (AttributeVerdict, error) {
		calls++
		if in.Application["domain_name"] != "taken.example" {
			return AttributeVerdict{}, nil
		}
		return AttributeVerdict{Errors: []AttributeError{{Key: "domain_name", Code: "vendor_refused", Detail: "taken"}}}, nil
	}))
	s := &Service{opts: Options{AttributeSteps: []AttributeStep{vendor}}}
	attrs := []domain.OrderAttribute{{Key: "domain_name", Label: "Domain", Type: domain.AttrString, Required: true}}
	check := func(integration domain.Integration, domainName string) AttributeResults {
		t.Helper()
		values := map[string]json.RawMessage{}
		if domainName != "" {
			values["domain_name"] = json.RawMessage(`"` + domainName + `"`)
		}
		res, err := s.validateAttributes(context.Background(), AttributeCheck{
			Product: &domain.Product{Integration: integration}, Attributes: attrs, Values: values})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	on := domain.Integration{Mode: domain.ProvisioningAutomatic, AllowOrderAttributes: true}

	if res := check(on, "taken.example"); res.Valid || len(res.Errors) != 1 || res.Errors[0].Code != "vendor_refused" || calls != 1 {
		t.Fatalf("vendor refusal: %+v after %d calls", res, calls)
	}
	if res := check(on, "free.example"); !res.Valid || res.ApplicationAttributes["domain_name"] != "free.example" || calls != 2 {
		t.Fatalf("vendor acceptance: %+v after %d calls", res, calls)
	}
	if res := check(on, ""); res.Valid || res.Errors[0].Code != string(domain.MsgBlank) || calls != 2 {
		t.Fatalf("the platform's refusal must end the chain: %+v after %d calls", res, calls)
	}
	for _, off := range []domain.Integration{
		{Mode: domain.ProvisioningAutomatic},
		{Mode: domain.ProvisioningManual, AllowOrderAttributes: true},
	} {
		if res := check(off, "taken.example"); !res.Valid || calls != 2 {
			t.Fatalf("integration %+v: the vendor step ran (%+v, %d calls)", off, res, calls)
		}
	}
}

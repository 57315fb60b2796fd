package email

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/vendorkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleProvisioning is an operation on a subscription with every field filled.
func sampleProvisioning(op domain.ProvisionOp) Provisioning {
	p := Provisioning{
		Op: op,
		Product: domain.Product{Key: "mail-pro", Name: "Mail Pro",
			Integration: domain.Integration{Mode: domain.ProvisioningManual, ManualEmail: "Provisioning <ops@vendor.example>"}},
		SubscriptionID: 3007255,
		Request: vendorkit.SubscriptionRequest{
			ExternalID: "mp-88121",
			Reseller: vendorkit.Reseller{ID: 12, Name: "Northwind", CompanyName: "Northwind Traders Ltd",
				CompanyEmail: "sales@northwind.example", CompanyPhone: "+44 20 7946 0000"},
			Tenant: vendorkit.Tenant{ID: 4411, CompanyName: "Acme Gärten GmbH", Type: "company",
				Contact: vendorkit.Contact{FirstName: "Jana", LastName: "Novák", Email: "jana@acme.example", Phone: "+49 30 901820",
					AddressLine1: "Hauptstraße 5", City: "Berlin", Zip: "10115", Country: "DE"},
				Owner: vendorkit.Owner{FirstName: "Jonas", LastName: "Weber", Phone: "+49 30 901821"}},
			Plan: vendorkit.Plan{Name: "Business", SKU: "MP-BIZ-1M", Period: vendorkit.Period{Value: 1, Type: vendorkit.PeriodMonth},
				Resources: []vendorkit.PlanResource{{Resource: "31", Key: "mailboxes", Quantity: 25}, {Resource: "32", Key: "storage_gb", Quantity: 100}}},
			Subscription: vendorkit.Subscription{ID: "3007255", Attributes: map[string]string{"domain": "acme.example", "admin_login": "jana"}},
		},
	}
	switch op {
	case domain.ProvisionOpCreate:
		p.Request.ExternalID = ""
		p.Request.User = &vendorkit.User{FirstName: "Jana", LastName: "Novák", Email: "jana@acme.example", Password: "never-mailed"}
	case domain.ProvisionOpUpdate:
		prev := p.Request.Plan
		prev.Resources = []vendorkit.PlanResource{{Resource: "31", Key: "mailboxes", Quantity: 10}, {Resource: "32", Key: "storage_gb", Quantity: 100}}
		p.Previous = &prev
	case domain.ProvisionOpSwitch:
		p.Previous = &vendorkit.Plan{Name: "Starter", SKU: "MP-ST-1M", Period: vendorkit.Period{Value: 1, Type: vendorkit.PeriodMonth},
			Resources: []vendorkit.PlanResource{{Resource: "21", Key: "mailboxes", Quantity: 5}}}
		p.Request.Plan.Period = vendorkit.Period{Value: 12, Type: vendorkit.PeriodMonth}
	}
	return p
}

// TestProvisioningMessageGolden renders every operation and compares the text with
// testdata/provisioning.golden (go test -run Golden -update rewrites it).
func TestProvisioningMessageGolden(t *testing.T) {
	var b strings.Builder
	for _, op := range domain.ProvisionOps {
		m := ProvisioningMessage(sampleProvisioning(op))
		if err := m.Validate(); err != nil {
			t.Fatalf("%s: message does not validate: %v", op, err)
		}
		fmt.Fprintf(&b, "==== %s\nTo: %s\nSubject: %s\n\n%s\n", op, strings.Join(m.To, ", "), m.Subject, m.Body)
	}
	got := b.String()
	path := filepath.Join("testdata", "provisioning.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("rendered messages differ from %s (run with -update and review the diff):\n%s", path, got)
	}
	if strings.Contains(got, "never-mailed") {
		t.Fatal("the first user's password is in a message")
	}
	// Attribute maps iterate in random order: render again to catch an unsorted one.
	for range 5 {
		if m := ProvisioningMessage(sampleProvisioning(domain.ProvisionOpSwitch)); !strings.Contains(got, m.Body) {
			t.Fatalf("the same operation rendered another text:\n%s", m.Body)
		}
	}
}

// TestProvisioningMessageOneLineValues: a product or customer name with line breaks
// neither breaks the subject (which would be refused) nor adds lines to the body.
func TestProvisioningMessageOneLineValues(t *testing.T) {
	p := sampleProvisioning(domain.ProvisionOpStop)
	p.Product.Name = "Mail Pro\r\nBcc: thief@evil.example"
	p.Request.Tenant.CompanyName = "Acme\n\nPOST /api/v3/resellers/1/subscriptions/9/provisioning_completion"
	m := ProvisioningMessage(p)
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate = %v, want the values flattened", err)
	}
	if want := "Stop subscription 3007255: Mail Pro  Bcc: thief@evil.example, Business for Acme  POST"; !strings.HasPrefix(m.Subject, want) {
		t.Fatalf("subject %q, want it to start %q", m.Subject, want)
	}
	if n := strings.Count(m.Body, "provisioning_completion"); n != 2 {
		t.Fatalf("%d lines name the completion endpoint, want 2 (ours and the flattened name):\n%s", n, m.Body)
	}
	for _, line := range strings.Split(m.Body, "\n") {
		if strings.HasPrefix(line, "POST") || strings.HasPrefix(line, "Bcc") {
			t.Fatalf("a value started its own line %q", line)
		}
	}
}

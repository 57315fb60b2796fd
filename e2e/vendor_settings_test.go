package e2e

import (
	"context"
	"regexp"
	"testing"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

var (
	uuidPattern   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	secretPattern = regexp.MustCompile(`^cvs_[0-9a-f]{64}$`)
)

// vsCatalog is a catalogue with one product per mode; api is the automatic one's
// API path.
func vsCatalog(api string) string {
	return `
categories:
  - {key: office, name: Office}
products:
  - key: vault
    name: Vault
    category: office
    integration: {mode: automatic, api_path: "` + api + `"}
  - key: paper
    name: Paper
    category: office
    integration: {mode: manual, email: ops@paper.example}
`
}

// The operator's reseller carries the installation's ap_guid for the operator's
// managers, whatever their role, and for nobody else; it is the one `cascade
// version` prints, the same on every read.
func TestInstallationAPGUID(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		op, err := s.Admin.GetReseller(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !uuidPattern.MatchString(op.APGUID) {
			t.Fatalf("operator's ap_guid = %q, want a random UUID", op.APGUID)
		}
		stored, err := s.DB.Reader().InstallationGUID(ctx)
		if err != nil || stored != op.APGUID {
			t.Fatalf("stored ap_guid %q (%v), API shows %q", stored, err, op.APGUID)
		}
		marketing := s.client(mustCreateManager(t, s.Admin, 1, "marketing").APIToken)
		if r, err := marketing.GetReseller(ctx, 1); err != nil || r.APGUID != op.APGUID {
			t.Fatalf("operator's marketing manager sees ap_guid %q (%v), want %q", r.APGUID, err, op.APGUID)
		}
		child := mustCreateReseller(t, s.Admin, 1, "Guid Child")
		if child.APGUID != "" {
			t.Fatalf("a child reseller shows ap_guid %q", child.APGUID)
		}
		if r, err := s.Admin.GetReseller(ctx, child.ID); err != nil || r.APGUID != "" {
			t.Fatalf("child reseller read by the operator: ap_guid %q (%v), want none", r.APGUID, err)
		}
		childAdmin := s.client(mustCreateManager(t, s.Admin, child.ID, "admin").APIToken)
		if r, err := childAdmin.GetReseller(ctx, child.ID); err != nil || r.APGUID != "" {
			t.Fatalf("child's own admin sees ap_guid %q (%v), want none", r.APGUID, err)
		}
	})
}

// A product entering automatic mode gets a secret, shown once in the apply's
// meta.product_secrets; a manual product gets none; applying again shows nothing; a
// switch to manual and back makes a new one. Rotation answers a new secret to
// admins and owners only, for automatic products of the reseller itself.
func TestProductSecrets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		doc := vsCatalog("https://vault.vendor.example/api")
		if ch := cfDryRun(t, s.Admin, 1, doc); len(ch.ProductSecrets) != 0 {
			t.Fatalf("dry run shows secrets %v", ch.ProductSecrets)
		}
		ch := cfApply(t, s.Admin, 1, doc)
		first := ch.ProductSecrets["vault"]
		if len(ch.ProductSecrets) != 1 || !secretPattern.MatchString(first) {
			t.Fatalf("product_secrets = %v, want one for vault", ch.ProductSecrets)
		}
		vault := cfState(t, s, 1).Products["vault"]
		if got, err := s.DB.Reader().FindProductSecret(ctx, vault.ID); err != nil || got != first {
			t.Fatalf("stored secret %q (%v), want the one shown", got, err)
		}
		if ch := cfApply(t, s.Admin, 1, doc); ch.Changed || ch.ProductSecrets != nil {
			t.Fatalf("second apply: changed %v, secrets %v", ch.Changed, ch.ProductSecrets)
		}

		rotated, err := s.Admin.RotateProductSecret(ctx, 1, vault.ID)
		if err != nil || !secretPattern.MatchString(rotated.Secret) || rotated.Secret == first ||
			rotated.Key != "vault" || rotated.ProductID != vault.ID {
			t.Fatalf("rotate: %+v, %v", rotated, err)
		}
		if got, _ := s.DB.Reader().FindProductSecret(ctx, vault.ID); got != rotated.Secret {
			t.Fatalf("stored secret after rotation %q, want %q", got, rotated.Secret)
		}
		owner := s.client(mustCreateManager(t, s.Admin, 1, "owner").APIToken)
		if _, err := owner.RotateProductSecret(ctx, 1, vault.ID); err != nil {
			t.Fatalf("owner's rotation: %v", err)
		}
		sales := s.client(mustCreateManager(t, s.Admin, 1, "sales").APIToken)
		_, err = sales.RotateProductSecret(ctx, 1, vault.ID)
		apiError(t, err, 403)

		paper := cfState(t, s, 1).Products["paper"]
		_, err = s.Admin.RotateProductSecret(ctx, 1, paper.ID)
		if e := apiError(t, err, 409); e.Errors[0].Code != "product_not_automatic" {
			t.Fatalf("manual product: %+v", e.Errors)
		}
		_, err = s.Admin.RotateProductSecret(ctx, 1, 999999)
		if e := apiError(t, err, 404); e.Errors[0].Code != "product_not_found" {
			t.Fatalf("missing product: %+v", e.Errors)
		}
		// A child's admin cannot reach the operator's product, even through its own path.
		child := mustCreateReseller(t, s.Admin, 1, "Secret Child")
		childAdmin := s.client(mustCreateManager(t, s.Admin, child.ID, "admin").APIToken)
		_, err = childAdmin.RotateProductSecret(ctx, 1, vault.ID)
		apiError(t, err, 404)
		_, err = childAdmin.RotateProductSecret(ctx, child.ID, vault.ID)
		apiError(t, err, 404)

		// Manual, then automatic again: a new secret, shown again.
		cfApply(t, s.Admin, 1, `
categories:
  - {key: office, name: Office}
products:
  - {key: vault, name: Vault, category: office, integration: {mode: manual, email: ops@vault.example}}
`)
		again := cfApply(t, s.Admin, 1, doc).ProductSecrets["vault"]
		if !secretPattern.MatchString(again) || again == first || again == rotated.Secret {
			t.Fatalf("secret on entering automatic mode again: %q", again)
		}
	})
}

// An API path at a link-local or metadata address is refused whatever the
// settings; one at a loopback or private address unless CASCADE_VENDOR_ALLOW_PRIVATE
// is on. The refusal is a 422 pointing at the field, and nothing is applied.
func TestVendorAddressRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		token := "admin-token-" + service.NewToken()
		s := start(t, e, token)
		for _, tc := range []struct{ api, code string }{
			{"http://169.254.169.254/latest/meta-data", "vendor_address_link_local"},
			{"http://[fe80::1]:8080/api", "vendor_address_link_local"},
			{"http://metadata.google.internal/computeMetadata", "vendor_address_link_local"},
			{"http://127.0.0.1:9000/api", "vendor_address_private"},
			{"https://localhost/api", "vendor_address_private"},
			{"http://10.1.2.3/api", "vendor_address_private"},
			{"http://[::1]/api", "vendor_address_private"},
		} {
			_, err := s.Admin.ApplyCatalog(context.Background(), 1, []byte(vsCatalog(tc.api)), false)
			got := cfInvalid(t, err)["/products/0/integration/api_path"]
			if got.Code != tc.code {
				t.Errorf("%s: error %+v, want %s at /products/0/integration/api_path", tc.api, got, tc.code)
			}
		}
		if st := cfState(t, s, 1); len(st.Products) != 0 {
			t.Fatalf("a refused file applied %d products", len(st.Products))
		}
		s.stop()

		allowed := start(t, e, token, func(c *app.Config) { c.Vendor.Addresses.AllowPrivate = true })
		ch := cfApply(t, allowed.Admin, 1, vsCatalog("http://127.0.0.1:9000/api"))
		if !secretPattern.MatchString(ch.ProductSecrets["vault"]) {
			t.Fatalf("loopback with the setting on: %+v", ch)
		}
		_, err := allowed.Admin.ApplyCatalog(context.Background(), 1, []byte(vsCatalog("http://169.254.169.254/")), false)
		if got := cfInvalid(t, err)["/products/0/integration/api_path"]; got.Code != "vendor_address_link_local" {
			t.Fatalf("metadata address with private ones allowed: %+v", got)
		}
	})
}

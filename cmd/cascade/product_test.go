package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

const cliAutomaticCatalog = `
categories:
  - {key: office, name: Office}
products:
  - key: mail
    name: Mail
    category: office
    integration: {mode: manual, email: ops@vendor.example}
  - key: vault
    name: Vault
    category: office
    integration: {mode: automatic, api_path: "https://vault.vendor.example/api"}
`

var secretLine = regexp.MustCompile(`cvs_[0-9a-f]{64}`)

func TestVersionShowsAPGUID(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if _, err := runCLI(t, e.URL, "migrate"); err != nil {
			t.Fatal(err)
		}
		guid := regexp.MustCompile(`(?m)^ap_guid ([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)
		out, err := runCLI(t, e.URL, "version")
		m := guid.FindStringSubmatch(out)
		if err != nil || !strings.HasPrefix(out, "cascade ") || m == nil {
			t.Fatalf("version: %v\n%s", err, out)
		}
		again, err := runCLI(t, e.URL, "version")
		if m2 := guid.FindStringSubmatch(again); err != nil || m2 == nil || m2[1] != m[1] {
			t.Fatalf("second version: %v\n%s\nwant ap_guid %s again", err, again, m[1])
		}
	})
}

func TestProductSecretRotateCommand(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		// The apply itself prints the secret of the product entering automatic mode.
		file := writeFile(t, "catalog.yaml", cliAutomaticCatalog)
		out, err := runCLI(t, e.URL, "catalog", "apply", file)
		first := secretLine.FindString(out)
		if err != nil || !strings.Contains(out, "signing secret of product vault, shown only now: ") || first == "" {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		if strings.Contains(out, "product mail,") {
			t.Fatalf("apply printed a secret for the manual product:\n%s", out)
		}

		out, err = runCLI(t, e.URL, "product", "secret", "rotate", "vault")
		second := secretLine.FindString(out)
		if err != nil || second == "" || second == first {
			t.Fatalf("rotate: %v\n%s\nwant a secret other than %s", err, out, first)
		}
		if out, err := runCLI(t, e.URL, "product", "secret", "rotate", "mail"); err == nil ||
			!strings.Contains(err.Error(), "product_not_automatic") {
			t.Fatalf("rotate of the manual product: %v\n%s", err, out)
		}
		if out, err := runCLI(t, e.URL, "product", "secret", "rotate", "nope"); err == nil ||
			!strings.Contains(err.Error(), "product_not_found") {
			t.Fatalf("rotate of an unknown product: %v\n%s", err, out)
		}
		if _, err := runCLI(t, e.URL, "product", "secret"); err == nil {
			t.Fatal("product secret without rotate succeeded")
		}
	})
}

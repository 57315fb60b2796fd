package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

const cliCatalog = `
categories:
  - {key: office, name: Office}
products:
  - key: mail
    name: Mail
    category: office
    integration: {mode: manual, email: ops@vendor.example}
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCatalogApplyCommand(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		file := writeFile(t, "catalog.yaml", cliCatalog)
		out, err := runCLI(t, e.URL, "catalog", "apply", "--dry-run", file)
		want := "+ category office\n+ product mail\n+ plan mail-basic\n" +
			"dry run: 3 change(s) to reseller 1's catalogue, nothing applied\n"
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("dry run: %v\n%s\nwant it to end with\n%s", err, out, want)
		}
		// The file may also come first.
		out, err = runCLI(t, e.URL, "catalog", "apply", file, "--dry-run")
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("dry run, file first: %v\n%s", err, out)
		}
		out, err = runCLI(t, e.URL, "catalog", "apply", file)
		if err != nil || !strings.Contains(out, "+ plan mail-basic\napplied 3 change(s) to reseller 1's catalogue\n") {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		out, err = runCLI(t, e.URL, "catalog", "apply", file)
		if err != nil || !strings.Contains(out, "no changes: reseller 1's catalogue already is "+file+"\n") {
			t.Fatalf("second apply: %v\n%s", err, out)
		}

		changed := strings.NewReplacer(`recurring_fee: "10.00"`, `recurring_fee: "12.5"`,
			"name: Mail Basic", "name: Mail Basic 2\n    status: inactive").Replace(cliCatalog)
		out, err = runCLI(t, e.URL, "catalog", "apply", "--dry-run", writeFile(t, "changed.yaml", changed))
		want = "~ plan mail-basic: name, status\n~ period mail-basic/1m: recurring_fee 10.0 -> 12.5\n" +
			"dry run: 2 change(s) to reseller 1's catalogue, nothing applied\n"
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("dry run of a change: %v\n%s\nwant it to end with\n%s", err, out, want)
		}

		bad := writeFile(t, "bad.yaml", "plans:\n  - key: x\n    product: nope\n    name: X\n    currency: usd\n    periods:\n"+
			"      - {key: 1m, unit: months, duration: 1, recurring_fee: 1.5e3}\n")
		out, err = runCLI(t, e.URL, "catalog", "apply", bad)
		if err == nil || !strings.Contains(err.Error(), "2 problem(s), nothing applied") {
			t.Fatalf("bad file: err %v\n%s", err, out)
		}
		for _, line := range []string{
			bad + ":3:14: plans[0].product: \"nope\" is not a product of this catalogue\n",
			bad + ":7:61: plans[0].periods[0].recurring_fee: must be an amount of at least 0 with at most 6 decimal places, such as 9.99\n",
		} {
			if !strings.Contains(out, line) {
				t.Errorf("bad file output lacks %q:\n%s", line, out)
			}
		}

		if _, err := runCLI(t, e.URL, "catalog", "apply"); err == nil || !strings.Contains(err.Error(), "usage:") {
			t.Errorf("no file: %v", err)
		}
		if _, err := runCLI(t, e.URL, "catalog", "apply", "--reseller", "999", file); err == nil {
			t.Errorf("a missing reseller was accepted")
		}
	})
}

func TestDemoLoadsTheExampleCatalogue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if out, err := runCLI(t, e.URL, "seed", "--demo"); err != nil {
			t.Fatalf("seed --demo: %v\n%s", err, out)
		}
		// The demo points the automatic products at its own vendor service: the file's
		// API paths are all that differs.
		example := filepath.Join("..", "..", "examples", "catalog.yaml")
		out, err := runCLI(t, e.URL, "catalog", "apply", "--dry-run", example)
		want := "~ product mail: integration.api_path\n~ product docs: integration.api_path\n" +
			"~ product antivirus: integration.api_path\n"
		if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "dry run: 3 change(s)") {
			t.Fatalf("the demo did not load %s: %v\n%s", example, err, out)
		}
		out, err = runCLI(t, e.URL, "catalog", "apply", "--dry-run", "--reseller", "2",
			filepath.Join("..", "..", "examples", "catalog-northwind.yaml"))
		if err != nil || !strings.Contains(out, "no changes") {
			t.Fatalf("the demo did not load Northwind's catalogue: %v\n%s", err, out)
		}
	})
}

func TestCatalogLimitsAreConfigured(t *testing.T) {
	e := storetest.Engines(t)[0]
	file := writeFile(t, "catalog.yaml", cliCatalog)
	// From the environment, and from a flag that beats it.
	env := map[string]string{"CASCADE_DATABASE_URL": e.URL, "CASCADE_CATALOG_MAX_PERIODS": "0"}
	if _, err := runCLIEnv(t, env, "catalog", "apply", "--dry-run", file); err == nil ||
		!strings.Contains(err.Error(), "catalogue limit max_periods is 0: want at least 1") {
		t.Errorf("a limit of 0: %v", err)
	}
	env["CASCADE_CATALOG_MAX_PERIODS"] = "many"
	if _, err := runCLIEnv(t, env, "catalog", "apply", "--dry-run", file); err == nil ||
		!strings.Contains(err.Error(), `CASCADE_CATALOG_MAX_PERIODS "many": want a whole number`) {
		t.Errorf("a limit that is no number: %v", err)
	}
	env["CASCADE_CATALOG_MAX_PERIODS"], env["CASCADE_CATALOG_MAX_PLANS"] = "5", "1"
	two := strings.Replace(cliCatalog, "plans:\n", "plans:\n  - {key: other, product: mail, name: O, currency: USD, periods: [{key: m, duration: 1, unit: days}]}\n", 1)
	file = writeFile(t, "two.yaml", two)
	out, err := runCLIEnv(t, env, "catalog", "apply", "--dry-run", "--catalog-max-periods", "1", file)
	if err == nil || !strings.Contains(out, file+":10:3: plans: has 2 entries; the catalogue limit max_plans allows at most 1\n") {
		t.Errorf("two plans over a limit of one: %v\n%s", err, out)
	}
	out, err = runCLIEnv(t, env, "catalog", "apply", "--dry-run", "--catalog-max-periods", "1", "--catalog-max-plans", "2", file)
	if err != nil || !strings.Contains(out, "dry run: 4 change(s)") {
		t.Errorf("two plans at a limit of two: %v\n%s", err, out)
	}
}

package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/gcpace"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// runCLI runs the command line in-process with the database at dbURL.
func runCLI(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	env := map[string]string{"CASCADE_DATABASE_URL": dbURL}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestVersionAndUsage(t *testing.T) {
	out, err := runCLI(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "cascade ") {
		t.Fatalf("version: %q, %v", out, err)
	}
	if _, err := runCLI(t, "", "frobnicate"); err == nil {
		t.Fatal("unknown command succeeded")
	}
	if _, err := runCLI(t, ""); err == nil {
		t.Fatal("no command succeeded")
	}
}

func TestSeedResellerAndManagerCommands(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		out, err := runCLI(t, e.URL, "migrate")
		if err != nil || !strings.Contains(out, "migrated") {
			t.Fatalf("migrate: %q, %v", out, err)
		}

		out, err = runCLI(t, e.URL, "seed", "--demo")
		if err != nil {
			t.Fatalf("seed --demo: %v\n%s", err, out)
		}
		for _, want := range []string{"operator administrator API token:", "RESELLER", "Northwind Cloud", "Fabrikam IT",
			"SUBSCRIPTION", "Documents Premium", "stopped", "waiting_for_payment", "free trial"} {
			if !strings.Contains(out, want) {
				t.Errorf("seed --demo output lacks %q:\n%s", want, out)
			}
		}
		out, err = runCLI(t, e.URL, "seed", "--demo")
		if err != nil || !strings.Contains(out, "demo data is already there") || strings.Contains(out, "API token:") ||
			strings.Contains(out, "SUBSCRIPTION") {
			t.Fatalf("second seed --demo: %q, %v", out, err)
		}

		out, err = runCLI(t, e.URL, "reseller", "create", "--parent", "1", "--name", "Acme Cloud",
			"--domain", "acme.example.com", "--currency", "eur", "--country", "de")
		if err != nil {
			t.Fatalf("reseller create: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`^reseller (\d+) "Acme Cloud" \(domain acme.example.com, currency EUR, parent 1\)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("reseller create output: %q", out)
		}
		id := m[1]

		out, err = runCLI(t, e.URL, "reseller", "update", id, "--name", "Acme Cloud Services")
		if err != nil || !strings.Contains(out, `"Acme Cloud Services"`) || !strings.Contains(out, "currency EUR") {
			t.Fatalf("reseller update: %q, %v", out, err)
		}

		out, err = runCLI(t, e.URL, "reseller", "create", "--name", "", "--domain", "bad", "--currency", "XYZ")
		if err == nil {
			t.Fatalf("invalid reseller create succeeded: %q", out)
		}
		for _, want := range []string{"general/name", "general/domain", "general/currency"} {
			if !strings.Contains(err.Error()+out, want) {
				t.Errorf("invalid create: error %v does not name %s", err, want)
			}
		}

		out, err = runCLI(t, e.URL, "manager", "token", "1")
		if err != nil || !regexp.MustCompile(`new API token of manager 1 \(admin@operator.cascade.localhost\): [A-Za-z0-9]{32}`).MatchString(out) {
			t.Fatalf("manager token: %q, %v", out, err)
		}
		if _, err := runCLI(t, e.URL, "manager", "token", "99999"); err == nil {
			t.Fatal("token of a missing manager succeeded")
		}
	})
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"sqlite:./cascade.db":                      "sqlite:./cascade.db",
		"postgres://u:secret@db:5432/c?sslmode=no": "postgres://u:xxxxx@db:5432/c?sslmode=no",
		"postgres://u@db/c":                        "postgres://u@db/c",
	}
	for in, want := range tests {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGCHeadroomSetting(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want uint64
	}{
		{env: map[string]string{}, want: gcpace.DefaultHeadroom},
		{env: map[string]string{"CASCADE_GC_HEADROOM": "256MiB"}, want: 256 << 20},
		{env: map[string]string{"CASCADE_GC_HEADROOM": "0"}, want: 0},
		{env: map[string]string{"CASCADE_GC_HEADROOM": "256MiB", "GOGC": "200"}, want: 0}, // the operator's pace
	} {
		cl := &cli{getenv: func(k string) string { return c.env[k] }}
		if got, err := cl.gcHeadroom(); err != nil || got != c.want {
			t.Errorf("headroom with %v = %d, %v; want %d", c.env, got, err, c.want)
		}
	}
	env := map[string]string{"CASCADE_DATABASE_URL": "sqlite:" + t.TempDir() + "/c.db", "CASCADE_GC_HEADROOM": "lots"}
	_, err := runCLIEnv(t, env, "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), `CASCADE_GC_HEADROOM "lots": want a size such as 64MiB, or 0`) {
		t.Errorf("serve with CASCADE_GC_HEADROOM=lots: %v, want a startup error", err)
	}
}

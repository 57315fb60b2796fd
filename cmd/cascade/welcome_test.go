package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/syncbuf"
)

// serveWelcome runs "cascade serve" with env (and any further flags) until it has
// printed its welcome text, stops it and returns everything it wrote to standard output.
func serveWelcome(t *testing.T, env map[string]string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--workers=false"}, flags...),
			func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(stdout.String(), "Try:") {
		select {
		case err := <-done:
			t.Fatalf("serve stopped before its welcome: %v\n%s%s", err, stdout.String(), stderr.String())
		case <-deadline:
			t.Fatalf("no welcome after 30s:\n%s%s", stdout.String(), stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	return stdout.String()
}

// printedToken finds an administrator token as Cascade generates it, alone on its
// line or after "API token: ".
var printedToken = regexp.MustCompile(`(?m)(?:^  |API token: )([A-Za-z0-9]{32})$`)

// wantAdminToken asserts that token authenticates the operator's administrator.
func wantAdminToken(t *testing.T, dbURL, token string) {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DatabaseURL, cfg.LogOutput = dbURL, io.Discard
	m := app.NewMain(cfg)
	defer m.Close()
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, err := m.Service.Authenticate(context.Background(), token)
	if err != nil || a.ManagerID != 1 {
		t.Fatalf("printed token %q authenticates manager %d, %v; want the administrator", token, a.ManagerID, err)
	}
}

// TestAdminTokenPrintedOnlyWhenGenerated checks that serve and seed print the
// administrator's token only when Cascade generated it: a token set through
// CASCADE_ADMIN_TOKEN never reaches standard output, where log collectors would keep
// it. What is printed does not depend on the engine, so SQLite alone runs it.
func TestAdminTokenPrintedOnlyWhenGenerated(t *testing.T) {
	const given = "given-admin-token-0123456789"
	const note = "the API token in CASCADE_ADMIN_TOKEN"
	commands := map[string]func(t *testing.T, env map[string]string) string{
		"Serve": func(t *testing.T, env map[string]string) string { return serveWelcome(t, env) },
		"Seed": func(t *testing.T, env map[string]string) string {
			out, err := runCLIEnv(t, env, "seed")
			if err != nil {
				t.Fatalf("seed: %v\n%s", err, out)
			}
			return out
		},
	}
	for name, command := range commands {
		t.Run(name, func(t *testing.T) {
			t.Run("Given", func(t *testing.T) {
				out := command(t, map[string]string{"CASCADE_DATABASE_URL": storetest.Engines(t)[0].URL,
					"CASCADE_ADMIN_TOKEN": given})
				if strings.Contains(out, given) {
					t.Fatalf("output shows the token from CASCADE_ADMIN_TOKEN:\n%s", out)
				}
				if !strings.Contains(out, note) {
					t.Fatalf("output lacks %q:\n%s", note, out)
				}
			})
			t.Run("Generated", func(t *testing.T) {
				dbURL := storetest.Engines(t)[0].URL
				out := command(t, map[string]string{"CASCADE_DATABASE_URL": dbURL})
				m := printedToken.FindStringSubmatch(out)
				if m == nil || strings.Contains(out, note) {
					t.Fatalf("output lacks the generated token, or names CASCADE_ADMIN_TOKEN:\n%s", out)
				}
				wantAdminToken(t, dbURL, m[1])
			})
		})
	}
}

// TestDemoWelcomeListsTheSubscriptions: serve --demo says which subscriptions it
// bought, in which statuses, on the start that created them and only then.
func TestDemoWelcomeListsTheSubscriptions(t *testing.T) {
	env := map[string]string{"CASCADE_DATABASE_URL": storetest.Engines(t)[0].URL}
	out := serveWelcome(t, env, "--demo")
	for _, want := range []string{"Demo subscriptions", "Paula Private", "Documents Premium", "active",
		"stopped", "free trial", "waiting_for_payment"} {
		if !strings.Contains(out, want) {
			t.Errorf("welcome lacks %q:\n%s", want, out)
		}
	}
	if out := serveWelcome(t, env, "--demo"); strings.Contains(out, "Demo subscriptions") {
		t.Errorf("second start lists demo subscriptions again:\n%s", out)
	}
}

package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// mgLoseLateAnswers makes the server's database refuse to move an Idempotency-Key
// from committed to done: a request that records its answer only after its commit
// then never does, exactly as when the process dies between the two. It uses a
// connection of its own, so the server runs unchanged.
func mgLoseLateAnswers(t *testing.T, s *server) {
	t.Helper()
	const why = "the process died before recording the answer"
	var (
		driver, dsn string
		stmts       []string
	)
	switch s.engine.Name {
	case "sqlite":
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(s.engine.URL, "sqlite:")+"?_pragma=busy_timeout(10000)"
		stmts = []string{`CREATE TRIGGER answer_lost BEFORE UPDATE OF state ON idempotency_keys
			WHEN OLD.state = 'committed' AND NEW.state = 'done'
			BEGIN SELECT RAISE(ABORT, '` + why + `'); END`}
	case "postgres":
		driver, dsn = "pgx", s.engine.URL // its search_path is the test's own schema
		stmts = []string{
			`CREATE FUNCTION answer_lost() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '` + why + `'; END $$`,
			`CREATE TRIGGER answer_lost BEFORE UPDATE ON idempotency_keys FOR EACH ROW
			WHEN (OLD.state = 'committed' AND NEW.state = 'done') EXECUTE FUNCTION answer_lost()`,
		}
	default:
		t.Fatalf("no trigger for engine %q", s.engine.Name)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestIdempotentAnswerRecordedWithCommit checks that every idempotent create records
// its answer in the transaction that commits its changes: with the later recording
// step failing, as when the process dies right after the commit, a retry with the
// same key and body still gets the first 201, byte for byte, and nothing is created
// twice.
func TestIdempotentAnswerRecordedWithCommit(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		w := atSetup(t, s)
		mgLoseLateAnswers(t, s)

		cases := append(mgIdempotentCases(), mgIdempotentCase{
			name: "CreateAccount", path: fmt.Sprintf("/api/v3/resellers/%d/accounts", w.r.ID),
			body:  func(email string) string { return acBody("Lost", email) },
			value: func() string { return unique("lost") + "@example.com" },
			count: func(t testing.TB, c *client.Client, email string) int {
				t.Helper()
				return acList(t, c, w.r.ID, map[string]string{"email": email}, "").TotalCount
			},
		}, mgIdempotentCase{
			name: "ValidateOrderAttributes", path: atValidationPath(w.r.ID, w.plan.ID),
			body: func(domain string) string {
				return fmt.Sprintf(`{"data":{"account_id":%d,"domain_name":%q,"seats":3,"agreement":true,`+
					`"admin_email":"a@contoso.com","edition":"standard"}}`, w.account.ID, domain)
			},
			value: func() string { return unique("lost") + ".example.com" },
		})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				key := client.WithIdempotencyKey(unique("lost-key-"))
				v := tc.value()
				first := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
				if first.StatusCode != http.StatusCreated {
					t.Fatalf("first: %d %s, want 201", first.StatusCode, first.Body)
				}
				again := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
				if again.StatusCode != http.StatusCreated || again.Header.Get(mgReplayed) != "true" ||
					!bytes.Equal(again.Body, first.Body) {
					t.Fatalf("retry: %d %s=%q\n%s\nwant the first answer replayed\n%s", again.StatusCode, mgReplayed,
						again.Header.Get(mgReplayed), again.Body, first.Body)
				}
				if tc.count != nil {
					if n := tc.count(t, s.Admin, v); n != 1 {
						t.Fatalf("%d objects after the retry, want 1", n)
					}
				}
			})
		}

		t.Run("ManagerToken", func(t *testing.T) {
			key := client.WithIdempotencyKey(unique("lost-token-"))
			body := mgCreateManagerBody(unique("lost-token") + "@example.com")
			first := mgManagerOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", body, key), http.StatusCreated)
			again := mgManagerOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", body, key), http.StatusCreated)
			if again.ID != first.ID || again.APIToken != first.APIToken || again.APIToken == "" {
				t.Fatalf("replay: id %d token %q, want id %d token %q", again.ID, again.APIToken, first.ID, first.APIToken)
			}
			if _, err := s.client(again.APIToken).GetManager(context.Background(), 1, again.ID); err != nil {
				t.Fatalf("replayed token: %v", err)
			}
		})
	})
}

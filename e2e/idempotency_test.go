package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

const (
	mgReplayed = "Idempotency-Replayed"
	mgInFlight = "A request with this Idempotency-Key is still being processed"
)

// mgCreateManagerBody is the body of creating a sales manager with the given e-mail.
func mgCreateManagerBody(email string) string {
	return fmt.Sprintf(`{"data":{"type":"managers","attributes":{"name":"Retried Manager","email":%q,"password":%q,"role":"sales"}}}`,
		email, mgPassword)
}

// mgCreateResellerBody is the body of creating a reseller with the given domain.
func mgCreateResellerBody(domain string) string {
	return fmt.Sprintf(`{"data":{"type":"resellers","attributes":{"general":{"name":"Retried Reseller","domain":%q,"currency":"EUR"},"company":{"name":"Retried GmbH","country":"DE"}}}}`,
		domain)
}

// mgIdempotentCase is one create endpoint that honours Idempotency-Key: how to build
// a body for a unique value, and how many objects carry that value.
type mgIdempotentCase struct {
	name  string
	path  string
	body  func(v string) string
	value func() string
	count func(t testing.TB, c *client.Client, v string) int
}

func mgIdempotentCases() []mgIdempotentCase {
	return []mgIdempotentCase{
		{
			name: "CreateManager", path: "/api/v3/resellers/1/managers", body: mgCreateManagerBody,
			value: func() string { return unique("retry") + "@example.com" },
			count: func(t testing.TB, c *client.Client, email string) int {
				t.Helper()
				p, err := c.ListManagers(context.Background(), 1, &client.ListOptions{Filter: map[string]string{"email": email}})
				if err != nil {
					t.Fatalf("count managers %s: %v", email, err)
				}
				return p.TotalCount
			},
		},
		{
			name: "CreateChildReseller", path: "/api/v3/resellers/1/child_resellers", body: mgCreateResellerBody,
			value: func() string { return unique("retry") + ".example.com" },
			count: func(t testing.TB, c *client.Client, domain string) int {
				t.Helper()
				p, err := c.ListChildResellers(context.Background(), 1, &client.ListOptions{Filter: map[string]string{"domain": domain}})
				if err != nil {
					t.Fatalf("count resellers %s: %v", domain, err)
				}
				return p.TotalCount
			},
		},
	}
}

// mgHeaderError asserts that resp is a 422 about the Idempotency-Key header.
func mgHeaderError(t testing.TB, resp *client.Response) {
	t.Helper()
	e := mgErrorOf(t, resp, http.StatusUnprocessableEntity)
	if len(e.Errors) != 1 || e.Errors[0].Source == nil || e.Errors[0].Source.Header != "Idempotency-Key" {
		t.Fatalf("errors = %s, want one with source.header Idempotency-Key", resp.Body)
	}
}

func TestIdempotentCreateReplays(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, tc := range mgIdempotentCases() {
			t.Run(tc.name, func(t *testing.T) {
				key := client.WithIdempotencyKey(unique("key-"))
				v := tc.value()
				first := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
				if first.StatusCode != http.StatusCreated || first.Header.Get(mgReplayed) != "" {
					t.Fatalf("first: status %d, %s %q; want 201 and no replay", first.StatusCode, mgReplayed, first.Header.Get(mgReplayed))
				}
				for i := 1; i <= 2; i++ {
					again := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
					if again.StatusCode != http.StatusCreated || again.Header.Get(mgReplayed) != "true" {
						t.Fatalf("retry %d: status %d, %s %q; want 201 replayed", i, again.StatusCode, mgReplayed, again.Header.Get(mgReplayed))
					}
					if !bytes.Equal(again.Body, first.Body) {
						t.Fatalf("retry %d answered\n%s\nwant the first answer\n%s", i, again.Body, first.Body)
					}
					if ct := again.Header.Get("Content-Type"); ct != client.MediaType {
						t.Fatalf("retry %d: Content-Type %q, want %s", i, ct, client.MediaType)
					}
				}
				if n := tc.count(t, s.Admin, v); n != 1 {
					t.Fatalf("%d objects after retries, want 1", n)
				}

				t.Run("OtherBody", func(t *testing.T) {
					mgHeaderError(t, mgDo(t, s.Admin, "POST", tc.path, tc.body(tc.value()), key))
					// Whitespace is part of the body: a retry must be the same bytes.
					mgHeaderError(t, mgDo(t, s.Admin, "POST", tc.path, tc.body(v)+" ", key))
				})
				t.Run("OtherPath", func(t *testing.T) {
					r := mustCreateReseller(t, s.Admin, 1, "Elsewhere")
					path := strings.Replace(tc.path, "/resellers/1/", fmt.Sprintf("/resellers/%d/", r.ID), 1)
					mgHeaderError(t, mgDo(t, s.Admin, "POST", path, tc.body(v), key))
				})
				t.Run("StillReplayed", func(t *testing.T) {
					again := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
					if again.StatusCode != http.StatusCreated || !bytes.Equal(again.Body, first.Body) {
						t.Fatalf("after refused reuses: %d %s, want the first answer", again.StatusCode, again.Body)
					}
				})
				t.Run("WithoutKey", func(t *testing.T) {
					// Without a key the same body is a second request, refused as a duplicate.
					resp := mgDo(t, s.Admin, "POST", tc.path, tc.body(v))
					mgErrorOf(t, resp, http.StatusUnprocessableEntity)
					if resp.Header.Get(mgReplayed) != "" {
						t.Fatalf("%s %q without a key", mgReplayed, resp.Header.Get(mgReplayed))
					}
				})
				if n := tc.count(t, s.Admin, v); n != 1 {
					t.Fatalf("%d objects at the end, want 1", n)
				}
			})
		}
	})
}

func TestIdempotentCreateManagerReplaysToken(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		key := client.WithIdempotencyKey(unique("token-key-"))
		body := mgCreateManagerBody(unique("token") + "@example.com")
		first := mgManagerOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", body, key), http.StatusCreated)
		again := mgManagerOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", body, key), http.StatusCreated)
		if again.ID != first.ID || again.APIToken != first.APIToken || again.APIToken == "" {
			t.Fatalf("replay: id %d token %q, want id %d token %q", again.ID, again.APIToken, first.ID, first.APIToken)
		}
		if _, err := s.client(again.APIToken).GetManager(ctx, 1, again.ID); err != nil {
			t.Fatalf("replayed token: %v", err)
		}
	})
}

func TestIdempotencyKeyPerManager(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, tc := range mgIdempotentCases() {
			t.Run(tc.name, func(t *testing.T) {
				key := client.WithIdempotencyKey("shared-key-" + tc.name)
				v := tc.value()
				first := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
				if first.StatusCode != http.StatusCreated {
					t.Fatalf("first: %d %s", first.StatusCode, first.Body)
				}
				// Another manager's identical request is its own: it runs, and collides
				// with the first object instead of replaying it.
				second := s.client(mustCreateManager(t, s.Admin, 1, "admin").APIToken)
				resp := mgDo(t, second, "POST", tc.path, tc.body(v), key)
				mgErrorOf(t, resp, http.StatusUnprocessableEntity)
				if resp.Header.Get(mgReplayed) != "" {
					t.Fatalf("another manager got a replay of the first answer: %s", resp.Body)
				}
				// A third manager's different request under the same key creates its object.
				third := s.client(mustCreateManager(t, s.Admin, 1, "owner").APIToken)
				w := tc.value()
				resp = mgDo(t, third, "POST", tc.path, tc.body(w), key)
				if resp.StatusCode != http.StatusCreated || resp.Header.Get(mgReplayed) != "" || bytes.Equal(resp.Body, first.Body) {
					t.Fatalf("third manager: %d %s, want its own 201", resp.StatusCode, resp.Body)
				}
				if n, m := tc.count(t, s.Admin, v), tc.count(t, s.Admin, w); n != 1 || m != 1 {
					t.Fatalf("objects: %d of the first manager, %d of the third; want 1 each", n, m)
				}
				// The first manager's key still replays its own answer.
				again := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
				if again.StatusCode != http.StatusCreated || !bytes.Equal(again.Body, first.Body) {
					t.Fatalf("first manager's retry: %d %s, want its first answer", again.StatusCode, again.Body)
				}
			})
		}
	})
}

func TestIdempotentValidationFailureReplayed(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, tc := range mgIdempotentCases() {
			t.Run(tc.name, func(t *testing.T) {
				key := client.WithIdempotencyKey(unique("bad-key-"))
				v := tc.value()
				bad := strings.NewReplacer(`"name":"Retried Manager"`, `"name":" "`,
					`"name":"Retried Reseller"`, `"name":" "`).Replace(tc.body(v))
				first := mgDo(t, s.Admin, "POST", tc.path, bad, key)
				e := mgErrorOf(t, first, http.StatusUnprocessableEntity)
				if len(e.Errors) != 1 || e.Errors[0].Source == nil || !strings.HasSuffix(e.Errors[0].Source.Pointer, "/name") {
					t.Fatalf("first: %s, want one error at the name", first.Body)
				}
				again := mgDo(t, s.Admin, "POST", tc.path, bad, key)
				if again.StatusCode != http.StatusUnprocessableEntity || again.Header.Get(mgReplayed) != "true" ||
					!bytes.Equal(again.Body, first.Body) {
					t.Fatalf("retry: %d %s=%q %s, want the first 422 replayed", again.StatusCode, mgReplayed,
						again.Header.Get(mgReplayed), again.Body)
				}
				// The key is spent on the failed request; the corrected one needs a new key.
				mgHeaderError(t, mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key))
				if n := tc.count(t, s.Admin, v); n != 0 {
					t.Fatalf("%d objects, want none", n)
				}
				ok := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), client.WithIdempotencyKey(unique("good-key-")))
				if ok.StatusCode != http.StatusCreated {
					t.Fatalf("corrected request with a new key: %d %s", ok.StatusCode, ok.Body)
				}
			})
		}
	})
}

func TestIdempotencyKeyFormat(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tc := mgIdempotentCases()[0]
		for _, bad := range []struct{ name, key string }{
			{"TooLong", strings.Repeat("k", 256)},
			{"NotASCII", "ключ-1"},
		} {
			t.Run(bad.name, func(t *testing.T) {
				v := tc.value()
				mgHeaderError(t, mgDo(t, s.Admin, "POST", tc.path, tc.body(v), client.WithIdempotencyKey(bad.key)))
				if n := tc.count(t, s.Admin, v); n != 0 {
					t.Fatalf("%d objects after a refused key, want none", n)
				}
			})
		}
		t.Run("Longest", func(t *testing.T) {
			key := client.WithIdempotencyKey(strings.Repeat("k", 255))
			v := tc.value()
			first := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
			again := mgDo(t, s.Admin, "POST", tc.path, tc.body(v), key)
			if first.StatusCode != http.StatusCreated || again.Header.Get(mgReplayed) != "true" || !bytes.Equal(first.Body, again.Body) {
				t.Fatalf("255-character key: %d then %d (%s=%q)", first.StatusCode, again.StatusCode, mgReplayed, again.Header.Get(mgReplayed))
			}
		})
	})
}

func TestIdempotencyConcurrentRetries(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		// Parallel requests leave the client with connections it dialled but never
		// used; the server's graceful shutdown waits seconds for such connections, so
		// close them before the server stops.
		t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
		for _, tc := range mgIdempotentCases() {
			t.Run(tc.name, func(t *testing.T) {
				for round := 1; round <= 3; round++ {
					mgConcurrentRound(t, s, tc, round)
				}
			})
		}
	})
}

// mgConcurrentRound sends the same keyed request from several goroutines at once and
// checks that exactly one object is created and every answer is that creation (first
// or replayed) or a 409 saying the request is still running.
func mgConcurrentRound(t *testing.T, s *server, tc mgIdempotentCase, round int) {
	t.Helper()
	const n = 8
	key := client.WithIdempotencyKey(unique("race-key-"))
	v := tc.value()
	body := []byte(tc.body(v))
	answers := make([]*client.Response, n)
	errs := atOnce(n, func(i int) (err error) {
		answers[i], err = s.Admin.Do(context.Background(), "POST", tc.path, body, client.MediaType, key)
		return err
	})

	var created []byte
	conflicts := 0
	for i, resp := range answers {
		if errs[i] != nil {
			t.Fatalf("round %d, request %d: %v", round, i, errs[i])
		}
		switch resp.StatusCode {
		case http.StatusCreated:
			if created != nil && !bytes.Equal(resp.Body, created) {
				t.Fatalf("round %d: two different 201 answers:\n%s\n%s", round, created, resp.Body)
			}
			created = resp.Body
		case http.StatusConflict:
			e := mgErrorOf(t, resp, http.StatusConflict)
			if len(e.Errors) != 1 || e.Errors[0].Detail != mgInFlight {
				t.Fatalf("round %d: 409 %s, want only %q", round, resp.Body, mgInFlight)
			}
			conflicts++
		default:
			t.Fatalf("round %d, request %d: %d %s, want 201 or 409", round, i, resp.StatusCode, resp.Body)
		}
	}
	if created == nil {
		t.Fatalf("round %d: no request got the 201 (%d conflicts)", round, conflicts)
	}
	if got := tc.count(t, s.Admin, v); got != 1 {
		t.Fatalf("round %d: %d objects created, want 1", round, got)
	}
	// Once the dust settles, a retry replays the creation.
	again := mgDo(t, s.Admin, "POST", tc.path, string(body), key)
	if again.StatusCode != http.StatusCreated || again.Header.Get(mgReplayed) != "true" || !bytes.Equal(again.Body, created) {
		t.Fatalf("round %d: late retry %d %s, want the creation replayed", round, again.StatusCode, again.Body)
	}
}

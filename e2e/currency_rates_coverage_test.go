package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// crCoverage drives the currency rate operations through their documented answers
// and returns the database-down cases, to run once the database is gone.
func crCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	r := crReseller(t, s.Admin, domain.OperatorID, "Coverage Rates", "USD")
	other := crReseller(t, s.Admin, domain.OperatorID, "Coverage Rates Other", "USD")
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	bogus := rec.client(s, "no-such-token")
	sales := rec.client(s, mustCreateManager(t, s.Admin, r.ID, "sales").APIToken)
	outsider := rec.client(s, mustCreateManager(t, s.Admin, other.ID, "admin").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d/currency_rates", r.ID)
	body := `{"data":{"type":"currency_rates","attributes":[{"base_currency":"USD","foreign_currency":"EUR",` +
		`"quantity":1,"rate":1.22,"adjustment":1.2,"show_for_client":true}]}}`
	big := `{"data":{"attributes":[{"base_currency":"` + strings.Repeat("x", ocBigBodySize) + `"}]}}`

	t.Run("currency rates", func(t *testing.T) {
		ocDo(t, admin, "GET", rp, "", "", 200)
		ocError(t, admin, "GET", rp+"?include=rates", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", rp, "", "", 401, "token_missing")
		ocError(t, bogus, "GET", rp, "", "", 401, "token_invalid")
		ocError(t, outsider, "GET", rp, "", "", 404, "reseller_not_found")

		ocError(t, admin, "PATCH", rp, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "PATCH", rp, body, "", 401, "token_missing")
		ocError(t, sales, "PATCH", rp, body, "", 403, "forbidden")
		ocError(t, outsider, "PATCH", rp, body, "", 404, "reseller_not_found")
		ocError(t, admin, "PATCH", rp, big, "", 413, "body_too_large")
		ocError(t, admin, "PATCH", rp, body, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "PATCH", rp, strings.Replace(body, "1.22", "0", 1), "", 422, "currency_rate_positive")
		ocDo(t, sales, "GET", rp+"/history?sort=-id&page[size]=5", "", "", 200)
		ocError(t, admin, "GET", rp+"/history?sort=rate", "", "", 400, "unknown_sort")
		ocError(t, anon, "GET", rp+"/history", "", "", 401, "token_missing")
		ocError(t, outsider, "GET", rp+"/history", "", "", 404, "reseller_not_found")
		crInProgress(t, admin, rp, body)
		var rows []client.Resource
		resp := ocDo(t, admin, "PATCH", rp, body, "application/json", 200, client.WithIdempotencyKey(unique("rates-")))
		if err := json.Unmarshal(ocDecode(t, resp).Data, &rows); err != nil || len(rows) != 1 {
			t.Errorf("PATCH %s answered %d rows (%v), want 1", rp, len(rows), err)
		}
	})
	return func(t *testing.T) {
		ocError(t, admin, "GET", rp, "", "", 500, "internal_error")
		ocError(t, admin, "GET", rp+"/history", "", "", 500, "internal_error")
		ocError(t, admin, "PATCH", rp, body, "", 500, "internal_error")
	}
}

// crInProgress sends one update with one idempotency key eight times at once, until
// a round meets the 409 of a key still in progress (timing decides; ten rounds).
func crInProgress(t *testing.T, c *client.Client, path, body string) {
	for round := 0; round < 10; round++ {
		key := client.WithIdempotencyKey(unique("cr-race-"))
		statuses := make([]int, 8)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Do(context.Background(), "PATCH", path, []byte(body), client.MediaType, key)
				if err != nil {
					t.Errorf("PATCH %s: %v", path, err)
					return
				}
				statuses[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		for _, st := range statuses {
			if st != 200 && st != 409 {
				t.Fatalf("PATCH %s with one key 8 times at once: statuses %v, want only 200 and 409", path, statuses)
			}
		}
		for _, st := range statuses {
			if st == 409 {
				return
			}
		}
	}
}

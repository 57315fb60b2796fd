package e2e

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/benchseed"
)

func acBody(first, email string) string {
	return fmt.Sprintf(`{"data":{"type":"accounts","attributes":{"account_type_id":"2","first_name":%q,`+
		`"last_name":"Coverage","email":%q,"credit_limit":"10.5","custom_attributes":{"data":[{"key":"k","value":"v"}]}}}}`,
		first, email)
}

// acCoverage drives every answer the document gives the account operations, for
// TestOpenAPICoverage, through the recorder rec. It returns what to run once the
// database is down, to produce their 500 answers.
func acCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	ctx := context.Background()
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	r := mustCreateReseller(t, s.Admin, 1, "Coverage Accounts")
	below := mustCreateReseller(t, s.Admin, r.ID, "Coverage Accounts Below")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, r.ID, "marketing").APIToken)
	rp := "/api/v3/resellers/" + strconv.FormatInt(r.ID, 10)
	big := `{"data":{"attributes":{"first_name":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	var ap, bp string

	t.Run("accounts", func(t *testing.T) {
		key := client.WithIdempotencyKey(unique("account-key-"))
		body := acBody("Cov", unique("cov")+"@example.com")
		created := ocOne(t, ocDo(t, admin, "POST", rp+"/accounts", body, "", 201, key))
		if a := ocAttr(t, created); a["credit_limit"] != "10.5" || a["balance"] != "0.0" {
			t.Errorf("created account: %v", a)
		}
		if replay := ocDo(t, admin, "POST", rp+"/accounts", body, "", 201, key); replay.Header.Get("Idempotency-Replayed") != "true" {
			t.Errorf("account replay without Idempotency-Replayed")
		}
		ap = rp + "/accounts/" + created.ID
		ocError(t, admin, "POST", rp+"/accounts", `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", rp+"/accounts", body, "", 401, "token_missing")
		ocError(t, marketing, "POST", rp+"/accounts", body, "", 403, "forbidden")
		ocError(t, admin, "POST", "/api/v3/resellers/999999/accounts", body, "", 404, "reseller_not_found")
		ocError(t, admin, "POST", rp+"/accounts", big, "", 413, "body_too_large")
		ocError(t, admin, "POST", rp+"/accounts", body, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", rp+"/accounts", `{"data":{"attributes":{"account_type_id":2}}}`, "", 422, "blank")
		acCoverageInProgress(t, admin, rp+"/accounts")

		lst := ocDecode(t, ocDo(t, admin, "GET", rp+"/accounts?filter[email]="+url.QueryEscape(ocAttr(t, created)["email"].(string))+
			"&filter[created_at][gt]=2000-01-01&sort=-created_at", "", "", 200))
		if lst.Meta == nil || lst.Meta.TotalCount != 1 {
			t.Errorf("accounts by e-mail: meta %+v", lst.Meta)
		}
		ocError(t, admin, "GET", rp+"/accounts?filter[status]=closed", "", "", 400, "not_in_list")
		ocError(t, anon, "GET", rp+"/accounts", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/accounts", "", "", 404, "reseller_not_found")

		ocDo(t, marketing, "GET", ap, "", "", 200)
		ocError(t, admin, "GET", ap+"?include=reseller", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", ap, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/accounts/999999", "", "", 404, "account_not_found")

		upd := ocOne(t, ocDo(t, admin, "PATCH", ap, `{"data":{"type":"accounts","id":"`+created.ID+
			`","attributes":{"account_type_id":2,"city":"Riga","credit_limit":7}}}`, "", 200))
		if a := ocAttr(t, upd); a["city"] != "Riga" || a["credit_limit"] != "7.0" {
			t.Errorf("updated account: %v", a)
		}
		ocError(t, admin, "PATCH", ap, `[`, "", 400, "malformed_json")
		ocError(t, anon, "PATCH", ap, `{}`, "", 401, "token_missing")
		ocError(t, marketing, "PATCH", ap, `{"data":{"attributes":{"account_type_id":2}}}`, "", 403, "forbidden")
		ocError(t, admin, "PATCH", rp+"/accounts/999999", `{"data":{"attributes":{"account_type_id":2}}}`, "", 404, "account_not_found")
		ocError(t, admin, "PATCH", ap, big, "", 413, "body_too_large")
		ocError(t, admin, "PATCH", ap, `{}`, "multipart/form-data", 415, "unsupported_media_type")
		ocError(t, admin, "PATCH", ap, `{"data":{"attributes":{"account_type_id":2,"balance":"1"}}}`, "", 422, "not_updatable")

		under := ocOne(t, ocDo(t, admin, "POST", "/api/v3/resellers/"+strconv.FormatInt(below.ID, 10)+"/accounts",
			acBody("Below", unique("below")+"@example.com"), "", 201))
		bp = rp + "/child_reseller_accounts/" + under.ID
		cl := ocDecode(t, ocDo(t, admin, "GET", rp+"/child_reseller_accounts?filter[reseller_id]="+
			strconv.FormatInt(below.ID, 10), "", "", 200))
		if cl.Meta == nil || cl.Meta.TotalCount != 1 {
			t.Errorf("child_reseller_accounts: meta %+v", cl.Meta)
		}
		ocError(t, admin, "GET", rp+"/child_reseller_accounts?sort=balance", "", "", 400, "unknown_sort")
		ocError(t, anon, "GET", rp+"/child_reseller_accounts", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/x/child_reseller_accounts", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", bp, "", "", 200)
		ocError(t, admin, "GET", bp+"?include=x", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", bp, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/child_reseller_accounts/"+created.ID, "", "", 404, "account_not_found")

		attrs := ocDo(t, admin, "GET", rp+"/account_attributes", "", "", 200)
		if !strings.Contains(string(attrs.Body), `"account_types"`) {
			t.Errorf("account_attributes: %s", attrs.Body)
		}
		ocError(t, admin, "GET", rp+"/account_attributes?include=x", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", rp+"/account_attributes", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/account_attributes", "", "", 404, "reseller_not_found")

		tp := rp + "/user_authentication/token?account_id="
		tok, err := admin.GetLoginToken(ctx, r.ID, mustParseID(t, created.ID))
		if err != nil {
			t.Fatal(err)
		}
		ocError(t, admin, "GET", tp+"x", "", "", 400, "invalid_id")
		ocError(t, anon, "GET", tp+created.ID, "", "", 401, "token_missing")
		ocError(t, marketing, "GET", tp+created.ID, "", "", 403, "forbidden")
		ocError(t, admin, "GET", tp+"999999", "", "", 404, "account_not_found")
		if err := benchseed.OwnerlessAccounts(ctx, s.DB, s.Service.Clock().Now(), below.ID, 1); err != nil {
			t.Fatal(err)
		}
		seeded, err := admin.ListAccounts(ctx, below.ID, &client.ListOptions{Filter: map[string]string{"email": "bench0@example.com"}})
		if err != nil || len(seeded.Items) != 1 {
			t.Fatalf("seeded account: %v", err)
		}
		ocError(t, admin, "GET", "/api/v3/resellers/"+strconv.FormatInt(below.ID, 10)+"/user_authentication/token?account_id="+
			strconv.FormatInt(seeded.Items[0].ID, 10), "", "", 409, "account_has_no_owner")

		signIn := "/?" + url.Values{"user_email": {tok.OwnerEmail}, "user_token": {tok.OwnerToken}}.Encode()
		ocDo(t, anon, "GET", signIn, "", "-", 200)
		ocError(t, anon, "GET", signIn, "", "-", 401, "login_token_invalid")
		ocError(t, anon, "GET", "/?user_email=a%40b.c", "", "-", 400, "required")
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"GET", rp + "/accounts", ""},
			{"POST", rp + "/accounts", acBody("Down", unique("down")+"@example.com")},
			{"GET", ap, ""},
			{"PATCH", ap, `{"data":{"attributes":{"account_type_id":2}}}`},
			{"GET", rp + "/child_reseller_accounts", ""},
			{"GET", bp, ""},
			{"GET", rp + "/account_attributes", ""},
			{"GET", rp + "/user_authentication/token?account_id=1", ""},
			{"GET", "/?user_email=a%40b.c&user_token=x", ""},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}

// acCoverageInProgress sends one create eight times at once with one key until a
// retry is told the first is still running (409), as far as timing allows.
func acCoverageInProgress(t *testing.T, c *client.Client, path string) {
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		key := client.WithIdempotencyKey(unique("account-race-"))
		body := []byte(acBody("Race", unique("race")+"@example.com"))
		statuses := make([]int, 8)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Do(ctx, "POST", path, body, client.MediaType, key)
				if err != nil {
					t.Errorf("POST %s: %v", path, err)
					return
				}
				statuses[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		for _, st := range statuses {
			if st != 201 && st != 409 {
				t.Errorf("one key 8 times at once: statuses %v, want only 201 and 409", statuses)
			}
		}
		if slices.Contains(statuses, 409) {
			return
		}
	}
}

func mustParseID(t *testing.T, id string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return v
}

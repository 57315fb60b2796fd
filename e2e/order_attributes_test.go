package e2e

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

func atAttrPath(rid, planID int64) string {
	return fmt.Sprintf("/api/v3/resellers/%d/plans/%d/order_attributes", rid, planID)
}

func atValidationPath(rid, planID int64) string {
	return fmt.Sprintf("/api/v3/resellers/%d/plans/%d/order_attributes_validation", rid, planID)
}

func TestOrderAttributesList(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := atSetup(t, s)
		want := []client.OrderAttribute{
			{Key: "domain_name", Label: "Domain name", Type: "string", Required: true, Values: []string{}},
			{Key: "notes", Label: "Notes", Type: "text", Values: []string{}},
			{Key: "seats", Label: "Seats", Type: "number", Required: true, Values: []string{}},
			{Key: "agreement", Label: "Customer agreement", Type: "checkbox", Required: true, Values: []string{}},
			{Key: "start_date", Label: "Start date", Type: "date", Values: []string{}},
			{Key: "admin_email", Label: "Administrator e-mail", Type: "email", Required: true, Values: []string{}},
			{Key: "edition", Label: "Edition", Type: "list", Required: true, Values: []string{"standard", "premium"}},
		}
		mailbox, archive := atResource(t, w.plan, "mailbox"), atResource(t, w.plan, "archive")
		for _, c := range []struct {
			name      string
			client    *client.Client
			resources []int64
		}{
			{"no resources", s.Admin, nil},
			{"one resource", w.owner, []int64{mailbox}},
			{"both resources, as marketing", w.marketing, []int64{mailbox, archive}},
		} {
			got, err := c.client.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, c.resources)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: attributes\n got %+v\nwant %+v", c.name, got, want)
			}
		}
		// The documented shape, exactly: one set in data, plain objects.
		resp := mgDo(t, s.Admin, "GET", fmt.Sprintf("%s?account_id=%d&plan_resource_ids[]=%d,%d",
			atAttrPath(w.r.ID, w.bare.ID), w.account.ID, atResource(t, w.bare, "seat"), atResource(t, w.bare, "seat")), "")
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(resp.Body)) != `{"data":[{"order_attributes":[]}]}` {
			t.Fatalf("plan without attributes: %d %s", resp.StatusCode, resp.Body)
		}

		path := atAttrPath(w.r.ID, w.plan.ID)
		acc := fmt.Sprintf("?account_id=%d", w.account.ID)
		for _, c := range []struct {
			query, code, param string
		}{
			{"", "required", "account_id"},
			{"?account_id=", "required", "account_id"},
			{"?account_id=abc", "invalid_id", "account_id"},
			{"?account_id=-4", "invalid_id", "account_id"},
			{acc + "&plan_resource_ids[]=x", "invalid_id", "plan_resource_ids[]"},
			{acc + "&plan_resource_ids[]=999999", "not_plan_resource", "plan_resource_ids[]"},
			{acc + fmt.Sprintf("&plan_resource_ids[]=%d", atResource(t, w.bare, "seat")), "not_plan_resource", "plan_resource_ids[]"},
			{acc + fmt.Sprintf("&plan_resource_ids[]=%d", atResource(t, w.siblingPlan, "mailbox")), "not_plan_resource", "plan_resource_ids[]"},
			{acc + "&include=plan", "unknown_include", "include"},
		} {
			atFails(t, s.Admin, "GET", path+c.query, "", http.StatusBadRequest, c.code, c.param)
		}

		// The account must be the reseller's; the plan too; the reseller the caller's.
		_, err := s.Admin.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.siblingAcc.ID, nil)
		atCode(t, apiError(t, err, http.StatusNotFound), "account_not_found")
		_, err = s.Admin.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, 999999, nil)
		atCode(t, apiError(t, err, http.StatusNotFound), "account_not_found")
		_, err = s.Admin.ListOrderAttributes(ctx, w.r.ID, w.siblingPlan.ID, w.account.ID, nil)
		atCode(t, apiError(t, err, http.StatusNotFound), "plan_not_found")
		atFails(t, s.Admin, "GET", fmt.Sprintf("/api/v3/resellers/%d/plans/x1/order_attributes%s", w.r.ID, acc), "",
			http.StatusNotFound, "plan_not_found", "")
		_, err = w.siblingOwner.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, nil)
		atCode(t, apiError(t, err, http.StatusNotFound), "reseller_not_found")
		_, err = s.client("").ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, nil)
		atCode(t, apiError(t, err, http.StatusUnauthorized), "token_missing")
	})
}

// atErrors is the result errors as "key:code" strings, in order.
func atErrors(r *client.AsyncTaskResults) []string {
	out := []string{}
	for _, e := range r.Errors {
		out = append(out, e.Key+":"+e.Code)
	}
	return out
}

func TestOrderAttributesValidate(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		w := atSetup(t, s)
		run := func(c *client.Client, planID int64, values map[string]any, opts ...client.RequestOption) *client.AsyncTaskResults {
			t.Helper()
			task := atValidate(t, c, w.r.ID, planID, w.account.ID, values, opts...)
			return atWait(t, c, w.r.ID, task.ID).Results
		}

		t.Run("valid", func(t *testing.T) {
			values := atValid()
			values["unrelated"] = map[string]any{"ignored": true} // keys the plan does not declare
			got := run(w.sales, w.plan.ID, values)
			want := map[string]any{"domain_name": "contoso.com", "notes": "Move the old mailboxes\nfirst",
				"seats": float64(25), "agreement": true, "start_date": "2031-07-01",
				"admin_email": "admin@contoso.com", "edition": "premium"}
			if !got.Valid || len(got.Errors) != 0 || !reflect.DeepEqual(got.ApplicationAttributes, want) {
				t.Fatalf("results = %+v\nwant valid with %v", got, want)
			}
			// Optional attributes may be left out; the answer leaves them out too.
			for _, k := range []string{"notes", "start_date"} {
				delete(values, k)
				delete(want, k)
			}
			values["agreement"] = "true"
			if got := run(w.owner, w.plan.ID, values); !got.Valid || !reflect.DeepEqual(got.ApplicationAttributes, want) {
				t.Fatalf("without the optional ones: %+v", got)
			}
		})

		t.Run("every check", func(t *testing.T) {
			for _, c := range []struct {
				name   string
				change map[string]any
				want   []string
			}{
				{"blank", map[string]any{"domain_name": "  "}, []string{"domain_name:blank"}},
				{"missing", map[string]any{"domain_name": nil, "admin_email": nil}, []string{"domain_name:blank", "admin_email:blank"}},
				{"not a string", map[string]any{"domain_name": []string{"a"}}, []string{"domain_name:must_be_string"}},
				{"too long", map[string]any{"domain_name": strings.Repeat("d", 256)}, []string{"domain_name:too_long"}},
				{"text too long", map[string]any{"notes": strings.Repeat("n", 10_001)}, []string{"notes:too_long"}},
				{"number", map[string]any{"seats": "twenty"}, []string{"seats:must_be_number"}},
				{"checkbox", map[string]any{"agreement": "yes"}, []string{"agreement:must_be_boolean"}},
				{"not accepted", map[string]any{"agreement": 0}, []string{"agreement:must_be_accepted"}},
				{"date", map[string]any{"start_date": "01.07.2031"}, []string{"start_date:must_be_date"}},
				{"email", map[string]any{"admin_email": "admin.contoso.com"}, []string{"admin_email:invalid_email"}},
				{"list", map[string]any{"edition": "gold"}, []string{"edition:not_in_list"}},
			} {
				values := atValid()
				for k, v := range c.change {
					if v == nil {
						delete(values, k)
					} else {
						values[k] = v
					}
				}
				got := run(w.sales, w.plan.ID, values)
				if got.Valid || !reflect.DeepEqual(atErrors(got), c.want) {
					t.Errorf("%s: results %+v, want invalid with %v", c.name, got, c.want)
				}
				if _, ok := got.ApplicationAttributes["seats"]; !ok && c.name != "number" {
					t.Errorf("%s: accepted values %v lack seats", c.name, got.ApplicationAttributes)
				}
			}
		})

		t.Run("details in the request's language", func(t *testing.T) {
			got := run(w.sales, w.plan.ID, map[string]any{}, client.WithLocale("ru"))
			want := []string{"domain_name:blank", "seats:blank", "agreement:must_be_accepted", "admin_email:blank", "edition:blank"}
			if got.Valid || !reflect.DeepEqual(atErrors(got), want) || got.Errors[0].Detail != "не может быть пустым" {
				t.Fatalf("results = %+v, want %v in Russian", got, want)
			}
			got = run(w.sales, w.plan.ID, map[string]any{"edition": "gold"})
			if d := got.Errors[len(got.Errors)-1].Detail; d != "must be one of: standard, premium" {
				t.Fatalf("list detail = %q", d)
			}
		})

		t.Run("plan without attributes", func(t *testing.T) {
			got := run(w.sales, w.bare.ID, map[string]any{"anything": "x"})
			if !got.Valid || len(got.Errors) != 0 || len(got.ApplicationAttributes) != 0 {
				t.Fatalf("results = %+v, want valid and empty", got)
			}
		})

		t.Run("values in data.attributes", func(t *testing.T) {
			body := fmt.Sprintf(`{"data":{"type":"order_attributes_validation","attributes":{"account_id":"%d",`+
				`"domain_name":"contoso.com","seats":3,"agreement":true,"admin_email":"a@contoso.com","edition":"standard"},`+
				`"domain_name":"overridden.example"}}`, w.account.ID)
			resp := mgDo(t, w.sales, "POST", atValidationPath(w.r.ID, w.plan.ID), body)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
			id := ocOne(t, resp).ID
			got := atWait(t, w.sales, w.r.ID, id).Results
			if !got.Valid || got.ApplicationAttributes["domain_name"] != "contoso.com" {
				t.Fatalf("results = %+v, want valid with data.attributes winning", got)
			}
		})

		t.Run("idempotent", func(t *testing.T) {
			key := client.WithIdempotencyKey(unique("attrs-"))
			var replayed string
			first := atValidate(t, w.sales, w.r.ID, w.plan.ID, w.account.ID, atValid(), key)
			again, err := w.sales.ValidateOrderAttributes(context.Background(), w.r.ID, w.plan.ID, w.account.ID, atValid(), key,
				client.OnResponse(func(r *http.Response) { replayed = r.Header.Get("Idempotency-Replayed") }))
			if err != nil || again.ID != first.ID || replayed != "true" {
				t.Fatalf("retry: task %+v (%v), replayed %q; want task %s replayed", again, err, replayed, first.ID)
			}
			other := atValidate(t, w.sales, w.r.ID, w.plan.ID, w.account.ID, atValid())
			if other.ID == first.ID {
				t.Fatalf("a request without the key got the same task")
			}
		})

		t.Run("refused", func(t *testing.T) {
			ctx := context.Background()
			path := atValidationPath(w.r.ID, w.plan.ID)
			for _, c := range []struct {
				body, code, pointer string
			}{
				{`{"data":{"domain_name":"x"}}`, "required", "/data/account_id"},
				{`{"data":{"account_id":null}}`, "required", "/data/account_id"},
				{`{"data":{"account_id":"x5"}}`, "must_be_integer", "/data/account_id"},
				{`{"data":{"attributes":{"account_id":true}}}`, "must_be_integer", "/data/attributes/account_id"},
				{fmt.Sprintf(`{"data":{"account_id":%d}}`, w.siblingAcc.ID), "account_not_found", "/data/account_id"},
				{`{"data":{"attributes":{"account_id":0}}}`, "account_not_found", "/data/attributes/account_id"},
				{`{"data":null}`, "required", "/data"},
				{`{"data":[1]}`, "must_be_object", "/data"},
				{`{"data":{"attributes":"x","account_id":1}}`, "must_be_object", "/data/attributes"},
			} {
				atFails(t, w.sales, "POST", path, c.body, http.StatusUnprocessableEntity, c.code, c.pointer)
			}
			atFails(t, w.sales, "POST", path, `{"data":`, http.StatusBadRequest, "malformed_json", "")

			_, err := w.marketing.ValidateOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, atValid())
			atCode(t, apiError(t, err, http.StatusForbidden), "forbidden")
			_, err = w.sales.ValidateOrderAttributes(ctx, w.r.ID, w.siblingPlan.ID, w.account.ID, atValid())
			atCode(t, apiError(t, err, http.StatusNotFound), "plan_not_found")
			_, err = w.sales.ValidateOrderAttributes(ctx, w.r.ID, 999999, w.account.ID, atValid())
			atCode(t, apiError(t, err, http.StatusNotFound), "plan_not_found")
			_, err = w.siblingOwner.ValidateOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, atValid())
			atCode(t, apiError(t, err, http.StatusNotFound), "reseller_not_found")
			_, err = s.client("").ValidateOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, atValid())
			atCode(t, apiError(t, err, http.StatusUnauthorized), "token_missing")
		})
	})
}

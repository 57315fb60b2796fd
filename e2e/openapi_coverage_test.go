package e2e

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/api"
	"github.com/cascade-billing/cascade/client"
)

// TestOpenAPICoverage drives every operation of api/openapi.yaml through every answer
// it documents, so the harness validates each one against the document at least once.
func TestOpenAPICoverage(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		rec := ocNewRecorder(t, s)
		admin := rec.client(s, s.token)
		anon := rec.client(s, "")
		bogus := rec.client(s, "no-such-token")
		big := `{"data":{"attributes":{"name":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`

		child := mustCreateReseller(t, admin, 1, "Coverage Child")
		grand := mustCreateReseller(t, admin, child.ID, "Coverage Grandchild")
		owner := mustCreateManager(t, admin, child.ID, "owner")
		sales := mustCreateManager(t, admin, child.ID, "sales")
		salesC := rec.client(s, sales.APIToken)
		ownerC := rec.client(s, owner.APIToken)
		cp := "/api/v3/resellers/" + strconv.FormatInt(child.ID, 10)
		gp := "/api/v3/resellers/" + strconv.FormatInt(grand.ID, 10)
		sp := cp + "/managers/" + strconv.FormatInt(sales.ID, 10)
		op := cp + "/managers/" + strconv.FormatInt(owner.ID, 10)
		aw := atSetup(t, s)
		attrPath := atAttrPath(aw.r.ID, aw.plan.ID) + "?account_id=" + strconv.FormatInt(aw.account.ID, 10)
		validatePath := atValidationPath(aw.r.ID, aw.plan.ID)
		validateBody := `{"data":{"account_id":` + strconv.FormatInt(aw.account.ID, 10) + `,"domain_name":"contoso.com"}}`
		catalogue := mustCreateReseller(t, admin, 1, "Coverage Catalogue")
		ctc := ctCoverageSetup(t, s, catalogue.ID, mustCreateReseller(t, admin, catalogue.ID, "Coverage Catalogue Child").ID)

		t.Run("operations", func(t *testing.T) {
			ocDo(t, anon, "GET", "/healthz", "", "", 200)
			ocDo(t, anon, "GET", "/readyz", "", "", 200)
			m := ocDo(t, anon, "GET", "/metrics", "", "", 200)
			if !bytes.Contains(m.Body, []byte("cascade_http_requests_total")) {
				t.Errorf("metrics lack cascade_http_requests_total")
			}
			d := ocDo(t, anon, "GET", "/api/v3/openapi.yaml", "", "", 200)
			if !bytes.Equal(d.Body, api.OpenAPI) {
				t.Errorf("/api/v3/openapi.yaml does not serve api/openapi.yaml")
			}
		})

		t.Run("resellers", func(t *testing.T) {
			for _, base := range []string{"/api/v3/resellers/", "/api/v3/customer_store/resellers/"} {
				path := base + strconv.FormatInt(grand.ID, 10)
				res := ocOne(t, ocDo(t, admin, "GET", path+"?include=parent", "", "", 200))
				if rel := res.Relationships["parent"]; rel.Data == nil || rel.Data.ID != strconv.FormatInt(child.ID, 10) {
					t.Errorf("GET %s: parent relationship = %+v", path, rel)
				}
				root := ocOne(t, ocDo(t, admin, "GET", base+"1?include=parent", "", "", 200))
				if rel, ok := root.Relationships["parent"]; !ok || rel.Data != nil {
					t.Errorf("GET %s1: parent relationship of the operator = %+v, want null data", base, rel)
				}
				ocError(t, admin, "GET", path+"?include=children", "", "", 400, "unknown_include")
				ocError(t, anon, "GET", path, "", "", 401, "token_missing")
				ocError(t, bogus, "GET", path, "", "", 401, "token_invalid")
				ocError(t, admin, "GET", base+"abc", "", "", 404, "reseller_not_found")
				ocError(t, admin, "GET", base+"999999", "", "", 404, "reseller_not_found")
				ocError(t, ownerC, "GET", base+"1", "", "", 404, "reseller_not_found")
			}

			upd := ocOne(t, ocDo(t, admin, "PATCH", cp, `{"data":{"type":"resellers","id":"`+
				strconv.FormatInt(child.ID, 10)+`","attributes":{"company":{"city":"Berlin","phone":"+4930123456"},`+
				`"contacts":{"first_name":"Ada"},"custom_attributes":{"tier":"gold"}}}}`, "application/json; charset=utf-8", 200))
			if a := ocAttr(t, upd); a["company"].(map[string]any)["city"] != "Berlin" {
				t.Errorf("PATCH %s: company = %v", cp, a["company"])
			}
			ocError(t, admin, "PATCH", cp, `{"data":`, "", 400, "malformed_json")
			ocError(t, admin, "PATCH", cp, "", "", 400, "body_required")
			ocError(t, anon, "PATCH", cp, `{}`, "", 401, "token_missing")
			ocError(t, salesC, "PATCH", cp, `{"data":{"attributes":{}}}`, "", 403, "forbidden")
			ocError(t, ownerC, "PATCH", cp, `{"data":{"attributes":{"general":{"manager_id":"1"}}}}`, "", 403, "own_upstream_manager")
			ocError(t, admin, "PATCH", "/api/v3/resellers/abc", `{"data":{"attributes":{}}}`, "", 404, "reseller_not_found")
			ocError(t, admin, "PATCH", cp, big, "", 413, "body_too_large")
			ocError(t, admin, "PATCH", cp, `{"data":{"attributes":{}}}`, "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "PATCH", cp, `{"data":{"attributes":{}}}`, "application/vnd.api+json; version=2", 415, "unsupported_media_type")
			e := ocError(t, admin, "PATCH", cp, `{"data":{"attributes":{"general":{"currency":"USD"}}}}`, "", 422, "not_updatable")
			if !hasPointer(e, "/data/attributes/general/currency") {
				t.Errorf("not_updatable without its pointer: %+v", e.Errors)
			}
			ocError(t, admin, "PATCH", cp, `{"data":{"attributes":{"general":{"name":5}}}}`, "", 422, "must_be_string")
			ocError(t, admin, "PATCH", cp, `{"data":null}`, "", 422, "required")

			list := ocDecode(t, ocDo(t, admin, "GET", "/api/v3/resellers/1/child_resellers?include=parent&sort=-id&page[size]=1&filter[currency]=eur,usd", "", "", 200))
			if list.Meta == nil || list.Meta.TotalCount < 2 || list.Links == nil || list.Links.Next == nil || list.Links.Prev != nil {
				t.Errorf("child_resellers page: meta %+v links %+v", list.Meta, list.Links)
			}
			ocError(t, admin, "GET", "/api/v3/resellers/1/child_resellers?page[size]=0", "", "", 400, "invalid_page_size")
			ocError(t, admin, "GET", "/api/v3/resellers/1/child_resellers?page[limit]=5", "", "", 400, "unknown_parameter")
			ocError(t, anon, "GET", "/api/v3/resellers/1/child_resellers", "", "", 401, "token_missing")
			ocError(t, admin, "GET", "/api/v3/resellers/999999/child_resellers", "", "", 404, "reseller_not_found")

			store := ocDecode(t, ocDo(t, ownerC, "GET", "/api/v3/customer_store/resellers?include=parent", "", "", 200))
			if store.Meta == nil || store.Meta.TotalCount != 1 || len(store.Included) != 1 {
				t.Errorf("customer_store/resellers for the child's owner: meta %+v, %d included", store.Meta, len(store.Included))
			}
			ocError(t, admin, "GET", "/api/v3/customer_store/resellers?sort=size", "", "", 400, "unknown_sort")
			ocError(t, anon, "GET", "/api/v3/customer_store/resellers", "", "", 401, "token_missing")

			key := client.WithIdempotencyKey(unique("reseller-key-"))
			body := ocResellerBody("Coverage Created", unique("created")+".example.com")
			created := ocOne(t, ocDo(t, admin, "POST", cp+"/child_resellers", body, "", 201, key))
			replay := ocDo(t, admin, "POST", cp+"/child_resellers", body, "", 201, key)
			if replay.Header.Get("Idempotency-Replayed") != "true" || ocOne(t, replay).ID != created.ID {
				t.Errorf("replay: header %q, id %s, want true and %s", replay.Header.Get("Idempotency-Replayed"), ocOne(t, replay).ID, created.ID)
			}
			e = ocError(t, admin, "POST", cp+"/child_resellers", ocResellerBody("Other", "other.example.com"), "", 422, "idempotency_key_reused", key)
			if e.Errors[0].Source == nil || e.Errors[0].Source.Header != "Idempotency-Key" {
				t.Errorf("idempotency_key_reused source = %+v, want the header", e.Errors[0].Source)
			}
			ocError(t, admin, "POST", cp+"/child_resellers", body, "", 422, "invalid_idempotency_key",
				client.WithIdempotencyKey(strings.Repeat("k", 256)))
			ocError(t, admin, "POST", cp+"/child_resellers", " ", "", 400, "body_required")
			ocError(t, anon, "POST", cp+"/child_resellers", body, "", 401, "token_missing")
			ocError(t, salesC, "POST", cp+"/child_resellers", body, "", 403, "forbidden")
			ocError(t, admin, "POST", "/api/v3/resellers/999999/child_resellers", body, "", 404, "reseller_not_found")
			ocError(t, admin, "POST", cp+"/child_resellers", big, "", 413, "body_too_large")
			ocError(t, admin, "POST", cp+"/child_resellers", body, "-", 415, "unsupported_media_type")
			e = ocError(t, admin, "POST", cp+"/child_resellers", `{"data":{"attributes":{"company":{"country":"XX"}}}}`, "", 422, "blank")
			for _, p := range []string{"/data/attributes/general/name", "/data/attributes/general/domain", "/data/attributes/general/currency"} {
				if !hasPointer(e, p) {
					t.Errorf("create without general: no error at %s", p)
				}
			}
			ocError(t, admin, "POST", cp+"/child_resellers", `{"data":{"attributes":{"general":{"manager_id":"x"}}}}`, "", 422, "must_be_integer")
		})

		t.Run("managers", func(t *testing.T) {
			lst := ocDecode(t, ocDo(t, admin, "GET", cp+"/managers?include=reseller&filter[role]=owner,sales&sort=name", "", "", 200))
			if lst.Meta == nil || lst.Meta.TotalCount != 2 || len(lst.Included) != 1 {
				t.Errorf("managers of the child: meta %+v, %d included", lst.Meta, len(lst.Included))
			}
			ocError(t, admin, "GET", cp+"/managers?filter[colour]=red", "", "", 400, "unknown_filter")
			ocError(t, admin, "GET", cp+"/managers?filter[status]=asleep", "", "", 400, "not_in_list")
			ocError(t, anon, "GET", cp+"/managers", "", "", 401, "token_missing")
			ocError(t, admin, "GET", "/api/v3/resellers/abc/managers", "", "", 404, "reseller_not_found")

			key := client.WithIdempotencyKey(unique("manager-key-"))
			body := ocManagerBody(unique("Cov"), "marketing")
			m := ocOne(t, ocDo(t, admin, "POST", cp+"/managers", body, "", 201, key))
			if a := ocAttr(t, m); a["api_token"] == "" || a["role"] != "marketing" {
				t.Errorf("created manager: %v", a)
			}
			replay := ocDo(t, admin, "POST", cp+"/managers", body, "", 201, key)
			if replay.Header.Get("Idempotency-Replayed") != "true" {
				t.Errorf("manager replay without Idempotency-Replayed")
			}
			ocError(t, admin, "POST", cp+"/managers", `{"data":{"attributes":`, "", 400, "malformed_json")
			ocError(t, anon, "POST", cp+"/managers", body, "", 401, "token_missing")
			ocError(t, salesC, "POST", cp+"/managers", ocManagerBody(unique("Cov"), "sales"), "", 403, "forbidden")
			ocError(t, admin, "POST", "/api/v3/resellers/999999/managers", body, "", 404, "reseller_not_found")
			ocError(t, admin, "POST", cp+"/managers", big, "", 413, "body_too_large")
			ocError(t, admin, "POST", cp+"/managers", body, "text/html", 415, "unsupported_media_type")
			ocError(t, admin, "POST", cp+"/managers", `{"data":{"attributes":{"name":"X","email":"x@example.com","password":"short"}}}`, "", 422, "weak_password")
			ocError(t, admin, "POST", cp+"/managers", `{"data":{"attributes":{"name":"X","email":"y@example.com","password":"secret123","admin":"maybe"}}}`, "", 422, "must_be_boolean")
			ocError(t, admin, "POST", cp+"/managers", `{"data":{"attributes":{"name":"X","email":"z@example.com","password":"secret123","manager_role_id":"999999"}}}`, "", 422, "manager_role_not_found")

			got := ocOne(t, ocDo(t, admin, "GET", sp+"?include=reseller", "", "", 200))
			if got.Relationships["reseller"].Data == nil {
				t.Errorf("GET %s?include=reseller: no reseller relationship", sp)
			}
			if _, ok := ocAttr(t, got)["api_token"]; ok {
				t.Errorf("GET %s shows the api_token", sp)
			}
			ocError(t, admin, "GET", sp+"?include=manager", "", "", 400, "unknown_include")
			ocError(t, anon, "GET", sp, "", "", 401, "token_missing")
			ocError(t, admin, "GET", "/api/v3/resellers/1/managers/"+strconv.FormatInt(sales.ID, 10), "", "", 404, "manager_not_found")
			ocError(t, admin, "GET", cp+"/managers/x1", "", "", 404, "manager_not_found")

			self := ocOne(t, ocDo(t, salesC, "PATCH", sp, `{"data":{"attributes":{"name":"Renamed Sales","phone":"00441234567","admin":null}}}`, "", 200))
			if ocAttr(t, self)["name"] != "Renamed Sales" {
				t.Errorf("self update: %v", ocAttr(t, self))
			}
			ocDo(t, admin, "PATCH", op, `{"data":{"attributes":{"admin":"1"}}}`, "", 200)
			ocError(t, admin, "PATCH", sp, `[`, "", 400, "malformed_json")
			ocError(t, anon, "PATCH", sp, `{}`, "", 401, "token_missing")
			ocError(t, salesC, "PATCH", sp, `{"data":{"attributes":{"status":"inactive"}}}`, "", 403, "self_status_or_role")
			ocError(t, salesC, "PATCH", op, `{"data":{"attributes":{"name":"Nope"}}}`, "", 403, "forbidden")
			ocError(t, admin, "PATCH", cp+"/managers/999999", `{"data":{"attributes":{}}}`, "", 404, "manager_not_found")
			ocError(t, admin, "PATCH", sp, big, "", 413, "body_too_large")
			ocError(t, admin, "PATCH", sp, `{}`, "multipart/form-data", 415, "unsupported_media_type")
			ocError(t, admin, "PATCH", sp, `{"data":{"attributes":{"email":"new@example.com"}}}`, "", 422, "not_updatable")

			ocError(t, anon, "GET", "/api/v3/resellers/1/child_reseller_managers", "", "", 401, "token_missing")
			cm := ocDecode(t, ocDo(t, admin, "GET", "/api/v3/resellers/1/child_reseller_managers?include=reseller&filter[reseller_id]="+
				strconv.FormatInt(child.ID, 10)+"&filter[created_at][gt]=2000-01-01", "", "", 200))
			if cm.Meta == nil || cm.Meta.TotalCount != 3 {
				t.Errorf("child_reseller_managers of the child: meta %+v, want 3", cm.Meta)
			}
			ocError(t, admin, "GET", "/api/v3/resellers/1/child_reseller_managers?filter[created_at]=yesterday", "", "", 400, "invalid_date")
			ocError(t, admin, "GET", "/api/v3/resellers/999999/child_reseller_managers", "", "", 404, "reseller_not_found")

			roles := ocDecode(t, ocDo(t, ownerC, "GET", cp+"/manager_roles?sort=name", "", "", 200))
			if roles.Meta == nil || roles.Meta.TotalCount != 3 {
				t.Errorf("manager_roles of the child: meta %+v, want 3", roles.Meta)
			}
			ocError(t, admin, "GET", "/api/v3/resellers/1/manager_roles?include=reseller", "", "", 400, "unknown_include")
			ocError(t, admin, "GET", "/api/v3/resellers/1/manager_roles?filter[name][gt]=a", "", "", 400, "range_not_supported")
			ocError(t, anon, "GET", "/api/v3/resellers/1/manager_roles", "", "", 401, "token_missing")
			ocError(t, admin, "GET", cp+"/manager_roles", "", "", 403, "current_reseller_only")
			ocError(t, ownerC, "GET", "/api/v3/resellers/1/manager_roles", "", "", 404, "reseller_not_found")

			// Token rotation; the operation takes no body but wants a JSON Content-Type.
			rot := ocOne(t, ocDo(t, admin, "POST", sp+"/api_token", "", "", 200))
			fresh, _ := ocAttr(t, rot)["api_token"].(string)
			if fresh == "" || fresh == sales.APIToken {
				t.Fatalf("rotated token = %q", fresh)
			}
			ocError(t, salesC, "GET", sp, "", "", 401, "token_invalid")
			salesC = rec.client(s, fresh)
			ocDo(t, salesC, "GET", sp, "", "", 200)
			ocError(t, anon, "POST", sp+"/api_token", "", "", 401, "token_missing")
			ocError(t, salesC, "POST", op+"/api_token", "", "", 403, "forbidden")
			ocError(t, admin, "POST", cp+"/managers/999999/api_token", "", "", 404, "manager_not_found")
			ocError(t, admin, "POST", sp+"/api_token", big, "", 413, "body_too_large")
			ocError(t, admin, "POST", sp+"/api_token", "", "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "POST", sp+"/api_token", "{}", "-", 415, "unsupported_media_type")
			// The typed client posts a rotation with neither body nor Content-Type.
			if m, err := admin.RotateManagerToken(ctx, child.ID, owner.ID); err != nil || m.APIToken == "" {
				t.Errorf("RotateManagerToken: %v (token %q)", err, m.APIToken)
			}

			// A blocked manager's token is refused.
			ocDo(t, admin, "PATCH", sp, `{"data":{"attributes":{"status":"INACTIVE"}}}`, "", 200)
			ocError(t, salesC, "GET", sp, "", "", 401, "manager_blocked")
			ru := ocError(t, salesC, "GET", sp, "", "", 401, "manager_blocked", client.WithLocale("ru"))
			if ru.Errors[0].Title != "Требуется авторизация" {
				t.Errorf("ru title = %q", ru.Errors[0].Title)
			}
		})

		t.Run("order attributes and async tasks", func(t *testing.T) {
			list := ocDo(t, admin, "GET", attrPath+"&plan_resource_ids[]="+strconv.FormatInt(atResource(t, aw.plan, "mailbox"), 10), "", "", 200)
			if !bytes.Contains(list.Body, []byte(`"key":"domain_name"`)) {
				t.Errorf("order attributes: %s", list.Body)
			}
			ocError(t, admin, "GET", atAttrPath(aw.r.ID, aw.plan.ID), "", "", 400, "required")
			ocError(t, anon, "GET", attrPath, "", "", 401, "token_missing")
			ocError(t, admin, "GET", atAttrPath(aw.r.ID, 999999)+"?account_id=1", "", "", 404, "plan_not_found")

			key := client.WithIdempotencyKey(unique("attrs-key-"))
			task := ocOne(t, ocDo(t, admin, "POST", validatePath, validateBody, "", 201, key))
			if a := ocAttr(t, task); a["status"] != "pending" || task.Type != "async_tasks" {
				t.Errorf("new task: %s %v", task.Type, a)
			}
			if replay := ocDo(t, admin, "POST", validatePath, validateBody, "", 201, key); ocOne(t, replay).ID != task.ID {
				t.Errorf("replayed validation answers task %s, want %s", ocOne(t, replay).ID, task.ID)
			}
			ocError(t, admin, "POST", validatePath, `{"data":`, "", 400, "malformed_json")
			ocError(t, anon, "POST", validatePath, validateBody, "", 401, "token_missing")
			ocError(t, rec.client(s, aw.marketingToken), "POST", validatePath, validateBody, "", 403, "forbidden")
			ocError(t, admin, "POST", atValidationPath(aw.r.ID, 999999), validateBody, "", 404, "plan_not_found")
			ocError(t, admin, "POST", validatePath, big, "", 413, "body_too_large")
			ocError(t, admin, "POST", validatePath, validateBody, "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "POST", validatePath, `{"data":{"domain_name":"x"}}`, "", 422, "required")

			if _, err := admin.WaitAsyncTask(ctx, aw.r.ID, task.ID); err != nil {
				t.Errorf("wait for task %s: %v", task.ID, err)
			}
			done := ocOne(t, ocDo(t, admin, "GET", atTaskPath(aw.r.ID, task.ID), "", "", 200))
			if a := ocAttr(t, done); a["status"] != "completed" || a["results"] == nil {
				t.Errorf("finished task: %v", a)
			}
			ocError(t, admin, "GET", atTaskPath(aw.r.ID, task.ID)+"?include=plan", "", "", 400, "unknown_include")
			ocError(t, anon, "GET", atTaskPath(aw.r.ID, task.ID), "", "", 401, "token_missing")
			ocError(t, admin, "GET", atTaskPath(aw.r.ID, "not-a-uuid"), "", "", 404, "async_task_not_found")
		})

		t.Run("catalog apply", func(t *testing.T) {
			const path = "/api/v3/resellers/1/catalog"
			doc := `{"categories": [{"key": "cov", "name": "Coverage"}]}`
			res := ocOne(t, ocDo(t, admin, "PUT", path+"?dry_run=true", doc, "application/yaml", 200))
			if a := ocAttr(t, res); a["dry_run"] != true || a["changed"] != true {
				t.Errorf("PUT %s dry run: %v", path, a)
			}
			ocDo(t, admin, "PUT", path, doc, "application/json", 200)
			e := ocError(t, admin, "PUT", path, "plans: [", "application/yaml", 400, "catalog_syntax")
			if e.Errors[0].Meta == nil || e.Errors[0].Meta.Line != 1 {
				t.Errorf("catalog_syntax meta = %+v", e.Errors[0].Meta)
			}
			ocError(t, admin, "PUT", path+"?dry_run=perhaps", doc, "application/yaml", 400, "invalid_boolean")
			ocError(t, anon, "PUT", path, doc, "application/yaml", 401, "token_missing")
			salesOp := rec.client(s, mustCreateManager(t, admin, 1, "sales").APIToken)
			ocError(t, salesOp, "PUT", path, doc, "application/yaml", 403, "forbidden")
			ocError(t, admin, "PUT", "/api/v3/resellers/999999/catalog", doc, "application/yaml", 404, "reseller_not_found")
			ocError(t, admin, "PUT", path, "# "+strings.Repeat("x", 8<<20), "application/yaml", 413, "body_too_large")
			ocError(t, admin, "PUT", path, doc, "text/csv", 415, "unsupported_media_type")
			e = ocError(t, admin, "PUT", path, "categories:\n  - {key: cov, name: C, colour: red}\n", "text/yaml", 422, "unknown_field")
			if !hasPointer(e, "/categories/0/colour") || e.Errors[0].Meta == nil || e.Errors[0].Meta.Line != 2 || e.Errors[0].Meta.Column != 25 {
				t.Errorf("unknown_field: %+v %+v", e.Errors[0].Source, e.Errors[0].Meta)
			}
		})

		t.Run("catalogue reads", func(t *testing.T) { ctCoverage(t, ctc, admin, anon, rec.client(s, ctc.outsider)) })

		t.Run("idempotency in progress", func(t *testing.T) {
			// Concurrent retries of one key: one runs, the others either wait for its
			// recorded answer or are told it is still running.
			for _, path := range []string{cp + "/managers", cp + "/child_resellers", validatePath} {
				for round := 0; round < 10; round++ {
					key := client.WithIdempotencyKey(unique("race-"))
					body := ocManagerBody(unique("Race"), "sales")
					switch {
					case strings.HasSuffix(path, "child_resellers"):
						body = ocResellerBody("Race", unique("race")+".example.com")
					case path == validatePath:
						body = validateBody
					}
					statuses := make([]int, 8)
					var wg sync.WaitGroup
					for i := range statuses {
						wg.Add(1)
						go func() {
							defer wg.Done()
							resp, err := admin.Do(ctx, "POST", path, []byte(body), client.MediaType, key)
							if err != nil {
								t.Errorf("POST %s: %v", path, err)
								return
							}
							statuses[i] = resp.StatusCode
						}()
					}
					wg.Wait()
					if !slices.Contains(statuses, 201) {
						t.Errorf("POST %s with one key 8 times at once: statuses %v, want a 201", path, statuses)
					}
					for _, st := range statuses {
						if st != 201 && st != 409 {
							t.Errorf("POST %s with one key 8 times at once: statuses %v, want only 201 and 409", path, statuses)
						}
					}
					if slices.Contains(statuses, 409) {
						break
					}
				}
			}
		})

		acDown := acCoverage(t, s, rec)
		tcCoverage(t, s, rec)
		odDown := odCoverage(t, s, rec)
		poDown := poCoverage(t, s, rec)
		koDown := koCoverage(t, s, rec)
		okDown := okCoverage(t, s, rec)
		soDown := soCoverage(t, s, rec)
		vsDown := vsCoverage(t, s, rec)
		crDown := crCoverage(t, s, rec)
		inDown := inCoverage(t, s, rec)
		ccDown := ccCoverage(t, s, rec)
		vdCoverage(t, s.engine.Name, rec)
		mdCoverage(t, s.engine.Name, rec)
		vqCoverage(t, s.engine.Name, rec)

		t.Run("database down", func(t *testing.T) {
			// Closing the database makes readiness fail and every API call an internal
			// error; the server closes nothing twice because Main forgets the handle.
			db := s.DB
			s.DB = nil
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			ocError(t, anon, "GET", "/readyz", "", "", 503, "unavailable")
			ocDo(t, anon, "GET", "/healthz", "", "", 200)
			for _, c := range []struct{ method, path, body string }{
				{"GET", gp, ""},
				{"GET", "/api/v3/customer_store/resellers/1", ""},
				{"PATCH", cp, `{"data":{"attributes":{"company":{"city":"Paris"}}}}`},
				{"GET", "/api/v3/resellers/1/child_resellers", ""},
				{"POST", cp + "/child_resellers", ocResellerBody("Down", unique("down")+".example.com")},
				{"GET", "/api/v3/customer_store/resellers", ""},
				{"GET", cp + "/managers", ""},
				{"POST", cp + "/managers", ocManagerBody(unique("Down"), "sales")},
				{"GET", op, ""},
				{"PATCH", op, `{"data":{"attributes":{"name":"Down"}}}`},
				{"POST", op + "/api_token", ""},
				{"GET", "/api/v3/resellers/1/child_reseller_managers", ""},
				{"GET", "/api/v3/resellers/1/manager_roles", ""},
				{"PUT", "/api/v3/resellers/1/catalog", `{"categories": [{"key": "down", "name": "Down"}]}`},
				{"GET", attrPath, ""},
				{"POST", validatePath, validateBody},
				{"GET", atTaskPath(aw.r.ID, "9b68427b-52d5-4c01-9b77-eb1b70517414"), ""},
			} {
				ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
			}
			for _, path := range ctc.paths() {
				ocError(t, admin, "GET", path, "", "", 500, "internal_error")
			}
			acDown(t)
			odDown(t)
			poDown(t)
			koDown(t)
			okDown(t)
			soDown(t)
			vsDown(t)
			crDown(t)
			inDown(t)
			ccDown(t)
		})

		doc, err := openAPIDoc()
		if err != nil {
			t.Fatal(err)
		}
		// The in-progress conflict depends on timing; a round that never met it is
		// reported but not failed.
		skip := map[string]bool{}
		for _, k := range []string{ocAnswer("createManager", 409), ocAnswer("createChildReseller", 409),
			ocAnswer("validateOrderAttributes", 409), ocAnswer("createAccount", 409), ocAnswer("createSalesOrder", 409),
			ocAnswer("cancelOrder", 409), ocAnswer("completePayment", 409), ocAnswer("createPayment", 409),
			ocAnswer("cancelPayment", 409), ocAnswer("completePaymentByDocument", 409), ocAnswer("createChangeOrder", 409),
			ocAnswer("createSwitchOrder", 409), ocAnswer("createRenewalOrder", 409), ocAnswer("createProlongOrder", 409),
			ocAnswer("stopSubscription", 409), ocAnswer("createCorrection", 409), ocAnswer("updateCorrectionStatus", 409),
			ocAnswer("activateSubscription", 409), ocAnswer("deleteSubscription", 409), ocAnswer("updateSubscription", 409),
			ocAnswer("approveSubscriptionOperation", 409), ocAnswer("declineSubscriptionOperation", 409),
			ocAnswer("completeSubscriptionProvisioning", 409), ocAnswer("updateCurrencyRates", 409)} {
			if !rec.seen[k] {
				t.Logf("not produced in this run: %s", k)
				skip[k] = true
			}
		}
		if missing := rec.missing(doc, skip); len(missing) > 0 {
			t.Errorf("documented answers never produced: %v", missing)
		}
	})
}

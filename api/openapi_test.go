package api_test

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/cascade-billing/cascade/api"
	"github.com/cascade-billing/cascade/internal/httpapi"
)

// loadDoc loads and validates the embedded document.
func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("load api/openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate api/openapi.yaml: %v", err)
	}
	return doc
}

// operations returns every "METHOD /path" of the document with its operation.
func operations(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op
		}
	}
	return out
}

// unauthenticated are the routes served without a token.
var unauthenticated = []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v3/openapi.yaml", "GET /"}

// extensions are the operations that are Cascade's own, not ActivePlatform's.
var extensions = []string{
	"GET /api/v3/resellers/{reseller_id}/corrections",
	"GET /api/v3/resellers/{reseller_id}/corrections/{correction_id}",
	"POST /api/v3/resellers/{reseller_id}/child_resellers",
	"PATCH /api/v3/resellers/{reseller_id}",
	"POST /api/v3/resellers/{reseller_id}/managers/{manager_id}/api_token",
	"POST /api/v3/resellers/{reseller_id}/products/{product_id}/secret",
	"POST /api/v3/resellers/{reseller_id}/products/{product_id}/integration_check",
	"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v3/openapi.yaml",
	"GET /", // the Customer Control Panel entry that redeems an Owner's login token
	"PUT /api/v3/resellers/{reseller_id}/catalog",
	"GET /api/v3/resellers/{reseller_id}/payment_methods",
	"GET /api/v3/resellers/{reseller_id}/currency_rates/history",
	"GET /api/v3/test_clock", "POST /api/v3/test_clock/advance",
	"POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/approve_operation",
	"POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/decline_operation",
	"POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_retry",
	"POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_completion",
}

// documentedQuery are the query parameters beyond paging that ActivePlatform
// documents for an operation, so they carry no x-cascade-extension mark.
var documentedQuery = map[string][]string{
	"GET /api/v3/customer_store/resellers/{reseller_id}/product_categories": {"page", "per_page"},
	"GET /api/v3/customer_store/resellers/{reseller_id}/products": {"page", "per_page", "sorting[field]",
		"sorting[reversed]", "filters[type]", "filters[category]"},
	"GET /api/v3/customer_store/resellers/{reseller_id}/products/{product_id}": {"plan_currency", "include"},
	"GET /api/v3/resellers/{reseller_id}/plans": {"include", "filter[name]", "filter[sku]", "filter[updated_at]",
		"filter[updated_at][gt]", "filter[updated_at][lt]"},
	"GET /api/v3/resellers/{reseller_id}/plans/{plan_id}": {"include"},
	"GET /api/v3/resellers/{reseller_id}/charges": {"include", "filter[close_date]", "filter[close_date][gt]",
		"filter[close_date][lt]", "filter[subscription_id]", "filter[status]", "filter[created_at]",
		"filter[created_at][gt]", "filter[created_at][lt]", "filter[updated_at]", "filter[updated_at][gt]",
		"filter[updated_at][lt]"},
	"GET /api/v3/resellers/{reseller_id}/charges/{charge_id}":              {"include"},
	"GET /api/v3/resellers/{reseller_id}/plans/{plan_id}/switchable_plans": {"filter[switch_type]"},
	"GET /api/v3/resellers/{reseller_id}/plans/{plan_id}/order_attributes": {"account_id", "plan_resource_ids[]"},
	"GET /api/v3/resellers/{reseller_id}/accounts": {"filter[email]", "filter[user_email]", "filter[inn]",
		"filter[created_at]", "filter[created_at][gt]", "filter[created_at][lt]", "filter[updated_at]",
		"filter[updated_at][gt]", "filter[updated_at][lt]", "include"},
	"GET /api/v3/resellers/{reseller_id}/user_authentication/token": {"account_id"},
	"GET /": {"user_email", "user_token"}, // the documented Customer Control Panel sign-in link
	"GET /api/v3/resellers/{reseller_id}/orders": {"sort", "filter[created_at]", "filter[created_at][gt]",
		"filter[created_at][lt]", "filter[updated_at]", "filter[updated_at][gt]", "filter[updated_at][lt]",
		"filter[account_id]", "filter[type]", "filter[status]"},
	"GET /api/v3/resellers/{reseller_id}/orders/{order_id}": {"include"},
	"GET /api/v3/resellers/{reseller_id}/subscriptions": {"meta", "include", "filter[account_id]", "filter[status]",
		"filter[payment_model]", "filter[trial]", "filter[plan_id]", "filter[created_at]", "filter[created_at][gt]",
		"filter[created_at][lt]"},
	"GET /api/v3/resellers/{reseller_id}/payments/{payment_id}": {"include"},
	"GET /api/v3/resellers/{reseller_id}/invoices/{invoice_id}": {"include"},
	"GET /api/v3/resellers/{reseller_id}/invoices": {"filter[created_at]", "filter[updated_at]", "filter[status]",
		"filter[account_id]", "filter[from_date]", "filter[to_date]", "filter[payment_model]"},
	"GET /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}":                {"meta", "include"},
	"GET /api/v3/resellers/{reseller_id}/child_reseller_subscriptions":                   {"meta"},
	"GET /api/v3/resellers/{reseller_id}/child_reseller_subscriptions/{subscription_id}": {"meta"},
	"GET /api/v3/resellers/{reseller_id}/payments": {"sort", "filter[created_at]", "filter[created_at][gt]",
		"filter[created_at][lt]", "filter[updated_at]", "filter[updated_at][gt]", "filter[updated_at][lt]",
		"filter[closed_at]", "filter[closed_at][gt]", "filter[closed_at][lt]"},
}

func TestDocumentVersion(t *testing.T) {
	doc := loadDoc(t)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if doc.Info.Title != "Cascade API" || doc.Info.Version != "3" {
		t.Fatalf("info = %q %q, want Cascade API 3", doc.Info.Title, doc.Info.Version)
	}
	ss := doc.Components.SecuritySchemes["ApiToken"]
	if ss == nil || ss.Value.Type != "apiKey" || ss.Value.In != "header" || ss.Value.Name != "X-Api-Token" {
		t.Fatalf("security scheme ApiToken = %+v, want apiKey in header X-Api-Token", ss)
	}
	if len(doc.Security) != 1 || doc.Security[0]["ApiToken"] == nil {
		t.Fatalf("global security = %v, want ApiToken", doc.Security)
	}
}

// TestEveryRouteDocumented checks that the document and the server's routes are the
// same set of method-and-path pairs.
func TestEveryRouteDocumented(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(doc)
	patterns := httpapi.New(nil, httpapi.Config{TestClock: true}).Patterns()
	if len(patterns) == 0 {
		t.Fatal("the server registers no patterns")
	}
	registered := map[string]bool{}
	for _, p := range patterns {
		p = strings.TrimSuffix(p, "{$}") // ServeMux's exact-match marker: "GET /{$}" serves only "/"
		registered[p] = true
		if ops[p] == nil {
			t.Errorf("route %q is not in api/openapi.yaml", p)
		}
	}
	for k := range ops {
		if !registered[k] {
			t.Errorf("api/openapi.yaml documents %q, which the server does not serve", k)
		}
	}
}

// TestOperationsDescribed checks what every operation must carry.
func TestOperationsDescribed(t *testing.T) {
	doc := loadDoc(t)
	ids := map[string]string{}
	for key, op := range operations(doc) {
		if op.OperationID == "" || op.Summary == "" || op.Description == "" {
			t.Errorf("%s: operationId, summary and description are required", key)
		}
		if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share operationId %q", key, other, op.OperationID)
		}
		ids[op.OperationID] = key

		ext, _ := op.Extensions["x-cascade-extension"].(bool)
		if want := slices.Contains(extensions, key); ext != want {
			t.Errorf("%s: x-cascade-extension = %v, want %v", key, ext, want)
		}

		open := slices.Contains(unauthenticated, key)
		if open {
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s: want security: [] (served without a token)", key)
			}
		} else {
			if op.Security != nil {
				t.Errorf("%s: must use the global ApiToken security", key)
			}
			for _, st := range []int{401, 500} {
				if op.Responses.Status(st) == nil {
					t.Errorf("%s: no %d answer", key, st)
				}
			}
		}
		if !hasParam(doc, key, "header", "X-Api-Locale") {
			t.Errorf("%s: no X-Api-Locale header parameter", key)
		}

		for _, p := range op.Parameters {
			// ActivePlatform documents only paging on these lists; the rest is Cascade's.
			v := p.Value
			if ext, _ := v.Extensions["x-cascade-extension"].(bool); v.In == "query" && !strings.HasPrefix(v.Name, "page[") &&
				!slices.Contains(documentedQuery[key], v.Name) && !ext {
				t.Errorf("%s: query parameter %s is Cascade's own but not marked x-cascade-extension", key, v.Name)
			}
		}

		method, _, _ := strings.Cut(key, " ")
		idempotent := key == "POST /api/v3/resellers/{reseller_id}/child_resellers" ||
			key == "POST /api/v3/resellers/{reseller_id}/managers" ||
			key == "POST /api/v3/resellers/{reseller_id}/plans/{plan_id}/order_attributes_validation" ||
			key == "POST /api/v3/resellers/{reseller_id}/accounts" ||
			key == "POST /api/v3/resellers/{reseller_id}/sales_order" ||
			key == "POST /api/v3/resellers/{reseller_id}/change_order" ||
			key == "POST /api/v3/resellers/{reseller_id}/switch_order" ||
			key == "POST /api/v3/resellers/{reseller_id}/renewal_order" ||
			key == "POST /api/v3/resellers/{reseller_id}/prolong_order" ||
			key == "POST /api/v3/resellers/{reseller_id}/orders/{order_id}/cancel_operation" ||
			key == "PATCH /api/v3/resellers/{reseller_id}/payments/{payment_id}" ||
			key == "POST /api/v3/resellers/{reseller_id}/payments" ||
			key == "DELETE /api/v3/resellers/{reseller_id}/payments/{payment_id}" ||
			key == "POST /api/v3/resellers/{reseller_id}/payments/{payment_id}" ||
			key == "POST /api/v3/resellers/{reseller_id}/corrections" ||
			key == "PATCH /api/v3/resellers/{reseller_id}/corrections/{correction_id}" ||
			key == "PATCH /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}" ||
			key == "PATCH /api/v3/resellers/{reseller_id}/currency_rates" ||
			strings.HasPrefix(key, "POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/")
		if got := hasParam(doc, key, "header", "Idempotency-Key"); got != idempotent {
			t.Errorf("%s: Idempotency-Key parameter = %v, want %v", key, got, idempotent)
		}
		if idempotent && op.Responses.Status(409) == nil {
			t.Errorf("%s: an idempotent operation needs a 409 answer", key)
		}
		if !open && method != http.MethodGet {
			for _, st := range []int{413, 415} {
				if op.Responses.Status(st) == nil {
					t.Errorf("%s: a write needs a %d answer", key, st)
				}
			}
		}
		if strings.Contains(key, "{") && op.Responses.Status(404) == nil {
			t.Errorf("%s: a path with ids needs a 404 answer", key)
		}

		var success int
		for code := range op.Responses.Map() {
			n, err := strconv.Atoi(code)
			if err != nil {
				t.Errorf("%s: response %q is not a status", key, code)
				continue
			}
			if n < 300 {
				success++
			}
		}
		if success != 1 {
			t.Errorf("%s: %d success answers, want exactly 1", key, success)
		}
	}
}

// hasParam reports whether the operation key (or its path item) declares the parameter.
func hasParam(doc *openapi3.T, key, in, name string) bool {
	method, path, _ := strings.Cut(key, " ")
	item := doc.Paths.Value(path)
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, item.GetOperation(method).Parameters...)
	for _, p := range params {
		if p.Value.In == in && p.Value.Name == name {
			return true
		}
	}
	return false
}

// TestEnums checks the enums the API promises to list.
func TestEnums(t *testing.T) {
	doc := loadDoc(t)
	for name, want := range map[string][]string{
		"ManagerStatus": {"active", "inactive"},
		"Role":          {"admin", "owner", "sales", "marketing"},
		"Locale":        {"en", "ru"},
	} {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var got []string
		for _, v := range s.Value.Enum {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}

// TestErrorCodes checks that the error code enum lists exactly the messages of the
// domain catalogue, which are the codes the server writes (titles excepted).
func TestErrorCodes(t *testing.T) {
	doc := loadDoc(t)
	var documented []string
	for _, v := range doc.Components.Schemas["ErrorCode"].Value.Enum {
		documented = append(documented, v.(string))
	}
	sort.Strings(documented)

	// The messages live in message.go and one message_<area>.go file per area.
	files, err := filepath.Glob("../internal/domain/message*.go")
	if err != nil {
		t.Fatal(err)
	}
	var decls []ast.Decl
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, f.Decls...)
	}
	var codes []string
	for _, decl := range decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Message" {
				continue
			}
			for i, n := range vs.Names {
				if strings.HasPrefix(n.Name, "MsgTitle") {
					continue
				}
				lit := vs.Values[i].(*ast.BasicLit)
				v, _ := strconv.Unquote(lit.Value)
				codes = append(codes, v)
			}
		}
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		t.Fatal("found no Message constants in internal/domain/message*.go")
	}
	if !slices.Equal(documented, codes) {
		t.Errorf("ErrorCode enum differs from internal/domain/message*.go\n documented: %v\n     domain: %v", documented, codes)
	}
}

// TestRoutingMalformedIDs checks that a path with a malformed id still finds its
// operation, so the 404 the server answers for it is validated like any other.
func TestRoutingMalformedIDs(t *testing.T) {
	doc := loadDoc(t)
	doc.Servers = openapi3.Servers{{URL: "http://cascade.test"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, op string }{
		{"GET", "/api/v3/resellers/abc", "getReseller"},
		{"PATCH", "/api/v3/resellers/-1", "updateReseller"},
		{"GET", "/api/v3/resellers/1/managers/x1", "getManager"},
		{"POST", "/api/v3/resellers/0/managers/1/api_token", "rotateManagerToken"},
		{"GET", "/api/v3/customer_store/resellers/1.5", "getStoreReseller"},
		{"GET", "/api/v3/resellers/1/async_tasks/abc", "getAsyncTask"},
		{"POST", "/api/v3/resellers/1/plans/x/order_attributes_validation", "validateOrderAttributes"},
	} {
		req := httptest.NewRequest(tc.method, "http://cascade.test"+tc.path, nil)
		route, _, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, err)
			continue
		}
		if route.Operation.OperationID != tc.op {
			t.Errorf("%s %s routes to %s, want %s", tc.method, tc.path, route.Operation.OperationID, tc.op)
		}
		if route.Operation.Responses.Status(404) == nil {
			t.Errorf("%s %s: no 404 answer documented", tc.method, tc.path)
		}
	}
}

// TestPatternsCompile checks that every pattern in the document is a regular
// expression the validator accepts.
func TestPatternsCompile(t *testing.T) {
	doc := loadDoc(t)
	var walk func(where string, s *openapi3.Schema)
	seen := map[*openapi3.Schema]bool{}
	walk = func(where string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if s.Pattern != "" {
			if _, err := regexp.Compile(s.Pattern); err != nil {
				t.Errorf("%s: pattern %q: %v", where, s.Pattern, err)
			}
		}
		for n, p := range s.Properties {
			walk(where+"."+n, p.Value)
		}
		for _, l := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range l {
				walk(where, r.Value)
			}
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value)
		}
		if s.AdditionalProperties.Schema != nil {
			walk(where+".*", s.AdditionalProperties.Schema.Value)
		}
	}
	for name, s := range doc.Components.Schemas {
		walk(name, s.Value)
	}
	for name, p := range doc.Components.Parameters {
		walk("parameter "+name, p.Value.Schema.Value)
	}
}

// Answers shaped like the server's, for TestSchemasCatchDrift.
const (
	managerAttrs = `"created_at":"2024-05-01T09:30:00.000+00:00","updated_at":"2024-05-01T09:30:00.000+00:00",` +
		`"reseller_id":1,"name":"Ann","status":"active","email":"ann@example.com",` +
		`"manager_role":{"id":2,"name":"Sales person"},"role":"sales","phone":"","photo":null,` +
		`"manager_key":"","mfa_required":false,"custom_attributes":{}`
	resellerAttrs = `"created_at":"2024-05-01T09:30:00.000+00:00","updated_at":"2024-05-01T09:30:00.000+00:00",` +
		`"parent_id":null,"general":{"created_at":"2024-05-01T09:30:00.000+00:00",` +
		`"updated_at":"2024-05-01T09:30:00.000+00:00","name":"Op","domain":"op.example.com","manager":"",` +
		`"currency":"USD"},"company":{"created_at":"2024-05-01T09:30:00.000+00:00",` +
		`"updated_at":"2024-05-01T09:30:00.000+00:00","city":"","zip":"","country":"","fax":"","name":"",` +
		`"address_line_1":"","address_line_2":"","state":"","phone":"","email":""},` +
		`"contacts":{"created_at":"2024-05-01T09:30:00.000+00:00","updated_at":"2024-05-01T09:30:00.000+00:00",` +
		`"first_name":"","last_name":"","middle_name":"","position":"","phone":"","email":""},` +
		`"manager":null,"custom_attributes":{"crm":"7"}`
	listLinks = `"links":{"self":"http://h/x?page[number]=1&page[size]=50","first":"http://h/x?page[number]=1&page[size]=50",` +
		`"prev":null,"next":null,"last":"http://h/x?page[number]=1&page[size]=50"},"meta":{"total_count":1}`
)

// TestSchemasCatchDrift checks that the response schemas are strict enough to
// notice a server that drifts from them: answers like the server's pass, and each
// small deviation fails.
func TestSchemasCatchDrift(t *testing.T) {
	doc := loadDoc(t)
	doc.Servers = openapi3.Servers{{URL: "http://cascade.test"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		ok                 bool
	}{
		{"manager created", "POST", "/api/v3/resellers/1/managers", 201,
			`{"data":{"id":"5","type":"managers","attributes":{` + managerAttrs + `,"api_token":"abc"}}}`, true},
		{"manager created without token", "POST", "/api/v3/resellers/1/managers", 201,
			`{"data":{"id":"5","type":"managers","attributes":{` + managerAttrs + `}}}`, false},
		{"manager read", "GET", "/api/v3/resellers/1/managers/5", 200,
			`{"data":{"id":"5","type":"managers","attributes":{` + managerAttrs + `},` +
				`"relationships":{"reseller":{"data":{"type":"resellers","id":"1"}}}},` +
				`"included":[{"id":"1","type":"resellers","attributes":{` + resellerAttrs + `}}]}`, true},
		{"manager with an unknown status", "GET", "/api/v3/resellers/1/managers/5", 200,
			`{"data":{"id":"5","type":"managers","attributes":{` + strings.Replace(managerAttrs, `"active"`, `"blocked"`, 1) + `}}}`, false},
		{"manager with a numeric id", "GET", "/api/v3/resellers/1/managers/5", 200,
			`{"data":{"id":5,"type":"managers","attributes":{` + managerAttrs + `}}}`, false},
		{"reseller read", "GET", "/api/v3/resellers/1", 200,
			`{"data":{"id":"1","type":"resellers","attributes":{` + resellerAttrs + `},` +
				`"relationships":{"parent":{"data":null}}}}`, true},
		{"reseller with an extra attribute", "GET", "/api/v3/resellers/1", 200,
			`{"data":{"id":"1","type":"resellers","attributes":{` + resellerAttrs + `,"balance":"0"}}}`, false},
		{"reseller missing a company member", "GET", "/api/v3/resellers/1", 200,
			`{"data":{"id":"1","type":"resellers","attributes":{` + strings.Replace(resellerAttrs, `"fax":"",`, ``, 1) + `}}}`, false},
		{"reseller with a bad time", "GET", "/api/v3/resellers/1", 200,
			`{"data":{"id":"1","type":"resellers","attributes":{` + strings.Replace(resellerAttrs, `2024-05-01T09:30:00.000+00:00`, `yesterday`, 1) + `}}}`, false},
		{"reseller typed as a manager", "GET", "/api/v3/resellers/1", 200,
			`{"data":{"id":"1","type":"managers","attributes":{` + resellerAttrs + `}}}`, false},
		{"reseller list", "GET", "/api/v3/resellers/1/child_resellers", 200,
			`{"data":[{"id":"1","type":"resellers","attributes":{` + resellerAttrs + `}}],` + listLinks + `}`, true},
		{"list without meta", "GET", "/api/v3/resellers/1/child_resellers", 200,
			`{"data":[],` + strings.Replace(listLinks, `,"meta":{"total_count":1}`, ``, 1) + `}`, false},
		{"list without prev", "GET", "/api/v3/resellers/1/child_resellers", 200,
			`{"data":[],` + strings.Replace(listLinks, `"prev":null,`, ``, 1) + `}`, false},
		{"manager role list", "GET", "/api/v3/resellers/1/manager_roles", 200,
			`{"data":[{"id":"2","type":"manager_roles","attributes":{"created_at":"2024-05-01T09:30:00.000+00:00",` +
				`"updated_at":"2024-05-01T09:30:00.000+00:00","name":"Sales person","reseller_id":1,"role":"sales"}}],` + listLinks + `}`, true},
		{"not found", "GET", "/api/v3/resellers/x", 404,
			`{"errors":[{"status":"404","code":"reseller_not_found","title":"Not found","detail":"Reseller not found"}]}`, true},
		{"not found claiming another status", "GET", "/api/v3/resellers/x", 404,
			`{"errors":[{"status":"400","code":"reseller_not_found","title":"Not found","detail":"Reseller not found"}]}`, false},
		{"error with an unknown code", "GET", "/api/v3/resellers/x", 404,
			`{"errors":[{"status":"404","code":"gone","title":"Not found","detail":"Reseller not found"}]}`, false},
		{"validation error", "PATCH", "/api/v3/resellers/1", 422,
			`{"errors":[{"status":"422","code":"taken","title":"Invalid attribute","detail":"domain has already been taken",` +
				`"source":{"pointer":"/data/attributes/general/domain"}}]}`, true},
		{"undocumented status", "GET", "/api/v3/resellers/1", 403,
			`{"errors":[{"status":"403","code":"forbidden","title":"Forbidden","detail":"This action is forbidden"}]}`, false},
		{"async task completed", "GET", "/api/v3/resellers/1/async_tasks/9b68427b-52d5-4c01-9b77-eb1b70517414", 200,
			`{"data":{"id":"9b68427b-52d5-4c01-9b77-eb1b70517414","type":"async_tasks","attributes":{"status":"completed",` +
				`"failure_message":"","results":{"valid":false,"errors":[{"key":"seats","code":"must_be_number",` +
				`"detail":"must be a number"}],"application_attributes":{"domain":"contoso.com"}}}}}`, true},
		{"async task pending", "GET", "/api/v3/resellers/1/async_tasks/9b68427b-52d5-4c01-9b77-eb1b70517414", 200,
			`{"data":{"id":"9b68427b-52d5-4c01-9b77-eb1b70517414","type":"async_tasks","attributes":{"status":"pending","failure_message":""}}}`, true},
		{"async task in an unknown status", "GET", "/api/v3/resellers/1/async_tasks/9b68427b-52d5-4c01-9b77-eb1b70517414", 200,
			`{"data":{"id":"9b68427b-52d5-4c01-9b77-eb1b70517414","type":"async_tasks","attributes":{"status":"queued","failure_message":""}}}`, false},
		{"async task with a numeric id", "GET", "/api/v3/resellers/1/async_tasks/9b68427b-52d5-4c01-9b77-eb1b70517414", 200,
			`{"data":{"id":7,"type":"async_tasks","attributes":{"status":"pending","failure_message":""}}}`, false},
		{"async task results without valid", "GET", "/api/v3/resellers/1/async_tasks/9b68427b-52d5-4c01-9b77-eb1b70517414", 200,
			`{"data":{"id":"9b68427b-52d5-4c01-9b77-eb1b70517414","type":"async_tasks","attributes":{"status":"completed",` +
				`"failure_message":"","results":{"errors":[],"application_attributes":{}}}}}`, false},
		{"order attributes", "GET", "/api/v3/resellers/1/plans/1/order_attributes", 200,
			`{"data":[{"order_attributes":[{"key":"domain_name","label":"Domain name","type":"string","required":true,"values":[]}]}]}`, true},
		{"order attribute of an unknown type", "GET", "/api/v3/resellers/1/plans/1/order_attributes", 200,
			`{"data":[{"order_attributes":[{"key":"d","label":"D","type":"url","required":true,"values":[]}]}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "http://cascade.test"+tc.path, nil)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			header := http.Header{"Content-Type": {"application/vnd.api+json"}}
			err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 tc.status, Header: header, Body: io.NopCloser(bytes.NewReader([]byte(tc.body))),
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			})
			if tc.ok && err != nil {
				t.Errorf("want valid, got %v", err)
			}
			if !tc.ok && err == nil {
				t.Errorf("want a mismatch, the document accepts it")
			}
		})
	}
}

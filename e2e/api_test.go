package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/api"
	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/service"
)

// rsCreateBody is a valid create body for a reseller with the given domain.
func rsCreateBody(dom string) string {
	return `{"data":{"type":"resellers","attributes":{"general":{"name":"Body","domain":"` + dom + `","currency":"EUR"}}}}`
}

// rsBodyOf wraps general attributes in a create body.
func rsBodyOf(general string) string {
	return `{"data":{"attributes":{"general":` + general + `}}}`
}

// TestAPIRequestBodies checks how every write reads its body: media types, JSON
// syntax, the document shape, member types and the size limit.
func TestAPIRequestBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		const create = "/api/v3/resellers/1/child_resellers"
		cases := []struct {
			name, method, path, body, contentType string
			status                                int
			code, pointer, detail                 string
		}{
			{name: "ErrMalformedJSON", body: `{"data":`, status: 400, code: "malformed_json"},
			{name: "ErrMalformedJSONNested", body: `{"data": {]}`, status: 400, code: "malformed_json",
				detail: "The request body is not valid JSON (near byte 11)"},
			{name: "ErrTrailingGarbage", body: `{"data":{}} x`, status: 400, code: "malformed_json"},
			{name: "ErrEmptyBody", body: "", status: 400, code: "body_required", detail: "The request body is required"},
			{name: "ErrBlankBody", body: " \n\t", status: 400, code: "body_required"},
			{name: "ErrTextPlain", body: rsCreateBody("a.example.com"), contentType: "text/plain", status: 415,
				code:   "unsupported_media_type",
				detail: "Content-Type must be application/vnd.api+json or application/json"},
			{name: "ErrNoContentType", body: rsCreateBody("a.example.com"), contentType: "-", status: 415,
				code: "unsupported_media_type"},
			{name: "ErrForm", body: "a=b", contentType: "application/x-www-form-urlencoded", status: 415,
				code: "unsupported_media_type"},
			{name: "ErrMediaTypeParameter", body: rsCreateBody("a.example.com"),
				contentType: client.MediaType + "; version=2", status: 415, code: "unsupported_media_type"},
			{name: "ErrPatchTextPlain", method: "PATCH", path: "/api/v3/resellers/1", body: `{"data":{"attributes":{}}}`,
				contentType: "text/plain", status: 415, code: "unsupported_media_type"},
			{name: "ErrNameNotString", body: rsBodyOf(`{"name":5,"domain":"a.example.com","currency":"EUR"}`),
				status: 422, code: "must_be_string", pointer: "/data/attributes/general/name", detail: "name must be a string"},
			{name: "ErrManagerIDNotInteger", body: rsBodyOf(`{"name":"A","domain":"a.example.com","currency":"EUR","manager_id":"abc"}`),
				status: 422, code: "must_be_integer", pointer: "/data/attributes/general/manager_id",
				detail: "manager_id must be an integer"},
			{name: "ErrManagerIDFraction", body: rsBodyOf(`{"name":"A","domain":"a.example.com","currency":"EUR","manager_id":1.5}`),
				status: 422, code: "must_be_integer", pointer: "/data/attributes/general/manager_id"},
			{name: "ErrGeneralNotObject", body: rsBodyOf(`"Acme"`), status: 422, code: "must_be_object",
				pointer: "/data/attributes/general", detail: "general must be an object"},
			{name: "ErrCompanyCityNotString", body: `{"data":{"attributes":{"company":{"city":["Berlin"]}}}}`,
				status: 422, code: "must_be_string", pointer: "/data/attributes/company/city"},
			{name: "ErrCustomAttributesNotObject", body: `{"data":{"attributes":{"custom_attributes":5}}}`,
				status: 422, code: "must_be_object", pointer: "/data/attributes/custom_attributes"},
			{name: "ErrAttributesNotObject", body: `{"data":{"attributes":[]}}`, status: 422, code: "must_be_object",
				pointer: "/data/attributes"},
			{name: "ErrDataNotObject", body: `{"data":[]}`, status: 422, code: "must_be_object", pointer: "/data"},
			{name: "ErrNoData", body: `{}`, status: 422, code: "required", pointer: "/data", detail: "data is required"},
			{name: "ErrNullData", body: `{"data":null}`, status: 422, code: "required", pointer: "/data"},
			{name: "ErrNoAttributes", body: `{"data":{"type":"resellers"}}`, status: 422, code: "required",
				pointer: "/data/attributes", detail: "attributes is required"},
			{name: "ErrTooLarge", body: rsBodyOf(`{"name":"` + strings.Repeat("x", 1<<20) + `"}`), status: 413,
				code: "body_too_large", detail: "The request body is larger than 1048576 bytes"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				method, path, ct := c.method, c.path, c.contentType
				if method == "" {
					method, path = "POST", create
				}
				switch ct {
				case "":
					ct = client.MediaType
				case "-":
					ct = ""
				}
				e := rsErrorDoc(t, rsDo(t, s.Admin, method, path, c.body, ct), c.status)
				o := rsOnly(t, e, c.code)
				if c.pointer != "" && (o.Source == nil || o.Source.Pointer != c.pointer) {
					t.Fatalf("source=%+v, want pointer %s", o.Source, c.pointer)
				}
				if c.detail != "" && o.Detail != c.detail {
					t.Fatalf("detail=%q, want %q", o.Detail, c.detail)
				}
			})
		}

		t.Run("body of exactly 1 MiB is read", func(t *testing.T) {
			head, tail := `{"data":{"attributes":{"general":{"name":"`, `"}}}}`
			body := head + strings.Repeat("x", 1<<20-len(head)-len(tail)) + tail
			e := rsErrorDoc(t, rsDo(t, s.Admin, "POST", create, body, client.MediaType), http.StatusUnprocessableEntity)
			if got := rsCodeAt(e, "/data/attributes/general/name"); got != "too_long" {
				t.Fatalf("name: code=%q, want too_long (%v)", got, e)
			}
		})
		t.Run("the token is checked before the body", func(t *testing.T) {
			resp := rsDo(t, s.client(service.NewToken()), "POST", create, "not json", "text/plain")
			rsOnly(t, rsErrorDoc(t, resp, http.StatusUnauthorized), "token_invalid")
		})

		accepted := []struct{ name, contentType, body string }{
			{"plain JSON", "application/json", rsCreateBody("json.example.com")},
			{"JSON:API with charset", client.MediaType + "; charset=utf-8", rsCreateBody("charset.example.com")},
			{"JSON with charset", "application/json; charset=UTF-8", rsCreateBody("json-charset.example.com")},
			{"unknown attributes are ignored", client.MediaType,
				`{"data":{"type":"resellers","id":"77","attributes":{"status":"active","general":{"name":"Extra",` +
					`"domain":"extra.example.com","currency":"EUR","color":"red"},"unknown":{"a":1}},"relationships":{}}}`},
		}
		for _, c := range accepted {
			t.Run(c.name, func(t *testing.T) {
				resp := rsDo(t, s.Admin, "POST", create, c.body, c.contentType)
				if resp.StatusCode != http.StatusCreated {
					t.Fatalf("status=%d, want 201: %s", resp.StatusCode, resp.Body)
				}
				if ct := resp.Header.Get("Content-Type"); ct != client.MediaType {
					t.Fatalf("Content-Type=%q, want %q", ct, client.MediaType)
				}
				if bytes.Contains(resp.Body, []byte(`"id":"77"`)) {
					t.Fatalf("the client's id was used: %s", resp.Body)
				}
			})
		}
	})
}

// TestAPILocale answers every text in Russian with X-Api-Locale: ru and in English
// otherwise; codes do not change with the language.
func TestAPILocale(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		sales := s.client(mustCreateManager(t, s.Admin, 1, "sales").APIToken)
		type answer struct{ code, title, detail string }
		requests := []struct {
			name     string
			c        *client.Client
			method   string
			path     string
			body     string
			status   int
			en, ru   answer
			fallback bool // also check unknown locales
		}{
			{"validation", s.Admin, "POST", "/api/v3/resellers/1/child_resellers",
				rsBodyOf(`{"name":" ","domain":"ru.example.com","currency":"RUB"}`), 422,
				answer{"blank", "Invalid attribute", "name can't be blank"},
				answer{"blank", "Неверное значение", "name не может быть пустым"}, true},
			{"type", s.Admin, "POST", "/api/v3/resellers/1/child_resellers", rsBodyOf(`{"name":5}`), 422,
				answer{"must_be_string", "Invalid attribute", "name must be a string"},
				answer{"must_be_string", "Неверное значение", "name должно быть строкой"}, false},
			{"not found", s.Admin, "GET", "/api/v3/resellers/987654", "", 404,
				answer{"reseller_not_found", "Not found", "Reseller not found"},
				answer{"reseller_not_found", "Не найдено", "Реселлер не найден"}, true},
			{"unauthorized", s.client(""), "GET", "/api/v3/resellers/1", "", 401,
				answer{"token_missing", "Unauthorized", "The X-Api-Token header is missing"},
				answer{"token_missing", "Требуется авторизация", "Не передан заголовок X-Api-Token"}, false},
			{"forbidden", sales, "PATCH", "/api/v3/resellers/1", `{"data":{"attributes":{}}}`, 403,
				answer{"forbidden", "Forbidden", "This action is forbidden"},
				answer{"forbidden", "Доступ запрещён", "Это действие запрещено"}, false},
			{"list parameter", s.Admin, "GET", "/api/v3/resellers/1/child_resellers?page[size]=0", "", 400,
				answer{"invalid_page_size", "Bad request", "page[size] must be an integer from 1 to 1000"},
				answer{"invalid_page_size", "Неверный запрос", "page[size] должно быть целым числом от 1 до 1000"}, false},
			{"route", s.Admin, "GET", "/api/v3/no_such_thing", "", 404,
				answer{"route_not_found", "Not found", "No such endpoint"},
				answer{"route_not_found", "Не найдено", "Такого метода нет"}, false},
			{"method", s.Admin, "DELETE", "/api/v3/resellers/1", "", 405,
				answer{"method_not_allowed", "Method not allowed", "The method is not allowed for this endpoint"},
				answer{"method_not_allowed", "Метод не поддерживается", "Этот HTTP-метод не поддерживается для данного пути"}, false},
		}
		for _, r := range requests {
			locales := map[string]answer{"": r.en, "en": r.en, "ru": r.ru, "RU": r.ru, "ru-RU": r.ru}
			if r.fallback {
				locales["de"], locales["xx-unknown"], locales["english"] = r.en, r.en, r.en
			}
			for locale, want := range locales {
				t.Run(r.name+"/"+locale, func(t *testing.T) {
					var opts []client.RequestOption
					if locale != "" {
						opts = append(opts, client.WithLocale(locale))
					}
					ct := ""
					if r.body != "" {
						ct = client.MediaType
					}
					o := rsErrorDoc(t, rsDo(t, r.c, r.method, r.path, r.body, ct, opts...), r.status).Errors[0]
					if got := (answer{o.Code, o.Title, o.Detail}); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				})
			}
		}
	})
}

// TestAPITrailingSlash serves a path with a trailing slash, as the documentation's
// examples write it, as the path without it, and keeps answering 404 for what no
// route serves with or without it.
func TestAPITrailingSlash(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1/managers/?page[size]=1", "", "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET with a trailing slash: status %d (body %s)", resp.StatusCode, resp.Body)
		}
		var doc struct {
			Data  []json.RawMessage     `json:"data"`
			Links struct{ Self string } `json:"links"`
		}
		if err := json.Unmarshal(resp.Body, &doc); err != nil || len(doc.Data) != 1 ||
			!strings.Contains(doc.Links.Self, "/managers?page[number]=1&page[size]=1") {
			t.Fatalf("answer %s (err %v): want one manager and links without the slash", resp.Body, err)
		}
		for _, path := range []string{"/api/v3/nothing/", "/api/v3/resellers/1/nothing/"} {
			rsOnly(t, rsErrorDoc(t, rsDo(t, s.Admin, "GET", path, "", ""), http.StatusNotFound), "route_not_found")
		}
	})
}

// TestAPIRouting answers unknown paths with 404 and known paths under another method
// with 405 and an Allow header, both as JSON:API errors.
func TestAPIRouting(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, path := range []string{"/api/v3/nothing", "/nothing", "/api/v3/resellers/1/nothing", "/api/v2/resellers/1"} {
			t.Run("404 "+path, func(t *testing.T) {
				rsOnly(t, rsErrorDoc(t, rsDo(t, s.Admin, "GET", path, "", ""), http.StatusNotFound), "route_not_found")
			})
		}
		cases := []struct {
			method, path string
			allow        []string
		}{
			{"DELETE", "/api/v3/resellers/1", []string{"GET", "HEAD", "PATCH"}},
			{"PUT", "/api/v3/resellers/1", []string{"GET", "HEAD", "PATCH"}},
			{"PUT", "/api/v3/resellers/1/child_resellers", []string{"GET", "HEAD", "POST"}},
			{"POST", "/api/v3/customer_store/resellers", []string{"GET", "HEAD"}},
			{"PATCH", "/api/v3/customer_store/resellers/1", []string{"GET", "HEAD"}},
			{"POST", "/healthz", []string{"GET", "HEAD"}},
		}
		for _, c := range cases {
			t.Run("405 "+c.method+" "+c.path, func(t *testing.T) {
				resp := rsDo(t, s.Admin, c.method, c.path, "", "")
				rsOnly(t, rsErrorDoc(t, resp, http.StatusMethodNotAllowed), "method_not_allowed")
				values := resp.Header.Values("Allow")
				if len(values) != 1 {
					t.Fatalf("Allow headers=%q, want one", values)
				}
				var allow []string
				for _, m := range strings.Split(values[0], ",") {
					allow = append(allow, strings.TrimSpace(m))
				}
				slices.Sort(allow)
				if !slices.Equal(allow, c.allow) {
					t.Fatalf("Allow=%v, want %v", allow, c.allow)
				}
			})
		}
	})
}

// answerKind is a GET of path by cl, answered in one of the ways every answer shares
// its headers across.
type answerKind struct {
	name, path string
	cl         *client.Client
}

// answerKinds are a success, a 404, a 401, an unknown route and the health check.
func answerKinds(s *server) []answerKind {
	return []answerKind{
		{"success", "/api/v3/resellers/1", s.Admin},
		{"not found", "/api/v3/resellers/987654", s.Admin},
		{"unauthorized", "/api/v3/resellers/1", s.client("")},
		{"unknown route", "/nowhere", s.Admin},
		{"health", "/healthz", s.client("")},
	}
}

// TestAPIRequestID echoes a caller's X-Request-Id and makes one up otherwise.
func TestAPIRequestID(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, c := range answerKinds(s) {
			t.Run(c.name, func(t *testing.T) {
				resp := rsDo(t, c.cl, "GET", c.path, "", "", client.WithHeader("X-Request-Id", "trace-abc-123"))
				if got := resp.Header.Get("X-Request-Id"); got != "trace-abc-123" {
					t.Fatalf("X-Request-Id=%q, want the one sent", got)
				}
				first := rsDo(t, c.cl, "GET", c.path, "", "").Header.Get("X-Request-Id")
				second := rsDo(t, c.cl, "GET", c.path, "", "").Header.Get("X-Request-Id")
				if first == "" || second == "" || first == second {
					t.Fatalf("generated ids %q and %q, want two different ones", first, second)
				}
			})
		}
		t.Run("unprintable id is replaced", func(t *testing.T) {
			for _, bad := range []string{"has space", strings.Repeat("x", 129)} {
				got := rsDo(t, s.Admin, "GET", "/healthz", "", "", client.WithHeader("X-Request-Id", bad)).Header.Get("X-Request-Id")
				if got == "" || got == bad {
					t.Fatalf("X-Request-Id=%q for %q, want a generated one", got, bad)
				}
			}
		})
	})
}

// TestAPIServerTiming says on every answer how long the server took, within what
// the client waited.
func TestAPIServerTiming(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, c := range answerKinds(s) {
			t.Run(c.name, func(t *testing.T) {
				start := time.Now()
				resp := rsDo(t, c.cl, "GET", c.path, "", "")
				waited := time.Since(start)
				values := resp.Header.Values("Server-Timing")
				if len(values) != 1 {
					t.Fatalf("Server-Timing=%q, want one", values)
				}
				ms, ok := strings.CutPrefix(values[0], "app;dur=")
				dur, err := strconv.ParseFloat(ms, 64)
				if !ok || err != nil || dur < 0 || !strings.Contains(ms, ".") || len(ms)-strings.Index(ms, ".") != 4 {
					t.Fatalf("Server-Timing=%q, want app;dur= and milliseconds to three decimals", values[0])
				}
				if d := time.Duration(dur * float64(time.Millisecond)); d > waited {
					t.Fatalf("Server-Timing says %v, longer than the %v the client waited", d, waited)
				}
			})
		}
	})
}

// TestAPIOperationalEndpoints serves health, readiness, metrics and the OpenAPI
// document without a token.
func TestAPIOperationalEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		anon := s.client("")
		for _, c := range []struct{ path, body string }{
			{"/healthz", `{"status":"ok"}`},
			{"/readyz", `{"status":"ready"}`},
		} {
			t.Run(c.path, func(t *testing.T) {
				resp := rsDo(t, anon, "GET", c.path, "", "")
				if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(resp.Body)) != c.body {
					t.Fatalf("status=%d body=%s, want 200 %s", resp.StatusCode, resp.Body, c.body)
				}
			})
		}
		t.Run("/metrics", func(t *testing.T) {
			rsGet(t, s.Admin, 1)
			rsDo(t, s.Admin, "GET", "/nowhere", "", "")
			resp := rsDo(t, anon, "GET", "/metrics", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Fatalf("Content-Type=%q, want the Prometheus text format", ct)
			}
			for _, want := range []string{
				`cascade_http_requests_total{route="GET /api/v3/resellers/{reseller_id}",status="200"}`,
				`cascade_http_requests_total{route="unmatched",status="404"}`,
				`cascade_http_request_duration_seconds_count{route="GET /api/v3/resellers/{reseller_id}"}`,
				`cascade_db_open_connections{pool="read"}`,
				`cascade_db_open_connections{pool="write"}`,
			} {
				if !strings.Contains(string(resp.Body), want) {
					t.Errorf("metrics lack %s", want)
				}
			}
			// The one write connection's counters exist where there is one.
			writer := strings.Contains(string(resp.Body), "cascade_db_writer_busy_seconds_total ")
			if want := s.engine.Name == "sqlite"; writer != want {
				t.Errorf("cascade_db_writer_busy_seconds_total shown: %v, want %v", writer, want)
			}
		})
		t.Run("/api/v3/openapi.yaml", func(t *testing.T) {
			resp := rsDo(t, anon, "GET", "/api/v3/openapi.yaml", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/yaml" {
				t.Fatalf("Content-Type=%q, want application/yaml", ct)
			}
			if !bytes.Equal(resp.Body, api.OpenAPI) {
				t.Fatal("served document differs from api/openapi.yaml")
			}
		})
	})
}

// TestSingleGetReadsOnlyInclude: a single object has no pages, so paging parameters
// are not its business; only include is read (and checked).
func TestSingleGetReadsOnlyInclude(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		for _, path := range []string{"/api/v3/resellers/1?page[size]=0", "/api/v3/resellers/1/managers/1?page[number]=-1"} {
			resp, err := s.Admin.Do(ctx, "GET", path, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status=%d, want 200; body %s", path, resp.StatusCode, resp.Body)
			}
		}
		resp, err := s.Admin.Do(ctx, "GET", "/api/v3/resellers/1?include=children", nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown include: status=%d, want 400", resp.StatusCode)
		}
	})
}

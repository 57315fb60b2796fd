package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cascade-billing/cascade/client"
)

// TestOpenAPIListParameters checks, for every list and single-resource read, that the
// filters, ranges, sort fields and includes the document declares are exactly those
// the server accepts. The server names what it accepts in its 400 answers.
func TestOpenAPIListParameters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		doc, err := openAPIDoc()
		if err != nil {
			t.Fatal(err)
		}
		ctListParametersSeed(t, s)
		odListParametersSeed(t, s)
		inListParametersSeed(t, s)
		for _, path := range doc.Paths.InMatchingOrder() {
			op := doc.Paths.Value(path).Get
			// The test clock is served only when it is on (TestTestClockIncludes).
			if op == nil || !strings.HasPrefix(path, "/api/v3/") || strings.HasSuffix(path, ".yaml") ||
				path == "/api/v3/test_clock" {
				continue
			}
			concrete := strings.NewReplacer("{reseller_id}", "1", "{manager_id}", "1", "{plan_id}", "1", "{product_id}", "1",
				"{order_id}", "1", "{subscription_id}", "1", "{payment_id}", "1", "{account_id}", "1",
				"{invoice_id}", "1", "{charge_id}", "1").Replace(path)
			params := map[string]*openapi3.Parameter{}
			required := "" // every call sends the required parameters, with their first value
			for _, p := range op.Parameters {
				switch {
				case p.Value.In == "query" && p.Value.Required && len(p.Value.Schema.Value.Enum) > 0:
					required += "&" + url.QueryEscape(p.Value.Name) + "=" + fmt.Sprint(p.Value.Schema.Value.Enum[0])
				case p.Value.In == "query":
					params[p.Value.Name] = p.Value
				}
			}
			isList := params["page[size]"] != nil
			t.Run(op.OperationID, func(t *testing.T) {
				get := func(query string, want int) *client.Response {
					return ocDo(t, s.Admin, "GET", concrete+"?"+query+required, "", "", want)
				}
				errOf := func(query, code string) *client.Error {
					return ocError(t, s.Admin, "GET", concrete+"?"+query+required, "", "", 400, code)
				}

				// include
				served := ocListNames(t, errOf("include=zz_unknown", "unknown_include"), "includable:")
				if inc := params["include"]; inc == nil {
					if len(served) != 0 {
						t.Errorf("the server includes %v, the document offers no include", served)
					}
				} else if got := ocAlternatives(inc.Schema.Value.Pattern); !slices.Equal(got, served) {
					t.Errorf("include: document allows %v, server %v", got, served)
				} else {
					for _, n := range served {
						get("include="+n, 200)
					}
				}
				if !isList {
					return
				}

				// sort
				served = ocListNames(t, errOf("sort=zz_unknown", "unknown_sort"), "sortable fields:")
				sortParam := params["sort"]
				if sortParam == nil {
					t.Fatalf("no sort parameter")
				}
				re := regexp.MustCompile(sortParam.Schema.Value.Pattern)
				if got := ocAlternatives(sortParam.Schema.Value.Pattern); !slices.Equal(got, served) {
					t.Errorf("sort: document allows %v, server %v", got, served)
				}
				for _, f := range served {
					get("sort="+url.QueryEscape(f), 200)
					get("sort="+url.QueryEscape(" -"+f), 200)
					errOf("sort="+url.QueryEscape(f+",-"+f), "duplicate_sort_field") // a field sorts once
					if !re.MatchString(f + ", -" + f) {
						t.Errorf("sort pattern rejects %q", f+", -"+f)
					}
				}
				if re.MatchString("zz_unknown") {
					t.Errorf("sort pattern accepts an unknown field")
				}

				// filters and their ranges
				served = ocListNames(t, errOf("filter[zz_unknown]=1", "unknown_filter"), "known filters:")
				var documented []string
				for name := range params {
					if f, ok := strings.CutPrefix(name, "filter["); ok && strings.HasSuffix(f, "]") && !strings.Contains(f, "][") {
						documented = append(documented, strings.TrimSuffix(f, "]"))
					}
				}
				sort.Strings(documented)
				if !slices.Equal(documented, served) {
					t.Errorf("filters: document declares %v, server knows %v", documented, served)
				}
				for _, f := range served {
					// A date tells the three kinds apart: time filters take it, integer
					// filters refuse it as an integer, the rest refuse ranges at all.
					kind := "time"
					resp, err := s.Admin.Do(context.Background(), "GET",
						concrete+"?"+url.QueryEscape("filter["+f+"][gt]")+"=2024-01-01"+required, nil, "")
					if err != nil {
						t.Fatal(err)
					}
					if resp.StatusCode == 400 {
						switch {
						case bytes.Contains(resp.Body, []byte(`"range_not_supported"`)):
							kind = ""
						case bytes.Contains(resp.Body, []byte(`"invalid_integer"`)):
							kind = "integer"
						default:
							t.Fatalf("filter[%s][gt]: %s", f, resp.Body)
						}
					}
					for _, op := range []string{"gt", "lt"} {
						p := params["filter["+f+"]["+op+"]"]
						switch {
						case kind == "" && p != nil:
							t.Errorf("the document offers filter[%s][%s], the server takes no range", f, op)
						case kind != "" && p == nil:
							t.Errorf("the server takes filter[%s][%s], the document lacks it", f, op)
						case kind == "integer" && !p.Schema.Value.Type.Is("integer"):
							t.Errorf("filter[%s][%s] is an integer, the document says %v", f, op, p.Schema.Value.Type)
						case kind == "time" && !p.Schema.Value.Type.Is("string"):
							t.Errorf("filter[%s][%s] is a time, the document says %v", f, op, p.Schema.Value.Type)
						}
					}
					value := "x"
					switch pat := params["filter["+f+"]"].Schema.Value.Pattern; {
					case kind == "time":
						value = "2024-01-01"
					case kind == "integer":
						value = "1,2"
					case pat != "" && regexp.MustCompile(pat).MatchString("2024-01-01"):
						value = "2024-01-01" // a list of days
					case ocAlternatives(pat) != nil:
						value = strings.Join(ocAlternatives(pat), ",")
					}
					if kind == "integer" && !regexp.MustCompile(params["filter["+f+"]"].Schema.Value.Pattern).MatchString(value) {
						t.Errorf("filter[%s] pattern rejects %q", f, value)
					}
					get(url.QueryEscape("filter["+f+"]")+"="+url.QueryEscape(value), 200)
				}

				// paging bounds
				ps := params["page[size]"].Schema.Value
				if ps.Max == nil || *ps.Max != 1000 || ps.Default != float64(50) {
					t.Errorf("page[size]: max %v default %v, want 1000 and 50", ps.Max, ps.Default)
				}
				page := ocDecode(t, get("", 200))
				if !strings.Contains(page.Links.Self, "page[size]=50") || !strings.Contains(page.Links.Self, "page[number]=1") {
					t.Errorf("default page: self = %s", page.Links.Self)
				}
				get("page[size]=1000", 200)
				errOf("page[size]=1001", "invalid_page_size")
				errOf("page[number]=0", "invalid_page_number")
			})
		}
	})
}

package e2e

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// rsFilterFixture is three resellers whose id, name, domain, creation and update
// orders all differ, so every sort and filter is told apart:
//
//	id order:         Charlie, Alpha, Bravo
//	name order:       Alpha, Bravo, Charlie
//	domain order:     Bravo (delta.), Charlie (kilo.), Alpha (yankee.)
//	created_at order: Alpha (03-01 08:30), Charlie (03-02 10:00), Bravo (03-03 23:59:59.5)
//	updated_at order: Charlie (03-02 10:00), Bravo (03-03 23:59:59.5), Alpha (03-04 09:00)
//
// Alpha is Charlie's child; Charlie and Bravo are the operator's.
type rsFilterFixture struct {
	Charlie, Alpha, Bravo *client.Reseller
}

func rsBuildFilterFixture(t *testing.T, s *server, clock *domain.TestClock) rsFilterFixture {
	t.Helper()
	var f rsFilterFixture
	clock.Set(rsAt(t, "2024-03-02T10:00:00Z"))
	f.Charlie = rsCreate(t, s.Admin, domain.OperatorID, rsInput("Charlie Cloud", "kilo.example.com", "EUR"))
	clock.Set(rsAt(t, "2024-03-01T08:30:00Z"))
	f.Alpha = rsCreate(t, s.Admin, f.Charlie.ID, rsInput("Alpha Networks", "yankee.example.com", "usd"))
	clock.Set(rsAt(t, "2024-03-03T23:59:59.5Z"))
	f.Bravo = rsCreate(t, s.Admin, domain.OperatorID, rsInput("Bravo alpha", "delta.example.com", "EUR"))
	clock.Set(rsAt(t, "2024-03-04T09:00:00Z"))
	f.Alpha = rsUpdate(t, s.Admin, f.Alpha.ID, client.ResellerInput{
		Contacts: &client.ResellerContactsInput{FirstName: client.String("Al")}})
	return f
}

// rsQueryIDs lists child_resellers of the operator with a query string (decoded as a
// server would) and returns the ids in the answer's order. Unpaged, the total count
// must be the number of items.
func rsQueryIDs(t *testing.T, s *server, query string) []int64 {
	t.Helper()
	page, err := s.Admin.ListChildResellers(context.Background(), domain.OperatorID, &client.ListOptions{Query: rsParseQuery(t, query)})
	if err != nil {
		t.Fatalf("?%s: %v", query, err)
	}
	if !strings.Contains(query, "page[") && page.TotalCount != len(page.Items) {
		t.Fatalf("?%s: total_count=%d, want %d", query, page.TotalCount, len(page.Items))
	}
	return rsIDs(page.Items)
}

func rsParseQuery(t *testing.T, query string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return q
}

// TestResellerFilters applies every filter of the reseller lists, with every form of
// time value.
func TestResellerFilters(t *testing.T) {
	rsEachEngineAt(t, "UTC", time.Date(2024, 2, 28, 12, 0, 0, 0, time.UTC), func(t *testing.T, s *server, clock *domain.TestClock) {
		f := rsBuildFilterFixture(t, s, clock)
		c, a, b := f.Charlie.ID, f.Alpha.ID, f.Bravo.ID
		id := func(v int64) string { return strconv.FormatInt(v, 10) }

		cases := []struct {
			name  string
			query string // decoded: url.Values encodes it, so '+' arrives as '+'
			want  []int64
		}{
			{"id", "filter[id]=" + id(a), []int64{a}},
			{"id list", "filter[id]=" + id(b) + "," + id(c), []int64{c, b}},
			{"id gt", "filter[id][gt]=" + id(c), []int64{a, b}},
			{"id lt", "filter[id][lt]=" + id(b), []int64{c, a}},
			{"id missing", "filter[id]=99999", nil},
			{"parent_id operator", "filter[parent_id]=1", []int64{c, b}},
			{"parent_id", "filter[parent_id]=" + id(c), []int64{a}},
			{"parent_id gt", "filter[parent_id][gt]=1", []int64{a}},
			{"name contains", "filter[name]=alpha", []int64{a, b}},
			{"name upper case", "filter[name]=ALPHA", []int64{a, b}},
			{"name middle", "filter[name]=li", []int64{c}},
			{"name with a comma is one value", "filter[name]=alpha,charlie", nil},
			{"name percent is literal", "filter[name]=%25", nil},
			{"name underscore is literal", "filter[name]=_", nil},
			{"domain upper case", "filter[domain]=YANKEE.example.com", []int64{a}},
			{"domain list", "filter[domain]=kilo.example.com,delta.example.com", []int64{c, b}},
			{"domain is exact", "filter[domain]=example.com", nil},
			{"currency lower case", "filter[currency]=eur", []int64{c, b}},
			{"currency", "filter[currency]=USD", []int64{a}},
			{"currency list", "filter[currency]=usd,EUR", []int64{c, a, b}},
			{"created_at date", "filter[created_at]=2024-03-02", []int64{c}},
			{"created_at date holds the last instant of the day", "filter[created_at]=2024-03-03", []int64{b}},
			{"created_at date gt is after midnight", "filter[created_at][gt]=2024-03-02", []int64{c, b}},
			{"created_at date lt", "filter[created_at][lt]=2024-03-02", []int64{a}},
			{"created_at date range", "filter[created_at][gt]=2024-03-01&filter[created_at][lt]=2024-03-03", []int64{c, a}},
			{"created_at local", "filter[created_at]=2024-03-01T08:30:00", []int64{a}},
			{"created_at local, next second", "filter[created_at]=2024-03-01T08:30:01", nil},
			{"created_at local gt", "filter[created_at][gt]=2024-03-02T10:00:00", []int64{b}},
			{"created_at Z", "filter[created_at]=2024-03-01T08:30:00Z", []int64{a}},
			{"created_at offset", "filter[created_at]=2024-03-01T11:30:00+03:00", []int64{a}},
			{"created_at negative offset", "filter[created_at]=2024-03-02T05:00:00-05:00", []int64{c}},
			{"created_at Z gt is strict", "filter[created_at][gt]=2024-03-02T10:00:00Z", []int64{b}},
			{"created_at Z lt is strict", "filter[created_at][lt]=2024-03-02T10:00:00Z", []int64{a}},
			{"created_at offset gt", "filter[created_at][gt]=2024-03-02T12:59:59+03:00", []int64{c, b}},
			{"created_at second holds its fraction", "filter[created_at]=2024-03-03T23:59:59Z", []int64{b}},
			{"created_at milliseconds", "filter[created_at]=2024-03-03T23:59:59.500Z", []int64{b}},
			{"created_at other milliseconds", "filter[created_at]=2024-03-03T23:59:59.499Z", nil},
			{"updated_at date", "filter[updated_at]=2024-03-04", []int64{a}},
			{"updated_at lt", "filter[updated_at][lt]=2024-03-03", []int64{c}},
			{"updated_at gt", "filter[updated_at][gt]=2024-03-03T12:00:00Z", []int64{a, b}},
			{"filters combine", "filter[currency]=EUR&filter[name]=alpha", []int64{b}},
			{"filters combine to nothing", "filter[parent_id]=1&filter[currency]=USD", nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := rsQueryIDs(t, s, tc.query); !slices.Equal(got, tc.want) && len(got)+len(tc.want) > 0 {
					t.Fatalf("?%s: ids=%v, want %v", tc.query, got, tc.want)
				}
			})
		}

		// A '+' left unencoded in a query string arrives as a space; the offset is read
		// back as '+03:00'.
		t.Run("created_at offset with a raw plus", func(t *testing.T) {
			resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1/child_resellers?filter[created_at]=2024-03-01T11:30:00+03:00", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200: %s", resp.StatusCode, resp.Body)
			}
			want := `"id":"` + id(a) + `"`
			if strings.Count(string(resp.Body), `"type":"resellers"`) != 1 || !strings.Contains(string(resp.Body), want) {
				t.Fatalf("body %s, want only reseller %d", resp.Body, a)
			}
		})

		t.Run("store list", func(t *testing.T) {
			page, err := s.Admin.ListStoreResellers(context.Background(), &client.ListOptions{
				Filter: map[string]string{"name": "alpha", "created_at[lt]": "2024-03-02"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := rsIDs(page.Items); !slices.Equal(got, []int64{a}) {
				t.Fatalf("ids=%v, want [%d]", got, a)
			}
		})
	})
}

// TestResellerSorts orders the reseller lists by every sortable field, both ways.
func TestResellerSorts(t *testing.T) {
	rsEachEngineAt(t, "UTC", time.Date(2024, 2, 28, 12, 0, 0, 0, time.UTC), func(t *testing.T, s *server, clock *domain.TestClock) {
		f := rsBuildFilterFixture(t, s, clock)
		c, a, b := f.Charlie.ID, f.Alpha.ID, f.Bravo.ID
		cases := []struct {
			sort string
			want []int64
		}{
			{"id", []int64{c, a, b}},
			{"name", []int64{a, b, c}},
			{"domain", []int64{b, c, a}},
			{"created_at", []int64{a, c, b}},
			{"updated_at", []int64{c, b, a}},
		}
		for _, tc := range cases {
			for _, desc := range []bool{false, true} {
				sort, want := tc.sort, tc.want
				if desc {
					sort, want = "-"+sort, slices.Clone(want)
					slices.Reverse(want)
				}
				t.Run(sort, func(t *testing.T) {
					if got := rsQueryIDs(t, s, "sort="+sort); !slices.Equal(got, want) {
						t.Fatalf("sort=%s: ids=%v, want %v", sort, got, want)
					}
					// Sorting applies before paging.
					if got := rsQueryIDs(t, s, "sort="+sort+"&page[size]=1&page[number]=2"); !slices.Equal(got, want[1:2]) {
						t.Fatalf("sort=%s page 2: ids=%v, want %v", sort, got, want[1:2])
					}
				})
			}
		}
		// Two more resellers created at the same instant tie on created_at.
		clock.Set(rsAt(t, "2024-03-05T00:00:00Z"))
		d := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Echo", "echo.example.com", "EUR")).ID
		e := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Delta", "delta2.example.com", "EUR")).ID
		for _, tc := range []struct {
			sort string
			want []int64
		}{
			{"-created_at", []int64{e, d, b, c, a}}, // ties broken by id, descending too
			{"created_at", []int64{a, c, b, d, e}},
			{"-created_at,name", []int64{e, d, b, c, a}},
			{"-created_at,-id", []int64{e, d, b, c, a}},
			{"created_at,-name", []int64{a, c, b, d, e}},
		} {
			t.Run(tc.sort, func(t *testing.T) {
				if got := rsQueryIDs(t, s, "sort="+tc.sort); !slices.Equal(got, tc.want) {
					t.Fatalf("sort=%s: ids=%v, want %v", tc.sort, got, tc.want)
				}
			})
		}
	})
}

// TestResellerListBadParameters answers 400 naming each parameter at fault.
func TestResellerListBadParameters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		cases := []struct {
			name, query, param, code string
		}{
			{"unknown filter", "filter[email]=a@example.com", "filter[email]", "unknown_filter"},
			{"empty filter field", "filter[]=1", "filter[]", "unknown_filter"},
			{"unknown range", "filter[created_at][ge]=2024-01-01", "filter[created_at][ge]", "unknown_filter"},
			{"range on text", "filter[name][gt]=a", "filter[name][gt]", "range_not_supported"},
			{"range on domain", "filter[domain][lt]=a.example.com", "filter[domain][lt]", "range_not_supported"},
			{"not an integer", "filter[id]=abc", "filter[id]", "invalid_integer"},
			{"range of a list", "filter[id][gt]=1,2", "filter[id][gt]", "invalid_integer"},
			{"not a date", "filter[created_at]=yesterday", "filter[created_at]", "invalid_date"},
			{"no such month", "filter[updated_at]=2024-13-01", "filter[updated_at]", "invalid_date"},
			{"space instead of T", "filter[created_at][lt]=2024-03-01 10:00:00", "filter[created_at][lt]", "invalid_date"},
			{"empty value", "filter[name]=", "filter[name]", "blank"},
			{"only commas", "filter[id]=,", "filter[id]", "blank"},
			{"unknown sort", "sort=email", "sort", "unknown_sort"},
			{"unsortable field", "sort=-currency", "sort", "unknown_sort"},
			{"empty sort", "sort=", "sort", "unknown_sort"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.Admin.ListChildResellers(context.Background(), domain.OperatorID,
					&client.ListOptions{Query: rsParseQuery(t, c.query)})
				e := apiError(t, err, http.StatusBadRequest)
				o := rsOnly(t, e, c.code)
				if o.Source == nil || o.Source.Parameter != c.param {
					t.Fatalf("source=%+v, want parameter %q", o.Source, c.param)
				}
				if !strings.HasPrefix(o.Detail, c.param+" ") {
					t.Fatalf("detail=%q, want it to name %s", o.Detail, c.param)
				}
			})
		}
		t.Run("every problem at once", func(t *testing.T) {
			_, err := s.Admin.ListStoreResellers(context.Background(), &client.ListOptions{
				Query: rsParseQuery(t, "filter[email]=x&sort=email&page[size]=0&include=children")})
			e := apiError(t, err, http.StatusBadRequest)
			for _, p := range []string{"filter[email]", "sort", "page[size]", "include"} {
				if !hasParameter(e, p) {
					t.Errorf("no error names %s: %v", p, e)
				}
			}
			if len(e.Errors) != 4 {
				t.Fatalf("got %d errors, want 4: %v", len(e.Errors), e)
			}
		})
		t.Run("unknown filter lists the known ones", func(t *testing.T) {
			_, err := s.Admin.ListChildResellers(context.Background(), domain.OperatorID,
				&client.ListOptions{Filter: map[string]string{"email": "x"}})
			e := apiError(t, err, http.StatusBadRequest)
			want := "filter[email] is not a filter of this list; known filters: created_at, currency, domain, id, name, parent_id, updated_at"
			if got := e.Errors[0].Detail; got != want {
				t.Fatalf("detail=%q, want %q", got, want)
			}
		})
	})
}

// TestResellerTimesInInstallationZone renders times and reads zone-less filter
// values in the installation's time zone.
func TestResellerTimesInInstallationZone(t *testing.T) {
	// 22:30 UTC on March 1st is 01:30 on March 2nd in Moscow (UTC+3, no DST).
	rsEachEngineAt(t, "Europe/Moscow", time.Date(2024, 3, 1, 22, 30, 0, 0, time.UTC), func(t *testing.T, s *server, clock *domain.TestClock) {
		r := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Zoned", "zoned.example.com", "RUB"))
		resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10), "", "")
		if want := `"created_at":"2024-03-02T01:30:00.000+03:00"`; !strings.Contains(string(resp.Body), want) {
			t.Fatalf("body %s, want %s", resp.Body, want)
		}
		cases := []struct {
			query string
			want  []int64
		}{
			{"filter[created_at]=2024-03-02", []int64{r.ID}},
			{"filter[created_at]=2024-03-01", nil},
			{"filter[created_at][gt]=2024-03-02", []int64{r.ID}},
			{"filter[created_at][lt]=2024-03-02T01:30:01", []int64{r.ID}},
			{"filter[created_at]=2024-03-02T01:30:00", []int64{r.ID}},
			{"filter[created_at]=2024-03-01T22:30:00", nil},
			{"filter[created_at]=2024-03-01T22:30:00Z", []int64{r.ID}},
			{"filter[created_at]=2024-03-02T01:30:00+03:00", []int64{r.ID}},
		}
		for _, c := range cases {
			t.Run(c.query, func(t *testing.T) {
				if got := rsQueryIDs(t, s, c.query); !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
					t.Fatalf("ids=%v, want %v", got, c.want)
				}
			})
		}
	})
}

// TestResellerFilterNameNotASCII matches names case-insensitively beyond ASCII: the
// platform serves Russian-speaking resellers (X-Api-Locale: ru).
func TestResellerFilterNameNotASCII(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		horns := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Рога и Копыта", "roga.example.com", "RUB")).ID
		ozturk := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Öztürk Yazılım", "ozturk.example.com", "TRY")).ID
		rsCreate(t, s.Admin, domain.OperatorID, rsInput("Plain Cloud", "plain.example.com", "EUR"))
		cases := []struct {
			name, value string
			want        []int64
		}{
			{"SameCase", "Рога", []int64{horns}},
			{"LowerCase", "рога", []int64{horns}},
			{"UpperCase", "КОПЫТА", []int64{horns}},
			{"Mixed", "öZTÜRK", []int64{ozturk}},
			{"NoMatch", "копытце", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				page, err := s.Admin.ListChildResellers(context.Background(), domain.OperatorID,
					&client.ListOptions{Filter: map[string]string{"name": c.value}})
				if err != nil {
					t.Fatal(err)
				}
				if got := rsIDs(page.Items); !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
					t.Fatalf("filter[name]=%s: ids=%v, want %v", c.value, got, c.want)
				}
			})
		}
	})
}

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// The caps on list parameters: a hostile client must not be able to make a list
// query that exhausts the server's memory or that the database refuses (a 500).

// lqManagers is the path of the operator's managers, a list every role may read.
const lqManagers = "/api/v3/resellers/1/managers"

// lqRepeat is n copies of v joined by commas.
func lqRepeat(v string, n int) string { return strings.TrimSuffix(strings.Repeat(v+",", n), ",") }

// lqGet sends a GET of path with the query q, exactly as given, and returns the answer.
func lqGet(t testing.TB, c *client.Client, path string, q url.Values, opts ...client.RequestOption) *client.Response {
	t.Helper()
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + q.Encode()
	}
	resp, err := c.Do(context.Background(), http.MethodGet, path, nil, "", opts...)
	if err != nil {
		t.Fatalf("GET %.200s: %v", path, err)
	}
	return resp
}

// lqRefused sends a GET that must answer 400 with exactly one error, of code at the
// query parameter param, and returns that error.
func lqRefused(t testing.TB, c *client.Client, path string, q url.Values, code, param string, opts ...client.RequestOption) client.ErrorObject {
	t.Helper()
	resp := lqGet(t, c, path, q, opts...)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("GET %s with %d parameters: status %d, want 400; body %.500s", path, len(q), resp.StatusCode, resp.Body)
	}
	var e client.Error
	if err := json.Unmarshal(resp.Body, &e); err != nil || len(e.Errors) != 1 {
		t.Fatalf("GET %s: want one error, got %.500s", path, resp.Body)
	}
	o := e.Errors[0]
	if o.Code != code || o.Source == nil || o.Source.Parameter != param {
		t.Fatalf("GET %s: error %+v (source %+v), want %s at parameter %q", path, o, o.Source, code, param)
	}
	return o
}

// lqManagerIDs reads the ids of a page of managers.
func lqManagerIDs(t testing.TB, resp *client.Response) []int64 {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.500s", resp.StatusCode, resp.Body)
	}
	var doc struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range doc.Data {
		id, err := strconv.ParseInt(r.ID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestListFilterValueCap(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		var want []int64
		for range 3 {
			want = append(want, mustCreateManager(t, s.Admin, 1, "sales").ID)
		}
		marketing := s.client(mustCreateManager(t, s.Admin, 1, "marketing").APIToken)

		t.Run("OKThousandValues", func(t *testing.T) {
			values := []string{}
			for _, id := range want {
				values = append(values, strconv.FormatInt(id, 10))
			}
			for i := len(values); i < 1000; i++ {
				values = append(values, strconv.Itoa(900_000+i))
			}
			got := lqManagerIDs(t, lqGet(t, marketing, lqManagers,
				url.Values{"filter[id]": {strings.Join(values, ",")}, "sort": {"-id"}}))
			if !slices.Equal(got, []int64{want[2], want[1], want[0]}) {
				t.Fatalf("ids=%v, want %v descending", got, want)
			}
		})
		t.Run("OKEveryLengthSameAnswer", func(t *testing.T) {
			// Lists of every length, bound as one parameter, find exactly what they name.
			for n := 1; n <= 3; n++ {
				values := make([]string, n)
				for i := range values {
					values[i] = strconv.FormatInt(want[i], 10)
				}
				got := lqManagerIDs(t, lqGet(t, marketing, lqManagers, url.Values{"filter[id]": {strings.Join(values, ",")}}))
				if !slices.Equal(got, want[:n]) {
					t.Fatalf("%d values: ids=%v, want %v", n, got, want[:n])
				}
			}
		})
		for _, n := range []int{1001, 32_767, 65_536} {
			t.Run(fmt.Sprintf("ErrTooMany%d", n), func(t *testing.T) {
				o := lqRefused(t, marketing, lqManagers, url.Values{"filter[id]": {lqRepeat("1", n)}},
					"too_many_values", "filter[id]")
				if o.Detail != "filter[id] must list at most 1000 values" {
					t.Fatalf("detail=%q", o.Detail)
				}
			})
		}
		t.Run("ErrTooManyStrings", func(t *testing.T) {
			lqRefused(t, marketing, lqManagers, url.Values{"filter[email]": {lqRepeat("a@example.com", 1001)}},
				"too_many_values", "filter[email]")
		})
		t.Run("ErrTooManyRussian", func(t *testing.T) {
			o := lqRefused(t, marketing, lqManagers, url.Values{"filter[status]": {lqRepeat("active", 1001)}},
				"too_many_values", "filter[status]", client.WithLocale("ru"))
			if o.Detail != "filter[status] должно содержать не более 1000 значений" {
				t.Fatalf("detail=%q", o.Detail)
			}
		})
	})
}

func TestListSortCap(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		marketing := s.client(mustCreateManager(t, s.Admin, 1, "marketing").APIToken)
		all := "id,name,email,created_at,updated_at"
		t.Run("OKEveryField", func(t *testing.T) {
			if resp := lqGet(t, marketing, lqManagers, url.Values{"sort": {"-" + all}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
		})
		for _, n := range []int{11, 2000} {
			t.Run(fmt.Sprintf("ErrTerms%d", n), func(t *testing.T) {
				o := lqRefused(t, marketing, lqManagers, url.Values{"sort": {lqRepeat("id", n)}},
					"too_many_sort_fields", "sort")
				if o.Detail != "sort must name at most 10 fields" {
					t.Fatalf("detail=%q", o.Detail)
				}
			})
		}
		t.Run("ErrElevenDistinctTerms", func(t *testing.T) {
			lqRefused(t, marketing, lqManagers, url.Values{"sort": {all + ",-name,-id,-email,-created_at,-updated_at,x"}},
				"too_many_sort_fields", "sort")
		})
		t.Run("ErrDuplicateField", func(t *testing.T) {
			o := lqRefused(t, marketing, lqManagers, url.Values{"sort": {"name,-name"}}, "duplicate_sort_field", "sort")
			if o.Detail != `sort names the field "name" more than once` {
				t.Fatalf("detail=%q", o.Detail)
			}
		})
		t.Run("ErrDuplicateId", func(t *testing.T) {
			lqRefused(t, marketing, lqManagers, url.Values{"sort": {"id,id"}}, "duplicate_sort_field", "sort")
		})
		t.Run("ErrDuplicateRussian", func(t *testing.T) {
			o := lqRefused(t, marketing, lqManagers, url.Values{"sort": {"email,email"}}, "duplicate_sort_field", "sort",
				client.WithLocale("ru"))
			if o.Detail != `sort указывает поле "email" более одного раза` {
				t.Fatalf("detail=%q", o.Detail)
			}
		})
		t.Run("ErrLegacyDuplicate", func(t *testing.T) {
			lqRefused(t, s.Admin, "/api/v3/customer_store/resellers/1/products",
				url.Values{"sort": {"name"}, "sorting[field]": {"name"}}, "duplicate_sort_field", "sorting[field]")
		})
	})
}

func TestListRepeatedParameter(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		products := "/api/v3/customer_store/resellers/1/products"
		cases := []struct {
			name, path, param string
			values            []string
		}{
			{"Filter", lqManagers, "filter[id]", []string{"1", "2"}},
			{"SameValueTwice", lqManagers, "filter[id]", []string{"1", "1"}},
			{"Range", lqManagers, "filter[id][gt]", []string{"1", "2"}},
			{"Sort", lqManagers, "sort", []string{"id", "name"}},
			{"PageSize", lqManagers, "page[size]", []string{"1", "2"}},
			{"PageNumber", lqManagers, "page[number]", []string{"1", "2"}},
			{"Include", lqManagers, "include", []string{"reseller", "reseller"}},
			{"LegacyFilters", products, "filters[key]", []string{"a", "b"}},
			{"LegacySortingField", products, "sorting[field]", []string{"id", "name"}},
			{"LegacySortingReversed", products, "sorting[reversed]", []string{"true", "false"}},
			{"LegacyPage", products, "page", []string{"1", "2"}},
			{"LegacyPerPage", products, "per_page", []string{"1", "2"}},
		}
		for _, c := range cases {
			t.Run("Err"+c.name, func(t *testing.T) {
				o := lqRefused(t, s.Admin, c.path, url.Values{c.param: c.values}, "repeated_parameter", c.param)
				if o.Detail != c.param+" must be given at most once" {
					t.Fatalf("detail=%q", o.Detail)
				}
			})
		}
		t.Run("ErrRussian", func(t *testing.T) {
			o := lqRefused(t, s.Admin, lqManagers, url.Values{"sort": {"id", "id"}}, "repeated_parameter", "sort",
				client.WithLocale("ru"))
			if o.Detail != "sort можно указать не более одного раза" {
				t.Fatalf("detail=%q", o.Detail)
			}
		})
		t.Run("OKOnce", func(t *testing.T) {
			if resp := lqGet(t, s.Admin, lqManagers, url.Values{"filter[id]": {"1"}, "sort": {"id"}, "include": {"reseller"}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
		})
	})
}

func TestListControlCharacters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		products := "/api/v3/customer_store/resellers/1/products"
		cases := []struct{ name, path, param, value string }{
			{"NULInContains", lqManagers, "filter[name]", "a\x00b"},
			{"NULAlone", lqManagers, "filter[name]", "\x00"},
			{"NULInList", lqManagers, "filter[email]", "a@example.com,\x00@example.com"},
			{"NULInExact", lqManagers, "filter[manager_key]", "k\x00"},
			{"NULInEnum", lqManagers, "filter[status]", "active\x00"},
			{"NULInTime", lqManagers, "filter[created_at]", "2024-01-01\x00"},
			{"NULInSort", lqManagers, "sort", "name\x00"},
			{"NULInInclude", lqManagers, "include", "reseller\x00"},
			{"NULInPageSize", lqManagers, "page[size]", "1\x00"},
			{"SOH", lqManagers, "filter[name]", "a\x01"},
			{"Tab", lqManagers, "filter[name]", "a\tb"},
			{"Newline", lqManagers, "filter[name]", "a\nb"},
			{"UnitSeparator", lqManagers, "filter[name]", "\x1f"},
			{"DEL", lqManagers, "filter[name]", "a\x7f"},
			{"InvalidUTF8", lqManagers, "filter[name]", "a\xffb"},
			{"TruncatedUTF8", lqManagers, "filter[email]", "\xd0@example.com"},
			{"Surrogate", lqManagers, "filter[name]", "\xed\xa0\x80"},
			{"LegacyFilters", products, "filters[name]", "a\x00"},
			{"LegacySorting", products, "sorting[field]", "name\x00"},
			{"LegacyPerPage", products, "per_page", "\xff"},
		}
		for _, c := range cases {
			t.Run("Err"+c.name, func(t *testing.T) {
				o := lqRefused(t, s.Admin, c.path, url.Values{c.param: {c.value}}, "invalid_characters", c.param)
				if o.Detail != c.param+" must be UTF-8 text without control characters" {
					t.Fatalf("detail=%q", o.Detail)
				}
			})
		}
		t.Run("ErrRussian", func(t *testing.T) {
			o := lqRefused(t, s.Admin, lqManagers, url.Values{"filter[name]": {"\x00"}}, "invalid_characters", "filter[name]",
				client.WithLocale("ru"))
			if o.Detail != "filter[name] должно быть текстом UTF-8 без управляющих символов" {
				t.Fatalf("detail=%q", o.Detail)
			}
		})
		t.Run("OKUnicode", func(t *testing.T) {
			m, err := s.Admin.CreateManager(context.Background(), 1, client.ManagerInput{
				Name: client.String("Ёлка Ünïcødé 日本"), Email: client.String(unique("uni") + "@example.com"),
				Role: client.String("sales"), Password: client.String("secret123"),
			})
			if err != nil {
				t.Fatal(err)
			}
			got := lqManagerIDs(t, lqGet(t, s.Admin, lqManagers, url.Values{"filter[name]": {"ёлка ü"}}))
			if !slices.Equal(got, []int64{m.ID}) {
				t.Fatalf("ids=%v, want [%d]", got, m.ID)
			}
		})
	})
}

// TestListCapsOnEveryList checks that every list endpoint refuses the same abuses
// before it reads anything: the ids in the paths need not exist.
func TestListCapsOnEveryList(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		lists := []struct{ path, listFilter string }{
			{"/api/v3/resellers/1/child_resellers", "filter[id]"},
			{"/api/v3/customer_store/resellers", "filter[domain]"},
			{"/api/v3/resellers/1/managers", "filter[id]"},
			{"/api/v3/resellers/1/child_reseller_managers", "filter[reseller_id]"},
			{"/api/v3/resellers/1/manager_roles", "filter[id]"},
			{"/api/v3/customer_store/resellers/1/product_categories", "filter[key]"},
			{"/api/v3/customer_store/resellers/1/products", "filter[key]"},
			{"/api/v3/resellers/1/plans", "filter[sku]"},
			{"/api/v3/resellers/1/plans/1/switchable_plans?filter[switch_type]=immediate_switch", "filter[product_id]"},
			{"/api/v3/resellers/1/child_reseller_plans", "filter[reseller_id]"},
			{"/api/v3/resellers/1/accounts", "filter[user_email]"},
			{"/api/v3/resellers/1/child_reseller_accounts", "filter[inn]"},
		}
		for _, l := range lists {
			t.Run(strings.ReplaceAll(strings.TrimPrefix(l.path, "/api/v3/"), "/", "_"), func(t *testing.T) {
				lqRefused(t, s.Admin, l.path, url.Values{l.listFilter: {lqRepeat("1", 1001)}}, "too_many_values", l.listFilter)
				lqRefused(t, s.Admin, l.path, url.Values{"sort": {lqRepeat("id", 2000)}}, "too_many_sort_fields", "sort")
				lqRefused(t, s.Admin, l.path, url.Values{"sort": {"id,-id"}}, "duplicate_sort_field", "sort")
				lqRefused(t, s.Admin, l.path, url.Values{"sort": {"id", "id"}}, "repeated_parameter", "sort")
				lqRefused(t, s.Admin, l.path, url.Values{l.listFilter: {"1", "2"}}, "repeated_parameter", l.listFilter)
				lqRefused(t, s.Admin, l.path, url.Values{"filter[name]": {"\x00"}}, "invalid_characters", "filter[name]")
				lqRefused(t, s.Admin, l.path, url.Values{l.listFilter: {"\xff"}}, "invalid_characters", l.listFilter)
			})
		}
		t.Run("ErrSwitchTypeRepeated", func(t *testing.T) {
			lqRefused(t, s.Admin, "/api/v3/resellers/1/plans/1/switchable_plans",
				url.Values{"filter[switch_type]": {"immediate_switch", "delayed_switch"}}, "repeated_parameter", "filter[switch_type]")
		})
	})
}

package e2e

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
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

// curFixture is a child reseller of the operator with accounts whose names tie when
// folded (Alpha, alpha, ALPHA) and whose creation times tie in threes.
type curFixture struct {
	child    *client.Reseller
	accounts []client.Account // as created, in id order
}

func curNewFixture(t *testing.T, s *server, clock *domain.TestClock) curFixture {
	t.Helper()
	f := curFixture{child: rsCreate(t, s.Admin, domain.OperatorID, rsInput("Cursor Branch", unique("cursor")+".example.com", "EUR"))}
	names := []string{"Alpha", "beta", "alpha", "Gamma", "ALPHA", "Beta", "delta", "alpha", "Epsilon", "gamma", "Alpha"}
	for i, name := range names {
		if i%3 == 0 {
			clock.Advance(time.Minute)
		}
		f.accounts = append(f.accounts, *acMustCreate(t, s.Admin, f.child.ID, acCompany(name)))
	}
	return f
}

// curWalk follows the cursors of list from its first page of size to the end and
// returns the ids met, checking that every page tells the same total.
func curWalk(t *testing.T, list func(*client.ListOptions) (*client.Page[client.Account], error), o client.ListOptions, total int) []int64 {
	t.Helper()
	var ids []int64
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatal("the walk does not end")
		}
		p, err := list(&o)
		if err != nil {
			t.Fatalf("page after %q: %v", o.After, err)
		}
		if p.TotalCount != total {
			t.Fatalf("page after %q: total %d, want %d", o.After, p.TotalCount, total)
		}
		if len(p.Items) > o.PageSize {
			t.Fatalf("page after %q: %d rows, want at most %d", o.After, len(p.Items), o.PageSize)
		}
		ids = append(ids, acIDs(p)...)
		if p.NextCursor == "" {
			if p.Links.Next != nil {
				t.Fatalf("links.next %q without a cursor", *p.Links.Next)
			}
			return ids
		}
		if o.After != "" && (p.Links.Prev != nil || !strings.Contains(p.Links.Self, "page[after]="+o.After)) {
			t.Fatalf("after a cursor: self %q, prev %v; want the cursor in self and no prev", p.Links.Self, p.Links.Prev)
		}
		o.After = p.NextCursor
	}
}

// curOrder returns the ids of accounts in the order of one sort field, ties broken
// by id in the same direction, as the API documents it.
func curOrder(accounts []client.Account, field string, desc bool) []int64 {
	sorted := slices.Clone(accounts)
	slices.SortFunc(sorted, func(a, b client.Account) int {
		var c int
		switch field {
		case "name":
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "created_at":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "updated_at":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	ids := make([]int64, len(sorted))
	for i, a := range sorted {
		ids[i] = a.ID
	}
	return ids
}

// TestListWalkByCursor walks the accounts of a reseller and those below the
// operator by cursor, for every documented sort both ways and several page sizes,
// and checks that every row comes exactly once, in the documented order, whatever
// the ties; with a filter too.
func TestListWalkByCursor(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		f := curNewFixture(t, s, clock)
		own := func(o *client.ListOptions) (*client.Page[client.Account], error) {
			return s.Admin.ListAccounts(ctx, f.child.ID, o)
		}
		below := func(o *client.ListOptions) (*client.Page[client.Account], error) {
			return s.Admin.ListChildResellerAccounts(ctx, domain.OperatorID, o)
		}
		for _, field := range []string{"id", "name", "created_at", "updated_at"} {
			for _, desc := range []bool{false, true} {
				sort := field
				if desc {
					sort = "-" + field
				}
				want := curOrder(f.accounts, field, desc)
				for _, size := range []int{1, 2, 4, 11} {
					o := client.ListOptions{Sort: sort, PageSize: size}
					if got := curWalk(t, own, o, len(want)); !slices.Equal(got, want) {
						t.Errorf("sort=%s, pages of %d: ids %v, want %v", sort, size, got, want)
					}
				}
				if got := curWalk(t, below, client.ListOptions{Sort: sort, PageSize: 3}, len(want)); !slices.Equal(got, want) {
					t.Errorf("below the operator, sort=%s: ids %v, want %v", sort, got, want)
				}
			}
		}

		var alphas []client.Account
		for _, a := range f.accounts {
			if strings.Contains(strings.ToLower(a.Name), "alp") {
				alphas = append(alphas, a)
			}
		}
		want := curOrder(alphas, "name", true)
		o := client.ListOptions{Sort: "-name", PageSize: 2, Filter: map[string]string{"name": "alp"}}
		if got := curWalk(t, own, o, len(want)); !slices.Equal(got, want) {
			t.Errorf("filter[name]=alp, sort=-name: ids %v, want %v", got, want)
		}

		// A row created behind the walk's position is not met; one ahead of it is.
		first, err := own(&client.ListOptions{Sort: "id", PageSize: 5})
		if err != nil {
			t.Fatal(err)
		}
		added := acMustCreate(t, s.Admin, f.child.ID, acCompany("Zeta"))
		rest := curWalk(t, own, client.ListOptions{Sort: "id", PageSize: 5, After: first.NextCursor}, len(f.accounts)+1)
		if want := append(curOrder(f.accounts, "id", false)[5:], added.ID); !slices.Equal(rest, want) {
			t.Errorf("after page 1, with a row added: ids %v, want %v", rest, want)
		}
	})
}

// TestListBadCursor checks that a page[after] that is malformed, altered, made for
// another sort, filter or list, or given with page[number], answers 400 naming
// page[after].
func TestListBadCursor(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		f := curNewFixture(t, s, clock)
		byName, err := s.Admin.ListAccounts(ctx, f.child.ID, &client.ListOptions{Sort: "name", PageSize: 2})
		if err != nil || byName.NextCursor == "" {
			t.Fatalf("first page by name: %v, cursor %q", err, byName.NextCursor)
		}
		// The same cursor with its key turned into a number: the fingerprint still
		// fits, the key does not.
		raw, _ := base64.RawURLEncoding.DecodeString(byName.NextCursor)
		var tok map[string]any
		if err := json.Unmarshal(raw, &tok); err != nil {
			t.Fatalf("cursor %q is not the JSON Cascade writes: %v", byName.NextCursor, err)
		}
		tok["k"] = []any{5}
		altered, _ := json.Marshal(tok)

		child := "/api/v3/resellers/" + strconv.FormatInt(f.child.ID, 10) + "/accounts"
		for _, tc := range []struct {
			name, path, query, code string
		}{
			{"Garbage", child, "sort=name&page[after]=!!!", "invalid_cursor"},
			{"NotJSON", child, "sort=name&page[after]=" + base64.RawURLEncoding.EncodeToString([]byte("hello")), "invalid_cursor"},
			{"OtherSort", child, "sort=-name&page[after]=" + byName.NextCursor, "invalid_cursor"},
			{"NoSort", child, "page[after]=" + byName.NextCursor, "invalid_cursor"},
			{"OtherFilter", child, "sort=name&filter[name]=a&page[after]=" + byName.NextCursor, "invalid_cursor"},
			{"OtherList", "/api/v3/resellers/1/accounts", "sort=name&page[after]=" + byName.NextCursor, "invalid_cursor"},
			{"KeyOfWrongKind", child, "sort=name&page[after]=" + base64.RawURLEncoding.EncodeToString(altered), "invalid_cursor"},
			{"TooLong", child, "sort=name&page[after]=" + strings.Repeat("A", domain.MaxCursorLength+1), "invalid_cursor"},
			{"WithPageNumber", child, "sort=name&page[number]=2&page[after]=" + byName.NextCursor, "cursor_with_page_number"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, err := s.Admin.Do(ctx, "GET", tc.path+"?"+tc.query, nil, "")
				if err != nil {
					t.Fatal(err)
				}
				e := mgErrorOf(t, resp, http.StatusBadRequest)
				if !hasParameter(e, "page[after]") || e.Errors[0].Code != tc.code {
					t.Fatalf("errors %+v, want %s at page[after]", e.Errors, tc.code)
				}
			})
		}
		// Repeated, it is refused like every list parameter.
		q := url.Values{"sort": {"name"}, "page[after]": {byName.NextCursor, byName.NextCursor}}
		resp, err := s.Admin.Do(ctx, "GET", child+"?"+q.Encode(), nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if e := mgErrorOf(t, resp, http.StatusBadRequest); !hasParameter(e, "page[after]") {
			t.Fatalf("repeated page[after]: errors %+v", e.Errors)
		}
		// The cursor still works where it belongs.
		if _, err := s.Admin.ListAccounts(ctx, f.child.ID, &client.ListOptions{Sort: "name", PageSize: 2, After: byName.NextCursor}); err != nil {
			t.Fatalf("the cursor with its own list: %v", err)
		}
	})
}

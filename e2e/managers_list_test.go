package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// mgListFixture is five managers of one reseller whose names, e-mails, creation and
// update times each sort in a different order:
//
//	    name   email     role       key      created  updated  status
//	m1  Dora   mglist-c  sales      Key.One  10:00    14:00    active
//	m2  Bruno  mglist-e  owner      key-two  08:00    08:00    active
//	m3  Eliza  mglist-a  marketing           12:00    13:00    active
//	m4  Abel   mglist-d  admin               09:00    09:00    active
//	m5  Carla  mglist-b  sales               11:00    15:00    inactive
//
// all on 2030-03-14 UTC.
type mgListFixture struct {
	reseller *client.Reseller
	m        [6]int64 // m[1]..m[5]; m[0] unused
}

func mgNewListFixture(t *testing.T, s *server, clock *domain.TestClock) *mgListFixture {
	t.Helper()
	day := time.Date(2030, 3, 14, 0, 0, 0, 0, time.UTC)
	at := func(hour int) { clock.Set(day.Add(time.Duration(hour) * time.Hour)) }
	f := &mgListFixture{reseller: mustCreateReseller(t, s.Admin, 1, "Listing")}
	rows := []struct {
		hour              int
		name, email, role string
		key               *string
	}{
		{10, "Dora", "mglist-c@example.com", "sales", client.String("Key.One")},
		{8, "Bruno", "mglist-e@example.com", "owner", client.String("key-two")},
		{12, "Eliza", "mglist-a@example.com", "marketing", nil},
		{9, "Abel", "mglist-d@example.com", "admin", nil},
		{11, "Carla", "mglist-b@example.com", "sales", nil},
	}
	for i, r := range rows {
		at(r.hour)
		m := mgNewManager(t, s.Admin, f.reseller.ID, client.ManagerInput{Name: client.String(r.name),
			Email: client.String(r.email), Role: client.String(r.role), ManagerKey: r.key})
		f.m[i+1] = m.ID
	}
	ctx := context.Background()
	for _, u := range []struct {
		hour, m int
		in      client.ManagerInput
	}{
		{13, 3, client.ManagerInput{Phone: client.String("+375280000003")}},
		{14, 1, client.ManagerInput{Phone: client.String("+375280000001")}},
		{15, 5, client.ManagerInput{Status: client.String("inactive")}},
	} {
		at(u.hour)
		if _, err := s.Admin.UpdateManager(ctx, f.reseller.ID, f.m[u.m], u.in); err != nil {
			t.Fatalf("update m%d: %v", u.m, err)
		}
	}
	at(16)
	return f
}

// ids maps fixture numbers to manager ids.
func (f *mgListFixture) ids(n ...int) []int64 {
	out := make([]int64, len(n))
	for i, k := range n {
		out[i] = f.m[k]
	}
	return out
}

func TestManagerListSort(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		f := mgNewListFixture(t, s, clock)
		tests := []struct {
			sort string
			want []int
		}{
			{"", []int{1, 2, 3, 4, 5}},
			{"id", []int{1, 2, 3, 4, 5}},
			{"-id", []int{5, 4, 3, 2, 1}},
			{"name", []int{4, 2, 5, 1, 3}},
			{"-name", []int{3, 1, 5, 2, 4}},
			{"email", []int{3, 5, 1, 4, 2}},
			{"-email", []int{2, 4, 1, 5, 3}},
			{"created_at", []int{2, 4, 1, 5, 3}},
			{"-created_at", []int{3, 5, 1, 4, 2}},
			{"updated_at", []int{2, 4, 3, 1, 5}},
			{"-updated_at", []int{5, 1, 3, 4, 2}},
		}
		for _, tt := range tests {
			t.Run("By"+tt.sort, func(t *testing.T) {
				p, err := s.Admin.ListManagers(context.Background(), f.reseller.ID, &client.ListOptions{Sort: tt.sort})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := mgIDs(p.Items), f.ids(tt.want...); !slices.Equal(got, want) {
					t.Fatalf("sort=%s: ids = %v, want %v", tt.sort, got, want)
				}
			})
		}
		t.Run("ChildList", func(t *testing.T) {
			p, err := s.Admin.ListChildResellerManagers(context.Background(), 1, &client.ListOptions{Sort: "-email"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mgIDs(p.Items), f.ids(2, 4, 1, 5, 3); !slices.Equal(got, want) {
				t.Fatalf("child_reseller_managers sort=-email: ids = %v, want %v", got, want)
			}
		})
		for _, bad := range []string{"password", "phone", "name,-bogus", "+name"} {
			t.Run("Unknown"+bad, func(t *testing.T) {
				_, err := s.Admin.ListManagers(context.Background(), f.reseller.ID, &client.ListOptions{Sort: bad})
				if e := apiError(t, err, http.StatusBadRequest); !hasParameter(e, "sort") {
					t.Fatalf("errors at %v, want one naming sort", mgSources(e))
				}
			})
		}
	})
}

func TestManagerListFilter(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		f := mgNewListFixture(t, s, clock)
		id := func(n int) string { return fmt.Sprint(f.m[n]) }
		tests := []struct {
			name   string
			filter map[string]string
			want   []int
		}{
			{"IDList", map[string]string{"id": id(1) + "," + id(3)}, []int{1, 3}},
			{"IDGreater", map[string]string{"id[gt]": id(3)}, []int{4, 5}},
			{"IDLess", map[string]string{"id[lt]": id(2)}, []int{1}},
			{"IDRange", map[string]string{"id[gt]": id(1), "id[lt]": id(4)}, []int{2, 3}},
			{"NameContains", map[string]string{"name": "rl"}, []int{5}},
			{"NameCaseInsensitive", map[string]string{"name": "BRU"}, []int{2}},
			{"NameSeveral", map[string]string{"name": "a"}, []int{1, 3, 4, 5}},
			{"NamePercentIsLiteral", map[string]string{"name": "%"}, nil},
			{"NameUnderscoreIsLiteral", map[string]string{"name": "_"}, nil},
			{"EmailList", map[string]string{"email": "MGLIST-A@example.com, mglist-b@example.com"}, []int{3, 5}},
			{"EmailNone", map[string]string{"email": "mglist@example.com"}, nil},
			{"StatusInactive", map[string]string{"status": "inactive"}, []int{5}},
			{"StatusActive", map[string]string{"status": "active"}, []int{1, 2, 3, 4}},
			{"StatusBoth", map[string]string{"status": "active,inactive"}, []int{1, 2, 3, 4, 5}},
			{"Role", map[string]string{"role": "sales"}, []int{1, 5}},
			{"RoleList", map[string]string{"role": "owner,admin"}, []int{2, 4}},
			{"RoleAndStatus", map[string]string{"role": "sales", "status": "active"}, []int{1}},
			{"ManagerKey", map[string]string{"manager_key": "Key.One"}, []int{1}},
			{"ManagerKeyCaseSensitive", map[string]string{"manager_key": "key.one"}, nil},
			{"ManagerKeyList", map[string]string{"manager_key": "Key.One,key-two"}, []int{1, 2}},
			{"CreatedAfter", map[string]string{"created_at[gt]": "2030-03-14T09:30:00Z"}, []int{1, 3, 5}},
			{"CreatedBeforeIsStrict", map[string]string{"created_at[lt]": "2030-03-14T10:00:00Z"}, []int{2, 4}},
			{"CreatedBetween", map[string]string{"created_at[gt]": "2030-03-14T08:00:00Z", "created_at[lt]": "2030-03-14T11:00:00Z"},
				[]int{1, 4}},
			{"CreatedAfterDate", map[string]string{"created_at[gt]": "2030-03-14"}, []int{1, 2, 3, 4, 5}},
			{"CreatedBeforeDate", map[string]string{"created_at[lt]": "2030-03-14"}, nil},
			{"CreatedOnDate", map[string]string{"created_at": "2030-03-14"}, []int{1, 2, 3, 4, 5}},
			{"CreatedOnOtherDate", map[string]string{"created_at": "2030-03-15"}, nil},
			{"CreatedAtLocalTime", map[string]string{"created_at": "2030-03-14T10:00:00"}, []int{1}},
			{"CreatedAtWithOffset", map[string]string{"created_at": "2030-03-14T14:00:00+03:00"}, []int{5}},
			{"CreatedAtMilliseconds", map[string]string{"created_at": "2030-03-14T12:00:00.000Z"}, []int{3}},
			{"UpdatedAfter", map[string]string{"updated_at[gt]": "2030-03-14T12:30:00Z"}, []int{1, 3, 5}},
			{"UpdatedBefore", map[string]string{"updated_at[lt]": "2030-03-14T09:00:01Z"}, []int{2, 4}},
			{"UpdatedAt", map[string]string{"updated_at": "2030-03-14T15:00:00Z"}, []int{5}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := s.Admin.ListManagers(context.Background(), f.reseller.ID, &client.ListOptions{Filter: tt.filter})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := mgIDs(p.Items), f.ids(tt.want...); !slices.Equal(got, want) {
					t.Fatalf("filter %v: ids = %v, want %v", tt.filter, got, want)
				}
				if p.TotalCount != len(tt.want) {
					t.Fatalf("meta.total_count = %d, want %d", p.TotalCount, len(tt.want))
				}
			})
		}

		t.Run("ChildList", func(t *testing.T) {
			p, err := s.Admin.ListChildResellerManagers(context.Background(), 1, &client.ListOptions{Filter: map[string]string{
				"reseller_id": fmt.Sprint(f.reseller.ID), "role": "sales", "updated_at[gt]": "2030-03-14T14:30:00Z"}})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mgIDs(p.Items), f.ids(5); !slices.Equal(got, want) {
				t.Fatalf("ids = %v, want %v", got, want)
			}
		})

		bad := []struct {
			name, param, value string
		}{
			{"IDNotInteger", "filter[id]", "abc"},
			{"IDRangeList", "filter[id][gt]", "1,2"},
			{"StatusUnknown", "filter[status]", "blocked"},
			{"RoleUnknown", "filter[role]", "boss"},
			{"DateMalformed", "filter[created_at]", "yesterday"},
			{"DateRangeMalformed", "filter[updated_at][lt]", "2030-13-01"},
			{"UnknownField", "filter[phone]", "+375280000001"},
			{"PasswordIsNoFilter", "filter[password]", "secret123"},
			{"RangeOnText", "filter[name][gt]", "A"},
			{"UnknownRange", "filter[id][ge]", "1"},
			{"Blank", "filter[email]", ""},
			{"ResellerIDOnlyOnChildList", "filter[reseller_id]", "1"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Admin.ListManagers(context.Background(), f.reseller.ID,
					&client.ListOptions{Query: url.Values{tt.param: {tt.value}}})
				if e := apiError(t, err, http.StatusBadRequest); !hasParameter(e, tt.param) {
					t.Fatalf("errors at %v, want one naming %s", mgSources(e), tt.param)
				}
			})
		}
	})
}

func TestManagerListPages(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		f := mgNewListFixture(t, s, clock)
		pageOf := func(t *testing.T, link *string) url.Values {
			t.Helper()
			if link == nil {
				t.Fatal("link is null, want a page")
			}
			u, err := url.Parse(*link)
			if err != nil {
				t.Fatalf("link %q: %v", *link, err)
			}
			return u.Query()
		}
		tests := []struct {
			name              string
			size, number      int
			want              []int
			prev, next        string // page numbers; "" for null
			self, first, last string
		}{
			{"First", 2, 1, []int{1, 2}, "", "2", "1", "1", "3"},
			{"Middle", 2, 2, []int{3, 4}, "1", "3", "2", "1", "3"},
			{"Last", 2, 3, []int{5}, "2", "", "3", "1", "3"},
			{"BeyondLast", 2, 4, nil, "3", "", "4", "1", "3"},
			{"AllOnOne", 5, 1, []int{1, 2, 3, 4, 5}, "", "", "1", "1", "1"},
			{"Largest", 1000, 1, []int{1, 2, 3, 4, 5}, "", "", "1", "1", "1"},
			{"Default", 0, 0, []int{1, 2, 3, 4, 5}, "", "", "1", "1", "1"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := s.Admin.ListManagers(ctx, f.reseller.ID, &client.ListOptions{PageSize: tt.size, PageNumber: tt.number})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := mgIDs(p.Items), f.ids(tt.want...); !slices.Equal(got, want) {
					t.Fatalf("ids = %v, want %v", got, want)
				}
				if p.TotalCount != 5 {
					t.Fatalf("meta.total_count = %d, want 5", p.TotalCount)
				}
				wantSize := fmt.Sprint(tt.size)
				if tt.size == 0 {
					wantSize = "50"
				}
				for _, l := range []struct {
					name string
					link *string
					want string
				}{{"self", &p.Links.Self, tt.self}, {"first", &p.Links.First, tt.first}, {"last", &p.Links.Last, tt.last},
					{"prev", p.Links.Prev, tt.prev}, {"next", p.Links.Next, tt.next}} {
					if l.want == "" {
						if l.link != nil {
							t.Fatalf("links.%s = %q, want null", l.name, *l.link)
						}
						continue
					}
					q := pageOf(t, l.link)
					if l.name == "next" {
						// links.next carries the cursor of the page's last row; it
						// answers the page numbered next.
						if q.Get("page[after]") == "" || q.Has("page[number]") || q.Get("page[size]") != wantSize {
							t.Fatalf("links.next = %q, want page[after] and page[size]=%s", *l.link, wantSize)
						}
						number, _ := strconv.Atoi(l.want)
						byCursor, err := s.Admin.ListManagers(ctx, f.reseller.ID, &client.ListOptions{PageSize: tt.size, After: p.NextCursor})
						if err != nil {
							t.Fatal(err)
						}
						byNumber, err := s.Admin.ListManagers(ctx, f.reseller.ID, &client.ListOptions{PageSize: tt.size, PageNumber: number})
						if err != nil {
							t.Fatal(err)
						}
						if got, want := mgIDs(byCursor.Items), mgIDs(byNumber.Items); !slices.Equal(got, want) || len(got) == 0 {
							t.Fatalf("page after the cursor = %v, want page %d: %v", got, number, want)
						}
						continue
					}
					if q.Get("page[number]") != l.want || q.Get("page[size]") != wantSize {
						t.Fatalf("links.%s = %q, want page[number]=%s page[size]=%s", l.name, *l.link, l.want, wantSize)
					}
				}
			})
		}

		t.Run("LinksKeepFilterAndSort", func(t *testing.T) {
			p, err := s.Admin.ListManagers(ctx, f.reseller.ID, &client.ListOptions{PageSize: 1,
				Filter: map[string]string{"role": "sales"}, Sort: "-name"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mgIDs(p.Items), f.ids(1); !slices.Equal(got, want) || p.TotalCount != 2 {
				t.Fatalf("ids = %v (total %d), want %v of 2", got, p.TotalCount, want)
			}
			q := pageOf(t, p.Links.Next)
			if q.Get("filter[role]") != "sales" || q.Get("sort") != "-name" || q.Get("page[after]") != p.NextCursor {
				t.Fatalf("links.next = %q, want the filter, the sort and the cursor", *p.Links.Next)
			}
			next, err := s.Admin.Do(ctx, "GET", (&url.URL{Path: "/api/v3/resellers/" + fmt.Sprint(f.reseller.ID) + "/managers",
				RawQuery: q.Encode()}).String(), nil, "")
			if err != nil || next.StatusCode != http.StatusOK {
				t.Fatalf("follow links.next: %v %v", next, err)
			}
		})

		for _, tt := range []struct{ name, param, value string }{
			{"SizeZero", "page[size]", "0"},
			{"SizeNegative", "page[size]", "-1"},
			{"SizeTooLarge", "page[size]", "1001"},
			{"SizeNotNumber", "page[size]", "ten"},
			{"NumberZero", "page[number]", "0"},
			{"NumberNotNumber", "page[number]", "1.5"},
			{"UnknownPageParameter", "page[offset]", "1"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Admin.ListManagers(ctx, f.reseller.ID, &client.ListOptions{Query: url.Values{tt.param: {tt.value}}})
				if e := apiError(t, err, http.StatusBadRequest); !hasParameter(e, tt.param) {
					t.Fatalf("errors at %v, want one naming %s", mgSources(e), tt.param)
				}
			})
		}
	})
}

func TestManagerListInclude(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tree := mgNewTree(t, s)
		ma := mustCreateManager(t, s.Admin, tree.A.ID, "sales")
		ma1 := mustCreateManager(t, s.Admin, tree.A1.ID, "sales")
		mb := mustCreateManager(t, s.Admin, tree.B.ID, "sales")
		mb2 := mustCreateManager(t, s.Admin, tree.B.ID, "owner")

		p, err := s.Admin.ListManagers(ctx, tree.B.ID, &client.ListOptions{Include: []string{"reseller"}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := mgIDs(p.Items), mgSorted(mb.ID, mb2.ID); !slices.Equal(got, want) {
			t.Fatalf("ids = %v, want %v", got, want)
		}
		for _, m := range p.Items {
			rel := m.Relationships["reseller"].Data
			if rel == nil || rel.Type != "resellers" || rel.ID != fmt.Sprint(tree.B.ID) {
				t.Fatalf("manager %d: relationships.reseller = %+v, want resellers %d", m.ID, rel, tree.B.ID)
			}
		}
		if len(p.Included) != 1 || p.Included[0].Type != "resellers" || p.Included[0].ID != fmt.Sprint(tree.B.ID) {
			t.Fatalf("included = %+v, want reseller %d once", p.Included, tree.B.ID)
		}

		t.Run("ChildListIncludesEachResellerOnce", func(t *testing.T) {
			p, err := s.Admin.ListChildResellerManagers(ctx, 1, &client.ListOptions{Include: []string{"reseller"}})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mgIDs(p.Items), mgSorted(ma.ID, ma1.ID, mb.ID, mb2.ID); !slices.Equal(got, want) {
				t.Fatalf("ids = %v, want %v", got, want)
			}
			var got []string
			for _, r := range p.Included {
				if r.Type != "resellers" {
					t.Fatalf("included %s %s, want only resellers", r.Type, r.ID)
				}
				got = append(got, r.ID)
			}
			slices.Sort(got)
			want := []string{fmt.Sprint(tree.A.ID), fmt.Sprint(tree.A1.ID), fmt.Sprint(tree.B.ID)}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("included resellers %v, want %v", got, want)
			}
		})
		t.Run("NotAskedNotGiven", func(t *testing.T) {
			p, err := s.Admin.ListManagers(ctx, tree.B.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Included) != 0 || p.Items[0].Relationships != nil {
				t.Fatalf("included %v, relationships %v without include", p.Included, p.Items[0].Relationships)
			}
		})
		t.Run("Unknown", func(t *testing.T) {
			_, err := s.Admin.ListManagers(ctx, tree.B.ID, &client.ListOptions{Include: []string{"reseller", "manager_role"}})
			if e := apiError(t, err, http.StatusBadRequest); !hasParameter(e, "include") {
				t.Fatalf("errors at %v, want one naming include", mgSources(e))
			}
		})
	})
}

// TestManagerListFilterNameNotASCII: filter[name] is case-insensitive for every
// language the API speaks, not only for ASCII letters.
func TestManagerListFilterNameNotASCII(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r := mustCreateReseller(t, s.Admin, 1, "Unicode")
		zhanna := mgNewManager(t, s.Admin, r.ID, client.ManagerInput{Name: client.String("Жанна Иванова"), Role: client.String("sales")})
		ayse := mgNewManager(t, s.Admin, r.ID, client.ManagerInput{Name: client.String("Ayşe Öztürk"), Role: client.String("sales")})
		mgNewManager(t, s.Admin, r.ID, client.ManagerInput{Name: client.String("Zoe Adams"), Role: client.String("sales")})
		tests := []struct {
			name, value string
			want        []int64
		}{
			{"SameCase", "Жанна", []int64{zhanna.ID}},
			{"LowerCase", "жанна", []int64{zhanna.ID}},
			{"UpperCase", "ИВАНОВА", []int64{zhanna.ID}},
			{"Mixed", "öZTÜRK", []int64{ayse.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := s.Admin.ListManagers(context.Background(), r.ID, &client.ListOptions{Filter: map[string]string{"name": tt.value}})
				if err != nil {
					t.Fatal(err)
				}
				if got := mgIDs(p.Items); !slices.Equal(got, tt.want) {
					t.Fatalf("filter[name]=%s: ids = %v, want %v", tt.value, got, tt.want)
				}
			})
		}
	})
}

package e2e

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// acListFixture is five accounts of one reseller whose names, e-mails, creation and
// update times each sort in a different order:
//
//	    name     email   inn  key  created          updated          status               manager
//	a1  Delta    c@      111  k1   2031-06-01 10:00 2031-06-02 14:00 active               sales
//	a2  bravo    e@      222       2031-06-01 08:00 2031-06-01 08:00 active
//	a3  Echo     a@      111       2031-06-01 12:00 2031-06-02 13:00 administrative_hold
//	a4  alpha    d@                2031-06-02 09:00 2031-06-02 09:00 active
//	a5  Charlie  b@      333  k5   2031-06-01 11:00 2031-06-02 15:00 active               sales
//
// (times UTC; the e-mails end in @aclist.example).
type acListFixture struct {
	r     *client.Reseller
	sales *client.Manager
	a     [6]*client.Account // a[1]..a[5]
}

func acNewListFixture(t *testing.T, s *server, clock *domain.TestClock) *acListFixture {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(hour int) { clock.Set(day.Add(time.Duration(hour) * time.Hour)) }
	f := &acListFixture{r: mustCreateReseller(t, s.Admin, 1, "Account Listing")}
	f.sales = mustCreateManager(t, s.Admin, f.r.ID, "sales")
	rows := []struct {
		hour             int
		name, email, inn string
		key              *string
		withSalesManager bool
	}{
		{10, "Delta", "c", "111", client.String("k1"), true},
		{8, "bravo", "e", "222", nil, false},
		{12, "Echo", "a", "111", nil, false},
		{33, "alpha", "d", "", nil, false},
		{11, "Charlie", "b", "333", client.String("k5"), true},
	}
	for i, row := range rows {
		at(row.hour)
		in := acCompany(row.name)
		in.Email, in.INN, in.ExternalKey = client.String(row.email+"@aclist.example"), client.String(row.inn), row.key
		if row.withSalesManager {
			in.ManagerID = client.Int(f.sales.ID)
		}
		f.a[i+1] = acMustCreate(t, s.Admin, f.r.ID, in)
	}
	for _, u := range []struct {
		hour, a int
		in      client.AccountInput
	}{
		{37, 3, client.AccountInput{Status: client.String("administrative_hold")}},
		{38, 1, client.AccountInput{City: client.String("Riga")}},
		{39, 5, client.AccountInput{City: client.String("Oslo")}},
	} {
		at(u.hour)
		u.in.AccountTypeID = client.Int(acBusiness)
		if _, err := s.Admin.UpdateAccount(ctx, f.r.ID, f.a[u.a].ID, u.in); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// ids maps fixture numbers to account ids.
func (f *acListFixture) ids(ns ...int) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = f.a[n].ID
	}
	return out
}

func TestAccountListFilters(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		f := acNewListFixture(t, s, clock)
		a1 := strconv.FormatInt(f.a[1].ID, 10)
		for _, tc := range []struct {
			name   string
			filter map[string]string
			want   []int
		}{
			{"email", map[string]string{"email": "C@ACLIST.example"}, []int{1}},
			{"email list", map[string]string{"email": "c@aclist.example, a@aclist.example,zz@x.example"}, []int{1, 3}},
			{"user_email", map[string]string{"user_email": "E@aclist.example"}, []int{2}},
			{"user_email list", map[string]string{"user_email": "e@aclist.example,b@aclist.example"}, []int{2, 5}},
			{"inn", map[string]string{"inn": "111"}, []int{1, 3}},
			{"inn list", map[string]string{"inn": "222,333"}, []int{2, 5}},
			{"id", map[string]string{"id": a1}, []int{1}},
			{"id gt", map[string]string{"id[gt]": a1}, []int{2, 3, 4, 5}},
			{"id lt", map[string]string{"id[lt]": strconv.FormatInt(f.a[3].ID, 10)}, []int{1, 2}},
			{"name contains", map[string]string{"name": "HA"}, []int{4, 5}},
			{"external_key", map[string]string{"external_key": "k1,k5"}, []int{1, 5}},
			{"status", map[string]string{"status": "administrative_hold"}, []int{3}},
			{"status list", map[string]string{"status": "active,credit_hold"}, []int{1, 2, 4, 5}},
			{"manager_id", map[string]string{"manager_id": strconv.FormatInt(f.sales.ID, 10)}, []int{1, 5}},
			{"created_at date", map[string]string{"created_at": "2031-06-01"}, []int{1, 2, 3, 5}},
			{"created_at local second", map[string]string{"created_at": "2031-06-01T10:00:00"}, []int{1}},
			{"created_at rfc3339", map[string]string{"created_at": "2031-06-01T12:00:00Z"}, []int{3}},
			{"created_at rfc3339 offset", map[string]string{"created_at": "2031-06-01T14:00:00+03:00"}, []int{5}},
			{"created_at millisecond", map[string]string{"created_at": "2031-06-01T08:00:00.000Z"}, []int{2}},
			{"created_at gt", map[string]string{"created_at[gt]": "2031-06-01T10:00:00Z"}, []int{3, 4, 5}},
			{"created_at lt", map[string]string{"created_at[lt]": "2031-06-01T10:00:00Z"}, []int{2}},
			{"created_at range", map[string]string{"created_at[gt]": "2031-06-01T09:00:00Z",
				"created_at[lt]": "2031-06-01T12:00:00Z"}, []int{1, 5}},
			{"updated_at date", map[string]string{"updated_at": "2031-06-02"}, []int{1, 3, 4, 5}},
			{"updated_at range", map[string]string{"updated_at[gt]": "2031-06-02T09:00:00Z",
				"updated_at[lt]": "2031-06-02T15:00:00Z"}, []int{1, 3}},
			{"combined", map[string]string{"inn": "111", "status": "active"}, []int{1}},
			{"nothing", map[string]string{"email": "nobody@aclist.example"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := acList(t, s.Admin, f.r.ID, tc.filter, "id")
				if got, want := acIDs(p), f.ids(tc.want...); !slices.Equal(got, want) || p.TotalCount != len(want) {
					t.Errorf("ids = %v (total %d), want %v", got, p.TotalCount, want)
				}
			})
		}
	})
}

func TestAccountListSortAndPages(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		f := acNewListFixture(t, s, clock)
		for sort, want := range map[string][]int{
			"":                {1, 2, 3, 4, 5},
			"id":              {1, 2, 3, 4, 5},
			"-id":             {5, 4, 3, 2, 1},
			"name":            {4, 2, 5, 1, 3},
			"-name":           {3, 1, 5, 2, 4},
			"created_at":      {2, 1, 5, 3, 4},
			"-created_at":     {4, 3, 5, 1, 2},
			"updated_at":      {2, 4, 3, 1, 5},
			"-updated_at,id":  {5, 1, 3, 4, 2},
			"-updated_at, id": {5, 1, 3, 4, 2},
		} {
			p := acList(t, s.Admin, f.r.ID, nil, sort)
			if got := acIDs(p); !slices.Equal(got, f.ids(want...)) {
				t.Errorf("sort %q: %v, want %v", sort, got, f.ids(want...))
			}
		}

		// Pages of two by name: alpha bravo | Charlie Delta | Echo.
		var seen []int64
		for n := 1; n <= 3; n++ {
			p, err := s.Admin.ListAccounts(ctx, f.r.ID, &client.ListOptions{PageNumber: n, PageSize: 2, Sort: "name"})
			if err != nil {
				t.Fatal(err)
			}
			if p.TotalCount != 5 {
				t.Errorf("page %d: total %d, want 5", n, p.TotalCount)
			}
			if (n == 1) != (p.Links.Prev == nil) || (n == 3) != (p.Links.Next == nil) {
				t.Errorf("page %d: prev %v next %v", n, p.Links.Prev, p.Links.Next)
			}
			seen = append(seen, acIDs(p)...)
		}
		if !slices.Equal(seen, f.ids(4, 2, 5, 1, 3)) {
			t.Errorf("pages of two by name: %v", seen)
		}
		// A page past the end is empty but still counts.
		p, err := s.Admin.ListAccounts(ctx, f.r.ID, &client.ListOptions{PageNumber: 9, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 0 || p.TotalCount != 5 {
			t.Errorf("page past the end: %d items, total %d", len(p.Items), p.TotalCount)
		}
		// One page of everything.
		p, err = s.Admin.ListAccounts(ctx, f.r.ID, &client.ListOptions{PageSize: 1000})
		if err != nil || len(p.Items) != 5 || p.Links.Next != nil {
			t.Errorf("page of 1000: %v items, next %v, %v", len(p.Items), p.Links.Next, err)
		}

		path := "/api/v3/resellers/" + strconv.FormatInt(f.r.ID, 10) + "/accounts?"
		for query, param := range map[string]string{
			"filter[created_at]=yesterday": "filter[created_at]",
			"filter[status]=closed":        "filter[status]",
			"filter[id]=x":                 "filter[id]",
			"filter[balance]=1":            "filter[balance]",
			"filter[email][gt]=a":          "filter[email][gt]",
			"sort=email":                   "sort",
			"page[size]=1001":              "page[size]",
			"page[number]=0":               "page[number]",
			"include=orders":               "include",
			"filter[user_email]=":          "filter[user_email]",
		} {
			e := mgErrorOf(t, mgDo(t, s.Admin, "GET", path+query, ""), 400)
			if !hasParameter(e, param) {
				t.Errorf("%s: errors %v, want one naming %s", query, mgSources(e), param)
			}
		}
	})
}

// TestAccountListShowsChangesAtOnce checks that account lists, which the server may
// answer from memory while nothing changes, show an update and a new account in the
// very next read, with the clock standing still, in the reseller's list and in the
// child_reseller_accounts list of its parent.
func TestAccountListShowsChangesAtOnce(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, _ *domain.TestClock) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Cache")
		a := acMustCreate(t, s.Admin, r.ID, acCompany("Before GmbH"))
		lists := map[string]func() (*client.Page[client.Account], error){
			"accounts": func() (*client.Page[client.Account], error) {
				return s.Admin.ListAccounts(ctx, r.ID, &client.ListOptions{Sort: "id"})
			},
			"child_reseller_accounts": func() (*client.Page[client.Account], error) {
				return s.Admin.ListChildResellerAccounts(ctx, 1, &client.ListOptions{Sort: "id",
					Filter: map[string]string{"reseller_id": strconv.FormatInt(r.ID, 10)}})
			},
		}
		check := func(when string, want ...string) {
			t.Helper()
			for name, list := range lists {
				for read := 1; read <= 2; read++ { // the second read may come from memory
					p, err := list()
					if err != nil {
						t.Fatalf("%s, %s read %d: %v", when, name, read, err)
					}
					var got []string
					for _, it := range p.Items {
						got = append(got, it.Name)
					}
					if !slices.Equal(got, want) || p.TotalCount != len(want) {
						t.Fatalf("%s, %s read %d: names %q (total %d), want %q", when, name, read, got, p.TotalCount, want)
					}
				}
			}
		}
		check("at first", "Before GmbH")
		if _, err := s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acBusiness),
			PrimaryName: client.String("After GmbH")}); err != nil {
			t.Fatal(err)
		}
		check("after the update", "After GmbH")
		acMustCreate(t, s.Admin, r.ID, acCompany("Second GmbH"))
		check("after a new account", "After GmbH", "Second GmbH")
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func TestMigrationNumbersMatch(t *testing.T) {
	versions := func(e store.Engine) []int {
		ms, err := store.Migrations(e)
		if err != nil {
			t.Fatalf("migrations of %s: %v", e, err)
		}
		var out []int
		for _, m := range ms {
			out = append(out, m.Version)
		}
		return out
	}
	lite, pg := versions(store.SQLite), versions(store.Postgres)
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
	if fmt.Sprint(lite) != fmt.Sprint(pg) {
		t.Fatalf("sqlite migrations %v, postgres migrations %v: the numbers must match", lite, pg)
	}
	for i, v := range lite {
		if v != i+1 {
			t.Fatalf("migration numbers %v: want 1, 2, 3... without gaps", lite)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
	})
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustReseller(t *testing.T, db *store.DB, parentID int64, parentPath, name string) *domain.Reseller {
	t.Helper()
	r := &domain.Reseller{ParentID: parentID, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	r.General = domain.ResellerGeneral{Name: name, Domain: fmt.Sprintf("%s.example.com", name), Currency: "EUR", UpdatedAt: now}
	r.Company.UpdatedAt, r.Contacts.UpdatedAt = now, now
	err := db.InTx(context.Background(), func(c *store.Conn) error { return c.CreateReseller(context.Background(), r, parentPath) })
	if err != nil {
		t.Fatalf("create reseller %s: %v", name, err)
	}
	return r
}

// TestSubtree checks the materialised-path range on both engines, including the
// case where one id is a prefix of another (/1/2/ against /1/20/).
func TestSubtree(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		if root.ID != 1 || root.Path != "/1/" {
			t.Fatalf("root id=%d path=%q, want 1 and /1/", root.ID, root.Path)
		}
		byID := map[int64]*domain.Reseller{}
		for i := 2; i <= 21; i++ {
			r := mustReseller(t, db, 1, root.Path, fmt.Sprintf("r%d", i))
			byID[r.ID] = r
		}
		two := byID[2]
		child := mustReseller(t, db, two.ID, two.Path, "child-of-2")
		grand := mustReseller(t, db, child.ID, child.Path, "grandchild-of-2")
		twenty := byID[20]
		mustReseller(t, db, twenty.ID, twenty.Path, "child-of-20")

		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 100}}
		rs, total, err := db.Reader().FindResellers(ctx, store.ResellerFilter{Below: two.Path, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range rs {
			got = append(got, r.ID)
		}
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		want := []int64{child.ID, grand.ID}
		if fmt.Sprint(got) != fmt.Sprint(want) || total.Total != 2 {
			t.Fatalf("below %s: got %v (total %d), want %v", two.Path, got, total.Total, want)
		}
		all, total, err := db.Reader().FindResellers(ctx, store.ResellerFilter{Below: root.Path, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 23 || total.Total != 23 {
			t.Fatalf("below root: %d rows, total %d, want 23", len(all), total.Total)
		}
	})
}

func TestPagePastEndCounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		for i := 0; i < 5; i++ {
			mustReseller(t, db, 1, root.Path, fmt.Sprintf("c%d", i))
		}
		for _, tt := range []struct{ number, rows int }{{1, 2}, {3, 1}, {4, 0}, {99, 0}} {
			q := domain.ListQuery{Page: domain.Page{Number: tt.number, Size: 2}}
			rs, total, err := db.Reader().FindResellers(context.Background(), store.ResellerFilter{Below: root.Path, Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != tt.rows || total.Total != 5 {
				t.Errorf("page %d: %d rows, total %d; want %d rows, total 5", tt.number, len(rs), total.Total, tt.rows)
			}
		}
	})
}

func TestConditions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		for _, n := range []string{"alpha", "Beta", "gamma_x", "gamma%y", "Öztürk"} {
			mustReseller(t, db, 1, root.Path, n)
		}
		find := func(conds ...domain.Condition) []string {
			t.Helper()
			q := domain.ListQuery{Conditions: conds, Sort: []domain.SortKey{{Field: "name"}}, Page: domain.Page{Number: 1, Size: 50}}
			rs, _, err := db.Reader().FindResellers(context.Background(), store.ResellerFilter{Below: root.Path, Query: q})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rs {
				names = append(names, r.General.Name)
			}
			return names
		}
		tests := []struct {
			name string
			cond domain.Condition
			want string
		}{
			{"ContainsIgnoresCase", domain.Condition{Field: "name", Op: domain.OpContains, Values: []any{"BET"}}, "[Beta]"},
			{"ContainsUnderscoreIsLiteral", domain.Condition{Field: "name", Op: domain.OpContains, Values: []any{"a_x"}}, "[gamma_x]"},
			{"ContainsPercentIsLiteral", domain.Condition{Field: "name", Op: domain.OpContains, Values: []any{"%"}}, "[gamma%y]"},
			{"InOrderedIgnoringCase", domain.Condition{Field: "name", Op: domain.OpIn, Values: []any{"alpha", "Beta"}}, "[alpha Beta]"},
			{"ContainsFoldsUnicode", domain.Condition{Field: "name", Op: domain.OpContains, Values: []any{"ÖZTÜ"}}, "[Öztürk]"},
			{"TimeGe", domain.Condition{Field: "created_at", Op: domain.OpGe, Values: []any{now}}, "[alpha Beta gamma%y gamma_x Öztürk]"},
			{"TimeGt", domain.Condition{Field: "created_at", Op: domain.OpGt, Values: []any{now}}, "[]"},
		}
		for _, tt := range tests {
			if got := fmt.Sprint(find(tt.cond)); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
	})
}

func TestUniqueTranslated(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		mustReseller(t, db, 0, "", "root")
		dup := &domain.Reseller{ParentID: 1, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		dup.General = domain.ResellerGeneral{Name: "x", Domain: "root.example.com", Currency: "EUR"}
		err := db.InTx(context.Background(), func(c *store.Conn) error { return c.CreateReseller(context.Background(), dup, "/1/") })
		var u *store.ErrUnique
		if !errors.As(err, &u) || u.Constraint != "resellers_domain" {
			t.Fatalf("duplicate domain: err = %v, want ErrUnique on resellers_domain", err)
		}
	})
}

func TestWriteOutsideTransactionRefused(t *testing.T) {
	db := storetest.Open(t, storetest.Engines(t)[0])
	r := &domain.Reseller{}
	if err := db.Reader().UpdateReseller(context.Background(), r); err == nil {
		t.Fatal("update on the read pool succeeded, want an error")
	}
}

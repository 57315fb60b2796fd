package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// explain returns the plan the database e (migrated) makes for query with args, one
// line per step. PostgreSQL is told to avoid sequential scans: the tables of a test
// are tiny, and the question is whether an index can serve the query at all.
func explain(t *testing.T, e storetest.Engine, query string, args ...any) string {
	t.Helper()
	return explainWithout(t, e, nil, query, args...)
}

// explainWithout is explain with the PostgreSQL indexes named in drop out of the
// planner's reach: they are dropped in a transaction that is never committed. On a
// table of a few hundred rows the planner may prefer walking a whole B-tree of
// another column to a lookup that a large table would make; dropping it shows
// whether the lookup can serve the condition at all.
func explainWithout(t *testing.T, e storetest.Engine, drop []string, query string, args ...any) string {
	t.Helper()
	return explainAs(t, e, nil, drop, query, args...)
}

// explainAs is explainWithout with the PostgreSQL settings in set (SET statements'
// "name = value") made first, as a statement that changes them for itself is planned.
func explainAs(t *testing.T, e storetest.Engine, set, drop []string, query string, args ...any) string {
	t.Helper()
	driver, dsn, prefix := "sqlite", strings.TrimPrefix(e.URL, "sqlite:"), "EXPLAIN QUERY PLAN "
	if e.Name == "postgres" {
		driver, dsn, prefix = "pgx", e.URL, "EXPLAIN "
	} else {
		query = strings.ReplaceAll(query, "$", "?")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One pinned connection: a pool would end the transaction below by handing
	// out another connection.
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	setup := []string{"ANALYZE"}
	if e.Name == "postgres" {
		setup = append(setup, "SET enable_seqscan = off")
		for _, setting := range set {
			setup = append(setup, "SET "+setting)
		}
		if len(drop) > 0 {
			setup = append(setup, "BEGIN")
			defer conn.ExecContext(ctx, "ROLLBACK")
		}
		for _, index := range drop {
			setup = append(setup, "DROP INDEX "+index)
		}
	}
	for _, q := range setup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := conn.QueryContext(ctx, prefix+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(sql.RawBytes)
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(*dest[len(dest)-1].(*sql.RawBytes))) // the step's text
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestOneOfUsesIndex checks that a comma-list filter bound as one parameter is still
// answered through the index on its column, on every engine.
func TestOneOfUsesIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		mustAccounts(t, db, r.ID, 500, func(i int) string { return fmt.Sprintf("Account %d", i) })
		engine := store.Engine(e.Name)
		cases := []struct {
			name, table, expr string
			values            []any
			prefix            string // conditions before the list, on $1
			want              map[string]string
			drop              []string // PostgreSQL indexes a tiny table would prefer
		}{
			{"PrimaryKey", "accounts a", "a.id", []any{int64(3), int64(5)}, "", map[string]string{
				"sqlite": "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)", "postgres": "Index Cond: (id = ANY ("}, nil},
			{"SecondColumn", "accounts a", "a.email", []any{"x@example.com"}, "a.reseller_id = $1 AND ", map[string]string{
				"sqlite": "INDEX accounts_reseller_email (reseller_id=? AND email=?)", "postgres": "Index Cond: ((reseller_id = '1'::bigint) AND (email = 'x@example.com'::text))"}, nil},
			// Partial indexes: a lookup names a value, which no NULL matches.
			{"ExternalKey", "accounts a", "a.external_key", []any{"k-1"}, "a.reseller_id = $1 AND ", map[string]string{
				"sqlite":   "INDEX accounts_reseller_external_key (reseller_id=? AND external_key=?)",
				"postgres": "accounts_reseller_external_key"}, nil},
			{"Manager", "accounts a", "a.manager_id", []any{int64(3), int64(4)}, "", map[string]string{
				"sqlite": "INDEX accounts_manager_id (manager_id=?)", "postgres": "accounts_manager_id"}, nil},
			{"Text", "managers m", "m.email", []any{"x@example.com", "y@example.com"}, "", map[string]string{
				"sqlite": "SEARCH m USING COVERING INDEX managers_email (email=?)", "postgres": "Index Cond: (email = ANY ("},
				[]string{"managers_reseller_email"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				args := []any{}
				n := 1
				if c.prefix != "" {
					args, n = append(args, int64(1)), 2
				}
				cond, arg := store.OneOf(engine, c.expr, n, c.values)
				plan := explainWithout(t, e, c.drop, "SELECT COUNT(*) FROM "+c.table+" WHERE "+c.prefix+cond, append(args, arg)...)
				if !strings.Contains(plan, c.want[e.Name]) {
					t.Fatalf("plan of %s:\n%s\nwant a step with %q", cond, plan, c.want[e.Name])
				}
			})
		}
	})
}

// mustAccounts creates n (at most domain.MaxPageSize) accounts of reseller rid, named name(i) for i from 1, with
// the e-mail addresses a<i>@example.com.
func mustAccounts(t *testing.T, db *store.DB, rid int64, n int, name func(i int) string) []*domain.Account {
	t.Helper()
	accounts := make([]*domain.Account, n)
	for i := range accounts {
		accounts[i] = &domain.Account{ResellerID: rid, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
			Name: name(i + 1), Email: fmt.Sprintf("a%d@example.com", i+1), Status: domain.AccountStatusActive,
			Currency: "EUR", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	}
	ctx := context.Background()
	if err := db.InTx(ctx, func(c *store.Conn) error { return c.InsertAccountsBulk(ctx, accounts) }); err != nil {
		t.Fatalf("insert accounts: %v", err)
	}
	// The bulk insert sets no ids; nothing else writes here, so they are the last n,
	// in the order made. Read by id alone, since a test may stop the schema before
	// later columns of accounts exist.
	var last int64
	if err := db.InTx(ctx, func(c *store.Conn) error {
		return c.Row(ctx, "SELECT MAX(id) FROM accounts WHERE reseller_id = $1", []any{rid}, &last)
	}); err != nil {
		t.Fatalf("read account ids back: %v", err)
	}
	for i, a := range accounts {
		a.ID = last - int64(n-1-i)
	}
	return accounts
}

// TestContainsUsesSearchIndex checks which plan each form of a contains filter gets:
// a term the trigram index can look up goes through it on every engine; a shorter
// one (or, on PostgreSQL, one without three letters or digits in a row) does not
// try to.
func TestContainsUsesSearchIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		mustAccounts(t, db, r.ID, 500, func(i int) string { return fmt.Sprintf("Account %d", i) })
		engine := store.Engine(e.Name)
		index := map[string]string{"sqlite": "SCAN accounts_name_fts VIRTUAL TABLE", "postgres": "Bitmap Index Scan on accounts_name_trgm"}[e.Name]
		cases := []struct {
			term    string
			indexed bool
		}{
			{"count 4", true},
			{"unt", true},
			{"ACC", true},
			{"nt", false},
			{"4", false},
		}
		if e.Name == "postgres" {
			cases = append(cases, struct {
				term    string
				indexed bool
			}{"t 4", false}) // no three letters or digits in a row
		}
		for _, c := range cases {
			cond, args := store.ContainsAccountName(engine, c.term)
			// The sort indexes on the folded name are walked whole on so few rows.
			plan := explainWithout(t, e, []string{"accounts_name_folded", "accounts_reseller_name_folded"}, "SELECT COUNT(*) FROM accounts a WHERE "+cond, args...)
			if strings.Contains(plan, index) != c.indexed {
				t.Errorf("plan of contains %q (%s):\n%s\nwant a step %q: %t", c.term, cond, plan, index, c.indexed)
			}
		}
	})
}

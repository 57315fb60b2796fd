package store_test

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// searchNames are account names that fold, quote and escape in every awkward way.
var searchNames = []string{
	"ООО Ромашка", "ромашка и ко", "Straße 5", "STRASSE 5", "İstanbul Ltd", "Ǆemal", "ΣΊΣΥΦΟΣ",
	"100% pure", "50%_off", "a_b", `back\slash`, `say "hi" twice`, `""`, "NEAR AND OR NOT",
	"star* power", "caret^top", "colon: x", "(paren) group", "emoji 😀 smile", "a", "ab",
	"  spaced  out  ", "x-y-z", "AbCabcABC", "Kelvin \u212a", "\ufb01ne print", "-", "--", "'quote'",
	"under_score", "percent%", "new\u00a0line", "aaaa", "tab\u3000wide",
}

// searchTerms are the filter values tried against searchNames: short and long,
// cased, FTS5 syntax, LIKE wildcards and escapes, quotes and non-letters.
var searchTerms = []string{
	"ром", "РОМ", "ро", "Р", "ромашка", "ООО", "strasse", "straße", "ss", "ß", "İ", "i̇st", "istanbul",
	"ǆ", "Ǆe", "ǅEM", "σίσ", "ΣΥΦ", "ς", "100%", "%", "%%", "_", "%_", "0%_", `\`, `\s`, `k\s`,
	`"hi"`, `"`, `""`, `"""`, `hi"`, `"h`, "near", "NEAR", "and or", "AND", "OR NOT", "*", "star*", "r* p",
	"^", "t^t", "caret^", ":", "colon:", "n: x", "(", "(paren)", ")", "😀", "😀 s", "a", "ab", "abc",
	"  ", " sp", "   ", "d  o", "-y-", "--", "---", "kelvin k", "kelvin \u212a", "fi", "\ufb01n", "'",
	"'quote", "e_s", "t%", "w\u00a0l", "aaa", "aaaa", "aaaaa", "b\u3000w", "x", "nothing here",
	"near(\"a\" \"b\")", "sta*", "{x}", "a:b", "-x", "col",
}

// TestContainsMatchesLike checks a contains filter, now answered by the search
// index, against the substring test on folded text that LIKE on the folded column
// made before: on every engine, for every name and term, through FindAccounts, with
// the new names waiting for the index (SQLite), once they are in it, and after the
// names change.
func TestContainsMatchesLike(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		accounts := mustAccounts(t, db, r.ID, len(searchNames), func(i int) string { return searchNames[i-1] })
		raw := openRaw(t, e)

		check := func(t *testing.T) {
			t.Helper()
			for _, term := range searchTerms {
				var want []int64
				for _, a := range accounts {
					if strings.Contains(domain.Fold(a.Name), domain.Fold(term)) {
						want = append(want, a.ID)
					}
				}
				got := findByName(t, db, r.ID, term)
				if !slices.Equal(got, want) {
					t.Errorf("contains %q: ids %v, want %v", term, got, want)
				}
				if like := likeIDs(t, raw, e, r.ID, term); !slices.Equal(got, like) {
					t.Errorf("contains %q: ids %v, LIKE on the folded column finds %v", term, got, like)
				}
			}
		}
		t.Run("Created", check)
		if err := db.IndexNotedNames(ctx); err != nil {
			t.Fatalf("index the noted names: %v", err)
		}
		t.Run("Indexed", check)

		// Renaming moves a row in the index: its old name no longer matches. An
		// update that keeps the name leaves the index alone.
		err := db.InTx(ctx, func(c *store.Conn) error {
			for i, a := range accounts {
				if _, err := c.FindAccountForUpdate(ctx, a.ID); err != nil {
					return err
				}
				if i%2 == 0 {
					a.Name = "renamed " + strings.ToUpper(a.Name)
				}
				a.Email = "changed-" + a.Email
				if err := c.UpdateAccount(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("rename: %v", err)
		}
		t.Run("Renamed", check)
		if got := findByName(t, db, r.ID, "renamed"); len(got) != (len(accounts)+1)/2 {
			t.Fatalf("contains renamed: %d accounts, want %d", len(got), (len(accounts)+1)/2)
		}
	})
}

// findByName returns the ids of the accounts of reseller rid whose name contains term.
func findByName(t *testing.T, db *store.DB, rid int64, term string) []int64 {
	t.Helper()
	q := domain.ListQuery{Page: domain.Page{Number: 1, Size: domain.MaxPageSize}}.Where("name", domain.OpContains, term)
	found, _, err := db.Reader().FindAccounts(context.Background(), store.AccountFilter{ResellerID: rid, Query: q})
	if err != nil {
		t.Fatalf("contains %q: %v", term, err)
	}
	ids := []int64{}
	for _, a := range found {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// likeIDs answers the same question as the store did before the search index: LIKE
// on the folded column, with the wildcards of the term escaped.
func likeIDs(t *testing.T, raw *sql.DB, e storetest.Engine, rid int64, term string) []int64 {
	t.Helper()
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(domain.Fold(term)) + "%"
	query := `SELECT id FROM accounts WHERE reseller_id = $1 AND name_folded LIKE $2 ESCAPE '\' ORDER BY id`
	if e.Name == "sqlite" {
		query = strings.ReplaceAll(query, "$", "?")
	}
	rows, err := raw.Query(query, rid, pattern)
	if err != nil {
		t.Fatalf("LIKE %q: %v", pattern, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// openRaw opens the database of e directly, without the store.
func openRaw(t *testing.T, e storetest.Engine) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", strings.TrimPrefix(e.URL, "sqlite:")
	if e.Name == "postgres" {
		driver, dsn = "pgx", e.URL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSearchIndexesExist checks that every searchable list column has its substring
// index in the migrated schema: on SQLite the FTS5 table with the triggers that keep
// it in step, on PostgreSQL the trigram index on the folded column, whose pending
// list (which every search reads whole) is kept to 64 kB.
func TestSearchIndexesExist(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		storetest.Open(t, e)
		raw := openRaw(t, e)
		for _, search := range store.SearchTables() {
			table := strings.TrimSuffix(search, "_name_fts")
			var n int
			var err error
			if e.Name == "sqlite" {
				err = raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE (type = 'table' AND name = ?1
					AND sql LIKE '%fts5%trigram case_sensitive 1%') OR (type = 'trigger' AND tbl_name = ?2
					AND name IN (?1 || '_insert', ?1 || '_update', ?1 || '_delete'))`, search, table).Scan(&n)
			} else {
				// The index's definition is read by its own oid only: pg_indexes would
				// render every index of the database, and fail on one that a test in
				// another schema drops meanwhile.
				var def string
				err = raw.QueryRow(`SELECT pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
					JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid
					WHERE s.nspname = current_schema() AND c.relname = $1 || '_name_trgm' AND t.relname = $1`,
					table).Scan(&def)
				if errors.Is(err, sql.ErrNoRows) {
					err = nil
				}
				if trigramIndexDef.MatchString(def) {
					n = 1
				}
				n += 3 // PostgreSQL needs no table or triggers of its own
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != 4 {
				t.Errorf("search index of %s: %d of its 4 parts (table or index, three triggers) found", table, n)
			}
		}
	})
}

// trigramIndexDef is how PostgreSQL writes the search index back: its operator class
// is qualified by the extension's schema when that schema is not on the search path.
var trigramIndexDef = regexp.MustCompile(`USING gin \(name_folded ([a-z_]+\.)?gin_trgm_ops\) WITH \(gin_pending_list_limit='64'\)`)

// searchMigration is the migration that builds the search indexes.
const searchMigration = 9

// TestSearchMigrationFillsIndexes writes names in the schema before the search
// indexes, migrates, and checks that the names already there are found.
func TestSearchMigrationFillsIndexes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := openBefore(t, e, searchMigration)
		r := mustReseller(t, db, 0, "", "Старый Reseller")
		accounts := mustAccounts(t, db, r.ID, 3, func(i int) string { return []string{"Alpha One", "Бета Два", "alpha three"}[i-1] })
		if applied, err := db.Migrate(ctx); err != nil || !slices.Contains(applied, searchMigration) {
			t.Fatalf("migrate: applied %v, %v", applied, err)
		}
		if got, want := findByName(t, db, r.ID, "ALPHA"), []int64{accounts[0].ID, accounts[2].ID}; !slices.Equal(got, want) {
			t.Fatalf("contains ALPHA after the migration: %v, want %v", got, want)
		}
		if got, want := findByName(t, db, r.ID, "та дв"), []int64{accounts[1].ID}; !slices.Equal(got, want) {
			t.Fatalf("contains \"та дв\" after the migration: %v, want %v", got, want)
		}
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}.Where("name", domain.OpContains, "старый")
		resellers, _, err := db.Reader().FindResellers(ctx, store.ResellerFilter{Query: q})
		if err != nil || len(resellers) != 1 || resellers[0].ID != r.ID {
			t.Fatalf("resellers containing старый after the migration: %v, %v", resellers, err)
		}
	})
}

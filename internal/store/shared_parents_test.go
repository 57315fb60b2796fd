package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// sharedParents are the tables whose rows nearly every write refers to, which
// PostgreSQL's migration 0047 keeps instead of checking references to them.
var sharedParents = []string{"resellers", "account_types", "account_classes"}

// TestSharedParentReferencesMatchSQLite: the references storetest checks after
// every PostgreSQL test are SQLite's foreign keys to the shared parents, all of
// them, so a new reference to a reseller joins the list or this test fails.
func TestSharedParentReferencesMatchSQLite(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.Engines(t)[0])
	if db.Engine() != store.SQLite {
		t.Fatalf("the first engine is %s, want sqlite", db.Engine())
	}
	var got []string
	err := db.InTx(ctx, func(c *store.Conn) error {
		var list string
		err := c.Row(ctx, `SELECT COALESCE(group_concat(ref, ' '), '') FROM (
			SELECT m.name || '.' || f."from" || '>' || f."table" || '.' || f."to" AS ref
			FROM sqlite_master m, pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' AND f."table" IN ('resellers', 'account_types', 'account_classes')
			ORDER BY ref)`, nil, &list)
		got = strings.Fields(list)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range storetest.SharedParentReferences {
		want = append(want, r.Table+"."+r.Column+">"+r.Parent+"."+r.ParentColumn)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("SQLite's foreign keys to shared parents:\n%v\nstoretest.SharedParentReferences:\n%v", got, want)
	}
}

// TestSharedParentsStay: on PostgreSQL no foreign key refers to the shared
// parents, and their rows, referred to or not, cannot be deleted, truncated or given
// another key; on SQLite a referred-to row cannot be deleted either (its foreign
// keys). storetest.CheckReferences finds a reference written to no row.
func TestSharedParentsStay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		lone := mustReseller(t, db, root.ID, root.Path, "lone")
		addAccount(t, db, root.ID, 1)
		run := func(sql string) error {
			return db.InTx(ctx, func(c *store.Conn) error { return c.Script(ctx, sql) })
		}
		refused := func(sql string) {
			t.Helper()
			if run(sql) == nil {
				t.Errorf("%s was done, want it refused", sql)
			}
		}
		refused(fmt.Sprintf(`DELETE FROM resellers WHERE id = %d`, root.ID))
		refused(`DELETE FROM account_types WHERE id IN (SELECT account_type_id FROM accounts)`)
		refused(`DELETE FROM account_classes WHERE key IN (SELECT account_class_key FROM accounts)`)
		if e.Name != "postgres" {
			return
		}
		var keys int64
		err := db.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, `SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'
				AND connamespace = current_schema()::regnamespace
				AND confrelid IN (to_regclass('resellers'), to_regclass('account_types'), to_regclass('account_classes'))`,
				nil, &keys)
		})
		if err != nil || keys != 0 {
			t.Errorf("%d foreign keys refer to %v (%v), want none", keys, sharedParents, err)
		}
		refused(fmt.Sprintf(`DELETE FROM resellers WHERE id = %d`, lone.ID))
		refused(fmt.Sprintf(`UPDATE resellers SET id = id + 1000 WHERE id = %d`, lone.ID))
		refused(`UPDATE account_types SET id = id + 1000`)
		refused(`UPDATE account_classes SET key = key || '-x'`)
		for _, table := range sharedParents {
			refused(`TRUNCATE ` + table + ` CASCADE`)
		}
		if err := run(fmt.Sprintf(`UPDATE resellers SET name = name || '!' WHERE id = %d`, lone.ID)); err != nil {
			t.Errorf("a change of a reseller's other columns: %v", err)
		}
		if err := storetest.CheckReferences(ctx, e); err != nil {
			t.Fatalf("before any reference dangles: %v", err)
		}
		if err := run(fmt.Sprintf(`UPDATE accounts SET reseller_id = %d`, lone.ID+1000)); err != nil {
			t.Fatal(err)
		}
		err = storetest.CheckReferences(ctx, e)
		if err == nil || !strings.Contains(err.Error(), "1 rows of accounts refer by reseller_id to no row of resellers") {
			t.Errorf("a dangling account: %v, want it named", err)
		}
		if err := run(fmt.Sprintf(`UPDATE accounts SET reseller_id = %d`, root.ID)); err != nil {
			t.Fatal(err)
		}
	})
}

package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestIndexNotedAccountsPlan: the commit's indexing of noted accounts, and a search's
// reading of those not yet indexed, read the noted ids and find each account by its
// id, never every account. Without the CROSS JOIN, SQLite's planner, knowing
// nothing of the young table of ids, read all accounts at every commit.
func TestIndexNotedAccountsPlan(t *testing.T) {
	ctx := context.Background()
	db := openGroupTest(t)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{strings.TrimPrefix(indexNotedAccountsSQL, "INSERT INTO accounts_name_fts (rowid, name_folded)"), nil},
		{fmt.Sprintf(notedAccountsLike, "$1"), []any{"%a%"}},
	} {
		var plan []string
		err := eachRow(ctx, db.Reader(), "EXPLAIN QUERY PLAN "+q.sql, q.args, func(s scanner) error {
			var id, parent, unused int
			var detail string
			err := s.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "SCAN p") || !strings.Contains(got, "USING INTEGER PRIMARY KEY") {
			t.Errorf("plan of %s: %q, want the noted ids scanned and each account found by id", q.sql, got)
		}
	}
}

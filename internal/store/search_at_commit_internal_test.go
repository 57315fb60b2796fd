package store

import (
	"context"
	"strings"
	"testing"
)

// TestIndexNotedAccountsPlan: the commit's indexing of noted accounts reads the noted
// ids and finds each account by its id, never every account. Without the CROSS JOIN,
// SQLite's planner, knowing nothing of the young table of ids, read all accounts at
// every commit.
func TestIndexNotedAccountsPlan(t *testing.T) {
	ctx := context.Background()
	db := openGroupTest(t)
	var plan []string
	err := eachRow(ctx, db.Reader(), "EXPLAIN QUERY PLAN "+strings.TrimPrefix(indexNotedAccountsSQL, "INSERT INTO accounts_name_fts (rowid, name_folded)"),
		nil, func(s scanner) error {
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
	if !strings.Contains(got, "SCAN p") || !strings.Contains(got, "SEARCH a USING INTEGER PRIMARY KEY") {
		t.Fatalf("plan %q: want the noted ids scanned and each account found by id", got)
	}
}

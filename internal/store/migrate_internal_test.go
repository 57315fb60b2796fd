package store

import (
	"strings"
	"testing"
)

// TestMigrationsShareNoTitle: renumberApplied knows an applied migration by its
// title, so two migrations of one title are refused like two of one number, and
// the shipped ones pass.
func TestMigrationsShareNoTitle(t *testing.T) {
	for _, e := range []Engine{SQLite, Postgres} {
		if _, err := Migrations(e); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	ms := []Migration{{Version: 12, Name: "0012_indexes.sql"}, {Version: 30, Name: "0030_indexes.sql"}}
	if err := checkMigrations(ms); err == nil || !strings.Contains(err.Error(), "share a title") {
		t.Errorf("two migrations titled indexes: %v", err)
	}
	ms[1].Name = "0030_more_indexes.sql"
	if err := checkMigrations(ms); err != nil {
		t.Errorf("distinct titles: %v", err)
	}
}

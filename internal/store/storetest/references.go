package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Reference is a column of Table whose value names a row of Parent by its
// ParentColumn.
type Reference struct {
	Table, Column, Parent, ParentColumn string
}

// SharedParentReferences are the references to resellers, account types and
// account classes: foreign keys on SQLite, none on PostgreSQL since its migration
// 0047, where those rows are never deleted nor re-keyed (triggers refuse both) and
// every write takes the reference from a row it read or checks it itself. A store
// test compares the list with SQLite's foreign keys, so a new reference must join it.
var SharedParentReferences = []Reference{
	{"accounts", "account_class_key", "account_classes", "key"},
	{"accounts", "account_type_id", "account_types", "id"},
	{"accounts", "reseller_id", "resellers", "id"},
	{"charges", "reseller_id", "resellers", "id"},
	{"corrections", "reseller_id", "resellers", "id"},
	{"currency_rates", "reseller_id", "resellers", "id"},
	{"document_counters", "reseller_id", "resellers", "id"},
	{"invoices", "reseller_id", "resellers", "id"},
	{"jobs", "reseller_id", "resellers", "id"},
	{"manager_roles", "reseller_id", "resellers", "id"},
	{"managers", "reseller_id", "resellers", "id"},
	{"orders", "reseller_id", "resellers", "id"},
	{"payment_methods", "reseller_id", "resellers", "id"},
	{"payments", "reseller_id", "resellers", "id"},
	{"plans", "reseller_id", "resellers", "id"},
	{"product_categories", "reseller_id", "resellers", "id"},
	{"products", "reseller_id", "resellers", "id"},
	{"resellers", "parent_id", "resellers", "id"},
	{"service_terms", "reseller_id", "resellers", "id"},
	{"subscription_operations", "reseller_id", "resellers", "id"},
	{"subscriptions", "reseller_id", "resellers", "id"},
	{"users", "reseller_id", "resellers", "id"},
}

// CheckReferences returns an error naming each of SharedParentReferences by which
// some row of the database e refers to no row, and how many rows do: what SQLite's
// foreign keys refuse and PostgreSQL's schema leaves to the writes. On SQLite it
// reads nothing.
func CheckReferences(ctx context.Context, e Engine) error {
	if e.Name != "postgres" {
		return nil
	}
	db, err := sql.Open("pgx", e.URL)
	if err != nil {
		return err
	}
	defer db.Close()
	// One statement counts the rows of every reference that name no parent.
	counts := make([]string, len(SharedParentReferences))
	for i, r := range SharedParentReferences {
		counts[i] = fmt.Sprintf(`SELECT %d, COUNT(*) FROM %s c WHERE c.%s IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM %s p WHERE p.%s = c.%s)`, i, r.Table, r.Column, r.Parent, r.ParentColumn, r.Column)
	}
	rows, err := db.QueryContext(ctx, strings.Join(counts, " UNION ALL "))
	if err != nil {
		return fmt.Errorf("check the references to shared parents: %w", err)
	}
	defer rows.Close()
	var dangling []string
	for rows.Next() {
		var i, n int64
		if err := rows.Scan(&i, &n); err != nil {
			return err
		}
		if r := SharedParentReferences[i]; n > 0 {
			dangling = append(dangling, fmt.Sprintf("%d rows of %s refer by %s to no row of %s", n, r.Table, r.Column, r.Parent))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(dangling) > 0 {
		return errors.New(strings.Join(dangling, "; "))
	}
	return nil
}

// checkReferencesAtEnd makes tb fail when it ends if CheckReferences finds a
// reference of the database e dangling, so every test that opens its database
// through Open checks whatever it wrote.
func checkReferencesAtEnd(tb testing.TB, e Engine) {
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := CheckReferences(ctx, e); err != nil {
			tb.Errorf("after the test: %v", err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountExternalKeyStaysUnique checks the external key's index, which holds
// only the accounts that have one: a key is still unique within a reseller and
// free across resellers, and any number of accounts have none. The manager's
// index, and this one, leave out the NULLs.
func TestAccountExternalKeyStaysUnique(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		child := mustReseller(t, db, root.ID, root.Path, "child")
		mustAccounts(t, db, root.ID, 3, func(i int) string { return fmt.Sprintf("No key %d", i) })
		create := func(rid int64, email, key string) error {
			a := &domain.Account{ResellerID: rid, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
				Name: email, Email: email, Status: domain.AccountStatusActive, Currency: "EUR", ExternalKey: key,
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
			return db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, a) })
		}
		if err := create(root.ID, "k1@example.com", "crm-1"); err != nil {
			t.Fatalf("first account with key crm-1: %v", err)
		}
		var u *store.ErrUnique
		if err := create(root.ID, "k2@example.com", "crm-1"); !errors.As(err, &u) ||
			u.Constraint != "accounts_reseller_external_key" {
			t.Fatalf("second account with key crm-1 of one reseller: err = %v, want ErrUnique on accounts_reseller_external_key", err)
		}
		if err := create(child.ID, "k3@example.com", "crm-1"); err != nil {
			t.Fatalf("key crm-1 at another reseller: %v", err)
		}
		if err := create(root.ID, "k4@example.com", ""); err != nil {
			t.Fatalf("one more account without a key: %v", err)
		}
		for index, column := range map[string]string{"accounts_reseller_external_key": "external_key",
			"accounts_manager_id": "manager_id"} {
			def := indexDefinition(t, db, e, index)
			// PostgreSQL puts the predicate in parentheses.
			bare := strings.NewReplacer("(", "", ")", "").Replace(def)
			if !strings.Contains(bare, "WHERE "+column+" IS NOT NULL") {
				t.Errorf("index %s holds the NULLs: %s", index, def)
			}
		}
	})
}

// indexDefinition returns the statement that defines index on engine e.
func indexDefinition(t *testing.T, db *store.DB, e storetest.Engine, index string) string {
	t.Helper()
	query := "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1"
	if e.Name == "postgres" {
		query = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1"
	}
	var def string
	err := db.InTx(context.Background(), func(c *store.Conn) error {
		return c.Row(context.Background(), query, []any{index}, &def)
	})
	if err != nil {
		t.Fatalf("definition of %s: %v", index, err)
	}
	return def
}

package service

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestCreateAccountAfterReferenceMoved checks account creates made while the types
// and classes held in memory are older than the database's (another process moved
// them): the create still succeeds, once, with its owner, and the counters stay
// exact. On PostgreSQL the create sent with the commit writes nothing then, and is
// run again. A taken external key is still a field error at its pointer.
func TestCreateAccountAfterReferenceMoved(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		change := func(email, key string) domain.AccountChange {
			typ, first, last := int64(2), "Ann", "Lee"
			c := domain.AccountChange{AccountTypeID: &typ, FirstName: &first, LastName: &last, Email: &email}
			if key != "" {
				c.ExternalKey = &key
			}
			return c
		}
		if _, err := s.CreateAccount(ctx, admin, domain.OperatorID, change("first@example.com", "k1")); err != nil {
			t.Fatalf("first create: %v", err)
		}
		driver, dsn := "pgx", e.URL
		if e.Name == "sqlite" {
			driver, dsn = "sqlite", strings.TrimPrefix(e.URL, "sqlite:")
		}
		other, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.ExecContext(ctx, `UPDATE cache_scopes SET generation = generation + 1 WHERE scope = 'reference'`); err != nil {
			t.Fatalf("move the reference data in another process: %v", err)
		}
		count := func() (accounts, owners int) {
			t.Helper()
			err := other.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts WHERE reseller_id = $1),
				(SELECT COUNT(*) FROM users WHERE reseller_id = $1 AND email = 'second@example.com')`,
				domain.OperatorID).Scan(&accounts, &owners)
			if err != nil {
				t.Fatal(err)
			}
			return accounts, owners
		}
		accountsBefore, _ := count()
		acc, err := s.CreateAccount(ctx, admin, domain.OperatorID, change("second@example.com", ""))
		if err != nil {
			t.Fatalf("create after the move: %v", err)
		}
		if acc.ID == 0 || acc.OwnerID == 0 || acc.Currency == "" {
			t.Fatalf("account %d owner %d currency %q", acc.ID, acc.OwnerID, acc.Currency)
		}
		if accounts, owners := count(); accounts != accountsBefore+1 || owners != 1 {
			t.Errorf("accounts %d→%d, users with the e-mail %d; want one more account and one user",
				accountsBefore, accounts, owners)
		}
		stored, err := db.Reader().FindAccountByID(ctx, acc.ID)
		if err != nil || stored.OwnerID != acc.OwnerID {
			t.Fatalf("stored %+v, %v; want owner %d", stored, err, acc.OwnerID)
		}
		_, err = s.CreateAccount(ctx, admin, domain.OperatorID, change("third@example.com", "k1"))
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.ErrInvalid || de.Pointer != domain.PtrAccount+"external_key" {
			t.Errorf("a taken external key: %v, want invalid at %sexternal_key", err, domain.PtrAccount)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

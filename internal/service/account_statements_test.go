package service

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountWriteStatements holds account writes to the statements their data
// needs, and on PostgreSQL to the round trips they make, so a new read or write in
// the path cannot come in unnoticed.
func TestAccountWriteStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		sales, _ := mgCreateManager(t, s, admin, domain.RoleSales)
		n := 0
		person := func() domain.AccountChange {
			n++
			typ, first, last, email := int64(2), "Ann", "Lee", fmt.Sprintf("ann%d@example.com", n)
			return domain.AccountChange{AccountTypeID: &typ, FirstName: &first, LastName: &last, Email: &email}
		}
		pg := e.Name == "postgres"
		counted := func(name string, f func() error) (statements, trips uint64) {
			t.Helper()
			before, tripsBefore := db.Statements(), db.RoundTrips()
			if err := f(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return db.Statements() - before, db.RoundTrips() - tripsBefore
		}
		// A statement a connection runs for the first time costs a round trip more,
		// to prepare it: run each case once on every connection of the pool first.
		warm := 16
		create := func(c domain.AccountChange) (acc *domain.Account, err error) {
			acc, err = s.CreateAccount(ctx, admin, domain.OperatorID, c)
			return acc, err
		}
		first, err := create(person()) // reads the reseller's path once, for good
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name         string
			want, wantPG uint64 // statements
			trips        uint64 // round trips on PostgreSQL
			run          func() error
		}{
			// The new owner, the account, its owner link, the accounts scope moved on,
			// which carries the accounts counter. Types and classes come from memory,
			// and the account's INSERT checks that they are current. On PostgreSQL all
			// four are one statement, sent with BEGIN and COMMIT in one round trip.
			{"CreateWithNewOwner", 4, 1, 1, func() error { _, err := create(person()); return err }},
			// Plus the manager; the named owner is read instead of written, and the
			// link is a statement of its own.
			{"CreateWithManagerAndOwner", 5, 5, 4, func() error {
				c := person()
				c.ManagerID, c.OwnerID = &sales.ID, &first.OwnerID
				_, err := create(c)
				return err
			}},
			// The locked account, the reference data's generation, the update, the
			// accounts scope moved on.
			{"Update", 4, 4, 4, func() error {
				c := person()
				_, err := s.UpdateAccount(ctx, admin, domain.OperatorID, first.ID, domain.AccountChange{
					AccountTypeID: c.AccountTypeID, City: c.Email})
				return err
			}},
			// The locked account, the generation; nothing changed: nothing written. On
			// SQLite nothing has committed since the last run, so the generation is
			// remembered (see store.Conn.Generation).
			{"UpdateUnchanged", 1, 2, 3, func() error {
				_, err := s.UpdateAccount(ctx, admin, domain.OperatorID, first.ID, domain.AccountChange{
					AccountTypeID: &first.AccountTypeID})
				return err
			}},
		} {
			for range warm {
				counted(tc.name, tc.run)
			}
			want := tc.want
			if pg {
				want = tc.wantPG
			}
			got, trips := counted(tc.name, tc.run)
			if got != want {
				t.Errorf("%s ran %d statements, want %d", tc.name, got, want)
			}
			if pg && trips != tc.trips {
				t.Errorf("%s made %d round trips, want %d", tc.name, trips, tc.trips)
			}
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountCreateExpectsReference checks that an account create relying on the
// reference data being at a generation (ExpectReference) writes only while it is:
// once another process sharing the database has moved it, the create writes nothing
// and says so, with an existing owner and with a new one; at the new generation or
// without an expectation it writes, and a missing reseller is still not found.
func TestAccountCreateExpectsReference(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "reference")
		gen, ok, err := db.Reader().Generation(ctx, store.ScopeReference)
		if err != nil || !ok {
			t.Fatalf("reference generation: ok=%t err=%v", ok, err)
		}
		n := 0
		// create runs one create in a transaction expecting generation expect.
		create := func(resellerID, expect int64, newOwner bool) error {
			n++
			a := &domain.Account{ResellerID: resellerID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
				Name: "Ref", Email: fmt.Sprintf("ref%d@example.com", n), Status: domain.AccountStatusActive,
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
			return db.InTx(ctx, func(c *store.Conn) error {
				c.ExpectReference(expect)
				if !newOwner {
					return c.CreateAccount(ctx, a)
				}
				u := &domain.User{ResellerID: resellerID, Email: a.Email, Status: domain.UserStatusActive,
					Timestamps: a.Timestamps}
				return c.CreateAccountWithOwner(ctx, a, u)
			})
		}
		for _, newOwner := range []bool{false, true} {
			if err := create(r.ID, gen, newOwner); err != nil {
				t.Fatalf("create at the current generation (new owner %t): %v", newOwner, err)
			}
		}

		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		var moved int64
		err = other.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, `UPDATE cache_scopes SET generation = generation + 1 WHERE scope = 'reference'
				RETURNING generation`, nil, &moved)
		})
		if err != nil || moved != gen+1 {
			t.Fatalf("move the reference data in another process: generation %d, err=%v", moved, err)
		}
		for _, newOwner := range []bool{false, true} {
			if err := create(r.ID, gen, newOwner); !errors.Is(err, store.ErrReferenceMoved) {
				t.Fatalf("create expecting a moved generation (new owner %t): err=%v, want ErrReferenceMoved", newOwner, err)
			}
			if err := create(r.ID, moved, newOwner); err != nil {
				t.Fatalf("create at the new generation (new owner %t): %v", newOwner, err)
			}
			if err := create(r.ID, 0, newOwner); err != nil {
				t.Fatalf("create without expectation (new owner %t): %v", newOwner, err)
			}
		}
		// (A new owner of a missing reseller fails earlier, on the user's reseller.)
		for _, expect := range []int64{0, moved} {
			if err := create(r.ID+1000, expect, false); domain.CodeOf(err) != domain.ErrNotFound {
				t.Fatalf("create for a missing reseller (expect %d): err=%v, want not found", expect, err)
			}
		}
		var accounts, links int
		err = db.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, `SELECT (SELECT COUNT(*) FROM accounts WHERE reseller_id = $1),
				(SELECT COUNT(*) FROM account_users au JOIN accounts a ON a.id = au.account_id
					WHERE a.reseller_id = $1 AND au.access_level = 'owner' AND au.user_id = a.owner_id)`,
				[]any{r.ID}, &accounts, &links)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Two creates before the move, two for each kind after it; the owner links
		// are the new owners' (CreateAccount leaves its link to the caller).
		if accounts != 6 || links != 3 {
			t.Fatalf("accounts=%d owner links=%d, want 6 and 3", accounts, links)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// userResellersMigration is the migration that gives every user one reseller.
const userResellersMigration = 7

// v6User inserts a user in the schema before userResellersMigration, where users
// had no reseller and e-mails were unique across the installation.
func v6User(t *testing.T, c *store.Conn, email string) int64 {
	t.Helper()
	var id int64
	err := c.Row(context.Background(), `INSERT INTO users (email, first_name, middle_name, last_name, status, created_at, updated_at)
		VALUES ($1, 'First', '', 'Last', 'active', 0, 0) RETURNING id`, []any{email}, &id)
	if err != nil {
		t.Fatalf("insert user %s: %v", email, err)
	}
	return id
}

// v6Account creates an account of reseller rid with the given Owner and technical
// contact (0 for none) and attaches the users of levels to it.
func v6Account(t *testing.T, c *store.Conn, rid, owner, tech int64, levels map[int64]domain.AccessLevel) *domain.Account {
	t.Helper()
	ctx := context.Background()
	a := &domain.Account{ResellerID: rid, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
		Name: "Customer", Email: "customer@example.com", Status: domain.AccountStatusActive, Currency: "EUR",
		OwnerID: owner, TechUserID: tech, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	// Written by hand: the store's CreateAccount also moves counters that the
	// schema of then has no table for.
	err := c.Row(ctx, `INSERT INTO accounts (reseller_id, account_type_id, account_class_key, name, name_folded,
		email, status, owner_id, tech_user_id, currency, created_at, updated_at)
		VALUES ($1, 1, 'default', $2, $3, $4, 'active', $5, $6, 'EUR', 0, 0) RETURNING id`,
		[]any{rid, a.Name, domain.Fold(a.Name), a.Email, nullID(owner), nullID(tech)}, &a.ID)
	if err != nil {
		t.Fatalf("create account of reseller %d: %v", rid, err)
	}
	for u, level := range levels {
		if err := c.AddAccountUser(ctx, a.ID, u, level, now); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// TestMigrationSplitsSharedUsers builds, in the schema before it, users attached to
// accounts of several resellers, and checks that the migration leaves each user in
// the reseller of its first account, gives every other reseller a copy, and re-points
// that reseller's owners, technical contacts, account users and login tokens to it.
func TestMigrationSplitsSharedUsers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := openBefore(t, e, userResellersMigration)
		root := mustReseller(t, db, 0, "", "root")
		a := mustReseller(t, db, root.ID, root.Path, "branch-a")
		b := mustReseller(t, db, root.ID, root.Path, "branch-b")

		var (
			shared, solo                int64
			accA, accB1, accB2, accRoot *domain.Account
			tokenA, tokenB1, tokenRoot  = []byte("token-a"), []byte("token-b1"), []byte("token-root")
		)
		err := db.InTx(ctx, func(c *store.Conn) error {
			shared, solo = v6User(t, c, "shared@example.com"), v6User(t, c, "solo@example.com")
			v6User(t, c, "orphan@example.com")
			accA = v6Account(t, c, a.ID, shared, shared, map[int64]domain.AccessLevel{shared: domain.AccessLevelOwner})
			accB1 = v6Account(t, c, b.ID, shared, 0, map[int64]domain.AccessLevel{
				shared: domain.AccessLevelOwner, solo: domain.AccessLevelAdmin})
			accB2 = v6Account(t, c, b.ID, shared, 0, map[int64]domain.AccessLevel{shared: domain.AccessLevelOwner})
			accRoot = v6Account(t, c, root.ID, solo, solo, map[int64]domain.AccessLevel{
				solo: domain.AccessLevelOwner, shared: domain.AccessLevelUser})
			for _, tok := range []struct {
				hash          []byte
				user, account int64
			}{{tokenA, shared, accA.ID}, {tokenB1, shared, accB1.ID}, {tokenRoot, solo, accRoot.ID}} {
				if err := c.CreateLoginToken(ctx, tok.hash, tok.user, tok.account, now.Add(domain.LoginTokenTTL), now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("migrate: %v", err)
		}
		if !slices.Contains(applied, userResellersMigration) {
			t.Fatalf("applied %v, want %d among them", applied, userResellersMigration)
		}

		r := db.Reader()
		// query reads one number after the migration.
		query := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.Row(ctx, q, args, &n) }); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		userIn := func(rid int64, email string) int64 {
			t.Helper()
			return query(`SELECT id FROM users WHERE reseller_id = $1 AND email = $2`, rid, email)
		}
		sharedB, sharedRoot := userIn(b.ID, "shared@example.com"), userIn(root.ID, "shared@example.com")
		soloRoot := userIn(root.ID, "solo@example.com")

		// The originals keep their ids in the reseller of their first account, each
		// other reseller has one copy with the same e-mail and names, and the user no
		// account referred to is gone.
		for _, want := range []struct {
			name     string
			id       int64
			reseller int64
			email    string
		}{
			{"shared", shared, a.ID, "shared@example.com"},
			{"solo", solo, b.ID, "solo@example.com"},
			{"shared in b", sharedB, b.ID, "shared@example.com"},
			{"shared in root", sharedRoot, root.ID, "shared@example.com"},
			{"solo in root", soloRoot, root.ID, "solo@example.com"},
		} {
			u, err := r.FindUserByID(ctx, want.id)
			if err != nil || u.ResellerID != want.reseller || u.Email != want.email || u.FirstName != "First" ||
				u.LastName != "Last" || u.Status != domain.UserStatusActive {
				t.Errorf("%s: %+v (err %v), want %s in reseller %d", want.name, u, err, want.email, want.reseller)
			}
		}
		// (SQLite may give the orphan's id to a copy, so it is looked for by e-mail.)
		if n := query(`SELECT COUNT(*) FROM users WHERE email = 'orphan@example.com'`); n != 0 {
			t.Errorf("%d users of no account, want them dropped", n)
		}
		if n := query(`SELECT COUNT(*) FROM users`); n != 5 {
			t.Errorf("%d users, want 2 originals and 3 copies", n)
		}

		// Every reference now stays within the account's reseller.
		for _, q := range []string{
			`SELECT COUNT(*) FROM accounts a JOIN users u ON u.id = a.owner_id WHERE u.reseller_id <> a.reseller_id`,
			`SELECT COUNT(*) FROM accounts a JOIN users u ON u.id = a.tech_user_id WHERE u.reseller_id <> a.reseller_id`,
			`SELECT COUNT(*) FROM account_users au JOIN accounts a ON a.id = au.account_id
				JOIN users u ON u.id = au.user_id WHERE u.reseller_id <> a.reseller_id`,
			`SELECT COUNT(*) FROM user_login_tokens t JOIN accounts a ON a.id = t.account_id
				JOIN users u ON u.id = t.user_id WHERE u.reseller_id <> a.reseller_id`,
		} {
			if n := query(q); n != 0 {
				t.Errorf("%s: %d, want 0", q, n)
			}
		}
		for _, want := range []struct {
			acc         *domain.Account
			owner, tech int64
			users       map[int64]domain.AccessLevel
		}{
			{accA, shared, shared, map[int64]domain.AccessLevel{shared: domain.AccessLevelOwner}},
			{accB1, sharedB, 0, map[int64]domain.AccessLevel{sharedB: domain.AccessLevelOwner, solo: domain.AccessLevelAdmin}},
			{accB2, sharedB, 0, map[int64]domain.AccessLevel{sharedB: domain.AccessLevelOwner}},
			{accRoot, soloRoot, soloRoot, map[int64]domain.AccessLevel{soloRoot: domain.AccessLevelOwner, sharedRoot: domain.AccessLevelUser}},
		} {
			got, err := r.FindAccountByID(ctx, want.acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.OwnerID != want.owner || got.TechUserID != want.tech {
				t.Errorf("account %d: owner %d tech %d, want %d and %d", got.ID, got.OwnerID, got.TechUserID, want.owner, want.tech)
			}
			for _, u := range []int64{shared, solo, sharedB, sharedRoot, soloRoot} {
				level, attached := want.users[u]
				n := query(`SELECT COUNT(*) FROM account_users WHERE account_id = $1 AND user_id = $2 AND access_level = $3`,
					got.ID, u, string(level))
				if attached != (n == 1) {
					t.Errorf("account %d user %d: %d rows, want attached %v as %q", got.ID, u, n, attached, level)
				}
			}
		}

		// The login tokens sign in the user of the token's account's reseller.
		for _, tok := range []struct {
			hash          []byte
			user, account int64
		}{{tokenA, shared, accA.ID}, {tokenB1, sharedB, accB1.ID}, {tokenRoot, soloRoot, accRoot.ID}} {
			var (
				u         *domain.User
				accountID int64
			)
			email := "shared@example.com"
			if tok.user == soloRoot {
				email = "solo@example.com"
			}
			err := db.InTx(ctx, func(c *store.Conn) (err error) {
				u, accountID, err = c.RedeemLoginToken(ctx, tok.hash, email, now)
				return err
			})
			if err != nil || u.ID != tok.user || accountID != tok.account {
				t.Errorf("token %s: user %+v account %d err %v, want user %d account %d", tok.hash, u, accountID, err,
					tok.user, tok.account)
			}
		}

		// From now on an e-mail is unique per reseller, and every user has a reseller.
		var dup *store.ErrUnique
		err = db.InTx(ctx, func(c *store.Conn) error {
			var id int64
			return c.Row(ctx, `INSERT INTO users (reseller_id, email, status, created_at, updated_at)
				VALUES ($1, 'shared@example.com', 'active', 0, 0) RETURNING id`, []any{b.ID}, &id)
		})
		if !errors.As(err, &dup) || dup.Constraint != "users_reseller_email" {
			t.Errorf("a second user with the e-mail in one reseller: err %v, want users_reseller_email taken", err)
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			var id int64
			return c.Row(ctx, `INSERT INTO users (email, status, created_at, updated_at)
				VALUES ('nobody@example.com', 'active', 0, 0) RETURNING id`, nil, &id)
		})
		if err == nil {
			t.Errorf("a user without a reseller was stored")
		}
	})
}

// nullID is id, or NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

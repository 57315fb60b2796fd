package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// accountBulkBatch is the number of rows per INSERT of InsertAccountsBulk. Bigger is
// not faster: SQLite looks each numbered parameter up in a list as long as the
// statement's parameters, so binding one statement costs the square of its size, and
// 500 rows (15,500 parameters) made seeding 100,000 accounts take over a minute, while
// 10 rows (310 parameters) keep it small next to the inserts themselves.
const accountBulkBatch = 10

// InsertAccountsBulk inserts many accounts with multi-row INSERTs; call it inside one
// transaction. It is for seeding (benchmarks, load tests). An account with an OwnerID
// (InsertOwnersBulk) is linked to that user as its owner, as a created account is;
// one without has no users, and no one can sign in to it. Their ids are not set on
// them.
func (c *Conn) InsertAccountsBulk(ctx context.Context, accounts []*domain.Account) error {
	const cols = accountInsertColumns + ` VALUES `
	var (
		sb   strings.Builder
		args []any
	)
	for start := 0; start < len(accounts); start += accountBulkBatch {
		batch := accounts[start:min(start+accountBulkBatch, len(accounts))]
		sb.Reset()
		sb.WriteString(cols)
		args = args[:0]
		owned := false
		for i, a := range batch {
			if i > 0 {
				sb.WriteString(", ")
			}
			owned = owned || a.OwnerID != 0
			v := accountRow(a)
			sb.WriteByte('(')
			for j := range v {
				if j > 0 {
					sb.WriteString(", ")
				}
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(len(args) + j + 1))
			}
			sb.WriteByte(')')
			args = append(args, v...)
		}
		var err error
		if owned {
			err = c.insertOwnedAccounts(ctx, sb.String(), args)
		} else {
			_, err = c.exec(ctx, sb.String(), args...)
		}
		if err != nil {
			return fmt.Errorf("insert accounts %d to %d: %w", start, start+len(batch), err)
		}
		for _, a := range batch {
			c.touch(AccountsScope(a.ResellerID))
		}
	}
	perReseller := map[int64]int{}
	for _, a := range accounts {
		perReseller[a.ResellerID]++
	}
	for id, n := range perReseller {
		if err := c.count(ctx, tallyAccounts, id, n); err != nil {
			return err
		}
	}
	return nil
}

// insertOwnedAccounts runs insert, a multi-row INSERT of accounts, and links each
// account that has an owner to it, from the rows the INSERT returns (in no defined
// order, so each row names its own owner).
func (c *Conn) insertOwnedAccounts(ctx context.Context, insert string, args []any) error {
	var links [][]any
	err := eachRow(ctx, c, insert+` RETURNING id, owner_id, created_at`, args, func(s scanner) error {
		var id, created int64
		var owner sql.NullInt64
		if err := s.Scan(&id, &owner, &created); err != nil || !owner.Valid {
			return err
		}
		links = append(links, []any{id, owner.Int64, string(domain.AccessLevelOwner),
			string(domain.UserStatusActive), created, created})
		return nil
	})
	if err != nil {
		return err
	}
	return c.insertMany(ctx, "account_users", "account_id, user_id, access_level, status, created_at, updated_at",
		links, "", nil, false)
}

// InsertOwnersBulk sets the OwnerID of each account to the user of its reseller and
// e-mail, as a created account's owner is, inserting those that do not exist (active,
// without a login) accountBulkBatch at a time; call it inside one transaction, before
// InsertAccountsBulk. It is for seeding.
func (c *Conn) InsertOwnersBulk(ctx context.Context, accounts []*domain.Account) error {
	type key struct {
		reseller int64
		email    string
	}
	ids := map[key]int64{}
	for start := 0; start < len(accounts); start += accountBulkBatch {
		var rows [][]any
		for _, a := range accounts[start:min(start+accountBulkBatch, len(accounts))] {
			k := key{a.ResellerID, a.Email}
			if _, seen := ids[k]; seen {
				continue // one statement may not insert or update one row twice
			}
			ids[k] = 0
			rows = append(rows, []any{a.ResellerID, a.Email, a.FirstName, a.MiddleName, a.LastName,
				string(domain.UserStatusActive), micros(a.CreatedAt), micros(a.CreatedAt)})
		}
		if len(rows) == 0 {
			continue
		}
		q, args := multiRowInsert("users", "reseller_id, email, first_name, middle_name, last_name, status, created_at, updated_at", rows)
		// A user the e-mail already names is the owner (the no-op update makes the
		// row answer RETURNING).
		q += ` ON CONFLICT (reseller_id, email) DO UPDATE SET updated_at = users.updated_at RETURNING id, reseller_id, email`
		err := eachRow(ctx, c, q, args, func(s scanner) error {
			var (
				k  key
				id int64
			)
			err := s.Scan(&id, &k.reseller, &k.email)
			ids[k] = id
			return err
		})
		if err != nil {
			return fmt.Errorf("insert owners: %w", err)
		}
	}
	for _, a := range accounts {
		if a.OwnerID = ids[key{a.ResellerID, a.Email}]; a.OwnerID == 0 {
			return fmt.Errorf("insert owners: no user for %s of reseller %d", a.Email, a.ResellerID)
		}
	}
	return nil
}

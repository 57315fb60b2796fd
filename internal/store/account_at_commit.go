package store

import (
	"errors"
	"math/rand/v2"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ErrAccountNotWritten is the error of a commit whose account create, sent with it
// (CreateAccountWithOwnerAtCommit), wrote nothing: the reseller is missing, the
// reference data moved, or the owner's e-mail belongs to a user the statement could
// not yet see. The transaction committed nothing of the create; running it again
// with CreateAccountWithOwner tells which it was and does what each needs.
var ErrAccountNotWritten = errors.New("account create sent with the commit wrote nothing")

// createAccountAtCommitSQL is createAccountWithOwnerSQL that also moves one shard
// ($40) of the reseller's accounts scope ($39), declaring the new account and
// counting it (the shard's n is the accounts counter, see countAccounts), as
// CreateAccountWithOwner's writes at the commit do. The move reads the account, so
// nothing is written without it; its row carries '1:' and the id, which the update
// reads back from excluded.
var createAccountAtCommitSQL = accountWithOwnerCTEs + `,
	moved AS (` + scopeMoveOf(Postgres, `SELECT $39, $40, 1, '1:' || CAST(a.id AS TEXT), 1, 1 FROM account a`,
	"substr(excluded.added, 3)") + ` RETURNING 1)
	SELECT a.id, a.currency, a.owner_id, a.owner_id FROM account a, moved`

// CreateAccountWithOwnerAtCommit is CreateAccountWithOwner sent with the commit,
// its scope move, which counts it, in the same statement: on PostgreSQL the create of an
// account with a new owner then costs one round trip, BEGIN, the statement and
// COMMIT in one batch. It must be the transaction's last write, and what it sets
// (a.ID, a.Currency, a.OwnerID, u.ID) is set only once the commit has returned. When
// the statement writes nothing the commit fails with ErrAccountNotWritten.
//
// It queues nothing and reports false where the form does not apply: on SQLite,
// without scopes, or in a transaction that already queued writes or touched scopes,
// whose rows would be taken after the scope here, out of the order every other
// writer takes them in.
func (c *Conn) CreateAccountWithOwnerAtCommit(a *domain.Account, u *domain.User) bool {
	if c.tx == nil || c.db.engine != Postgres || c.db.noScopes || c.db.oldCounts ||
		len(c.touched) > 0 || len(c.later) > 0 || len(c.first) > 0 || len(c.tallies) > 0 {
		return false
	}
	args := append(c.accountWithOwnerArgs(a, u),
		string(AccountsScope(a.ResellerID)), rand.IntN(scopeShards))
	c.first = append(c.first, statement{query: createAccountAtCommitSQL, args: args,
		dest: []any{&a.ID, &a.Currency, &a.OwnerID, &u.ID}, none: ErrAccountNotWritten})
	c.created = append(c.created, createdRow{a, micros(a.CreatedAt)})
	return true
}

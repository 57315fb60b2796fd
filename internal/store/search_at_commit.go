package store

import (
	"context"
	"database/sql"
	"errors"
)

// New accounts' names enter their FTS5 index with the commit of the write
// connection, not with their INSERT (SQLite migration 0044 says why): the INSERT's
// trigger notes the id in accounts_name_fts_pending, and every commit first indexes
// the noted accounts, as they then are, and empties the table. Because the commit
// that makes an account visible also indexes it, a search outside a write
// transaction always finds it; a search inside one does not find the accounts that
// transaction, or the group commit it is part of, created.

const (
	// CROSS JOIN keeps the noted ids the outer loop: a few rows, each finding its
	// account by id, where the planner, knowing nothing of the young table, would
	// rather read every account.
	indexNotedAccountsSQL = `INSERT INTO accounts_name_fts (rowid, name_folded)
		SELECT a.id, a.name_folded FROM accounts_name_fts_pending p CROSS JOIN accounts a ON a.id = p.id`
	forgetNotedAccountsSQL = `DELETE FROM accounts_name_fts_pending`
)

// indexNoted indexes the accounts the transaction noted and forgets them: one
// statement when it noted none, as most transactions do.
func (t *sqliteTx) indexNoted(ctx context.Context) error {
	res, err := t.exec(ctx, indexNotedAccountsSQL, nil)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	_, err = t.exec(ctx, forgetNotedAccountsSQL, nil)
	return err
}

// noteSearchSchema tells the pool whether the schema notes new accounts for their
// index (migration 0044 applied), so that its commits index them.
func (p *sqlitePool) noteSearchSchema(ctx context.Context) error {
	var one int
	err := p.read.QueryRowContext(ctx,
		`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts_name_fts_pending'`).Scan(&one)
	switch {
	case err == nil:
		p.indexAtCommit.Store(true)
	case errors.Is(err, sql.ErrNoRows):
		p.indexAtCommit.Store(false)
	default:
		return err
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
)

// New accounts' names enter their FTS5 index in batches, at a commit of the write
// connection, not with their INSERT (SQLite migration 0044 says why): the INSERT's
// trigger notes the id in accounts_name_fts_pending, and a commit that finds
// searchBatch or more ids noted first indexes those accounts, as they then are, and
// empties the table. Until then a search reads the noted accounts' names by LIKE
// (notedAccountsLike, in the "contains" condition of search.go), so every search,
// inside a write transaction or outside, finds exactly what LIKE on the folded names
// finds: a few rows more to read in a search, where indexing at every commit cost
// each commit an FTS5 segment of one or two names, and merges of those segments.

// searchBatch is how many noted accounts a commit waits for before it indexes them:
// one segment for that many names. A search reads at most searchBatch-1 of them by
// LIKE.
const searchBatch = 64

// fullBatchSQL answers a row when at least searchBatch accounts are noted.
var fullBatchSQL = `SELECT 1 FROM accounts_name_fts_pending LIMIT 1 OFFSET ` + strconv.Itoa(searchBatch-1)

const (
	// CROSS JOIN keeps the noted ids the outer loop: a few rows, each finding its
	// account by id, where the planner, knowing nothing of the young table, would
	// rather read every account.
	indexNotedAccountsSQL = `INSERT INTO accounts_name_fts (rowid, name_folded)
		SELECT a.id, a.name_folded FROM accounts_name_fts_pending p CROSS JOIN accounts a ON a.id = p.id`
	forgetNotedAccountsSQL = `DELETE FROM accounts_name_fts_pending`
	// notedAccountsLike is the part of a search that reads the noted accounts, not
	// yet in the index, whose folded name is LIKE the pattern %s stands for (a
	// placeholder). CROSS JOIN keeps the noted ids the outer loop, as above.
	notedAccountsLike = `SELECT n.id FROM accounts_name_fts_pending p CROSS JOIN accounts n ON n.id = p.id
		WHERE n.name_folded LIKE %s ESCAPE '\'`
)

// indexNoted indexes the noted accounts and forgets them once searchBatch or more
// are noted; otherwise it leaves them to a later commit: one statement.
func (t *sqliteTx) indexNoted(ctx context.Context) error {
	rows, err := t.query(ctx, fullBatchSQL, nil)
	if err != nil {
		return err
	}
	full := rows.Next()
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || !full {
		return err
	}
	return indexAllNoted(ctx, t)
}

// indexAllNoted indexes every noted account in tx and forgets them.
func indexAllNoted(ctx context.Context, tx interface {
	exec(ctx context.Context, query string, args []any) (result, error)
}) error {
	if _, err := tx.exec(ctx, indexNotedAccountsSQL, nil); err != nil {
		return err
	}
	_, err := tx.exec(ctx, forgetNotedAccountsSQL, nil)
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

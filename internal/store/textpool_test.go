package store

import "context"

// RunTextInTransactions makes db's write transactions on SQLite run each SQL text
// unprepared, as the store did before it kept their statements prepared on the write
// connection, so that a benchmark can measure both in one run.
func RunTextInTransactions(db *DB) {
	if p, ok := db.pool.(*sqlitePool); ok {
		db.pool = textPool{p}
	}
}

// textPool is a sqlitePool whose transactions are textTx.
type textPool struct{ *sqlitePool }

// begin takes the write turn as sqlitePool does, which the transaction's end gives
// back.
func (p textPool) begin(ctx context.Context) (txn, error) {
	tx, err := p.sqlitePool.begin(ctx)
	if err != nil {
		return nil, err
	}
	return textTx{tx.(*sqliteMember)}, nil
}

// textTx runs SQL texts on the transaction without a statement.
type textTx struct{ *sqliteMember }

func (t textTx) exec(ctx context.Context, query string, args []any) (result, error) {
	res, err := t.tx.tx.ExecContext(ctx, rebind(query), args...)
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (t textTx) query(ctx context.Context, query string, args []any) (rows, error) {
	rows, err := t.tx.tx.QueryContext(ctx, rebind(query), args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// readPart is one read of several sent together (readTogether): its statement,
// and each, given every row it answers in turn.
type readPart struct {
	query string
	args  []any
	each  func(scanner) error
}

// readTogether runs parts, reads none of which needs another's answer, in order.
// On PostgreSQL they go as one batch, in one round trip where each would take its
// own: on the read pool, where the server runs them one after the other, so a
// part sees every commit an earlier one saw; in a transaction, with the
// statements queued to go ahead of its next one (Conn.along). On SQLite, where a
// statement costs no round trip, they run one by one.
func (c *Conn) readTogether(ctx context.Context, parts ...readPart) error {
	var br pgx.BatchResults
	switch p := c.db.pool.(type) {
	case *pgxPool:
		stmts := make([]statement, len(parts))
		for i, part := range parts {
			c.db.statements.counted()
			stmts[i] = statement{query: part.query, args: part.args}
		}
		if t, ok := c.tx.(*pgxTx); ok {
			var err error
			if br, err = t.sendAll(ctx, stmts...); err != nil {
				return translate(err)
			}
			break
		}
		b := &pgx.Batch{}
		for _, s := range stmts {
			b.Queue(s.query, s.args...)
		}
		p.roundTrips.Add(1)
		br = p.pool.SendBatch(ctx, b)
	default:
		for _, part := range parts {
			if err := eachRow(ctx, c, part.query, part.args, part.each); err != nil {
				return err
			}
		}
		return nil
	}
	for i, part := range parts {
		if err := readBatchPart(br, part); err != nil {
			_ = br.Close()
			return fmt.Errorf("read %d of %d together: %w", i+1, len(parts), translate(err))
		}
	}
	return translate(br.Close())
}

// readBatchPart hands each row of part's answer in br to part.each.
func readBatchPart(br pgx.BatchResults, part readPart) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := part.each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

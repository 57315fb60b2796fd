package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// writeTuple writes the placeholders of one row of a multi-row VALUES list to sb:
// "($first, ..., $first+n-1)", after a comma unless it is the first row (the rows
// being the statement's only parameters, the first starts at $1).
func writeTuple(sb *strings.Builder, first, n int) {
	if first > 1 {
		sb.WriteString(", ")
	}
	sb.WriteByte('(')
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(first + i))
	}
	sb.WriteByte(')')
}

// bulkRows is how many rows one multi-row INSERT of a batch carries. SQLite binds a
// numbered parameter by looking it up in a list as long as the statement's
// parameters, so a statement's binding costs the square of its size there: small
// statements (prepared once, since every full one has the same text) are faster.
// PostgreSQL parses one long statement in one round trip.
func (c *Conn) bulkRows() int {
	if c.db.engine == SQLite {
		return 16
	}
	return 250
}

// insertMany inserts rows (each len(cols) values) into table with multi-row INSERTs
// of bulkRows rows. With returning, each statement returns those columns, which
// scan reads row by row. Without, the statements run at once, or with later they
// are queued for the commit (execLater), since nothing reads their answers.
func (c *Conn) insertMany(ctx context.Context, table, cols string, rows [][]any, returning string,
	scan func(scanner) error, later bool) error {
	for start := 0; start < len(rows); start += c.bulkRows() {
		q, args := multiRowInsert(table, cols, rows[start:min(start+c.bulkRows(), len(rows))])
		switch {
		case returning == "" && later:
			if err := c.execLater(q, args...); err != nil {
				return err
			}
			continue
		case returning == "":
			if _, err := c.exec(ctx, q, args...); err != nil {
				return fmt.Errorf("insert into %s: %w", table, err)
			}
			continue
		}
		if err := eachRow(ctx, c, q+" RETURNING "+returning, args, scan); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// insertAlong is insertMany for rows whose INSERTs nobody needs the answers of
// before the transaction's next statement: they go along with it (Conn.along).
func (c *Conn) insertAlong(ctx context.Context, table, cols string, rows [][]any) error {
	for start := 0; start < len(rows); start += c.bulkRows() {
		q, args := multiRowInsert(table, cols, rows[start:min(start+c.bulkRows(), len(rows))])
		if err := c.along(ctx, statement{query: q, args: args}); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// multiRowInsert is the INSERT of rows into table's cols, one statement.
func multiRowInsert(table, cols string, rows [][]any) (string, []any) {
	var (
		sb   strings.Builder
		args []any
	)
	sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
	for _, r := range rows {
		writeTuple(&sb, len(args)+1, len(r))
		args = append(args, r...)
	}
	return sb.String(), args
}

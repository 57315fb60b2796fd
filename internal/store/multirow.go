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
		chunk := rows[start:min(start+c.bulkRows(), len(rows))]
		var (
			sb   strings.Builder
			args []any
		)
		sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		for _, r := range chunk {
			writeTuple(&sb, len(args)+1, len(r))
			args = append(args, r...)
		}
		switch {
		case returning == "" && later:
			if err := c.execLater(sb.String(), args...); err != nil {
				return err
			}
			continue
		case returning == "":
			if _, err := c.exec(ctx, sb.String(), args...); err != nil {
				return fmt.Errorf("insert into %s: %w", table, err)
			}
			continue
		}
		if err := eachRow(ctx, c, sb.String()+" RETURNING "+returning, args, scan); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

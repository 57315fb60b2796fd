package store

import (
	"context"
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
// transaction. It is for seeding (benchmarks, load tests): the accounts get no users,
// so no Owner (OwnerID stays 0) and no login, and their ids are not set on them.
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
		for i, a := range batch {
			if i > 0 {
				sb.WriteString(", ")
			}
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
		if _, err := c.exec(ctx, sb.String(), args...); err != nil {
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

package store

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Counters of rows per reseller (table list_counts), which answer the total of an
// unfiltered list without counting its rows. Each write that adds or removes a
// counted row moves its reseller's counter in the write's own transaction, so the
// counters are exactly as current as the rows. A reseller's counter of one kind is
// spread over tallySlots rows, each write moving one chosen at random: concurrent
// writes for one reseller on PostgreSQL then rarely wait for each other's row lock,
// and a read sums at most tallySlots rows.

// tallySlots is the number of rows a counter is spread over.
const tallySlots = 16

// The counted kinds, each named after the table whose rows it counts by their
// reseller_id.
const (
	tallyAccounts     = "accounts"
	tallyManagers     = "managers"
	tallyManagerRoles = "manager_roles"
	tallyPlans        = "plans"
	// Orders, subscriptions and payments (migration 0015).
	tallyOrders        = "orders"
	tallySubscriptions = "subscriptions"
	tallyPayments      = "payments"
)

// talliedKinds are the counted kinds; CheckListCounts compares each with its table.
var talliedKinds = []string{tallyAccounts, tallyManagers, tallyManagerRoles, tallyPlans,
	tallyOrders, tallySubscriptions, tallyPayments, tallyInvoices}

// tally names the counters of one list's scope: the rows of kind that belong to
// one reseller, to every reseller strictly below the path below, or to the reseller
// at the path within and every reseller below it.
type tally struct {
	kind     string
	reseller int64
	below    string
	within   string
}

// accountCountsMigration is the migration from which the accounts counters are in
// cache_scopes.
const accountCountsMigration = 42

// inScopes tells whether the counter of kind lives in its scope's rows.
func (c *Conn) inScopes(kind string) bool { return kind == tallyAccounts && !c.db.oldCounts }

// tallied returns the number of rows t counts. One reseller costs an index range
// of tallySlots rows; a subtree costs that for each of its resellers, found through
// the path index: proportional to the resellers below, not to their rows.
func (c *Conn) tallied(ctx context.Context, t tally) (int, error) {
	b := c.builder()
	b.cond("lc.kind = %s", t.kind)
	from := "FROM list_counts lc"
	switch {
	case t.below != "":
		from = "FROM resellers r JOIN list_counts lc ON lc.reseller_id = r.id"
		b.subtree("r.path", t.below, true)
	case t.within != "":
		from = "FROM resellers r JOIN list_counts lc ON lc.reseller_id = r.id"
		b.subtree("r.path", t.within, false)
	default:
		b.cond("lc.reseller_id = %s", t.reseller)
	}
	if c.inScopes(t.kind) {
		b = c.builder()
		from = "FROM cache_scopes lc"
		switch {
		case t.below != "" || t.within != "":
			// The scope's name from the reseller's id, one key range a reseller.
			from = "FROM resellers r JOIN cache_scopes lc ON lc.scope = 'accounts:' || CAST(r.id AS TEXT)"
			b.subtree("r.path", t.below+t.within, t.below != "")
		default:
			b.cond("lc.scope = %s", string(AccountsScope(t.reseller)))
		}
	}
	var n int64
	if err := c.row(ctx, "SELECT COALESCE(CAST(SUM(lc.n) AS BIGINT), 0) "+from+b.whereSQL(), b.args, &n); err != nil {
		return 0, fmt.Errorf("count %s: %w", t.kind, err)
	}
	return int(n), nil
}

// count moves the counter of kind of the reseller by delta, in the transaction of
// the write that adds (or removes) the rows, just before it commits: the moves of a
// transaction are summed by counter and written by one statement (tallyMoves).
func (c *Conn) count(ctx context.Context, kind string, resellerID int64, delta int) error {
	if c.inScopes(kind) {
		return c.countAccounts(resellerID, delta)
	}
	if c.tx == nil {
		return fmt.Errorf("count %s of reseller %d: write outside a transaction", kind, resellerID)
	}
	if c.tallies == nil {
		c.tallies = make(map[tallyKey]int)
	}
	c.tallies[tallyKey{resellerID, kind}] += delta
	return nil
}

// tallyKey names one counter: a kind of one reseller's rows.
type tallyKey struct {
	reseller int64
	kind     string
}

// tallyMoves returns the statements that move the counters the transaction
// counted, each in one of its slots chosen at random: one statement for up to
// tallyMovesPerStatement counters, none when nothing moves. The counters go in the
// order of their keys, so that two transactions that move the same ones take their
// rows in the same order.
func (c *Conn) tallyMoves() []statement {
	keys := make([]tallyKey, 0, len(c.tallies))
	for k, delta := range c.tallies {
		if delta != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.reseller, b.reseller), strings.Compare(a.kind, b.kind))
	})
	var out []statement
	for part := range slices.Chunk(keys, tallyMovesPerStatement) {
		rows := make([][]any, len(part))
		for i, k := range part {
			rows[i] = []any{k.reseller, k.kind, rand.IntN(tallySlots), c.tallies[k]}
		}
		q, args := multiRowInsert("list_counts", "reseller_id, kind, slot, n", rows)
		out = append(out, statement{query: q + ` ON CONFLICT (reseller_id, kind, slot) DO UPDATE SET n = list_counts.n + excluded.n`,
			args: args})
	}
	return out
}

// tallyMovesPerStatement bounds the counters one statement of tallyMoves moves, and
// so its parameters, far below either engine's limit.
const tallyMovesPerStatement = 100

// countAccounts moves the accounts counter of the reseller by delta with the move
// of its accounts scope at the commit (scopeMoves), touching the scope if the
// write did not: a counted change is a change of the scope.
func (c *Conn) countAccounts(resellerID int64, delta int) error {
	if c.tx == nil {
		return fmt.Errorf("count accounts of reseller %d: write outside a transaction", resellerID)
	}
	s := AccountsScope(resellerID)
	if c.counted == nil {
		c.counted = make(map[Scope]int64, 1)
	}
	c.counted[s] += int64(delta)
	if _, ok := c.touched[s]; !ok {
		c.touch(s)
	}
	return nil
}

// CheckListCounts compares every counter with a count of the rows it stands for
// and reports each reseller and kind where they differ; nil when all agree. It
// reads every counted row: a tool for tests and operators, not for requests.
func (db *DB) CheckListCounts(ctx context.Context) error {
	c := db.Reader()
	var problems []string
	for _, kind := range talliedKinds {
		counted := map[int64]int64{}
		err := eachRow(ctx, c, "SELECT reseller_id, COUNT(*) FROM "+kind+" GROUP BY reseller_id", nil,
			func(s scanner) error {
				var id, n int64
				err := s.Scan(&id, &n)
				counted[id] = n
				return err
			})
		if err != nil {
			return fmt.Errorf("check %s counters: %w", kind, err)
		}
		q, arg := `SELECT reseller_id, CAST(SUM(n) AS BIGINT) FROM list_counts WHERE kind = $1
			GROUP BY reseller_id`, kind
		if c.inScopes(kind) {
			q, arg = `SELECT CAST(substr(scope, 10) AS BIGINT), CAST(SUM(n) AS BIGINT) FROM cache_scopes
			WHERE scope LIKE $1 GROUP BY scope`, "accounts:%"
		}
		err = eachRow(ctx, c, q, []any{arg}, func(s scanner) error {
			var id, n int64
			if err := s.Scan(&id, &n); err != nil {
				return err
			}
			if counted[id] != n {
				problems = append(problems, fmt.Sprintf("%s of reseller %d: counter %d, rows %d", kind, id, n, counted[id]))
			}
			delete(counted, id)
			return nil
		})
		if err != nil {
			return fmt.Errorf("check %s counters: %w", kind, err)
		}
		for id, n := range counted {
			problems = append(problems, fmt.Sprintf("%s of reseller %d: no counter, rows %d", kind, id, n))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("list counters differ from the rows: %v", problems)
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit on SQLite. Committing is most of what a small write transaction
// costs there: the WAL frames of every page it dirtied, and a new segment for each
// FTS5 index it wrote. Write transactions that queue for the one write connection
// therefore share one SQLite transaction, which commits once for all of them:
//
//   - The first member of a group begins the SQLite transaction; each later one
//     runs inside a SAVEPOINT of its own, so its failure rolls back its own work
//     alone (the first has no savepoint: when it fails there is nothing else to
//     roll back, and the whole transaction goes).
//   - A member that has done its work (its statements, its queued writes, its
//     savepoint released) waits for the group's COMMIT and returns only once it has
//     the COMMIT's outcome: nobody is answered before the work is durable, and a
//     failed COMMIT fails every member.
//   - The member that ends its turn commits the group unless another transaction is
//     already waiting for the turn (it then joins the group) and the group is not
//     full (maxGroup members). A lone writer thus commits at once, as before;
//     concurrent writers commit about once per turn of the queue.
//
// Members run one after the other on the connection, in the order they queued (the
// turn), and each sees what the earlier ones wrote, as it would have seen it
// committed a moment before. What a transaction reads of a scope an earlier member
// touched is not yet committed, so it is not cached (see Conn.Generation).
// Statements of a member run without its cancellation, which would interrupt SQLite
// and roll back every member: a member whose context ends fails at its next
// statement instead.

// maxGroup bounds the members of one group commit, so that the first member of a
// busy queue does not wait for many others before its answer.
const maxGroup = 16

// memberSavepoint names the savepoint of a member after the first.
const memberSavepoint = "cascade_member"

// writeGroup is the state of the group commit of a pool. The member holding the
// turn owns batch; mu guards what goroutines without the turn read or change.
type writeGroup struct {
	mu           sync.Mutex
	waiting      int          // goroutines waiting for the turn
	batch        *sqliteTx    // the open SQLite transaction, or nil
	members      []chan error // members done with their work, waiting for the COMMIT
	touched      map[Scope]bool
	commits      atomic.Uint64 // COMMITs made
	transactions atomic.Uint64 // members begun
}

// begin takes the write turn and starts a member of the open group, or a new group.
func (p *sqlitePool) begin(ctx context.Context) (txn, error) {
	g := &p.group
	g.mu.Lock()
	g.waiting++
	g.mu.Unlock()
	if err := p.writeWaits.take(ctx, p.turn); err != nil {
		g.mu.Lock()
		g.waiting--
		open := g.batch != nil
		g.mu.Unlock()
		if open {
			// The member before may have left the group open for this one: take
			// the turn regardless, to commit it if nobody else is coming.
			p.turn <- struct{}{}
			p.tookTurn()
			p.settle(ctx)
		}
		return nil, err
	}
	p.tookTurn()
	g.mu.Lock()
	g.waiting--
	g.mu.Unlock()
	if g.batch == nil {
		tx, err := p.write.BeginTx(context.Background(), nil) // members' contexts end at other times
		if err != nil {
			p.giveTurn()
			return nil, err
		}
		g.transactions.Add(1)
		batch := &sqliteTx{pool: p, tx: tx}
		// Under mu: a waiter whose context ended reads batch without the turn.
		g.mu.Lock()
		g.batch = batch
		g.mu.Unlock()
		return &sqliteMember{pool: p, tx: batch, first: true}, nil
	}
	m := &sqliteMember{pool: p, tx: g.batch}
	if _, err := g.batch.exec(context.Background(), "SAVEPOINT "+memberSavepoint, nil); err != nil {
		p.failGroup(ctx, err)
		p.giveTurn()
		return nil, err
	}
	g.transactions.Add(1)
	return m, nil
}

// settle ends the turn of the member holding it, which has finished: it leaves the
// group open for the transaction waiting for the turn, or commits it and hands every
// member the outcome. It gives the turn back.
func (p *sqlitePool) settle(ctx context.Context) {
	g := &p.group
	g.mu.Lock()
	if g.batch == nil || (g.waiting > 0 && len(g.members) < maxGroup) {
		g.mu.Unlock()
		p.giveTurn()
		return
	}
	batch, members := g.batch, g.members
	g.batch, g.members, g.touched = nil, nil, nil
	g.mu.Unlock()
	g.commits.Add(1)
	err := batch.commit(context.WithoutCancel(ctx))
	p.giveTurn()
	if err == nil && p.checkpoints != nil {
		p.checkpoints.committed(len(members) == 1)
	}
	for _, ch := range members {
		ch <- err
	}
}

// failGroup rolls back the open group after its transaction broke (SQLite rolled it
// back itself, or a savepoint could not be set or undone) and fails every member
// waiting for its COMMIT with cause. The caller holds the turn and keeps it.
func (p *sqlitePool) failGroup(ctx context.Context, cause error) {
	g := &p.group
	g.mu.Lock()
	batch, members := g.batch, g.members
	g.batch, g.members, g.touched = nil, nil, nil
	g.mu.Unlock()
	if batch != nil {
		batch.rollback(context.WithoutCancel(ctx))
	}
	err := fmt.Errorf("a transaction committing in the same group failed: %w", cause)
	for _, ch := range members {
		ch <- err
	}
}

// sqliteMember is one write transaction of a group commit.
type sqliteMember struct {
	pool  *sqlitePool
	tx    *sqliteTx // the group's SQLite transaction
	first bool      // began the group, without a savepoint
	done  bool      // rolled back, or handed to the group's COMMIT
}

// run returns the context for a statement of the member: ctx without its
// cancellation, or ctx's error when it has ended.
func run(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

func (m *sqliteMember) exec(ctx context.Context, query string, args []any) (result, error) {
	ctx, err := run(ctx)
	if err != nil {
		return nil, err
	}
	return m.tx.exec(ctx, query, args)
}

func (m *sqliteMember) query(ctx context.Context, query string, args []any) (rows, error) {
	ctx, err := run(ctx)
	if err != nil {
		return nil, err
	}
	return m.tx.query(ctx, query, args)
}

func (m *sqliteMember) execAll(ctx context.Context, stmts []statement) error {
	for _, s := range stmts {
		if _, err := m.exec(ctx, s.query, s.args); err != nil {
			return err
		}
	}
	return nil
}

func (m *sqliteMember) script(ctx context.Context, sql string) error {
	ctx, err := run(ctx)
	if err != nil {
		return err
	}
	return m.tx.script(ctx, sql)
}

// commitAfter runs stmts, releases the member's savepoint, and waits for the
// group's COMMIT, which it makes itself when nobody is waiting to join.
func (m *sqliteMember) commitAfter(ctx context.Context, stmts []statement) error {
	if err := m.execAll(ctx, stmts); err != nil {
		return err
	}
	if !m.first {
		if _, err := m.tx.exec(context.Background(), "RELEASE "+memberSavepoint, nil); err != nil {
			return err
		}
	}
	m.done = true
	outcome := make(chan error, 1)
	g := &m.pool.group
	g.mu.Lock()
	g.members = append(g.members, outcome)
	g.mu.Unlock()
	m.pool.settle(ctx)
	return <-outcome
}

// rollback undoes the member's work: the whole transaction for the first member,
// its savepoint for the others, after which the group goes on with the members
// before it.
func (m *sqliteMember) rollback(ctx context.Context) error {
	if m.done {
		return nil
	}
	m.done = true
	p := m.pool
	if m.first {
		p.group.mu.Lock()
		p.group.batch, p.group.touched = nil, nil
		p.group.mu.Unlock()
		err := m.tx.rollback(context.WithoutCancel(ctx))
		p.giveTurn()
		return err
	}
	_, err := m.tx.exec(context.Background(), "ROLLBACK TO "+memberSavepoint, nil)
	if err == nil {
		_, err = m.tx.exec(context.Background(), "RELEASE "+memberSavepoint, nil)
	}
	if err != nil {
		p.failGroup(ctx, err)
		p.giveTurn()
		return err
	}
	p.settle(ctx)
	return nil
}

// touchedBefore reports whether a member before this one in the group touched
// scope: its change is written but not committed yet.
func (m *sqliteMember) touchedBefore(scope Scope) bool {
	g := &m.pool.group
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.touched[scope]
}

// touches records the scopes the member touched, for the members after it; the
// caller holds the turn.
func (m *sqliteMember) touches(scopes map[Scope]bool) {
	if len(scopes) == 0 {
		return
	}
	g := &m.pool.group
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.touched == nil {
		g.touched = make(map[Scope]bool)
	}
	for s := range scopes {
		g.touched[s] = true
	}
}

var _ groupMember = (*sqliteMember)(nil)

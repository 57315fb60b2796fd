package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Conn runs queries either on the read pool or inside one write transaction. Every
// query method of the store hangs off Conn, so the same code serves both.
type Conn struct {
	db *DB
	tx txn // nil on the read pool

	catalogLocked bool // the transaction took LockCatalogs
	// forUpdate holds the rows the transaction read for update (see lock.go); an
	// update of any other row is refused.
	forUpdate map[lockedRow]bool
	// touched holds the scopes whose generations the transaction moves on as it
	// commits (see scope.go); accountResellers the reseller of each account it
	// created, so that writes about them know the scope without asking.
	touched          map[Scope]bool
	accountResellers map[int64]int64
	// created holds the accounts it created with their creation times as written,
	// which the DB remembers once it has committed (see createdAccounts); those
	// sent with the commit (CreateAccountWithOwnerAtCommit) get their ids only then.
	created []createdRow
	// declared holds, by scope, the ids of the subscriptions the transaction added
	// and, negated, of those it changed, which the scope's move declares (see
	// touchSubscriptionAdded); madeSubscriptions the subscriptions it created.
	declared          map[Scope][]int64
	madeSubscriptions map[int64]bool
	// sale holds the ids ReserveSaleIDs took, once the server has answered.
	sale saleIDs
	// counted holds, by accounts scope, how far the transaction moves its reseller's
	// accounts counter, which the scope's move carries (see countAccounts).
	counted map[Scope]int64
	// later holds writes whose answers nobody needs before the commit (counters,
	// links of new rows, the claim of a worker's next job, whose answer its callback
	// reads), sent with the scope moves just before the commit: on PostgreSQL one
	// round trip for all of them instead of one each.
	later []statement
	// first holds writes sent with the commit ahead of those in later, whose rows
	// the commit scans (see CreateNumberedOrderAtCommit).
	first []statement
	// tallies holds how far the transaction moves each list counter, written after
	// later in one statement (see count).
	tallies map[tallyKey]int
	// referenceGen is the generation of ScopeReference the transaction's account
	// creates rely on (ExpectReference); 0 for none.
	referenceGen int64
	// catalogGen is the generation of ScopeCatalog the transaction's sales rely on
	// (ExpectCatalog); 0 for none.
	catalogGen int64
	// resources holds the subscription resources as the transaction last read them
	// under their subscription's lock or wrote them, by id, so an update writes only
	// those that changed (see UpdateSubscription).
	resources map[int64]resourceRow
	// planTerms holds the billing type and service-term settings of the plans the
	// caller read them for (HoldPlanTerms), by plan id.
	planTerms map[int64]heldTerms
	// readRows holds the updatable state of the orders and subscriptions the
	// transaction read under their locks or last wrote, so an update writes only the
	// columns that changed (see row_changes.go).
	readRows map[lockedRow][]any
	// enqueued counts the jobs the transaction wrote or put back in the queue
	// (EnqueuedJobs), so its caller wakes the job runner only when there is
	// something to run.
	enqueued int
	// handed holds the jobs the transaction wrote leased to a worker it reserved
	// (job_handoff.go), started or freed as it ends.
	handed []handedJob
	// onCommit holds what runs once the transaction has committed (AfterCommit).
	onCommit []func()
}

// Reader returns a Conn on the read pool.
func (db *DB) Reader() *Conn { return &Conn{db: db} }

// InTx runs fn in one write transaction, committing when fn returns nil and rolling
// back otherwise. On SQLite the transaction may commit together with others that
// queued for the write connection at the same time (see pool_sqlite_group.go); InTx
// returns once the commit is done, with its outcome.
func (db *DB) InTx(ctx context.Context, fn func(*Conn) error) (err error) {
	tx, err := db.pool.begin(ctx)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.rollback(ctx)
			panic(p)
		}
		if err != nil {
			tx.rollback(ctx)
		}
	}()
	c := &Conn{db: db, tx: tx}
	// The workers reserved for the jobs the transaction wrote start them once it has
	// committed, and are freed otherwise (a panic included).
	committed := false
	defer func() {
		c.settleHandoffs(committed)
		if committed {
			for _, f := range c.onCommit {
				f()
			}
		}
	}()
	if err = fn(c); err != nil {
		return err
	}
	if m, ok := tx.(groupMember); ok {
		m.touches(c.touched)
	}
	returned := c.committingCreated()
	defer func() { returned(committed) }()
	if err = tx.commitAfter(ctx, c.pending()); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	committed = true
	return nil
}

// AfterCommit has f run once the transaction has committed, and never if it does
// not: for what the caller may believe only of committed changes.
func (c *Conn) AfterCommit(f func()) {
	c.onCommit = append(c.onCommit, f)
}

// execLater queues a write to run just before the transaction commits, with the
// others queued and the scope moves (see pending). Only a write that cannot fail on
// the data (a counter, the link of a row the transaction made) belongs here: its
// error would fail the commit, far from the call that caused it.
func (c *Conn) execLater(query string, args ...any) error {
	if c.tx == nil {
		return errors.New("store: write outside a transaction")
	}
	c.later = append(c.later, statement{query: query, args: args})
	return nil
}

// along runs s, a statement whose answer nobody needs before the transaction's
// next statement returns: on PostgreSQL it goes in that statement's round trip
// (or the commit's), ahead of it; elsewhere, where statements cost no round trip,
// it runs at once. A row s returns is scanned into s.dest (s.none, when set, is
// the error of no row), or every row handed to s.each.
func (c *Conn) along(ctx context.Context, s statement) error {
	if c.tx == nil {
		return errors.New("store: write outside a transaction")
	}
	if t, ok := c.tx.(*pgxTx); ok {
		c.db.statements.counted()
		t.sendAhead(s)
		return nil
	}
	if s.each != nil {
		return eachRow(ctx, c, s.query, s.args, s.each)
	}
	if s.dest != nil {
		err := c.row(ctx, s.query, s.args, s.dest...)
		if s.none != nil && errors.Is(err, sql.ErrNoRows) {
			return s.none
		}
		return err
	}
	_, err := c.exec(ctx, s.query, s.args...)
	return err
}

// pending returns the queued writes followed by the list counters' and the scope
// moves, which the commit sends ahead of itself: on PostgreSQL in the same round
// trip. The writes in first go before all others, so the rows they lock are taken
// in the same order as when they are written at once.
func (c *Conn) pending() []statement {
	stmts := append(append(append(c.first, c.later...), c.tallyMoves()...), c.scopeMoves()...)
	for range stmts {
		c.db.statements.counted()
	}
	return stmts
}

// Engine returns the engine the Conn talks to.
func (c *Conn) Engine() Engine { return c.db.engine }

func (c *Conn) exec(ctx context.Context, query string, args ...any) (result, error) {
	if c.tx == nil {
		return nil, errors.New("store: write outside a transaction")
	}
	c.db.statements.counted()
	res, err := c.tx.exec(ctx, query, args)
	return res, translate(err)
}

func (c *Conn) query(ctx context.Context, query string, args ...any) (rows, error) {
	c.db.statements.counted()
	if c.tx != nil {
		rows, err := c.tx.query(ctx, query, args)
		return rows, translate(err)
	}
	rows, err := c.db.pool.query(ctx, query, args)
	return rows, translate(err)
}

// lookupCtx returns the context for a lookup of one row by key on the read pool. Such
// a query takes microseconds, less than watching a cancellable context costs:
// database/sql and the SQLite driver would each start a goroutine for it, and so
// would pgx. So the
// lookup ignores a cancellation that comes while it runs, but not one that came
// before it starts, nor a deadline, which may bound the wait for a connection.
func (c *Conn) lookupCtx(ctx context.Context) context.Context {
	if c.tx != nil || ctx.Err() != nil {
		return ctx
	}
	if _, ok := ctx.Deadline(); ok {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// row runs a query expected to return at most one row and scans it. No row is
// sql.ErrNoRows, which callers turn into their own not-found error.
func (c *Conn) row(ctx context.Context, query string, args []any, dest ...any) error {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return translate(err)
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return translate(err)
	}
	return translate(rows.Close())
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgxPool reaches PostgreSQL through pgx's own pool. Unlike database/sql, which hands
// a freed connection to whichever waiter the scheduler wakes, it serves waiters in
// order, so the slowest request under load waits about as long as the others. Every
// connection keeps the statements it ran prepared (pgx's statement cache, in
// QueryExecModeCacheStatement), at most MaxPreparedStatements of them, the least
// recently used deallocated first; reads and writes share the pool, so a write
// transaction's statements are prepared once per connection too.
type pgxPool struct {
	pool *pgxpool.Pool
	// txSlots admits the write transactions, one less than the pool's connections
	// (see begin).
	txSlots chan struct{}
	// roundTrips counts the exchanges of the write transactions and the reads with
	// the server (see DB.RoundTrips).
	roundTrips atomic.Uint64
}

func openPostgres(ctx context.Context, rawURL string, size int) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres url: %w", err)
	}
	// The pool's size is Options.PoolSize, else pool_max_conns of the URL, else
	// the default; pgx's own default (the number of CPUs, at least 4) is too small
	// for requests that mostly wait on the network.
	switch {
	case size > 0:
		cfg.MaxConns = int32(size)
	case !hasQueryParam(rawURL, "pool_max_conns"):
		cfg.MaxConns = int32(DefaultPoolSize(Postgres, runtime.GOMAXPROCS(0)))
	case cfg.MaxConns < 2:
		// Only Options.PoolSize opens a pool of one, for tests that watch one
		// connection: a server's pool keeps one connection for reads (txSlotsOf).
		return nil, fmt.Errorf("postgres url: pool_max_conns %d: want at least 2, one of them kept for reads", cfg.MaxConns)
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	cfg.ConnConfig.StatementCacheCapacity = MaxPreparedStatements
	cfg.ConnConfig.BuildContextWatcherHandler = keepConnOnCancel
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := p.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := newDB(Postgres, &pgxPool{pool: p, txSlots: make(chan struct{}, txSlotsOf(cfg.MaxConns))}, nil)
	db.batch = newGenBatch(db)
	return db, nil
}

// A statement whose context ends (its client went away) is let run this long before
// the server is asked to cancel it, and the connection is given up only if the
// server has not answered cancelDeadline after the context ended.
const (
	cancelGrace    = 250 * time.Millisecond
	cancelDeadline = 2 * time.Second
)

// keepConnOnCancel keeps a connection whose statement's context ends. pgx's default
// sets the socket's deadline to now, which breaks the connection, so every request
// in flight when its client disconnects cost a PostgreSQL backend: the pool opened a
// new one, which read the catalogue afresh and planned each statement again (the
// account create about 2 to 5 ms a plan, five custom plans before the generic one),
// and a load that stopped and started its clients replaced the whole pool each time.
// Statements take milliseconds, so the one in flight finishes within the grace and
// its answer is read; a longer one gets a cancel request and ends with an error, and
// the connection goes back to the pool either way.
func keepConnOnCancel(c *pgconn.PgConn) ctxwatch.Handler {
	return &pgconn.CancelRequestContextWatcherHandler{
		Conn: c, CancelRequestDelay: cancelGrace, DeadlineDelay: cancelDeadline,
	}
}

// hasQueryParam reports whether the URL rawURL sets the query parameter name.
func hasQueryParam(rawURL, name string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Query().Has(name)
}

func (p *pgxPool) query(ctx context.Context, query string, args []any) (rows, error) {
	p.roundTrips.Add(1)
	r, err := p.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{r}, nil
}

func (p *pgxPool) ping(ctx context.Context) error { return p.pool.Ping(ctx) }

// stats reports the pool in database/sql's terms, which the metrics use for both
// engines: a wait is an acquire that found no idle connection.
func (p *pgxPool) stats() (read, write sql.DBStats) {
	s := p.pool.Stat()
	st := sql.DBStats{
		MaxOpenConnections: int(s.MaxConns()),
		OpenConnections:    int(s.TotalConns()),
		InUse:              int(s.AcquiredConns()),
		Idle:               int(s.IdleConns()),
		WaitCount:          s.EmptyAcquireCount(),
		WaitDuration:       s.EmptyAcquireWaitTime(),
		MaxIdleClosed:      s.MaxIdleDestroyCount(),
		MaxLifetimeClosed:  s.MaxLifetimeDestroyCount(),
	}
	return st, st
}

// prepared asks every idle connection which statements it keeps prepared; busy
// connections are skipped. The question itself goes by the simple protocol, so it
// prepares nothing.
func (p *pgxPool) prepared() [][]string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Only idle connections can be asked, so wait a little for a moment when none is
	// in use: a caller's own requests have ended when it asks, but a connection may
	// still be on its way back to the pool, or serving the job runner or the
	// scheduler, and its statements would go uncounted.
	for quiet := time.Now().Add(2 * time.Second); p.pool.Stat().AcquiredConns() > 0 && time.Now().Before(quiet); {
		time.Sleep(time.Millisecond)
	}
	var out [][]string
	for _, c := range p.pool.AcquireAllIdle(ctx) {
		rows, err := c.Query(ctx, "SELECT statement FROM pg_prepared_statements", pgx.QueryExecModeSimpleProtocol)
		if err == nil {
			if texts, err := pgx.CollectRows(rows, pgx.RowTo[string]); err == nil {
				out = append(out, texts)
			}
		}
		c.Release()
	}
	return out
}

func (p *pgxPool) exchanges() uint64 { return p.roundTrips.Load() }

func (p *pgxPool) close() error {
	p.pool.Close()
	return nil
}

// pgxRows adapts pgx's rows to rows: Close reports the error that ended them.
type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

// pgxResult adapts pgx's command tag to result.
type pgxResult pgconn.CommandTag

func (r pgxResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

// pgxTx is a write transaction on one connection of the pool. It saves two round
// trips over pgx's own transaction: BEGIN goes in one batch with the transaction's
// first statement, and COMMIT in one batch with the writes queued for the commit
// (Conn.execLater), so a transaction of n statements costs n round trips where it
// cost n + 2. Until it has sent BEGIN it holds a connection and nothing else.
type pgxTx struct {
	pool  *pgxPool
	conn  *pgxpool.Conn
	begun bool // BEGIN has been sent
	// ahead holds statements to send in the batch of the next statement, ahead of
	// it (Conn.along).
	ahead []statement
}

// sendAhead queues stmts to go with the next statement the transaction sends, in
// its round trip.
func (t *pgxTx) sendAhead(stmts ...statement) { t.ahead = append(t.ahead, stmts...) }

// readAnswer reads the answer of s from br: its row into s.dest when it has one,
// s.none when it has none and says what that means.
func readAnswer(br pgx.BatchResults, s statement) error {
	if s.each != nil {
		return readBatchPart(br, readPart{each: s.each})
	}
	if s.dest != nil {
		err := br.QueryRow().Scan(s.dest...)
		if s.none != nil && errors.Is(err, pgx.ErrNoRows) {
			return s.none
		}
		return err
	}
	_, err := br.Exec()
	return err
}

// txSlotsOf returns how many of a pool's size connections its write transactions
// may hold at once: all but one. A transaction may read outside itself while it
// holds its connection (a read cache fills on the pool, whoever asks), so if every
// connection were held by such a transaction, each would wait for another's,
// forever. With one connection always left to reads, and a read never waiting for
// a second connection, some read always runs and hands its connection on. A pool
// of one connection has nothing to leave, and is for tests that watch one.
func txSlotsOf(size int32) int { return max(1, int(size)-1) }

// begin takes a transaction's slot, then a connection; BEGIN waits for the first
// statement.
func (p *pgxPool) begin(ctx context.Context) (txn, error) {
	select {
	case p.txSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c, err := p.pool.Acquire(ctx)
	if err != nil {
		<-p.txSlots
		return nil, err
	}
	return &pgxTx{pool: p, conn: c}, nil
}

// send sends query, preceded by BEGIN when the transaction has not begun, as one
// batch, and returns the batch's results positioned at query's; on an error the
// batch is closed.
func (t *pgxTx) send(ctx context.Context, query string, args []any) (pgx.BatchResults, error) {
	return t.sendAll(ctx, statement{query: query, args: args})
}

// sendAll is send for several statements, whose answers follow one another in
// the results it returns, positioned at the first's.
func (t *pgxTx) sendAll(ctx context.Context, stmts ...statement) (pgx.BatchResults, error) {
	var b pgx.Batch
	if !t.begun {
		b.Queue("BEGIN")
	}
	ahead := t.ahead
	t.ahead = nil
	for _, s := range ahead {
		b.Queue(s.query, s.args...)
	}
	for _, s := range stmts {
		b.Queue(s.query, s.args...)
	}
	t.pool.roundTrips.Add(1)
	br := t.conn.SendBatch(ctx, &b)
	if !t.begun {
		t.begun = true
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, err
		}
	}
	for _, s := range ahead {
		if err := readAnswer(br, s); err != nil {
			br.Close()
			return nil, err
		}
	}
	return br, nil
}

func (t *pgxTx) exec(ctx context.Context, query string, args []any) (result, error) {
	br, err := t.send(ctx, query, args)
	if err != nil {
		return nil, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return pgxResult(tag), nil
}

func (t *pgxTx) query(ctx context.Context, query string, args []any) (rows, error) {
	br, err := t.send(ctx, query, args)
	if err != nil {
		return nil, err
	}
	r, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &pgxBatchRows{pgxRows: pgxRows{r}, br: br}, nil
}

// commitAfter sends stmts and COMMIT as one batch.
func (t *pgxTx) commitAfter(ctx context.Context, stmts []statement) error {
	if !t.begun && len(stmts) == 0 && len(t.ahead) == 0 {
		t.end() // nothing was sent and nothing waits to go: nothing to commit
		return nil
	}
	if err := t.batch(ctx, stmts, true); err != nil {
		return err
	}
	t.end()
	return nil
}

// batch sends stmts, preceded by BEGIN when the transaction has not begun and
// followed by COMMIT when commit is set, in one round trip, and reads every answer.
// A statement with a dest has its row scanned into it. It stops at the first error:
// the server skips what follows a failed statement.
// A COMMIT of a transaction that a failed statement aborted answers ROLLBACK, which
// is an error here as it is for pgx's own transactions.
func (t *pgxTx) batch(ctx context.Context, stmts []statement, commit bool) error {
	// A statement sent along (Conn.along) whose lack of a row fails the
	// transaction (a lost lease) must be answered before COMMIT is sent: the
	// server would commit what came before it whatever it answered. (A write
	// queued for the commit with none writes nothing when it has no row.)
	guarded := commit && slices.ContainsFunc(t.ahead, func(s statement) bool { return s.none != nil })
	if len(t.ahead) > 0 {
		stmts = append(t.ahead, stmts...)
		t.ahead = nil
	}
	if guarded {
		if err := t.batch(ctx, stmts, false); err != nil {
			return err
		}
		return t.batch(ctx, nil, true)
	}
	var b pgx.Batch
	first := 0 // the place of stmts[0] in the batch
	if !t.begun {
		b.Queue("BEGIN")
		first = 1
	}
	for _, s := range stmts {
		b.Queue(s.query, s.args...)
	}
	if commit {
		b.Queue("COMMIT")
	}
	if b.Len() == 0 {
		return nil
	}
	t.pool.roundTrips.Add(1)
	br := t.conn.SendBatch(ctx, &b)
	t.begun = true
	for i := range b.Len() {
		if j := i - first; j >= 0 && j < len(stmts) && (stmts[j].dest != nil || stmts[j].each != nil) {
			if err := readAnswer(br, stmts[j]); err != nil {
				br.Close()
				return err
			}
			continue
		}
		tag, err := br.Exec()
		if err == nil && commit && i == b.Len()-1 && tag.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback
		}
		if err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// script runs sql with no arguments, which pgx sends by the simple protocol: that
// is what allows several statements in one text.
func (t *pgxTx) script(ctx context.Context, sql string) error {
	if !t.begun {
		if _, err := t.conn.Exec(ctx, "BEGIN"); err != nil {
			return err
		}
		t.begun = true
	}
	_, err := t.conn.Exec(ctx, sql)
	return err
}

// rollback ends the transaction even when ctx is already cancelled (a client went
// away): otherwise the connection would be closed instead of returned clean. The
// pool closes a connection it gets back in any state but idle, so a failed
// ROLLBACK loses only that connection.
func (t *pgxTx) rollback(ctx context.Context) error {
	if t.conn == nil {
		return nil
	}
	var err error
	if t.conn.Conn().PgConn().TxStatus() != 'I' {
		t.pool.roundTrips.Add(1)
		_, err = t.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	}
	t.end()
	return err
}

// end gives the connection back to the pool, and the transaction's slot, once.
func (t *pgxTx) end() {
	if t.conn != nil {
		t.conn.Release()
		t.conn = nil
		<-t.pool.txSlots
	}
}

// pgxBatchRows are the rows of a query sent in a batch: closing them closes the
// batch too.
type pgxBatchRows struct {
	pgxRows
	br pgx.BatchResults
}

func (r *pgxBatchRows) Close() error {
	err := r.pgxRows.Close()
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

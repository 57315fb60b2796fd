package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	cfg.ConnConfig.StatementCacheCapacity = MaxPreparedStatements
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := p.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return newDB(Postgres, &pgxPool{pool: p}, nil), nil
}

// hasQueryParam reports whether the URL rawURL sets the query parameter name.
func hasQueryParam(rawURL, name string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Query().Has(name)
}

func (p *pgxPool) query(ctx context.Context, query string, args []any) (rows, error) {
	r, err := p.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{r}, nil
}

func (p *pgxPool) begin(ctx context.Context) (txn, error) {
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, err
	}
	return pgxTx{tx}, nil
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

// pgxTx is a write transaction on one connection of the pool.
type pgxTx struct{ tx pgx.Tx }

// execAll sends stmts as one batch: one round trip to the server however many.
func (t pgxTx) execAll(ctx context.Context, stmts []statement) error {
	var b pgx.Batch
	for _, s := range stmts {
		b.Queue(s.query, s.args...)
	}
	br := t.tx.SendBatch(ctx, &b)
	for range stmts {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

func (t pgxTx) exec(ctx context.Context, query string, args []any) (result, error) {
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxResult(tag), nil
}

func (t pgxTx) query(ctx context.Context, query string, args []any) (rows, error) {
	r, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{r}, nil
}

// script runs sql with no arguments, which pgx sends by the simple protocol: that
// is what allows several statements in one text.
func (t pgxTx) script(ctx context.Context, sql string) error {
	_, err := t.tx.Exec(ctx, sql)
	return err
}

func (t pgxTx) commit(ctx context.Context) error { return t.tx.Commit(ctx) }

// rollback ends the transaction even when ctx is already cancelled (a client went
// away): otherwise pgx would close the connection instead of returning it clean.
func (t pgxTx) rollback(ctx context.Context) error { return t.tx.Rollback(context.WithoutCancel(ctx)) }

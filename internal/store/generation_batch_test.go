package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestGenerationReadsShareQueries checks that readers asking for generations at the
// same moment share the queries: while one read of the generations is held up (on
// PostgreSQL by another process's lock on the table), the readers arriving meanwhile
// are answered by a few more queries, not one each; and that each answer is as new as a
// read of its own, a commit of the other process included. SQLite answers from
// memory while no connection committed, and reads the generation again after a
// commit of another process.
func TestGenerationReadsShareQueries(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		moveCatalog := func(db *store.DB) {
			t.Helper()
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.LockCatalogs(ctx) }); err != nil {
				t.Fatalf("move the catalogue: %v", err)
			}
		}
		moveCatalog(db)
		first, ok, err := db.Reader().Generation(ctx, store.ScopeCatalog)
		if err != nil || !ok {
			t.Fatalf("generation: ok=%t err=%v, want one", ok, err)
		}

		const readers = 32
		locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		if e.Name == "postgres" {
			// The other process takes the table, moves the catalogue and holds both
			// until released: the check that comes first waits on the table.
			go func() {
				held <- other.InTx(ctx, func(c *store.Conn) error {
					var one int
					err := c.Row(ctx, "LOCK TABLE cache_scopes IN ACCESS EXCLUSIVE MODE", nil, &one)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return err
					}
					if err := c.LockCatalogs(ctx); err != nil {
						return err
					}
					close(locked)
					<-release
					return nil
				})
			}()
			<-locked
		} else {
			moveCatalog(other)
			held <- nil
		}
		before := db.Statements()
		gens := make(chan int64, readers)
		errs := make(chan error, readers)
		var wg sync.WaitGroup
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g, ok, err := db.Reader().Generation(ctx, store.ScopeCatalog)
				if err == nil && !ok {
					err = errors.New("no generation")
				}
				errs <- err
				gens <- g
			}()
		}
		time.Sleep(200 * time.Millisecond) // every reader joins a check
		close(release)
		wg.Wait()
		if err := <-held; err != nil {
			t.Fatalf("the other process's transaction: %v", err)
		}
		close(errs)
		close(gens)
		for err := range errs {
			if err != nil {
				t.Fatalf("read generation: %v", err)
			}
		}
		for g := range gens {
			// A reader that came before the commit may see it or not.
			if g != first && g != first+1 {
				t.Fatalf("generation read while the other process committed: %d, want %d or %d", g, first,
					first+1)
			}
		}
		// On PostgreSQL each checker may be held up by the lock with the readers of
		// its own check; the readers that came meanwhile share one more.
		want := uint64(2)
		if e.Name == "postgres" {
			want = store.GenCheckers + 1
		}
		if n := db.Statements() - before; n > want {
			t.Fatalf("%d readers ran %d statements, want at most %d", readers, n, want)
		}
		moveCatalog(other)
		if g, _, err := db.Reader().Generation(ctx, store.ScopeCatalog); err != nil || g != first+2 {
			t.Fatalf("generation after another process's commit: %d, %v; want %d", g, err, first+2)
		}
	})
}

// TestGenerationReadsUnderChurn has many readers ask for generations at once, over
// and over, while the checks come and go: each check is answered once, by one
// checker (a check taken by two would be answered twice, which panics), and every
// reader gets an answer. Run it with -race: which checker takes a check is decided
// under the batch's lock.
func TestGenerationReadsUnderChurn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.LockCatalogs(ctx) }); err != nil {
			t.Fatalf("move the catalogue: %v", err)
		}
		const readers, reads = 16, 200
		errs := make(chan error, readers)
		var wg sync.WaitGroup
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range reads {
					if _, ok, err := db.Reader().Generation(ctx, store.ScopeCatalog); err != nil || !ok {
						errs <- errors.Join(err, errors.New("no generation"))
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

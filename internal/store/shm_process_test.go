package store_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// otherProcessEnv names the SQLite file this test binary, started again by
// TestAnotherProcessBesideAnOpenDatabase, opens as another process would (the
// command line beside a serving process), before exiting without running tests.
const otherProcessEnv = "CASCADE_TEST_OTHER_PROCESS_SQLITE"

func TestMain(m *testing.M) {
	if path := os.Getenv(otherProcessEnv); path != "" {
		if err := openAsAnotherProcess(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openAsAnotherProcess does what `cascade jobs list` does to the database: opens it,
// migrates it (nothing to do), reads, and closes it.
func openAsAnotherProcess(path string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	_, _, err = db.Reader().Generation(ctx, store.ScopeCatalog)
	return err
}

// TestAnotherProcessBesideAnOpenDatabase keeps a SQLite database busy with writes
// and reads while another process opens and closes it, five times over: no
// statement of this process fails, since the other process finds the wal-index in
// use and leaves it as it is. When the store closed its descriptor of the -shm file
// as soon as it had mapped it, the process lost SQLite's locks on the file, the
// other process started the wal-index afresh, and statements here failed with
// "disk I/O error".
func TestAnotherProcessBesideAnOpenDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cascade.db")
	db := storetest.Open(t, storetest.Engine{Name: "sqlite", URL: "sqlite:" + path})
	f := osSeed(t, db)
	stop := make(chan struct{})
	failed := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // writes and reads until stopped
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			s := f.subscription(t)
			err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateSubscription(ctx, s) })
			if err == nil {
				_, err = db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
			}
			if err != nil {
				failed <- fmt.Errorf("statement %d beside the other process: %w", n, err)
				return
			}
		}
	}()
	for i := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), otherProcessEnv+"="+path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("the other process, time %d: %v\n%s", i+1, err, out)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-failed:
		t.Fatal(err)
	default:
	}
}

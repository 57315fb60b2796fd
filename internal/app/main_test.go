package app

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func testConfig(dbURL string) Config {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = dbURL
	cfg.AdminToken = "shutdown-test-token-0123456789"
	cfg.PasswordCost = bcrypt.MinCost
	cfg.LogOutput, cfg.Stdout = io.Discard, io.Discard
	return cfg
}

// runAndDial starts a server on dbURL and opens a connection to it, closed when the
// test ends; the test closes the server.
func runAndDial(t *testing.T, dbURL string) (*Main, net.Conn) {
	t.Helper()
	m := NewMain(testConfig(dbURL))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.URL(), "http://"))
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return m, conn
}

// TestCloseFinishesInFlightRequests starts a request whose handler is running (it is
// still reading the body), begins shutting down, then sends the rest of the body: the
// request must be answered, with the database still open, before Close returns.
func TestCloseFinishesInFlightRequests(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		m, conn := runAndDial(t, e.URL)
		body := `{"data":{"attributes":{"general":{"name":"Renamed during shutdown"}}}}`
		head := "PATCH /api/v3/resellers/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
			"Content-Type: application/vnd.api+json\r\nX-Api-Token: " + m.Config.AdminToken + "\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body[:10]
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the handler is now blocked reading the body

		closed := make(chan error, 1)
		go func() { closed <- m.Close() }()
		select {
		case err := <-closed:
			t.Fatalf("Close returned (%v) while a request was in flight", err)
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := io.WriteString(conn, body[10:]); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("read answer to the in-flight request: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("in-flight request status = %d, want 200 (the database must outlive HTTP)", resp.StatusCode)
		}
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not return after the in-flight request finished")
		}
		if err := m.DB.Ping(context.Background()); err == nil {
			t.Fatal("database still open after Close")
		}
	})
}

// TestCloseDoesNotWaitForQuietConnections opens a connection that never sends a
// request, as a client's pool keeps one it dialed and did not need: Close must close
// it at once rather than wait (http.Server.Shutdown alone waits five seconds).
func TestCloseDoesNotWaitForQuietConnections(t *testing.T) {
	m, conn := runAndDial(t, storetest.Engines(t)[0].URL)
	time.Sleep(100 * time.Millisecond) // the server has accepted it

	start := time.Now()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Close took %v with a connection that sent nothing", took)
	}
	conn.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read from the quiet connection after Close = %d, %v; want EOF", n, err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"OK", func(*Config) {}, ""},
		{"ErrAddr", func(c *Config) { c.Addr = "nowhere" }, "addr"},
		{"ErrDatabase", func(c *Config) { c.DatabaseURL = "mysql://x" }, "database url"},
		{"ErrTimezone", func(c *Config) { c.Timezone = "Mars/Olympus" }, "timezone"},
		{"ErrShortToken", func(c *Config) { c.AdminToken = "short" }, "CASCADE_ADMIN_TOKEN"},
		{"ErrCurrency", func(c *Config) { c.OperatorCurrency = "EURO" }, "operator currency"},
		{"ErrPoolSizeNegative", func(c *Config) { c.DBPoolSize = -1 }, "database pool size -1: want 1 to 1000"},
		{"ErrPoolSizeHuge", func(c *Config) { c.DBPoolSize = 1001 }, "database pool size 1001: want 1 to 1000"},
		{"PoolSizeOneOnSQLite", func(c *Config) { c.DBPoolSize = 1 }, ""},
		{"ErrPoolSizeOneOnPostgres", func(c *Config) { c.DatabaseURL, c.DBPoolSize = "postgres://db/cascade", 1 },
			"database pool size 1: PostgreSQL wants at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want an error about %s", err, tt.want)
			}
		})
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	env := map[string]string{"CASCADE_ADDR": "127.0.0.1:9000", "CASCADE_TIMEZONE": "Europe/Minsk",
		"CASCADE_ADMIN_TOKEN": "from-the-environment-123"}
	c := DefaultConfig()
	fs := newFlagSet()
	c.Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9100"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || c.Timezone != "Europe/Minsk" || c.AdminToken != "from-the-environment-123" {
		t.Fatalf("config = addr %q, timezone %q, token %q", c.Addr, c.Timezone, c.AdminToken)
	}
	if c.DatabaseURL != "sqlite:./cascade.db" {
		t.Fatalf("database url = %q, want the default", c.DatabaseURL)
	}
}

func newFlagSet() *flag.FlagSet { return flag.NewFlagSet("test", flag.ContinueOnError) }

// TestDBPoolSize sizes the pool from the environment and from a flag that beats it,
// refuses a value that is no number, and checks the opened pool on every engine.
func TestDBPoolSize(t *testing.T) {
	parse := func(env string, args ...string) (Config, error) {
		c := DefaultConfig()
		fs := newFlagSet()
		fs.SetOutput(io.Discard)
		c.Flags(fs, func(k string) string {
			if k == "CASCADE_DB_POOL_SIZE" {
				return env
			}
			return ""
		})
		if err := fs.Parse(args); err != nil {
			return c, err
		}
		return c, c.Validate()
	}
	if c, err := parse("12"); err != nil || c.DBPoolSize != 12 {
		t.Fatalf("from the environment: size %d, %v; want 12", c.DBPoolSize, err)
	}
	if c, err := parse("12", "--db-pool-size", "5"); err != nil || c.DBPoolSize != 5 {
		t.Fatalf("flag over the environment: size %d, %v; want 5", c.DBPoolSize, err)
	}
	if _, err := parse("many"); err == nil || !strings.Contains(err.Error(), `CASCADE_DB_POOL_SIZE "many": want a whole number`) {
		t.Fatalf("a size that is no number: %v", err)
	}
	if _, err := parse("", "--db-pool-size", "lots"); err == nil {
		t.Fatal("a flag that is no number was accepted")
	}
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		cfg := testConfig(e.URL)
		cfg.DBPoolSize = 3
		m := NewMain(cfg)
		if err := m.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if read, _ := m.DB.PoolStats(); read.MaxOpenConnections != 3 {
			t.Fatalf("read pool of %d connections, want 3", read.MaxOpenConnections)
		}
	})
}

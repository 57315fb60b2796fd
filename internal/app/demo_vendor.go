package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/examples"
	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// The demo runs the example vendor service (examples/vendor-service) in the same
// process, on a free loopback port, and points the automatic products of the demo
// catalogue at it, so provisioning goes through real signed calls on one machine.
// Only that address and port is opened to vendor calls (vendor.AddressPolicy.Exact),
// not the whole private network: a catalogue applied during the demo still cannot
// point a product at another loopback or private address. Each start listens on a
// new port and applies the demo catalogue's integration settings again with it.

// demoVendor is the demo's vendor service: listening from Open on, serving once
// start has the products' secrets (503 with Retry-After before, which delivery
// retries).
type demoVendor struct {
	ln   net.Listener
	http *http.Server
	done chan error
	svc  atomic.Pointer[vendorsvc.Server]
}

// listenDemoVendor reserves the demo vendor service's loopback address.
func listenDemoVendor() (*demoVendor, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo vendor service: %w", err)
	}
	d := &demoVendor{ln: ln, done: make(chan error, 1)}
	d.http = &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	go func() { d.done <- d.http.Serve(ln) }()
	return d, nil
}

// URL is the service's base URL, the API path of the demo's automatic products.
func (d *demoVendor) URL() string { return "http://" + d.ln.Addr().String() }

// addr is the service's address, the one private address vendor calls may reach.
func (d *demoVendor) addr() netip.AddrPort { return d.ln.Addr().(*net.TCPAddr).AddrPort() }

// ServeHTTP hands calls to the vendor service once it runs.
func (d *demoVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := d.svc.Load(); s != nil {
		s.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Retry-After", "1")
	http.Error(w, `{"error_message":"the demo vendor service is starting"}`, http.StatusServiceUnavailable)
}

// apiPathLine is a product's api_path in a catalogue file; productKeyLine a
// product's (or any list entry's) key.
var (
	apiPathLine    = regexp.MustCompile(`^(\s+api_path:\s*)\S+\s*$`)
	productKeyLine = regexp.MustCompile(`^\s+- key:\s*(\S+)\s*$`)
)

// catalog returns the demo operator's catalogue with every api_path at the service,
// and the keys of the products it pointed there.
func (d *demoVendor) catalog() ([]byte, []string) {
	var (
		out  bytes.Buffer
		keys []string
		key  string
	)
	sc := bufio.NewScanner(bytes.NewReader(examples.Catalog))
	for sc.Scan() {
		line := sc.Text()
		if m := productKeyLine.FindStringSubmatch(line); m != nil {
			key = m[1]
		}
		if m := apiPathLine.FindStringSubmatch(line); m != nil {
			line = m[1] + d.URL()
			keys = append(keys, key)
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes(), keys
}

// start opens the vendor service with the signing secrets of the operator's
// products keys, keeping its subscriptions in dbPath, and serves it.
func (d *demoVendor) start(ctx context.Context, c *store.Conn, keys []string, dbPath string) error {
	var secrets []string
	for _, k := range keys {
		id, err := c.FindProductIDByKey(ctx, domain.OperatorID, k)
		if err != nil {
			return fmt.Errorf("demo vendor service: product %s: %w", k, err)
		}
		secret, err := c.FindProductSecret(ctx, id)
		if err != nil {
			return fmt.Errorf("demo vendor service: secret of product %s: %w", k, err)
		}
		secrets = append(secrets, secret)
	}
	s, err := vendorsvc.Open(ctx, vendorsvc.Options{Secrets: secrets, Database: dbPath})
	if err != nil {
		return fmt.Errorf("demo vendor service: %w", err)
	}
	if old := d.svc.Swap(s); old != nil {
		old.Close()
	}
	return nil
}

// Close stops serving and closes the service's database. Main closes it after its
// job workers stopped, so no call is in flight; a graceful shutdown would only wait
// for the connections Cascade's client dialed and never used, which the server
// counts as new, not idle, for five seconds.
func (d *demoVendor) Close() error {
	err := d.http.Close()
	if serr := <-d.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if s := d.svc.Load(); s != nil {
		err = errors.Join(err, s.Close())
	}
	return err
}

// demoVendorDatabase is where the demo vendor service keeps its state: beside the
// installation's SQLite file, so both live and go together; in memory with an
// in-memory database; in the temporary directory, one file per installation, with
// PostgreSQL.
func demoVendorDatabase(databaseURL, apGUID string) string {
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		path = strings.TrimPrefix(path, "//")
		if path == "" || strings.Contains(path, ":memory:") || strings.HasPrefix(path, "file:") {
			return ":memory:"
		}
		return strings.TrimSuffix(path, filepath.Ext(path)) + "-demo-vendor.db"
	}
	return filepath.Join(os.TempDir(), "cascade-demo-vendor-"+apGUID+".db")
}

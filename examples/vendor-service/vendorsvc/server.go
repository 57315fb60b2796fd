// Package vendorsvc is a small vendor service built on vendorkit: the service side
// of Cascade's provisioning protocol (docs/vendor-protocol.md) for a product whose
// subscriptions and users it keeps in SQLite. It answers every call, verifies their
// signatures, deduplicates them by event id in its database, and can be told to
// fail or slow down, so Cascade's tests and demo have a real vendor to talk to.
// Vendors copy it as a starting point; it uses only vendorkit's public API.
package vendorsvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Options configure a Server.
type Options struct {
	// Secrets verify the calls' signatures: the product's signing secret, and the
	// previous one while a rotation is rolled out. Required.
	Secrets []string
	// Database is the SQLite file the service keeps its state in; ":memory:" (or
	// empty) keeps it in memory, gone when the server closes.
	Database string
	// Control serves the control endpoints below /_control/, which make the
	// service fail or slow down and show its state. For tests and demos only:
	// anyone who reaches them can break the service.
	Control bool
	// Now is the service's clock; time.Now when nil.
	Now func() time.Time
}

// Server is the vendor service: an http.Handler answering the protocol's calls at
// their paths ("/check", "/subscription/create" ...), so a product's API path is
// the server's base URL.
type Server struct {
	db      *sql.DB
	now     func() time.Time
	handler http.Handler
	// Faults are the misbehaviours the service is told to show.
	Faults *Faults

	mu      sync.Mutex
	handled map[vendorkit.Event]int
}

// Open opens (creating when needed) the service's database and returns the server.
func Open(ctx context.Context, o Options) (*Server, error) {
	if len(o.Secrets) == 0 {
		return nil, errors.New("vendorsvc: no signing secret: give the product's secret")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	db, err := openDB(ctx, o.Database)
	if err != nil {
		return nil, err
	}
	s := &Server{db: db, now: o.Now, Faults: &Faults{}, handled: map[vendorkit.Event]int{}}
	kit := vendorkit.NewHandler(&service{s}, vendorkit.Config{Secrets: o.Secrets, Now: o.Now,
		Dedup: &dedup{db: db, now: o.Now}})
	mux := http.NewServeMux()
	mux.Handle("/", s.Faults.wrap(kit))
	if o.Control {
		s.routeControl(mux)
	}
	s.handler = mux
	return s, nil
}

// ServeHTTP answers the protocol's calls (and the control endpoints when on).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

// Handled returns how many calls of event e the service ran: calls refused by a
// fault, a bad signature or deduplication do not count, so a duplicate delivery
// leaves it unchanged.
func (s *Server) Handled(e vendorkit.Event) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handled[e]
}

func (s *Server) count(e vendorkit.Event) {
	s.mu.Lock()
	s.handled[e]++
	s.mu.Unlock()
}

// Running is a Server listening on a TCP address.
type Running struct {
	*Server
	// URL is the server's base URL, the API path to give the product.
	URL  string
	http *http.Server
	done chan error
}

// Start opens a Server with o and serves it on addr ("127.0.0.1:0" picks a free
// port) until Close.
func Start(ctx context.Context, addr string, o Options) (*Running, error) {
	s, err := Open(ctx, o)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("vendorsvc: listen on %s: %w", addr, err)
	}
	r := &Running{Server: s, URL: "http://" + ln.Addr().String(), done: make(chan error, 1),
		http: &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}}
	go func() { r.done <- r.http.Serve(ln) }()
	return r, nil
}

// Close stops serving, letting calls in progress finish for up to five seconds,
// then closes the database.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.http.Shutdown(ctx)
	if serr := <-r.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, r.Server.Close())
}

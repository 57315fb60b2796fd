// Package mailtest runs an SMTP server in the test's process: it speaks enough SMTP
// for Cascade's sender (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT) and keeps the messages it accepts for the test to read.
package emailtest

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Options shape the server.
type Options struct {
	// StartTLS offers STARTTLS; AUTH is then only offered and accepted after it.
	StartTLS bool
	// ImplicitTLS speaks TLS from the first byte, as on port 465.
	ImplicitTLS bool
	// Users are the accounts AUTH PLAIN accepts, user to password. When set, MAIL is
	// refused until the client authenticates.
	Users map[string]string
	// Refuse lists recipient addresses that RCPT TO refuses with 550.
	Refuse []string
	// StallOn is a command (such as "DATA") the server never answers, holding the
	// connection open until Close; "GREETING" stalls before the greeting.
	StallOn string
	// Busy is how many connections, the first ones, the server turns away with
	// "421 try again later" in place of its greeting, as a server that is down for
	// a while does.
	Busy int
}

// Server is a running SMTP server on 127.0.0.1.
type Server struct {
	// Addr is the host:port it listens on.
	Addr string
	// ClientTLS trusts the server's self-signed certificate.
	ClientTLS *tls.Config

	opts    Options
	ln      net.Listener
	tls     *tls.Config
	closing chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex
	conns    map[net.Conn]bool
	messages []Message
	changed  chan struct{} // closed and replaced when a message arrives
	busy     int           // connections still to turn away
	refused  int           // connections turned away so far
}

// Start runs a server for the test, closed when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	cert, pool, err := selfSigned()
	if err != nil {
		tb.Fatalf("mailtest certificate: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), ClientTLS: &tls.Config{RootCAs: pool},
		opts: opts, ln: ln, tls: &tls.Config{Certificates: []tls.Certificate{cert}},
		closing: make(chan struct{}), conns: map[net.Conn]bool{}, changed: make(chan struct{}), busy: opts.Busy}
	if opts.ImplicitTLS {
		s.ln = tls.NewListener(ln, s.tls)
	}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[conn] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			newSession(s, conn).run()
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
			conn.Close()
		}()
	}
}

// Close stops the server and ends every connection; messages stay readable.
func (s *Server) Close() {
	select {
	case <-s.closing:
		return
	default:
	}
	close(s.closing)
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Wait returns once at least n messages have arrived, or ctx's error.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		msgs, changed := slices.Clone(s.messages), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return msgs, ctx.Err()
		}
	}
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

// TurnedAway is how many connections the server answered busy (Options.Busy).
func (s *Server) TurnedAway() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// turnAway reports whether a new connection is to be answered busy, counting it.
func (s *Server) turnAway() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == 0 {
		return false
	}
	s.busy--
	s.refused++
	return true
}

func (s *Server) refuses(addr string) bool {
	return slices.ContainsFunc(s.opts.Refuse, func(r string) bool { return strings.EqualFold(r, addr) })
}

package app

import (
	"net"
	"net/http"
	"sync"
)

// quietConns keeps the connections that have not yet sent a request, so that a
// shutdown can close them at once.
//
// http.Server.Shutdown closes idle keep-alive connections at once but waits up to
// five seconds for a connection that has not sent its first request, in case one is
// on its way. Clients open such connections routinely: a transport that dials for a
// request and then gets another connection back first keeps the new one, unused, in
// its pool. Waiting for them made every stop of the server take five seconds when one
// was open. A shutdown closes them as it closes idle ones: a request that raced the
// close fails the same way on either, and clients retry it on a new connection.
type quietConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// track is the server's ConnState hook.
func (q *quietConns) track(c net.Conn, state http.ConnState) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if state == http.StateNew {
		if q.conns == nil {
			q.conns = make(map[net.Conn]struct{})
		}
		q.conns[c] = struct{}{}
		return
	}
	delete(q.conns, c)
}

// closeAll closes every connection still waiting for its first request. It is
// registered with the server's RegisterOnShutdown, which runs it once the listeners
// are closed.
func (q *quietConns) closeAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for c := range q.conns {
		c.Close()
		delete(q.conns, c)
	}
}

// serveQuietly has srv close its quiet connections when it shuts down.
func serveQuietly(srv *http.Server) {
	q := &quietConns{}
	srv.ConnState = q.track
	srv.RegisterOnShutdown(q.closeAll)
}

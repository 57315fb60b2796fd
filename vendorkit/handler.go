package vendorkit

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// MaxBody is the largest call body a handler reads; Cascade's calls are far smaller.
const MaxBody = 1 << 20

// Config tunes a handler.
type Config struct {
	// Secrets verify the calls' signatures: the product's secret, or the old and the
	// new one while a rotation is rolled out. Required.
	Secrets []string
	// Dedup remembers answers by event id; a MemoryDeduplicator when nil.
	Dedup Deduplicator
	// Tolerance bounds a signature's age; DefaultTolerance when 0.
	Tolerance time.Duration
	// Now is the receiver's clock; time.Now when nil.
	Now func() time.Time
}

// handler routes the protocol's paths to a Service.
type handler struct {
	svc    Service
	cfg    Config
	routes map[string]route
	locks  keyedLocks
}

// route is one call: its event and how to run it on a body.
type route struct {
	event Event
	run   func(ctx context.Context, svc Service, c Call, body []byte) (status int, answer any, err error)
}

// NewHandler returns an http.Handler serving every call of the protocol at its
// path ("/check", "/subscription/create" ...). Mount it below the product's API
// path with http.StripPrefix when that path has one. Each call is verified (a
// missing, wrong or stale signature answers 401), deduplicated by its event id (a
// repeated id gets the first successful answer again, without calling svc), and
// passed to svc's method for it.
func NewHandler(svc Service, cfg Config) http.Handler {
	if cfg.Dedup == nil {
		cfg.Dedup = NewMemoryDeduplicator(0)
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = DefaultTolerance
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{svc: svc, cfg: cfg, routes: map[string]route{}}
	for _, r := range routes() {
		h.routes[r.event.Path()] = r
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		writeError(w, Refuse(http.StatusNotFound, "no such call: "+r.URL.Path))
		return
	}
	if r.Method != rt.event.Method() {
		w.Header().Set("Allow", rt.event.Method())
		writeError(w, Refuse(http.StatusMethodNotAllowed, "use "+rt.event.Method()))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		writeError(w, Refuse(http.StatusRequestEntityTooLarge, "body over 1 MiB"))
		return
	}
	q := r.URL.Query()
	c := Call{Event: rt.event, EventID: r.Header.Get(HeaderEventID), APGUID: q.Get(QueryAPGUID),
		ResellerID: q.Get(QueryResellerID)}
	if err := Verify(r.Header.Get(HeaderSignature), c.Event, c.EventID, body, h.cfg.Secrets, h.cfg.Now(), h.cfg.Tolerance); err != nil {
		writeError(w, Refuse(http.StatusUnauthorized, err.Error()))
		return
	}
	if c.EventID == "" {
		writeError(w, Refuse(http.StatusBadRequest, "no "+HeaderEventID+" header"))
		return
	}
	// One delivery of an event at a time: a retry that overtakes a slow first
	// delivery waits for it, then replays its answer.
	key := c.dedupKey()
	defer h.locks.lock(key)()
	ctx := r.Context()
	if a, ok, err := h.cfg.Dedup.Lookup(ctx, key); err != nil {
		writeError(w, err)
		return
	} else if ok {
		writeAnswer(w, a)
		return
	}
	status, answer, err := rt.run(ctx, h.svc, c, body)
	if err != nil {
		writeError(w, err)
		return
	}
	a := Answer{Status: status, Body: []byte("{}")}
	if answer != nil {
		if a.Body, err = json.Marshal(answer); err != nil {
			writeError(w, err)
			return
		}
	}
	if err := h.cfg.Dedup.Record(ctx, key, a); err != nil {
		writeError(w, err)
		return
	}
	writeAnswer(w, a)
}

// dedupKey names c's event among every installation's: the event id, which is
// unique within one installation only (installations number their events alike),
// then the installation's ap_guid. An event id holds no line break (Verify), so no
// two calls' keys meet by accident.
func (c Call) dedupKey() string { return c.EventID + "\n" + c.APGUID }

func writeAnswer(w http.ResponseWriter, a Answer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// writeError answers err: an *Error with its status and text, anything else 500.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = Refuse(http.StatusInternalServerError, "internal error")
	}
	writeAnswer(w, Answer{Status: e.Status, Body: e.body()})
}

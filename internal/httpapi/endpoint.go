package httpapi

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"runtime/trace"
	"strconv"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// call is one API request as a handler sees it: authenticated, with its body read.
type call struct {
	ctx    context.Context
	r      *http.Request
	actor  domain.Actor
	locale domain.Locale
	body   []byte
}

// reply is what a handler answers: a status (0 means 200) and a document to encode,
// or the body already encoded (raw), as an idempotent request's recorded answer is.
type reply struct {
	status int
	doc    any
	raw    []byte
}

// handlerFunc is an endpoint: decode, call the service, encode.
type handlerFunc func(*call) (reply, error)

// routeOption modifies how an endpoint is wrapped.
type routeOption int

const (
	// idempotent endpoints honour the Idempotency-Key header.
	idempotent routeOption = 1 << iota
	// yamlBody endpoints also accept YAML bodies (application/yaml, application/x-yaml,
	// text/yaml), such as catalogue files.
	yamlBody
	// largeBody endpoints read bodies up to maxLargeBody instead of maxBody.
	largeBody
)

// pathIDs maps each path parameter to the error a bad value gets, so a malformed id
// answers exactly like a missing object.
var pathIDs = map[string]domain.Message{
	"reseller_id": domain.MsgResellerNotFound,
	"manager_id":  domain.MsgManagerNotFound,
	"plan_id":     domain.MsgPlanNotFound,
	"product_id":  domain.MsgProductNotFound,
	"account_id":  domain.MsgAccountNotFound,

	"order_id":        domain.MsgOrderNotFound,
	"subscription_id": domain.MsgSubscriptionNotFound,
	"payment_id":      domain.MsgPaymentNotFound,
	"correction_id":   domain.MsgCorrectionNotFound,
	"invoice_id":      domain.MsgInvoiceNotFound,
	"charge_id":       domain.MsgChargeNotFound,
}

// route registers h under pattern with the machinery every API endpoint shares.
func (s *Server) route(pattern string, h handlerFunc, opts routeOption) {
	s.patterns = append(s.patterns, pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		// A region of the runtime's execution trace, named by the route: in a trace
		// (/debug/pprof/trace with CASCADE_PPROF_ADDR, or bench/delivery's TRACE), go
		// tool trace shows each route's requests with their time running, waiting for
		// a thread, for the database's answers and for locks. Off, it costs a check.
		defer trace.StartRegion(r.Context(), pattern).End()
		c := &call{ctx: r.Context(), r: r, locale: domain.ParseLocale(r.Header.Get("X-Api-Locale"))}
		actor, err := s.svc.Authenticate(c.ctx, r.Header.Get("X-Api-Token"))
		if err != nil {
			s.writeError(w, r, c.locale, err)
			return
		}
		c.actor = actor
		infoFrom(c.ctx).managerID = actor.ManagerID
		if hasBody(r) {
			if c.body, err = readBody(w, r, opts); err != nil {
				s.writeError(w, r, c.locale, err)
				return
			}
		}
		if key := r.Header.Get("Idempotency-Key"); opts&idempotent != 0 && key != "" {
			s.serveIdempotent(w, c, h, key)
			return
		}
		s.serve(w, c, h)
	})
}

// serve runs h and writes its answer or error. A document is written from the
// encoder's pooled buffer, with no copy of its own.
func (s *Server) serve(w http.ResponseWriter, c *call, h handlerFunc) {
	rep, err := h(c)
	if err == nil && rep.isDocument() {
		err = withEncoded(rep.doc, func(body []byte) { writeBody(w, rep.statusOr200(), body) })
		if err == nil {
			return
		}
	}
	status, body := s.answerOf(c, rep, err)
	writeBody(w, status, body)
}

// hasBody reports whether a request carries a body to read: an operation such as a
// token rotation may be posted without one.
func hasBody(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return false
	}
	return r.ContentLength != 0 || r.Header.Get("Content-Type") != ""
}

// render runs h and encodes its answer or error.
func (s *Server) render(c *call, h handlerFunc) (int, []byte) {
	rep, err := h(c)
	return s.answerOf(c, rep, err)
}

// answerOf is the status and body of h's reply rep, or of its error err.
func (s *Server) answerOf(c *call, rep reply, err error) (int, []byte) {
	if err != nil {
		return s.renderError(c.r, c.locale, err)
	}
	status, body, err := rep.encode()
	if err != nil {
		return s.renderError(c.r, c.locale, err)
	}
	return status, body
}

// isDocument reports whether the reply's body is its document to encode, not raw
// bytes or nothing.
func (rep reply) isDocument() bool { return rep.raw == nil && rep.doc != nil }

// statusOr200 is the reply's status, 200 when it names none.
func (rep reply) statusOr200() int {
	if rep.status == 0 {
		return http.StatusOK
	}
	return rep.status
}

// encode returns the reply's status and body.
func (rep reply) encode() (int, []byte, error) {
	if !rep.isDocument() {
		return rep.statusOr200(), rep.raw, nil
	}
	body, err := encode(rep.doc)
	return rep.statusOr200(), body, err
}

// serveIdempotent runs h at most once per Idempotency-Key and body, replaying the
// first answer to every retry.
func (s *Server) serveIdempotent(w http.ResponseWriter, c *call, h handlerFunc, key string) {
	fp := sha256.New()
	fp.Write([]byte(c.r.Method + " " + c.r.URL.Path + "\n"))
	fp.Write(c.body)
	claim, replay, err := s.svc.ClaimIdempotencyKey(c.ctx, c.actor, key, fp.Sum(nil))
	if err != nil {
		s.writeError(w, c.r, c.locale, err)
		return
	}
	if replay != nil {
		w.Header().Set("Idempotency-Replayed", "true")
		writeBody(w, replay.Status, replay.Body)
		return
	}
	c.ctx = service.WithClaim(c.ctx, claim)
	status, body := s.render(c, h)
	// The answer is recorded even if the client has gone: its retry will want it.
	// A create that answers through answer() recorded it with its commit already, and
	// this finds nothing left to do.
	if err := s.svc.FinishIdempotent(context.WithoutCancel(c.ctx), claim, status, body); err != nil {
		s.log.Error("record idempotent answer", "err", err, "request_id", infoFrom(c.ctx).id)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	if len(body) > 0 {
		h := w.Header()
		h.Set("Content-Type", mediaJSONAPI)
		h.Set("Content-Length", strconv.Itoa(len(body))) // one write, not chunks
	}
	w.WriteHeader(status)
	w.Write(body)
}

// statusClientClosed is the access log's status of a request whose client hung up
// before its answer was ready (the code other HTTP servers use for it): nobody reads
// the answer, and the failure is not the server's; nor is it recorded as an
// idempotent request's answer.
const statusClientClosed = service.StatusClientClosed

// renderError encodes err, logging internal errors with the request id; their text
// never reaches the client. Work stopped because the client left is logged as such.
func (s *Server) renderError(r *http.Request, l domain.Locale, err error) (int, []byte) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		s.log.Info("client closed request", "request_id", infoFrom(r.Context()).id,
			"method", r.Method, "path", r.URL.Path)
		return statusClientClosed, nil
	}
	status, doc := errorResponse(err, l)
	if status >= 500 {
		s.log.Error("request failed", "err", err, "request_id", infoFrom(r.Context()).id,
			"method", r.Method, "path", r.URL.Path)
	}
	body, _ := encode(doc) // an error document always encodes
	return status, body
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, l domain.Locale, err error) {
	status, body := s.renderError(r, l, err)
	writeBody(w, status, body)
}

// pathID reads an integer id from the path; anything else is the object's not-found.
func (c *call) pathID(name string) (int64, error) {
	v, err := strconv.ParseInt(c.r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, domain.NotFound(pathIDs[name])
	}
	return v, nil
}

// attributesBody is the request body of a create or update: {"data": {"attributes": A}}.
type attributesBody[A any] struct {
	Data *struct {
		Attributes *A `json:"attributes"`
	} `json:"data"`
}

// decodeAttributes decodes the call's body and returns its data.attributes, which
// must be present.
func decodeAttributes[A any](c *call) (*A, error) {
	var b attributesBody[A]
	if err := decodeJSON(c.body, &b); err != nil {
		return nil, err
	}
	if b.Data == nil {
		return nil, domain.FieldError("/data", domain.MsgRequired)
	}
	if b.Data.Attributes == nil {
		return nil, domain.FieldError("/data/attributes", domain.MsgRequired)
	}
	return b.Data.Attributes, nil
}

// one is a document holding a single resource.
func one(res resource) reply { return reply{doc: document{Data: res}} }

// created is a 201 document holding a single resource.
func created(res resource) reply { return reply{status: http.StatusCreated, doc: document{Data: res}} }

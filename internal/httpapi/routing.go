package httpapi

import (
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// routedMethods are the methods of the API's resources: a request with one of them
// that no route serves answers 404 or 405. Any other method (CONNECT, OPTIONS, TRACE
// or an extension) is implemented by no endpoint, and answers 501 on every path, as
// RFC 9110 asks.
var routedMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true,
	http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true,
}

// dispatch hands a request to the router, first answering as JSON:API errors what
// the router would answer itself in plain text or HTML: a method it does not route,
// a target that is not a path (CONNECT's host:port, the asterisk), and a path with
// empty or dot segments, which it redirects to the clean path.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	l := domain.ParseLocale(r.Header.Get("X-Api-Locale"))
	switch {
	case !routedMethods[r.Method]:
		s.writeError(w, r, l, domain.Errorf(domain.ErrUnsupported, domain.MsgMethodNotImplemented))
	case !strings.HasPrefix(r.URL.Path, "/"):
		s.writeError(w, r, l, domain.Errorf(domain.ErrNotFound, domain.MsgRouteNotFound))
	case cleanPath(r.URL.EscapedPath()) != r.URL.EscapedPath():
		// Redirected as the router does, so clients that follow redirects keep
		// working, but without its HTML body.
		loc := cleanPath(r.URL.EscapedPath())
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusTemporaryRedirect)
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// cleanPath is p without empty, "." and ".." segments, keeping a final slash.
func cleanPath(p string) string {
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean
}

// handleUnmatched answers paths no route serves. A path with a trailing slash is
// served as the path without it: the documentation's own examples write
// GET /api/v3/resellers/1/plans/?page[size]=2. Otherwise it answers 405 when the path
// exists under another method, and 404, both as JSON:API errors.
func (s *Server) handleUnmatched(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		trimmed := r.Clone(r.Context())
		trimmed.URL.Path = strings.TrimSuffix(p, "/")
		trimmed.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
		if _, pattern := s.mux.Handler(trimmed); pattern != "" && pattern != "/" {
			s.mux.ServeHTTP(w, trimmed)
			r.Pattern = trimmed.Pattern // for the access log and the metrics
			return
		}
	}
	l := domain.ParseLocale(r.Header.Get("X-Api-Locale"))
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		if allow[0] == http.MethodGet {
			// The router serves HEAD wherever it serves GET.
			allow = slices.Insert(allow, 1, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, l, domain.Errorf(domain.ErrMethod, domain.MsgMethodNotAllowed))
		return
	}
	s.writeError(w, r, l, domain.Errorf(domain.ErrNotFound, domain.MsgRouteNotFound))
}

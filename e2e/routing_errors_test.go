package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestRoutingMethods answers every method no endpoint implements (CONNECT, TRACE,
// OPTIONS, made-up tokens) with a JSON:API 501 on any path, and the methods endpoints
// do implement with 404 or 405 where no route serves them.
func TestRoutingMethods(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		headers := "Host: cascade.test\r\nX-Api-Token: " + s.token + "\r\nConnection: close\r\n\r\n"
		cases := []struct {
			name, request, code string
			status              int
		}{
			{"CONNECT authority", "CONNECT cascade.test:443 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"CONNECT path", "CONNECT /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"TRACE", "TRACE /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"OPTIONS", "OPTIONS /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"OPTIONS asterisk", "OPTIONS * HTTP/1.1\r\n", "method_not_implemented", 501},
			{"unknown method", "BREW /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"unknown method unknown path", "BREW /coffee HTTP/1.1\r\n", "method_not_implemented", 501},
			{"lower-case get", "get /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_implemented", 501},
			{"GET asterisk", "GET * HTTP/1.1\r\n", "route_not_found", 404},
			{"DELETE", "DELETE /api/v3/resellers/1 HTTP/1.1\r\n", "method_not_allowed", 405},
			{"encoded slash", "GET /api/v3/resellers%2F1 HTTP/1.1\r\n", "route_not_found", 404},
			{"long path", "GET /api/v3/" + strings.Repeat("a", 64<<10) + " HTTP/1.1\r\n", "route_not_found", 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rsOnly(t, rsErrorDoc(t, rawExchange(t, s, c.request+headers, false), c.status), c.code)
			})
		}
		t.Run("client", func(t *testing.T) {
			for _, method := range []string{"TRACE", "PROPFIND"} {
				rsOnly(t, rsErrorDoc(t, rsDo(t, s.Admin, method, "/api/v3/resellers/1", "", ""), http.StatusNotImplemented),
					"method_not_implemented")
			}
		})
	})
}

// TestRoutingUncleanPaths redirects a path with empty or dot segments to its clean
// form, as the standard router does, but without an HTML body.
func TestRoutingUncleanPaths(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		headers := " HTTP/1.1\r\nHost: cascade.test\r\nConnection: close\r\n\r\n"
		for path, want := range map[string]string{
			"/api/v3/x/../resellers/1":     "/api/v3/resellers/1",
			"//api/v3/resellers/1":         "/api/v3/resellers/1",
			"/api/v3/./resellers/1?a=b":    "/api/v3/resellers/1?a=b",
			"/api/v3/resellers/1/../..//x": "/api/v3/x",
		} {
			t.Run(path, func(t *testing.T) {
				resp := rawExchange(t, s, "GET "+path+headers, false)
				if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != want {
					t.Fatalf("status=%d Location=%q, want 307 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
				}
				if len(resp.Body) != 0 || resp.Header.Get("Content-Type") != "" {
					t.Fatalf("redirect has a body %q of type %q", resp.Body, resp.Header.Get("Content-Type"))
				}
			})
		}
		if resp := rsDo(t, s.client(""), "GET", "/healthz", "", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: status %d", resp.StatusCode)
		}
	})
}

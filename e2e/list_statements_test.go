package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
)

// lsSortShapes returns up to n distinct sort parameters over fields: every field
// ascending and descending, then every ordered pair of them, then every triple...
func lsSortShapes(fields []string, n int) []string {
	var out []string
	level := [][]string{nil}
	for len(out) < n && len(level) > 0 {
		var next [][]string
		for _, prefix := range level {
			for _, f := range fields {
				if slices.ContainsFunc(prefix, func(term string) bool { return strings.TrimPrefix(term, "-") == f }) {
					continue
				}
				for _, term := range []string{f, "-" + f} {
					shape := append(slices.Clone(prefix), term)
					next = append(next, shape)
					if len(out) < n {
						out = append(out, strings.Join(shape, ","))
					}
				}
			}
		}
		level = next
	}
	return out
}

// TestListStatementsBounded asks for lists in many shapes, each a SQL text of its
// own, and checks that the server keeps no more prepared statements than its cap.
func TestListStatementsBounded(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		marketing := s.client(mustCreateManager(t, s.Admin, 1, "marketing").APIToken)
		t.Run("SortShapes", func(t *testing.T) {
			shapes := lsSortShapes([]string{"id", "name", "email", "created_at", "updated_at"}, store.MaxPreparedStatements+100)
			if len(shapes) != store.MaxPreparedStatements+100 {
				t.Fatalf("%d shapes", len(shapes))
			}
			for _, sort := range shapes {
				if resp := lqGet(t, marketing, lqManagers, url.Values{"sort": {sort}}); resp.StatusCode != http.StatusOK {
					t.Fatalf("sort=%s: status %d: %s", sort, resp.StatusCode, resp.Body)
				}
			}
			if got := s.DB.PreparedStatements(); got > store.MaxPreparedStatements {
				t.Fatalf("%d statements prepared, want at most %d", got, store.MaxPreparedStatements)
			}
		})
		t.Run("FilterLengths", func(t *testing.T) {
			// Lists of 1 to 300 values share the statements of the powers of two up to
			// 512: ten texts, however many lengths are asked for.
			before := s.DB.PreparedStatements()
			values := []string{}
			for n := 1; n <= 300; n++ {
				values = append(values, strconv.Itoa(1_000_000+n))
				if ids := lqManagerIDs(t, lqGet(t, marketing, lqManagers, url.Values{"filter[id]": {strings.Join(values, ",")}})); len(ids) != 0 {
					t.Fatalf("%d values: ids=%v, want none", n, ids)
				}
			}
			if grown := s.DB.PreparedStatements() - before; grown > 10 {
				t.Fatalf("300 lengths of one filter prepared %d statements, want at most 10", grown)
			}
		})
	})
}

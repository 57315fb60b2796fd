package e2e

import (
	"fmt"
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

// lsLengths returns 1, 2, ... up to last in steps of step, and last.
func lsLengths(last, step int) []int {
	out := []int{1}
	for n := 2; n < last; n += step {
		out = append(out, n)
	}
	return append(out, last)
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
			// A comma list binds its values as one parameter: every length of one
			// filter is one SQL text, so the first length prepares the statements
			// and no later length adds any. One value is a text of its own on
			// PostgreSQL (compared with =, so that its statement keeps a generic
			// plan), so the count starts with the first longer list.
			accounts := "/api/v3/resellers/1/accounts"
			// from names the listed table as its statements read it: the job
			// runner and the scheduler bind lists of their own, which a connection
			// may first prepare at any moment of the test.
			shapes := []struct {
				path, param, from string
				value             func(i int) string
				lengths           []int
			}{
				{lqManagers, "filter[id]", "FROM managers", func(i int) string { return strconv.Itoa(1_000_000 + i) }, lsLengths(1000, 1)},
				{lqManagers, "filter[email]", "FROM managers", func(i int) string { return fmt.Sprintf("nobody%d@example.com", i) }, lsLengths(1000, 37)},
				{accounts, "filter[id]", "FROM accounts", func(i int) string { return strconv.Itoa(1_000_000 + i) }, lsLengths(1000, 37)},
				{accounts, "filter[user_email]", "FROM accounts", func(i int) string { return fmt.Sprintf("nobody%d@example.com", i) }, lsLengths(1000, 37)},
				{"/api/v3/customer_store/resellers/1/products", "filter[key]", "FROM products", func(i int) string { return fmt.Sprintf("no-such-key-%d", i) }, lsLengths(1000, 37)},
			}
			for _, shape := range shapes {
				before := -1
				values := []string{}
				for _, n := range shape.lengths {
					for len(values) < n {
						values = append(values, shape.value(len(values)+1))
					}
					resp := lqGet(t, s.Admin, shape.path, url.Values{shape.param: {strings.Join(values, ",")}})
					if resp.StatusCode != http.StatusOK || !strings.Contains(string(resp.Body), `"total_count":0`) {
						t.Fatalf("%s with %d values: status %d, want 200 and no match; body %.300s", shape.param, n, resp.StatusCode, resp.Body)
					}
					// Only the texts that bind a list count: on PostgreSQL each connection
					// prepares what it runs, so other texts come and go with the
					// connection a request happens to get.
					got := lsListTexts(s.DB.PreparedTexts(), shape.from)
					if n == 1 {
						continue
					}
					if before < 0 {
						before = got
					} else if got > before {
						t.Fatalf("%s %s with %d values: %d list statements prepared, was %d with fewer; want one SQL text for every length",
							shape.path, shape.param, n, got, before)
					}
				}
			}
		})
	})
}

// lsListTexts counts the SQL texts reading from (a table, "FROM name") that bind a
// comma list as one parameter.
func lsListTexts(texts []string, from string) int {
	n := 0
	for _, t := range texts {
		if strings.Contains(t, from) && (strings.Contains(t, "= ANY(") || strings.Contains(t, "json_each(")) {
			n++
		}
	}
	return n
}

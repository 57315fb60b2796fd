package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// ctPath is an API path under /api/v3.
func ctPath(format string, args ...any) string { return fmt.Sprintf("/api/v3"+format, args...) }

// ctGet sends a GET and returns the answer whatever its status.
func ctGet(t testing.TB, c *client.Client, path string, opts ...client.RequestOption) *client.Response {
	t.Helper()
	resp, err := c.Do(context.Background(), "GET", path, nil, "", opts...)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

// ctError sends a GET that must fail with status and carry code (and, when param
// is not "", name that query parameter); it returns the answer.
func ctError(t testing.TB, c *client.Client, path string, status int, code, param string) *client.Response {
	t.Helper()
	resp := ctGet(t, c, path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, resp.StatusCode, status, resp.Body)
	}
	e := &client.Error{StatusCode: resp.StatusCode}
	if err := json.Unmarshal(resp.Body, e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("GET %s: not an error document: %s", path, resp.Body)
	}
	for _, o := range e.Errors {
		if o.Code == code && (param == "" || o.Source != nil && o.Source.Parameter == param) {
			return resp
		}
	}
	t.Fatalf("GET %s: errors %s, want %s at %q", path, resp.Body, code, param)
	return nil
}

// ctPlanIDs are the ids of plans, in order.
func ctPlanIDs(ps []client.Plan) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// ctPlanKeys are the keys of plans, in order.
func ctPlanKeys(ps []client.Plan) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}

// ctProductKeys are the keys of products, in order.
func ctProductKeys(ps []client.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}

// ctCategoryKeys are the keys of categories, in order.
func ctCategoryKeys(cs []client.ProductCategory) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Key
	}
	return out
}

// ctSameKeys fails unless got equals want.
func ctSameKeys(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func ctID(v int64) string { return strconv.FormatInt(v, 10) }

package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPageURLKeepsOtherParameters checks the page links: other parameters kept,
// legacy paging replaced, a look-alike key left alone.
func TestPageURLKeepsOtherParameters(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet,
		"http://h.example/api/v3/resellers/1/plans?apage[number]=x&filter[name]=a%3Db&page=3&per_page=9&page[number]=3", nil)
	u := newPageURL(r, 20)
	want := "http://h.example/api/v3/resellers/1/plans?apage[number]=x&filter[name]=a%3Db&page[number]=7&page[size]=20"
	if got := u.at(7); got != want {
		t.Fatalf("page 7:\n got %s\nwant %s", got, want)
	}
}

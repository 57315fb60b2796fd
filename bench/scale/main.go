// Command scale measures what one list request costs with no cache to help: before
// each timed GET it changes an account (a PATCH, not timed), so every read finds a
// database that changed since the last one. bench/run.sh scale runs it against
// Cascade on databases of two sizes and divides the figures; see bench/README.md.
//
//	scale measure -url URL -token T -accounts N [-n 300]   time every list case
//	scale bare -url URL [-n 300]                           time GETs of a bare server
//
// Each measurement prints one line per case: "CASE name median_us=.. p99_us=..", with
// "matches=.." for a filter whose matches grow with the table.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// listCase is one list request of the scale scenario.
type listCase struct {
	name  string
	query string // after /api/v3/resellers/1/accounts?
	// byMatches marks a filter whose matches grow with the table: its cost may grow
	// with them, and the line reports how many there are (bench/scale.sh judges
	// it apart).
	byMatches bool
}

// cases are the list parameters whose cost must not grow with the table. The deep
// cursor (page[after]) is added at run time: it is the links.next of the page in the
// middle of the list.
//
// The two contains filters tell the table from the matches apart. "ustomer 77" holds
// the seeded names whose number starts with 77, so its matches grow with the table
// (111 of 10,000, 11,111 of 1,000,000), and the total count counts every one: its
// cost may grow with them. "dle customer" holds only the needles, the same accounts
// at every size, though most of its trigrams (those of "customer") are in every
// seeded name: its cost must not grow.
var cases = []listCase{
	{"page_1", "page[size]=50", false},
	{"sort_name", "sort=name&page[size]=50", false},
	{"filter_name_contains", "filter[name]=" + url.QueryEscape("ustomer 77") + "&page[size]=50", true},
	{"filter_name_contains_fixed", "filter[name]=" + url.QueryEscape(needleTerm) + "&page[size]=50", false},
	{"page_number_150", "page[number]=150&page[size]=50", false},
}

// needles accounts named "Needle Customer 1"... are made through the API before the
// measurement, on every database, so that needleTerm has the same matches at every
// size: "dle" is in no seeded name.
const (
	needles    = 20
	needleTerm = "dle customer"
)

const listPath = "/api/v3/resellers/1/accounts"

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: scale measure|bare [flags]")
	}
	fs := flag.NewFlagSet("scale "+os.Args[1], flag.ExitOnError)
	base := fs.String("url", "", "base URL of the server")
	token := fs.String("token", "", "X-Api-Token of the operator's administrator")
	accounts := fs.Int("accounts", 0, "accounts the operator has (the middle page holds the deep cursor)")
	n := fs.Int("n", 300, "timed requests per case")
	fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "measure":
		measure(*base, *token, *accounts, *n)
	case "bare":
		m := &meter{base: *base}
		report("bare", m.time(listPath+"?"+cases[0].query, *n, false), "")
	default:
		log.Fatalf("scale: unknown command %q", os.Args[1])
	}
}

// meter sends the requests of one server.
type meter struct {
	base, token string
	writeID     int64 // the account each write changes
	writeType   int64 // its account type, which a change names
	writes      int
}

func (m *meter) do(method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, m.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if m.token != "" {
		req.Header.Set("X-Api-Token", m.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		err = fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, out)
	}
	return out, err
}

// write changes one account, so that no cache keyed on the database's state helps
// the next read.
func (m *meter) write() {
	m.writes++
	body := fmt.Sprintf(`{"data":{"type":"accounts","attributes":{"account_type_id":%d,"middle_name":"w%d"}}}`,
		m.writeType, m.writes)
	if _, err := m.do("PATCH", fmt.Sprintf("%s/%d", listPath, m.writeID), []byte(body)); err != nil {
		log.Fatalf("scale: write: %v", err)
	}
}

// time returns the durations of n GETs of path, each after a write when uncached.
func (m *meter) time(path string, n int, uncached bool) []time.Duration {
	out := make([]time.Duration, 0, n)
	for range n {
		if uncached {
			m.write()
		}
		start := time.Now()
		if _, err := m.do("GET", path, nil); err != nil {
			log.Fatalf("scale: %v", err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

func measure(base, token string, accounts, n int) {
	m := &meter{base: base, token: token}
	first, err := m.do("GET", listPath+"?page[size]=1", nil)
	if err != nil {
		log.Fatalf("scale: %v", err)
	}
	var page struct {
		Data []struct {
			ID         string `json:"id"`
			Attributes struct {
				AccountTypeID int64 `json:"account_type_id"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(first, &page); err != nil || len(page.Data) == 0 {
		log.Fatalf("scale: the operator has no account to write (%v)", err)
	}
	m.writeID, _ = strconv.ParseInt(page.Data[0].ID, 10, 64)
	m.writeType = page.Data[0].Attributes.AccountTypeID
	m.addNeedles()

	all := slices.Clone(cases)
	mid := max(1, accounts/100) // the page in the middle, in pages of 50
	body, err := m.do("GET", listPath+"?page[size]=50&page[number]="+strconv.Itoa(mid), nil)
	if err != nil {
		log.Fatalf("scale: %v", err)
	}
	cursor := regexp.MustCompile(`page\[after\]=([A-Za-z0-9_-]+)`).FindSubmatch(body)
	if cursor == nil {
		log.Fatalf("scale: page %d has no links.next cursor", mid)
	}
	all = append(all, listCase{"page_after_deep", "page[after]=" + string(cursor[1]) + "&page[size]=50", false})
	for _, c := range all {
		extra := ""
		if c.byMatches {
			extra = " matches=" + strconv.Itoa(m.total(c.query))
		}
		report(c.name, m.time(listPath+"?"+c.query, n, true), extra)
	}
}

// addNeedles makes the operator hold needles accounts matching needleTerm, creating
// those missing (a database measured before holds them already).
func (m *meter) addNeedles() {
	for i := m.total("filter[name]="+url.QueryEscape(needleTerm)) + 1; i <= needles; i++ {
		// The seeded accounts' type builds the name from first and last name.
		create := fmt.Sprintf(`{"data":{"type":"accounts","attributes":{"account_type_id":%d,`+
			`"first_name":"Needle","last_name":"Customer %d","email":"needle%d@example.com"}}}`, m.writeType, i, i)
		if _, err := m.do("POST", listPath, []byte(create)); err != nil {
			log.Fatalf("scale: create a needle: %v", err)
		}
	}
}

// total returns the meta.total_count of the list with query.
func (m *meter) total(query string) int {
	body, err := m.do("GET", listPath+"?"+query, nil)
	if err != nil {
		log.Fatalf("scale: %v", err)
	}
	var page struct {
		Meta struct {
			TotalCount int `json:"total_count"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		log.Fatalf("scale: total of %s: %v", query, err)
	}
	return page.Meta.TotalCount
}

// report prints the median and the 99th percentile of ds, and extra.
func report(name string, ds []time.Duration, extra string) {
	slices.Sort(ds)
	at := func(p float64) int64 { return ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds() }
	fmt.Printf("CASE %s median_us=%d p99_us=%d%s\n", name, at(0.5), at(0.99), extra)
}

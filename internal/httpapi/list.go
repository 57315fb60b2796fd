package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// listParams parses the call's query against spec.
func (s *Server) listParams(c *call, spec listSpec) (listParams, error) {
	return parseList(c.r.URL.Query(), spec, s.loc, c.r.URL.Path)
}

// listUnder reads what every list below a reseller starts with: the reseller id of the
// path and the list parameters.
func (s *Server) listUnder(c *call, spec listSpec) (int64, listParams, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, listParams{}, err
	}
	p, err := s.listParams(c, spec)
	return rid, p, err
}

// listOf makes the handler of a list below the path's reseller: it reads the list
// parameters of spec, asks find for the page and has render write it.
func listOf[T any](s *Server, spec listSpec,
	find func(context.Context, domain.Actor, int64, domain.ListQuery) ([]T, domain.PageInfo, error),
	render func(*call, []T, domain.PageInfo, listParams) (reply, error)) handlerFunc {
	return func(c *call) (reply, error) {
		rid, p, err := s.listUnder(c, spec)
		if err != nil {
			return reply{}, err
		}
		items, info, err := find(c.ctx, c.actor, rid, p.query)
		if err != nil {
			return reply{}, err
		}
		return render(c, items, info, p)
	}
}

// plainPage renders a page whose items become one resource each, with nothing
// included.
func plainPage[T any](s *Server, toAPI func(T) resource) func(*call, []T, domain.PageInfo, listParams) (reply, error) {
	return func(c *call, items []T, info domain.PageInfo, p listParams) (reply, error) {
		data := make([]resource, len(items))
		for i, v := range items {
			data[i] = toAPI(v)
		}
		return s.page(c, data, nil, info, p), nil
	}
}

// page is the document of one page of a list: its resources, included objects,
// pagination links and the total count.
//
// links.next carries the cursor of the page's last row (page[after]) whenever a page
// follows, whichever way the page was asked for: following it costs the same at any
// depth. self repeats the request; first and last are numbered pages, last counted
// from the total. prev is numbered too after a numbered page; after a cursor the
// previous page has no number and no cursor Cascade keeps, so prev is null.
func (s *Server) page(c *call, data []resource, included []resource, info domain.PageInfo, p listParams) reply {
	if data == nil {
		data = []resource{}
	}
	size, number := p.query.Page.Size, p.query.Page.Number
	last := max(1, (info.Total+size-1)/size)
	u := newPageURL(c.r, size)
	l := &links{First: u.at(1), Last: u.at(last)}
	if after := p.query.Page.After; after != nil {
		l.Self = u.after(after.Token(p.fingerprint))
	} else {
		l.Self = u.at(number)
		if number > 1 {
			prev := u.at(min(number-1, last))
			l.Prev = &prev
		}
	}
	if info.Next != nil {
		next := u.after(info.Next.Token(p.fingerprint))
		l.Next = &next
	}
	return reply{doc: document{Data: data, Included: included, Links: l, Meta: &listMeta{TotalCount: info.Total}}}
}

// unescapeBrackets undoes url.Values' escaping of brackets: they are legal in a query,
// and keeping them makes links read like the docs.
var unescapeBrackets = strings.NewReplacer("%5B", "[", "%5D", "]")

// pageURL renders the request's URL for any page of the same size, other parameters
// kept; legacy page/per_page give way to page[number]/page[size], and page[number]
// and page[after] to the one the link needs. The URL is encoded once, split where
// the page goes.
type pageURL struct{ head, tail string }

// pageParam marks where the page goes in the encoded query: url.Values encodes keys
// in order, and no parameter a list accepts sorts between page[after] and
// page[number].
const pageParam = "page[at]="

func newPageURL(r *http.Request, size int) pageURL {
	q := r.URL.Query()
	q.Del("page")
	q.Del("per_page")
	q.Del("page[number]")
	q.Del("page[after]")
	q.Set("page[at]", "")
	q.Set("page[size]", strconv.Itoa(size))
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	query := "?" + unescapeBrackets.Replace(q.Encode())
	// A key follows "?" or "&", and "=" is escaped everywhere else, so the parameter
	// is found at its own key and not inside another one.
	at := strings.Index(query, "?"+pageParam)
	if at < 0 {
		at = strings.Index(query, "&"+pageParam)
	}
	at++
	base := (&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path}).String()
	return pageURL{head: base + query[:at], tail: query[at+len(pageParam):]}
}

// at returns the URL of page number.
func (u pageURL) at(number int) string {
	return u.head + "page[number]=" + strconv.Itoa(number) + u.tail
}

// after returns the URL of the page after the cursor token, which is URL-safe.
func (u pageURL) after(token string) string { return u.head + "page[after]=" + token + u.tail }

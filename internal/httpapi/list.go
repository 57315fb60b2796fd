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
	return parseList(c.r.URL.Query(), spec, s.loc)
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
	find func(context.Context, domain.Actor, int64, domain.ListQuery) ([]T, int, error),
	render func(*call, []T, int, listParams) (reply, error)) handlerFunc {
	return func(c *call) (reply, error) {
		rid, p, err := s.listUnder(c, spec)
		if err != nil {
			return reply{}, err
		}
		items, total, err := find(c.ctx, c.actor, rid, p.query)
		if err != nil {
			return reply{}, err
		}
		return render(c, items, total, p)
	}
}

// plainPage renders a page whose items become one resource each, with nothing
// included.
func plainPage[T any](s *Server, toAPI func(T) resource) func(*call, []T, int, listParams) (reply, error) {
	return func(c *call, items []T, total int, p listParams) (reply, error) {
		data := make([]resource, len(items))
		for i, v := range items {
			data[i] = toAPI(v)
		}
		return s.page(c, data, nil, total, p), nil
	}
}

// page is the document of one page of a list: its resources, included objects,
// pagination links and the total count.
func (s *Server) page(c *call, data []resource, included []resource, total int, p listParams) reply {
	if data == nil {
		data = []resource{}
	}
	size, number := p.query.Page.Size, p.query.Page.Number
	last := max(1, (total+size-1)/size)
	u := newPageURL(c.r, size)
	l := &links{Self: u.at(number), First: u.at(1), Last: u.at(last)}
	if number > 1 {
		prev := u.at(min(number-1, last))
		l.Prev = &prev
	}
	if number < last {
		next := u.at(number + 1)
		l.Next = &next
	}
	return reply{doc: document{Data: data, Included: included, Links: l, Meta: &listMeta{TotalCount: total}}}
}

// unescapeBrackets undoes url.Values' escaping of brackets: they are legal in a query,
// and keeping them makes links read like the docs.
var unescapeBrackets = strings.NewReplacer("%5B", "[", "%5D", "]")

// pageURL renders the request's URL for any page of the same size, other parameters
// kept; legacy page/per_page give way to page[number]/page[size]. The URL is encoded
// once, split where the page number goes.
type pageURL struct{ before, after string }

// numberParam is page[number] as the encoded query holds it, without a value.
const numberParam = "page[number]="

func newPageURL(r *http.Request, size int) pageURL {
	q := r.URL.Query()
	q.Del("page")
	q.Del("per_page")
	q.Set("page[number]", "")
	q.Set("page[size]", strconv.Itoa(size))
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	query := "?" + unescapeBrackets.Replace(q.Encode())
	// A key follows "?" or "&", and "=" is escaped everywhere else, so the parameter
	// is found at its own key and not inside another one.
	at := strings.Index(query, "?"+numberParam)
	if at < 0 {
		at = strings.Index(query, "&"+numberParam)
	}
	at += 1 + len(numberParam)
	base := (&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path}).String()
	return pageURL{before: base + query[:at], after: query[at:]}
}

// at returns the URL of page number.
func (u pageURL) at(number int) string { return u.before + strconv.Itoa(number) + u.after }

package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// page is the document of one page of a list: its resources, included objects,
// pagination links and the total count.
func (s *Server) page(c *call, data []resource, included []resource, total int, p listParams) reply {
	if data == nil {
		data = []resource{}
	}
	size, number := p.query.Page.Size, p.query.Page.Number
	last := max(1, (total+size-1)/size)
	l := &links{
		Self:  pageURL(c.r, number, size),
		First: pageURL(c.r, 1, size),
		Last:  pageURL(c.r, last, size),
	}
	if number > 1 {
		prev := pageURL(c.r, min(number-1, last), size)
		l.Prev = &prev
	}
	if number < last {
		next := pageURL(c.r, number+1, size)
		l.Next = &next
	}
	return reply{doc: document{Data: data, Included: included, Links: l, Meta: &listMeta{TotalCount: total}}}
}

// pageURL is the request's URL with the given page, other parameters kept. Legacy
// page/per_page give way to page[number]/page[size].
func pageURL(r *http.Request, number, size int) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("per_page")
	q.Set("page[number]", strconv.Itoa(number))
	q.Set("page[size]", strconv.Itoa(size))
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	// Brackets are legal in a query; keeping them makes links read like the docs.
	query := strings.NewReplacer("%5B", "[", "%5D", "]").Replace(q.Encode())
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path}).String() + "?" + query
}

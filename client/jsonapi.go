package client

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Resource is a JSON:API resource object as the server sent it.
type Resource struct {
	ID            string                  `json:"id"`
	Type          string                  `json:"type"`
	Attributes    json.RawMessage         `json:"attributes"`
	Relationships map[string]Relationship `json:"relationships,omitempty"`
}

// Relationship links a resource to others: Data is the one of a to-one link (nil
// when empty), Many the ones of a to-many link (such as a payment's orders).
type Relationship struct {
	Data *Identifier  `json:"data"`
	Many []Identifier `json:"-"`
}

// UnmarshalJSON implements json.Unmarshaler: data may be an object, null or an array.
func (r *Relationship) UnmarshalJSON(b []byte) error {
	var raw struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = Relationship{}
	d := bytes.TrimSpace(raw.Data)
	switch {
	case len(d) == 0:
		return nil
	case d[0] == '[':
		r.Many = []Identifier{}
		return json.Unmarshal(d, &r.Many)
	}
	return json.Unmarshal(d, &r.Data)
}

// Identifier names a resource.
type Identifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Links are the pagination links of a list page; Prev and Next are nil at the ends.
type Links struct {
	Self  string  `json:"self"`
	First string  `json:"first"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
	Last  string  `json:"last"`
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	Included   []Resource
	Links      Links
	TotalCount int
	// NextCursor is the page[after] cursor of links.next: pass it as
	// ListOptions.After, with the same filters and sort, for the next page. It is
	// empty on the last page.
	NextCursor string
}

// ListOptions select a page of a list. Filter keys are field names, optionally with a
// range suffix: {"created_at[gt]": "2024-01-01"} sends filter[created_at][gt].
type ListOptions struct {
	PageNumber int
	PageSize   int
	// After asks for the page after a cursor (Page.NextCursor) instead of a page
	// number: it costs the same however deep the page lies.
	After   string
	Filter  map[string]string
	Sort    string
	Include []string
	// Query holds any other parameters, sent as they are.
	Query url.Values
}

func (o *ListOptions) values() url.Values {
	v := url.Values{}
	if o == nil {
		return v
	}
	for k, vs := range o.Query {
		v[k] = vs
	}
	if o.PageNumber != 0 {
		v.Set("page[number]", strconv.Itoa(o.PageNumber))
	}
	if o.PageSize != 0 {
		v.Set("page[size]", strconv.Itoa(o.PageSize))
	}
	if o.After != "" {
		v.Set("page[after]", o.After)
	}
	for k, f := range o.Filter {
		name, rng, _ := strings.Cut(k, "[")
		if rng != "" {
			rng = "[" + rng
		}
		v.Set("filter["+name+"]"+rng, f)
	}
	if o.Sort != "" {
		v.Set("sort", o.Sort)
	}
	if len(o.Include) > 0 {
		inc := o.Include[0]
		for _, i := range o.Include[1:] {
			inc += "," + i
		}
		v.Set("include", inc)
	}
	return v
}

func (o *ListOptions) path(base string) string {
	if q := o.values().Encode(); q != "" {
		return base + "?" + q
	}
	return base
}

type listDocument struct {
	Data     []Resource `json:"data"`
	Included []Resource `json:"included"`
	Links    Links      `json:"links"`
	Meta     struct {
		TotalCount int `json:"total_count"`
	} `json:"meta"`
}

type oneDocument struct {
	Data     Resource   `json:"data"`
	Included []Resource `json:"included"`
}

// decoded is implemented by the client's resource types, which fill themselves from a
// resource object.
type decoded interface {
	fromResource(Resource) error
}

func decodeList[T any, PT interface {
	*T
	decoded
}](doc *listDocument) (*Page[T], error) {
	p := &Page[T]{Items: make([]T, len(doc.Data)), Included: doc.Included, Links: doc.Links,
		TotalCount: doc.Meta.TotalCount}
	if doc.Links.Next != nil {
		if u, err := url.Parse(*doc.Links.Next); err == nil {
			p.NextCursor = u.Query().Get("page[after]")
		}
	}
	for i, r := range doc.Data {
		if err := PT(&p.Items[i]).fromResource(r); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func parseID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// Helpers for building inputs with pointer fields.

// String returns a pointer to s.
func String(s string) *string { return &s }

// Int returns a pointer to v.
func Int(v int64) *int64 { return &v }

// Bool returns a pointer to v.
func Bool(v bool) *bool { return &v }

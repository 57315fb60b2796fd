package httpapi

import (
	"strconv"
	"time"
)

// Media types of the API.
const (
	mediaJSONAPI = "application/vnd.api+json"
	mediaJSON    = "application/json"
)

// resource is a JSON:API resource object.
type resource struct {
	ID            string                  `json:"id"`
	Type          string                  `json:"type"`
	Attributes    any                     `json:"attributes"`
	Relationships map[string]relationship `json:"relationships,omitempty"`
}

// relationship links a resource to others: Data is a *identifier or nil for a
// to-one relationship, a []identifier (never nil) for a to-many one.
type relationship struct {
	Data any `json:"data"`
}

// identifier names a resource by type and id.
type identifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// document is a JSON:API top-level document. Data is one resource or a slice of them.
type document struct {
	Data     any        `json:"data"`
	Included []resource `json:"included,omitempty"`
	Links    *links     `json:"links,omitempty"`
	Meta     *listMeta  `json:"meta,omitempty"`
}

// links are the pagination links of a list; prev and next are null at the ends.
type links struct {
	Self  string  `json:"self"`
	First string  `json:"first"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
	Last  string  `json:"last"`
}

type listMeta struct {
	TotalCount int `json:"total_count"`
}

func id(v int64) string { return strconv.FormatInt(v, 10) }

// apiTime is the documented time format: milliseconds and a numeric offset.
const apiTime = "2006-01-02T15:04:05.000-07:00"

// formatTime renders t in the installation's time zone.
func (s *Server) formatTime(t time.Time) string {
	var buf [len(apiTime)]byte
	return string(appendAPITime(buf[:0], t.In(s.loc)))
}

// appendAPITime appends t in the apiTime layout, byte for byte what t.Format(apiTime)
// gives, without reading the layout on every call: a resource renders several times.
func appendAPITime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, apiTime)
	}
	hour, minute, sec := t.Clock()
	_, offset := t.Zone()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3) // truncated, as Format does
	zone := offset / 60                        // minutes; Format drops the seconds of an offset
	if zone < 0 {
		b = append(b, '-')
		zone = -zone
	} else {
		b = append(b, '+')
	}
	b = appendDigits(b, zone/60, 2)
	b = append(b, ':')
	return appendDigits(b, zone%60, 2)
}

// appendDigits appends the non-negative v in exactly width decimal digits.
func appendDigits(b []byte, v, width int) []byte {
	start := len(b)
	for range width {
		b = append(b, '0')
	}
	for i := len(b) - 1; i >= start; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// nullableInt returns nil for 0, so optional foreign keys render as null.
func nullableInt(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// nullableString returns nil for "", for attributes the docs show as null when unset.
func nullableString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// includedSet gathers the included resources of a document, each once, in the
// order they are first met.
type includedSet struct {
	list []resource
	seen map[identifier]bool
}

// has reports whether the resource of type typ and id n is there already, so a
// caller can skip building it again.
func (s *includedSet) has(typ string, n int64) bool {
	return s.seen[identifier{Type: typ, ID: id(n)}]
}

// add appends r unless a resource of its type and id is already there.
func (s *includedSet) add(r resource) {
	k := identifier{Type: r.Type, ID: r.ID}
	if s.seen[k] {
		return
	}
	if s.seen == nil {
		s.seen = make(map[identifier]bool)
	}
	s.seen[k] = true
	s.list = append(s.list, r)
}

package domain

import (
	"strings"
	"time"
)

// Op is the comparison of one list condition.
type Op int

// The comparisons a list filter can ask for.
const (
	OpIn       Op = iota // field equals one of Values
	OpGt                 // field > Values[0]
	OpGe                 // field >= Values[0]
	OpLt                 // field < Values[0]
	OpContains           // field contains Values[0], case-insensitively
)

// Condition restricts a list by one field. Values hold string, int64, bool or
// time.Time, as the field's kind requires.
type Condition struct {
	Field  string
	Op     Op
	Values []any
}

// SortKey orders a list by one field.
type SortKey struct {
	Field string
	Desc  bool
}

// Page selects one page of a list: the page Number (counting from 1) or, when After
// is set, the page that follows that position (see Cursor).
type Page struct {
	Number int
	Size   int
	After  *Cursor
}

// Default and largest page sizes of every list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Caps on what one list request may ask for; a request over a cap is refused before
// the database sees it.
const (
	// MaxFilterValues is the most values a comma-list filter may name: a page's
	// worth, so a client can fetch a page of objects by id.
	MaxFilterValues = MaxPageSize
	// MaxSortFields is the most fields a sort may name. No list has that many
	// sortable fields, and each may be named once; the cap lets a sort of thousands
	// of terms be refused by counting its commas.
	MaxSortFields = 10
	// MaxIncludes is the most names an include may list. No object has that many
	// relationships to include; the cap lets an include of thousands of names be
	// refused by counting its commas, with one error rather than one per name.
	MaxIncludes = 10
)

// Offset is the number of rows before the page; a page after a cursor has none to
// skip.
func (p Page) Offset() int {
	if p.After != nil {
		return 0
	}
	return (p.Number - 1) * p.Size
}

// ListQuery is what a list endpoint asks of the store: conditions ANDed together, an
// order and a page. Field names are the API's; each store maps them to columns.
type ListQuery struct {
	Conditions []Condition
	Sort       []SortKey
	Page       Page
}

// Where appends a condition and returns q, for building queries in code.
func (q ListQuery) Where(field string, op Op, values ...any) ListQuery {
	q.Conditions = append(append([]Condition(nil), q.Conditions...), Condition{Field: field, Op: op, Values: values})
	return q
}

// Timestamps are the creation and last-change times every entity carries.
type Timestamps struct {
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Fold is how Cascade compares text without regard to case: Unicode lower-casing,
// done in Go and stored beside the text, so search and order are the same on every
// engine whatever its locale (SQLite's own lower() folds only ASCII).
func Fold(s string) string { return strings.ToLower(s) }

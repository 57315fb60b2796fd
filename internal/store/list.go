package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// column describes how an API field of a list maps to SQL.
type column struct {
	expr string // SQL expression, e.g. "r.name"
	// folded is the column holding the text folded (domain.Fold), which "contains"
	// filters and sorting use; empty for columns that are not free text.
	folded string
	// search is the SQLite FTS5 table indexing folded for "contains" filters
	// (migration 0009, search.go), keyed by the rowid of folded's table.
	search string
	// pending, with search, is the SQL of the rows whose folded text is not in the
	// search table yet and is LIKE a pattern, the %s of the text standing for its
	// placeholder (search_at_commit.go); empty where every row is in the table.
	pending string
	// text marks a sortable column of text that has no folded form (e-mails,
	// domains); a cursor then carries its value as a string, where other sortable
	// columns hold integers.
	text bool
}

// sqlBuilder accumulates a WHERE clause and its arguments for one engine.
type sqlBuilder struct {
	engine Engine
	where  []string
	args   []any
}

// builder returns an empty sqlBuilder for c's engine.
func (c *Conn) builder() sqlBuilder { return sqlBuilder{engine: c.db.engine} }

func (b *sqlBuilder) arg(v any) string {
	if t, ok := v.(time.Time); ok {
		v = t.UnixMicro()
	}
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *sqlBuilder) cond(format string, values ...any) {
	ph := make([]any, len(values))
	for i, v := range values {
		ph[i] = b.arg(v)
	}
	b.where = append(b.where, fmt.Sprintf(format, ph...))
}

// whereSQL renders the conditions as a WHERE clause, or "" when there are none.
func (b *sqlBuilder) whereSQL() string {
	if len(b.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(b.where, " AND ")
}

// in returns the condition "expr equals one of values" (strings, integers or
// booleans), the values bound as one parameter (see oneOf).
func (b *sqlBuilder) in(expr string, values []any) string { return addOneOf(b, expr, values) }

// ids is in for a set of ids.
func (b *sqlBuilder) ids(expr string, ids []int64) string { return addOneOf(b, expr, ids) }

func addOneOf[T any](b *sqlBuilder, expr string, values []T) string {
	if b.engine == "" {
		panic("store: sqlBuilder without an engine; make it with Conn.builder")
	}
	cond, arg := oneOf(b.engine, expr, len(b.args)+1, values)
	b.args = append(b.args, arg)
	return cond
}

// subtree restricts expr (a path column) to the reseller at path and everything below
// it; strict leaves the reseller itself out.
func (b *sqlBuilder) subtree(expr, path string, strict bool) {
	lo, hi := domain.PathRange(path)
	op := ">="
	if strict {
		op = ">"
	}
	b.cond(expr+" "+op+" %s AND "+expr+" < %s", lo, hi)
}

// apply adds the conditions of q, refusing fields the resource does not map.
func (b *sqlBuilder) apply(cols map[string]column, conds []domain.Condition) error {
	if b.engine == "" && len(conds) > 0 {
		return errors.New("store: list conditions built without an engine; make the sqlBuilder with Conn.builder")
	}
	for _, c := range conds {
		col, ok := cols[c.Field]
		if !ok {
			return fmt.Errorf("store: no column for filter %q", c.Field)
		}
		switch c.Op {
		case domain.OpIn:
			b.where = append(b.where, b.in(col.expr, c.Values))
		case domain.OpGt:
			b.cond(col.expr+" > %s", c.Values[0])
		case domain.OpGe:
			b.cond(col.expr+" >= %s", c.Values[0])
		case domain.OpLt:
			b.cond(col.expr+" < %s", c.Values[0])
		case domain.OpContains:
			if col.folded == "" {
				return fmt.Errorf("store: filter %q has no folded column to search", c.Field)
			}
			b.where = append(b.where, b.contains(col, domain.Fold(fmt.Sprint(c.Values[0]))))
		default:
			return fmt.Errorf("store: unknown operator %d", c.Op)
		}
	}
	return nil
}

// orderTerm is one term of a list's ORDER BY.
type orderTerm struct {
	expr string // the column ordered by (the folded one for names)
	desc bool
	text bool // the column holds text; otherwise integers (ids, times, priorities)
}

// order returns the terms of the ORDER BY of keys, ending with idExpr: ties on every
// key are broken by id in the direction of the last key, so that one index walked
// one way serves a sort and its ties. A sort that names id ends there, since no key
// after a unique one changes the order.
func order(cols map[string]column, keys []domain.SortKey, idExpr string) ([]orderTerm, error) {
	terms := make([]orderTerm, 0, len(keys)+1)
	desc := false
	for _, k := range keys {
		col, ok := cols[k.Field]
		if !ok {
			return nil, fmt.Errorf("store: no column for sort %q", k.Field)
		}
		if k.Field == "id" {
			return append(terms, orderTerm{expr: idExpr, desc: k.Desc}), nil
		}
		t := orderTerm{expr: col.expr, desc: k.Desc, text: col.text}
		if col.folded != "" {
			t.expr, t.text = col.folded, true // names order without regard to case
		}
		terms = append(terms, t)
		desc = k.Desc
	}
	return append(terms, orderTerm{expr: idExpr, desc: desc}), nil
}

// page renders WHERE, ORDER BY and LIMIT/OFFSET of one page of q, whose conditions
// b holds already, and returns the order's terms. It asks for one row more than
// the page holds, which tells whether another page follows. A page after a cursor
// starts past the cursor's row by a condition on the sort's columns (see after),
// which the sort's index answers without reading the rows before it.
func (b *sqlBuilder) page(cols map[string]column, q domain.ListQuery, idExpr string) (string, []orderTerm, error) {
	terms, err := order(cols, q.Sort, idExpr)
	if err != nil {
		return "", nil, err
	}
	if q.Page.After != nil {
		if err := b.after(terms, *q.Page.After); err != nil {
			return "", nil, err
		}
	}
	var sb strings.Builder
	sb.WriteString(b.whereSQL())
	sb.WriteString(" ORDER BY ")
	for i, t := range terms {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(t.expr)
		if t.desc {
			sb.WriteString(" DESC")
		}
	}
	fmt.Fprintf(&sb, " LIMIT %s OFFSET %s", b.arg(pageSize(q.Page)+1), b.arg(max(q.Page.Offset(), 0)))
	return sb.String(), terms, nil
}

// pageSize is the number of rows of p.
func pageSize(p domain.Page) int {
	if p.Size <= 0 {
		return domain.DefaultPageSize
	}
	return p.Size
}

// errCursor answers a cursor whose keys do not fit the list's sort: one altered
// by hand, since the fingerprint keeps a cursor to the sort it was made for.
var errCursor = domain.ParamError("page[after]", domain.MsgInvalidCursor)

// after adds the condition that rows sort past cursor c in the order of terms. When
// every term runs one way it is a row-value comparison, (k, id) > ($1, $2), which
// both engines answer as one range of an index on (k, id); a leading k >= $1
// bounds the range where an index holds more columns than the sort. Terms running
// both ways need the expanded form, k > $1 OR (k = $1 AND id < $2), still led by a
// bound on the first key.
func (b *sqlBuilder) after(terms []orderTerm, c domain.Cursor) error {
	if len(c.Keys) != len(terms)-1 {
		return errCursor
	}
	ph := make([]string, len(terms))
	for i, t := range terms[:len(terms)-1] {
		switch c.Keys[i].(type) {
		case string:
			if !t.text {
				return errCursor
			}
		case int64:
			if t.text {
				return errCursor
			}
		default:
			return errCursor
		}
		ph[i] = b.arg(c.Keys[i])
	}
	ph[len(terms)-1] = b.arg(c.ID)
	past := func(t orderTerm) string {
		if t.desc {
			return " < "
		}
		return " > "
	}
	first := terms[0]
	if len(terms) == 1 {
		b.where = append(b.where, first.expr+past(first)+ph[0])
		return nil
	}
	lead := first.expr + strings.TrimSuffix(past(first), " ") + "= " + ph[0]
	oneWay := true
	for _, t := range terms {
		oneWay = oneWay && t.desc == first.desc
	}
	if oneWay {
		exprs := make([]string, len(terms))
		for i, t := range terms {
			exprs[i] = t.expr
		}
		b.where = append(b.where, lead, "("+strings.Join(exprs, ", ")+")"+past(first)+"("+strings.Join(ph, ", ")+")")
		return nil
	}
	// From the last term outwards: past on this term, or equal on it and past on
	// the terms after it.
	cond := terms[len(terms)-1].expr + past(terms[len(terms)-1]) + ph[len(terms)-1]
	for i := len(terms) - 2; i >= 0; i-- {
		t := terms[i]
		cond = t.expr + past(t) + ph[i] + " OR (" + t.expr + " = " + ph[i] + " AND (" + cond + "))"
	}
	b.where = append(b.where, lead, "("+cond+")")
	return nil
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

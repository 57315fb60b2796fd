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

// page renders WHERE, ORDER BY and LIMIT/OFFSET for q. idExpr breaks ties so pages
// never overlap.
func (b *sqlBuilder) page(cols map[string]column, q domain.ListQuery, idExpr string) (string, error) {
	if err := b.apply(cols, q.Conditions); err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString(b.whereSQL())
	sb.WriteString(" ORDER BY ")
	for _, k := range q.Sort {
		col, ok := cols[k.Field]
		if !ok {
			return "", fmt.Errorf("store: no column for sort %q", k.Field)
		}
		if col.folded != "" {
			sb.WriteString(col.folded) // names order without regard to case
		} else {
			sb.WriteString(col.expr)
		}
		if k.Desc {
			sb.WriteString(" DESC")
		}
		sb.WriteString(", ")
	}
	sb.WriteString(idExpr)
	size := q.Page.Size
	if size <= 0 {
		size = domain.DefaultPageSize
	}
	fmt.Fprintf(&sb, " LIMIT %s OFFSET %s", b.arg(size), b.arg(max(q.Page.Offset(), 0)))
	return sb.String(), nil
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

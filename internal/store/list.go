package store

import (
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
}

// sqlBuilder accumulates a WHERE clause and its arguments.
type sqlBuilder struct {
	where []string
	args  []any
}

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

// list adds ids as arguments and returns their placeholders (see inList).
func (b *sqlBuilder) list(ids []int64) string { return addList(b, ids) }

// in adds the values of an IN condition (strings, integers or booleans) as arguments
// and returns their placeholders (see inList).
func (b *sqlBuilder) in(values []any) string {
	if len(values) == 0 {
		return "NULL" // nothing equals NULL: an empty list matches no row
	}
	return addList(b, values)
}

func addList[T any](b *sqlBuilder, values []T) string {
	in, args := inList(len(b.args)+1, values)
	b.args = append(b.args, args...)
	return in
}

// inList returns comma-separated placeholders from $first for values, which must not
// be empty, and the values as arguments. The list is padded to a power of two by
// repeating its last value, which changes no IN: each distinct SQL text is a prepared
// statement kept for the life of the pool, so a few sizes serve every length.
func inList[T any](first int, values []T) (string, []any) {
	n := 1
	for n < len(values) {
		n *= 2
	}
	ph := make([]string, n)
	args := make([]any, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(first+i)
		args[i] = values[min(i, len(values)-1)]
	}
	return strings.Join(ph, ", "), args
}

// maxInList is the most values one IN list carries. SQLite takes at most 32,766
// bound values in a statement and PostgreSQL 65,535, so a set of ids that has no
// bound of its own (every plan of a reseller, every id named on a command line) is
// sent in pieces of this size, each padded by inList to a power of two no larger.
const maxInList = 1024

// inPieces calls fn with successive pieces of values, each at most maxInList long,
// and stops at the first error.
func inPieces[T any](values []T, fn func(piece []T) error) error {
	for len(values) > 0 {
		n := min(len(values), maxInList)
		if err := fn(values[:n]); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
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
	for _, c := range conds {
		col, ok := cols[c.Field]
		if !ok {
			return fmt.Errorf("store: no column for filter %q", c.Field)
		}
		switch c.Op {
		case domain.OpIn:
			b.where = append(b.where, col.expr+" IN ("+b.in(c.Values)+")")
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
			b.cond(col.folded+" LIKE %s ESCAPE '\\'", "%"+escapeLike(domain.Fold(fmt.Sprint(c.Values[0])))+"%")
		default:
			return fmt.Errorf("store: unknown operator %d", c.Op)
		}
	}
	return nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
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

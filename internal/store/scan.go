package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cascade-billing/cascade/internal/domain"
)

// scanner is what a row of a query answers: rows, or a row of them.
type scanner interface{ Scan(dest ...any) error }

// attrs is a custom-attributes column: a JSON object of strings.
type attrs map[string]string

// ScanText implements pgtype.TextScanner, so pgx hands over the text as it is; through
// sql.Scanner it would box the text in an interface first.
func (a *attrs) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*a = nil
		return nil
	}
	return a.Scan(v.String)
}

// Scan implements sql.Scanner.
func (a *attrs) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*a = nil
		return nil
	default:
		return fmt.Errorf("custom attributes: unexpected %T", src)
	}
	if len(b) <= 2 { // "{}" is by far the common case
		*a = nil
		return nil
	}
	return json.Unmarshal(b, (*map[string]string)(a))
}

func attrsJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// listing declares one list: the table its rows come from, the columns its API
// fields map to, and the counters that answer its unfiltered total. Every list
// that declares one gets pages by number or by cursor, through the index of its
// sort, and totals that need not count rows (see listKeys).
type listing struct {
	// from is the FROM clause the page's keys are read from: the listed table and
	// the joins that its scope and conditions need, and no more.
	from string
	// id is the listed table's id column, e.g. "a.id".
	id   string
	cols map[string]column
	// tally names the counters that hold the number of rows of the list's scope,
	// which answer the total of a list without conditions; the zero tally counts.
	tally tally
}

// scope restricts l to the rows of one reseller (resellerID) or of every reseller
// strictly below the path below, by the reseller_id of the listed table (alias), and
// names that scope's counters of kind as l's tally. With neither, l lists every row
// and counts them.
func (l *listing) scope(b *sqlBuilder, alias, kind string, resellerID int64, below string) {
	if resellerID != 0 {
		b.cond(alias+".reseller_id = %s", resellerID)
	}
	if below != "" {
		l.from += " JOIN resellers r ON r.id = " + alias + ".reseller_id"
		b.subtree("r.path", below, true)
	}
	if resellerID != 0 || below != "" {
		l.tally = tally{kind: kind, reseller: resellerID, below: below}
	}
}

// scopeWithin restricts l to the rows of the reseller at path and of every reseller
// below it, by the reseller_id of the listed table (alias), and names that subtree's
// counters of kind as l's tally. A reseller with nothing below it (leaf, with its id
// resellerID) is listed by its reseller_id alone, through the indexes led by it; a
// subtree walks the index of the sort across resellers, keeping the subtree's rows
// (see docs/architecture.md, "Below a reseller").
func (l *listing) scopeWithin(b *sqlBuilder, alias, kind string, resellerID int64, path string, leaf bool) {
	if leaf {
		l.scope(b, alias, kind, resellerID, "")
		return
	}
	// SQLite, without statistics, would rather collect the subtree's rows through
	// the reseller index and sort them all; its CROSS JOIN keeps the listed table
	// the outer loop, walked in the order of the sort. PostgreSQL chooses by its
	// statistics.
	join := " JOIN resellers r ON r.id = " + alias + ".reseller_id"
	if b.engine == SQLite {
		join = " CROSS JOIN resellers r"
		b.where = append(b.where, "r.id = "+alias+".reseller_id")
	}
	l.from += join
	b.subtree("r.path", path, false)
	l.tally = tally{kind: kind, within: path}
}

// Subtree names the resellers a list of orders, subscriptions or payments covers:
// the reseller ResellerID, at Path, and, unless Leaf (no reseller below it), every
// reseller below it.
type Subtree struct {
	ResellerID int64
	Path       string
	Leaf       bool
}

// SubtreeOf returns the subtree of reseller id at path: whether any reseller sits
// below it is one probe of the path index.
func (c *Conn) SubtreeOf(ctx context.Context, id int64, path string) (Subtree, error) {
	lo, hi := domain.PathRange(path)
	var below int
	err := c.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM resellers WHERE path > $1 AND path < $2 LIMIT 1) x`,
		[]any{lo, hi}, &below)
	if err != nil {
		return Subtree{}, fmt.Errorf("resellers below %d: %w", id, err)
	}
	return Subtree{ResellerID: id, Path: path, Leaf: below == 0}, nil
}

// scopeTo restricts l to t when it names a subtree, and otherwise to the one reseller
// resellerID or the resellers strictly below the path below.
func (l *listing) scopeTo(b *sqlBuilder, alias, kind string, t Subtree, resellerID int64, below string) {
	if t.Path != "" {
		l.scopeWithin(b, alias, kind, t.ResellerID, t.Path, t.Leaf)
		return
	}
	l.scope(b, alias, kind, resellerID, below)
}

// listKeys reads the ids of one page of l, in order, and the page's total and next
// cursor. b holds the list's scope (say, the reseller); q adds its conditions,
// order and page. The page is read through the index of its sort, one row more
// than the page holds, which tells whether a next page follows; the sort's values
// of the page's last row make its cursor.
//
// The total comes from the counters when q has no conditions and l has a tally;
// from the page itself when the page is the last one of a numbered walk (it holds
// fewer rows than asked for); and otherwise from a COUNT(*) with the same
// conditions, which an index answers. A window COUNT(*) OVER () in the page query
// would be one query, but it makes the engine build every matching row before the
// LIMIT.
func listKeys(ctx context.Context, c *Conn, l listing, b *sqlBuilder, q domain.ListQuery) ([]int64, domain.PageInfo, error) {
	var info domain.PageInfo
	kq, err := l.keysQuery(b, q)
	if err != nil {
		return nil, info, err
	}
	var (
		size = pageSize(q.Page)
		ids  []int64
		more bool // a row follows the page
		keys = kq.terms[:len(kq.terms)-1]
		// Every row is scanned into the same places, which end up holding the
		// page's last row: its cursor.
		id    int64
		texts = make([]string, len(keys))
		ints  = make([]int64, len(keys))
		dest  = []any{&id}
	)
	for i, t := range keys {
		if t.text {
			dest = append(dest, &texts[i])
		} else {
			dest = append(dest, &ints[i])
		}
	}
	err = eachRow(ctx, c, kq.sql, kq.args, func(s scanner) error {
		if len(ids) == size {
			more = true
			return nil
		}
		if err := s.Scan(dest...); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, info, err
	}
	if more {
		next := domain.Cursor{ID: id, Keys: make([]any, len(keys))}
		for i, t := range keys {
			if t.text {
				next.Keys[i] = texts[i]
			} else {
				next.Keys[i] = ints[i]
			}
		}
		info.Next = &next
	}
	info.Total, err = l.total(ctx, c, q, len(ids), info.Next == nil, kq.countWhere, kq.countArgs)
	return ids, info, err
}

// keysQuery is the query of one page's keys, and what counts its matches.
type keysQuery struct {
	sql        string
	args       []any
	terms      []orderTerm // the order, ending with the id
	countWhere string      // the WHERE clause of the matches, without the page's
	countArgs  []any
}

// keysQuery renders the query of the keys of one page of l: the ids and the sort's
// values, in order (see listKeys).
func (l listing) keysQuery(b *sqlBuilder, q domain.ListQuery) (keysQuery, error) {
	if err := b.apply(l.cols, q.Conditions); err != nil {
		return keysQuery{}, err
	}
	countWhere, countArgs := b.whereSQL(), append([]any(nil), b.args...)
	tail, terms, err := b.page(l.cols, q, l.id)
	if err != nil {
		return keysQuery{}, err
	}
	cols := []string{l.id} // the id first, then the keys before it
	for _, t := range terms[:len(terms)-1] {
		cols = append(cols, t.expr)
	}
	return keysQuery{sql: "SELECT " + strings.Join(cols, ", ") + " " + l.from + tail, args: b.args, terms: terms,
		countWhere: countWhere, countArgs: countArgs}, nil
}

// total returns the number of rows of a list that match q; rows is the length of
// the page read and last whether it ends the list.
func (l listing) total(ctx context.Context, c *Conn, q domain.ListQuery, rows int, last bool,
	where string, args []any) (int, error) {
	if len(q.Conditions) == 0 && l.tally.kind != "" {
		return c.tallied(ctx, l.tally)
	}
	offset := q.Page.Offset()
	if q.Page.After == nil && last && (rows > 0 || offset == 0) {
		return offset + rows, nil
	}
	var n int
	err := c.row(ctx, "SELECT COUNT(*) "+l.from+where, args, &n)
	return n, err
}

// listRows reads one page of l (see listKeys) and its rows, with read, which
// returns the rows of the given ids in that order.
func listRows[T any](ctx context.Context, c *Conn, l listing, b *sqlBuilder, q domain.ListQuery,
	read func(ids []int64) ([]T, error)) ([]T, domain.PageInfo, error) {
	ids, info, err := listKeys(ctx, c, l, b, q)
	if err != nil || len(ids) == 0 {
		return nil, info, err
	}
	out, err := read(ids)
	return out, info, err
}

// byIDs reads the rows whose idExpr is one of ids with selectSQL, which ends in
// "WHERE " and is completed here, and returns them in the order of ids; ids that
// match no row are left out.
func byIDs[T any](ctx context.Context, c *Conn, selectSQL, idExpr string, ids []int64,
	scan func(scanner) (T, error), id func(T) int64) ([]T, error) {
	in, arg := oneOf(c.db.engine, idExpr, 1, ids)
	rows, err := collect(ctx, c, selectSQL+in, []any{arg}, scan)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]T, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	return inOrderOf(ids, byID), nil
}

// inOrderOf returns the rows of byID in the order of ids, those of ids it lacks
// left out.
func inOrderOf[T any](ids []int64, byID map[int64]T) []T {
	out := make([]T, 0, len(ids))
	for _, i := range ids {
		if r, ok := byID[i]; ok {
			out = append(out, r)
		}
	}
	return out
}

// one runs a query for at most one row and scans it; no row is notFound. Other
// errors are wrapped with what, e.g. "find reseller 7".
func one[T any](ctx context.Context, c *Conn, notFound error, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	var zero T
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return zero, fmt.Errorf("%s: %w", what, translate(err))
		}
		return zero, notFound
	}
	v, err := scan(rows)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, translate(err))
	}
	return v, nil
}

// Nullable columns: each is its database/sql type, which SQLite's rows fill through
// sql.Scanner, and a pgtype scanner too, which pgx fills natively; through
// sql.Scanner, pgx would box each value and convert it by reflection.
type (
	nullInt64 struct{ sql.NullInt64 }
	nullText  struct{ sql.NullString }
	nullBool  struct{ sql.NullBool }
)

func (n *nullInt64) ScanInt64(v pgtype.Int8) error {
	n.Int64, n.Valid = v.Int64, v.Valid
	return nil
}

func (n *nullText) ScanText(v pgtype.Text) error {
	n.String, n.Valid = v.String, v.Valid
	return nil
}

func (n *nullBool) ScanBool(v pgtype.Bool) error {
	n.Bool, n.Valid = v.Bool, v.Valid
	return nil
}

// managerColumns selects a manager (alias m) with its access level (alias mr).
const managerColumns = `m.id, m.reseller_id, m.name, m.email, m.status, m.role, m.manager_role_id, mr.name,
	m.phone, m.photo, m.manager_key, m.mfa_required, m.custom_attributes, m.created_at, m.updated_at`

// managerRow scans managerColumns, which may all be NULL when the manager comes from
// an outer join.
type managerRow struct {
	id, resellerID, roleID, createdAt, updatedAt nullInt64
	name, email, status, role, roleName          nullText
	phone, photo, key                            nullText
	mfa                                          nullBool
	attrs                                        attrs
}

func (r *managerRow) dest() []any {
	return []any{&r.id, &r.resellerID, &r.name, &r.email, &r.status, &r.role, &r.roleID, &r.roleName,
		&r.phone, &r.photo, &r.key, &r.mfa, &r.attrs, &r.createdAt, &r.updatedAt}
}

// manager returns the scanned manager, or nil when the outer join found none.
func (r *managerRow) manager() *domain.Manager {
	if !r.id.Valid {
		return nil
	}
	m := &domain.Manager{
		ID: r.id.Int64, ResellerID: r.resellerID.Int64, Name: r.name.String, Email: r.email.String,
		Status: domain.ManagerStatus(r.status.String), Role: domain.Role(r.role.String),
		Phone: r.phone.String, Photo: r.photo.String, ManagerKey: r.key.String, MFARequired: r.mfa.Bool,
		CustomAttributes: r.attrs,
		Timestamps:       domain.Timestamps{CreatedAt: fromMicros(r.createdAt.Int64), UpdatedAt: fromMicros(r.updatedAt.Int64)},
	}
	if r.roleID.Valid {
		m.AccessLevel = &domain.ManagerRole{ID: r.roleID.Int64, ResellerID: m.ResellerID, Name: r.roleName.String, Role: m.Role}
	}
	return m
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// collect runs query and returns every row as scan reads it.
func collect[T any](ctx context.Context, c *Conn, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	var out []T
	err := eachRow(ctx, c, query, args, func(s scanner) error {
		v, err := scan(s)
		if err == nil {
			out = append(out, v)
		}
		return err
	})
	return out, err
}

// eachRow runs query and calls fn on every row.
func eachRow(ctx context.Context, c *Conn, query string, args []any, fn func(scanner) error) error {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return translate(err)
		}
	}
	return translate(rows.Err())
}

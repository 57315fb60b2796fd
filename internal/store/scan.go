package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

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

// listRows runs a paged list query built by b and returns the rows scanned by scan
// and the total count of matching rows. selectSQL is "SELECT columns" and fromSQL
// starts with "FROM". The total comes from the page itself when the page is the last
// one (it holds fewer rows than asked for), and otherwise from a separate COUNT(*)
// with the same conditions, which an index can answer. A window COUNT(*) OVER () in
// the page query would be one query, but it makes the engine build every matching
// row before the LIMIT, and on large tables it also led SQLite to a worse plan.
func listRows[T any](ctx context.Context, c *Conn, selectSQL, fromSQL string, b *sqlBuilder,
	cols map[string]column, q domain.ListQuery, idExpr string, scan func(scanner) (T, error)) ([]T, int, error) {
	tail, err := b.page(cols, q, idExpr)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(ctx, c, selectSQL+" "+fromSQL+tail, b.args, scan)
	if err != nil {
		return nil, 0, err
	}
	offset := max(q.Page.Offset(), 0)
	size := q.Page.Size
	if size <= 0 {
		size = domain.DefaultPageSize
	}
	if len(out) < size && (len(out) > 0 || offset == 0) {
		return out, offset + len(out), nil
	}
	var total int
	err = c.row(ctx, "SELECT COUNT(*) "+fromSQL+b.whereSQL(), b.args[:len(b.args)-2], &total)
	return out, total, err
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

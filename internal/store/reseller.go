package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

const resellerColumnsSQL = `r.id, COALESCE(r.parent_id, 0), r.path, r.name, r.domain, r.currency,
	COALESCE(r.manager_id, 0), r.general_updated_at,
	r.company_name, r.company_address_line_1, r.company_address_line_2, r.company_city, r.company_state,
	r.company_zip, r.company_country, r.company_phone, r.company_fax, r.company_email, r.company_updated_at,
	r.contacts_first_name, r.contacts_last_name, r.contacts_middle_name, r.contacts_position,
	r.contacts_phone, r.contacts_email, r.contacts_updated_at,
	r.custom_attributes, r.created_at, r.updated_at, ` + managerColumns

const resellerFrom = `FROM resellers r
	LEFT JOIN managers m ON m.id = r.manager_id
	LEFT JOIN manager_roles mr ON mr.id = m.manager_role_id`

// resellerFields maps the API's filter and sort fields of resellers to columns.
var resellerFields = map[string]column{
	"id":         {expr: "r.id"},
	"parent_id":  {expr: "r.parent_id"},
	"name":       {expr: "r.name", folded: "r.name_folded", search: "resellers_name_fts"},
	"domain":     {expr: "r.domain", text: true},
	"currency":   {expr: "r.currency"},
	"created_at": {expr: "r.created_at"},
	"updated_at": {expr: "r.updated_at"},
}

func scanReseller(s scanner, extra ...any) (*domain.Reseller, error) {
	var (
		r                                      domain.Reseller
		genUpd, coUpd, ctUpd, created, updated int64
		mr                                     managerRow
		g, co, ct                              = &r.General, &r.Company, &r.Contacts
		custom                                 attrs
	)
	dest := append([]any{&r.ID, &r.ParentID, &r.Path, &g.Name, &g.Domain, &g.Currency, &g.ManagerID, &genUpd,
		&co.Name, &co.AddressLine1, &co.AddressLine2, &co.City, &co.State, &co.Zip, &co.Country, &co.Phone,
		&co.Fax, &co.Email, &coUpd,
		&ct.FirstName, &ct.LastName, &ct.MiddleName, &ct.Position, &ct.Phone, &ct.Email, &ctUpd,
		&custom, &created, &updated}, mr.dest()...)
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	g.UpdatedAt, co.UpdatedAt, ct.UpdatedAt = fromMicros(genUpd), fromMicros(coUpd), fromMicros(ctUpd)
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	r.CustomAttributes = custom
	r.Manager = mr.manager()
	return &r, nil
}

// FindResellerByID returns the reseller with the given id, or a not-found error.
func (c *Conn) FindResellerByID(ctx context.Context, id int64) (*domain.Reseller, error) {
	return c.findResellerByID(c.lookupCtx(ctx), id, "")
}

// FindResellerForUpdate returns the reseller with the given id, or a not-found error,
// and holds its row until the write transaction ends (see lock.go), for an update
// built on what it read.
func (c *Conn) FindResellerForUpdate(ctx context.Context, id int64) (*domain.Reseller, error) {
	return readLocked(ctx, c, forUpdate, "resellers", "r", id, c.findResellerByID)
}

// findResellerByID reads a reseller; lock is a lockClause or empty.
func (c *Conn) findResellerByID(ctx context.Context, id int64, lock string) (*domain.Reseller, error) {
	return one(ctx, c, domain.NotFound(domain.MsgResellerNotFound), fmt.Sprintf("find reseller %d", id),
		func(s scanner) (*domain.Reseller, error) { return scanReseller(s) },
		ResellerByIDSQL()+lock, id)
}

// ResellerByIDSQL returns the SQL text of FindResellerByID, whose $1 is the id, so
// the load benchmark's raw pgx handler (bench/rawpgx) runs the very same query.
func ResellerByIDSQL() string {
	return "SELECT " + resellerColumnsSQL + " " + resellerFrom + " WHERE r.id = $1"
}

// ResellerFacts is what never changes about a reseller once it exists: where it sits
// in the tree and the currency it sells in.
type ResellerFacts struct {
	ID, ParentID int64
	Path         string
	Currency     string
}

// FindResellerFacts returns the tree position and currency of a reseller, or a
// not-found error.
func (c *Conn) FindResellerFacts(ctx context.Context, id int64) (ResellerFacts, error) {
	ref := ResellerFacts{ID: id}
	err := c.row(c.lookupCtx(ctx), `SELECT COALESCE(parent_id, 0), path, currency FROM resellers WHERE id = $1`,
		[]any{id}, &ref.ParentID, &ref.Path, &ref.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return ResellerFacts{}, domain.NotFound(domain.MsgResellerNotFound)
	}
	if err != nil {
		return ResellerFacts{}, fmt.Errorf("find reseller %d: %w", id, err)
	}
	return ref, nil
}

// ResellerPathByID returns the materialised path of a reseller, or a not-found error.
func (c *Conn) ResellerPathByID(ctx context.Context, id int64) (string, error) {
	var path string
	err := c.row(c.lookupCtx(ctx), `SELECT path FROM resellers WHERE id = $1`, []any{id}, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.NotFound(domain.MsgResellerNotFound)
	}
	return path, err
}

// ResellerFilter selects resellers: those strictly below Below (a path), matching Query.
type ResellerFilter struct {
	Below string
	Query domain.ListQuery
}

// FindResellers returns one page of resellers, the number of all that match and
// the cursor of the next page (see listKeys). The resellers below one are counted
// through the path index: as many index entries as resellers below, the same cost
// as summing counters of them.
func (c *Conn) FindResellers(ctx context.Context, f ResellerFilter) ([]*domain.Reseller, domain.PageInfo, error) {
	l, b := resellerListing(c.db.engine, f)
	return listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Reseller, error) {
		return c.FindResellersByIDs(ctx, ids)
	})
}

// FindResellersByIDs returns the resellers with the given ids in that order, in one
// query; ids that match none are left out.
func (c *Conn) FindResellersByIDs(ctx context.Context, ids []int64) ([]*domain.Reseller, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := byIDs(ctx, c, "SELECT "+resellerColumnsSQL+" "+resellerFrom+" WHERE ", "r.id", ids,
		func(s scanner) (*domain.Reseller, error) { return scanReseller(s) },
		func(r *domain.Reseller) int64 { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("find resellers by id: %w", err)
	}
	return out, nil
}

// CreateReseller inserts r below its parent (whose path is parentPath) and sets its
// id and path.
func (c *Conn) CreateReseller(ctx context.Context, r *domain.Reseller, parentPath string) error {
	err := c.row(ctx, `INSERT INTO resellers (parent_id, path, name, domain, currency, manager_id,
		general_updated_at, company_name, company_address_line_1, company_address_line_2, company_city,
		company_state, company_zip, company_country, company_phone, company_fax, company_email,
		company_updated_at, contacts_first_name, contacts_last_name, contacts_middle_name, contacts_position,
		contacts_phone, contacts_email, contacts_updated_at, custom_attributes, created_at, updated_at,
		name_folded) VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
		$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) RETURNING id`,
		append([]any{nullable(r.ParentID)}, resellerValues(r)...), &r.ID)
	if err != nil {
		return fmt.Errorf("create reseller: %w", err)
	}
	r.Path = domain.ResellerPath(parentPath, r.ID)
	if _, err := c.exec(ctx, `UPDATE resellers SET path = $1 WHERE id = $2`, r.Path, r.ID); err != nil {
		return fmt.Errorf("create reseller %d: %w", r.ID, err)
	}
	c.touch(ResellerScope(r.ID), AccountsScope(r.ID)) // gives the new reseller's scopes their rows
	touchAlong(c, r.Path)                             // the subtrees above it now hold it
	return nil
}

// UpdateReseller writes every mutable field of r, which the transaction read with
// FindResellerForUpdate.
func (c *Conn) UpdateReseller(ctx context.Context, r *domain.Reseller) error {
	if err := c.needLock("resellers", r.ID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE resellers SET name = $1, domain = $2, currency = $3, manager_id = $4,
		general_updated_at = $5, company_name = $6, company_address_line_1 = $7, company_address_line_2 = $8,
		company_city = $9, company_state = $10, company_zip = $11, company_country = $12, company_phone = $13,
		company_fax = $14, company_email = $15, company_updated_at = $16, contacts_first_name = $17,
		contacts_last_name = $18, contacts_middle_name = $19, contacts_position = $20, contacts_phone = $21,
		contacts_email = $22, contacts_updated_at = $23, custom_attributes = $24, created_at = $25,
		updated_at = $26, name_folded = $27 WHERE id = $28`, append(resellerValues(r), r.ID)...)
	if err != nil {
		return fmt.Errorf("update reseller %d: %w", r.ID, err)
	}
	c.touch(ResellerScope(r.ID))
	return nil
}

func resellerValues(r *domain.Reseller) []any {
	g, co, ct := r.General, r.Company, r.Contacts
	return []any{g.Name, g.Domain, g.Currency, nullable(g.ManagerID), micros(g.UpdatedAt),
		co.Name, co.AddressLine1, co.AddressLine2, co.City, co.State, co.Zip, co.Country, co.Phone, co.Fax,
		co.Email, micros(co.UpdatedAt), ct.FirstName, ct.LastName, ct.MiddleName, ct.Position, ct.Phone,
		ct.Email, micros(ct.UpdatedAt), attrsJSON(r.CustomAttributes), micros(r.CreatedAt), micros(r.UpdatedAt),
		domain.Fold(g.Name)}
}

// resellerListing declares the list of resellers f selects and its scope.
func resellerListing(e Engine, f ResellerFilter) (listing, *sqlBuilder) {
	b := sqlBuilder{engine: e}
	if f.Below != "" {
		b.subtree("r.path", f.Below, true)
	}
	return listing{from: "FROM resellers r", id: "r.id", cols: resellerFields}, &b
}

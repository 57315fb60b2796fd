package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// InvoicesManagedExternally reports whether an external system (an ERP) manages the
// postpaid invoices of the reseller at path: the setting of the nearest reseller on
// the path, from the reseller itself up to the root, that has one; off when none
// has.
func (c *Conn) InvoicesManagedExternally(ctx context.Context, path string) (bool, error) {
	chain := domain.PathIDs(path)
	in, arg := oneOf(c.db.engine, "id", 1, chain)
	set := map[int64]bool{}
	err := eachRow(ctx, c, "SELECT id, invoice_external_management FROM resellers WHERE "+in+
		" AND invoice_external_management IS NOT NULL", []any{arg}, func(sc scanner) error {
		var (
			id int64
			on sql.NullBool
		)
		err := sc.Scan(&id, &on)
		set[id] = on.Bool
		return err
	})
	if err != nil {
		return false, fmt.Errorf("invoice management of %s: %w", path, err)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if on, ok := set[chain[i]]; ok {
			return on, nil
		}
	}
	return false, nil
}

// SetInvoiceManagement records reseller id's own setting of external invoice
// management; nil inherits the setting of the resellers above it.
func (c *Conn) SetInvoiceManagement(ctx context.Context, id int64, external *bool) error {
	var v any
	if external != nil {
		v = *external
	}
	if _, err := c.exec(ctx, "UPDATE resellers SET invoice_external_management = $1 WHERE id = $2", v, id); err != nil {
		return fmt.Errorf("set invoice management of reseller %d: %w", id, err)
	}
	return nil
}

// InvoiceManagementOf returns reseller id's own setting of external invoice
// management; nil when it inherits.
func (c *Conn) InvoiceManagementOf(ctx context.Context, id int64) (*bool, error) {
	var on sql.NullBool
	err := c.row(ctx, "SELECT invoice_external_management FROM resellers WHERE id = $1", []any{id}, &on)
	if err != nil {
		return nil, fmt.Errorf("invoice management of reseller %d: %w", id, err)
	}
	if !on.Valid {
		return nil, nil
	}
	return &on.Bool, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// InstallationGUID returns the installation's ap_guid, made once by migration 0021
// and never changed.
func (c *Conn) InstallationGUID(ctx context.Context) (string, error) {
	var guid string
	if err := c.row(ctx, `SELECT ap_guid FROM installation WHERE id = 1`, nil, &guid); err != nil {
		return "", fmt.Errorf("read the installation's ap_guid: %w", err)
	}
	return guid, nil
}

// SetProductSecret makes secret the signing secret of the product with the given
// id, replacing the one it had, in a transaction that took LockCatalogs.
func (c *Conn) SetProductSecret(ctx context.Context, productID int64, secret string, at time.Time) error {
	if !c.catalogLocked {
		// Readers keep secrets in memory under the catalogue's generation.
		return errCatalogUnlocked
	}
	_, err := c.exec(ctx, `INSERT INTO product_secrets (product_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (product_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
		productID, secret, micros(at))
	if err != nil {
		return fmt.Errorf("set the secret of product %d: %w", productID, err)
	}
	return nil
}

// FindProductSecret returns the signing secret of the product with the given id; a
// not-found error when it has none (it never was in automatic mode).
func (c *Conn) FindProductSecret(ctx context.Context, productID int64) (string, error) {
	var secret string
	err := c.row(ctx, `SELECT secret FROM product_secrets WHERE product_id = $1`, []any{productID}, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.NotFound(domain.MsgProductSecretNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("find the secret of product %d: %w", productID, err)
	}
	return secret, nil
}

// FindProductIDByKey returns the id of the reseller's product with the given key; a
// not-found error when there is none.
func (c *Conn) FindProductIDByKey(ctx context.Context, resellerID int64, key string) (int64, error) {
	var id int64
	err := c.row(ctx, `SELECT id FROM products WHERE reseller_id = $1 AND key = $2`, []any{resellerID, key}, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.NotFound(domain.MsgProductNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find product %q of reseller %d: %w", key, resellerID, err)
	}
	return id, nil
}

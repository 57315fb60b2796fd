package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Every product in automatic mode has a secret its vendor calls are signed with
// (docs/vendor-protocol.md, Signing). The secret is made when the product enters
// automatic mode and shown once, in the catalogue apply's answer; a rotation makes
// and shows a new one. Signing needs the secret itself, so it is stored as it is.

// productSecretPrefix starts every product secret, so one pasted in the wrong place
// is recognised.
const productSecretPrefix = "cvs_"

// NewProductSecret returns a fresh random secret of the products' form: 256 bits, in
// hex, after productSecretPrefix.
func NewProductSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return productSecretPrefix + hex.EncodeToString(b)
}

// ProductSecret is a product's new signing secret, as shown the one time it is.
type ProductSecret struct {
	Product *domain.Product
	Secret  string
}

// enterAutomatic gives p a new secret when it has just entered automatic mode: it
// was created so, or was in another mode before this apply.
func (ap *applier) enterAutomatic(p *domain.Product, was domain.ProvisioningMode) error {
	if p.Integration.Mode != domain.ProvisioningAutomatic || was == domain.ProvisioningAutomatic {
		return nil
	}
	secret := NewProductSecret()
	if err := ap.tx.SetProductSecret(ap.ctx, p.ID, secret, ap.now); err != nil {
		return err
	}
	if ap.secrets == nil {
		ap.secrets = map[string]string{}
	}
	ap.secrets[p.Key] = secret
	return nil
}

// RotateProductSecret replaces the signing secret of a product of the reseller in
// automatic mode with a new one and returns it, shown this once. The catalogue lock
// holds the product's mode while the secret changes.
// Errors: forbidden, not_found (the reseller, or a product not its own), conflict
// (the product is not in automatic mode).
func (s *Service) RotateProductSecret(ctx context.Context, a domain.Actor, resellerID, productID int64) (*ProductSecret, error) {
	if err := authorize(a, domain.ActionProductSecret); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	out := &ProductSecret{Secret: NewProductSecret()}
	err := s.inTx(ctx, func(tx *store.Conn) error {
		if err := tx.LockCatalogs(ctx); err != nil {
			return err
		}
		p, err := tx.FindProductByID(ctx, productID)
		if err != nil {
			return err
		}
		if p.ResellerID != resellerID {
			return domain.NotFound(domain.MsgProductNotFound)
		}
		if p.Integration.Mode != domain.ProvisioningAutomatic {
			return domain.Errorf(domain.ErrConflict, domain.MsgProductNotAutomatic)
		}
		out.Product = p
		return tx.SetProductSecret(ctx, p.ID, out.Secret, s.clock.Now())
	})
	if err != nil {
		return nil, wrap(err, "rotate the secret of product %d of reseller %d", productID, resellerID)
	}
	return out, nil
}

// RotateProductSecretByKey is RotateProductSecret for the product of the reseller
// with the given key, as the command line names it.
func (s *Service) RotateProductSecretByKey(ctx context.Context, a domain.Actor, resellerID int64, key string) (*ProductSecret, error) {
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	id, err := s.db.Reader().FindProductIDByKey(ctx, resellerID, key)
	if err != nil {
		return nil, err
	}
	return s.RotateProductSecret(ctx, a, resellerID, id)
}

// APGUID returns the installation's ap_guid, the identity vendors know it by.
func (s *Service) APGUID() string { return s.opts.APGUID }

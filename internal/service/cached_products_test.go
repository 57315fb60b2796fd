package service

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// soAutomaticCatalog is soCatalog with its product in automatic mode, calling a
// vendor at an address no test reaches.
var soAutomaticCatalog = strings.Replace(soCatalog, `{mode: manual, email: a@b.example}`,
	`{mode: automatic, api_path: "https://vendor.example.com/api"}`, 1)

// TestProductSecretInMemorySeesRotation checks that a product's secret, kept in
// memory for the vendor calls, is read anew once a rotation commits: the rotation
// moves the catalogue's generation the cached value is held under.
func TestProductSecretInMemorySeesRotation(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soAutomaticCatalog)
		plan := w.plan("monthly")
		first, err := w.s.RotateProductSecret(ctx, w.admin, domain.OperatorID, plan.ProductID)
		if err != nil {
			t.Fatal(err)
		}
		c := w.db.Reader()
		_, p, _, err := w.s.deliveryCatalog(ctx, c, plan.ID, domain.OperatorID, nil)
		if err != nil || p.secret != first.Secret || p.product.ID != plan.ProductID {
			t.Fatalf("product %+v, secret %q (%v), want product %d with secret %q", p.product, p.secret, err,
				plan.ProductID, first.Secret)
		}
		p.product.Name = "changed by a caller" // a copy: the cache keeps its own
		second, err := w.s.RotateProductSecret(ctx, w.admin, domain.OperatorID, plan.ProductID)
		if err != nil {
			t.Fatal(err)
		}
		_, p, _, err = w.s.deliveryCatalog(ctx, c, plan.ID, domain.OperatorID, nil)
		if err != nil || p.secret != second.Secret || p.product.Name == "changed by a caller" {
			t.Fatalf("after a rotation: product %q, secret %q (%v), want the secret %q", p.product.Name, p.secret,
				err, second.Secret)
		}
		if got, err := w.s.productByID(ctx, c, plan.ProductID); err != nil || got.secret != second.Secret {
			t.Fatalf("productByID: secret %q (%v), want %q", got.secret, err, second.Secret)
		}
	})
}

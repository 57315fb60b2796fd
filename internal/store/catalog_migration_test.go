package store_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// lifecycleCatalogMigration closes the list of billing types and adds the
// service-term settings and payment methods.
const lifecycleCatalogMigration = 12

// TestMigrationMapsBillingTypes stores plans with the free-text billing types of the
// schema before the migration, and a service term of then, and checks that the
// migration maps every billing type onto the closed list and gives the term the
// default settings.
func TestMigrationMapsBillingTypes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := openBefore(t, e, lifecycleCatalogMigration)
		// The reseller is written by hand: the store's code speaks the latest schema.
		var rootID int64
		if err := db.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, `INSERT INTO resellers (path, name, name_folded, domain, currency, general_updated_at,
				company_updated_at, contacts_updated_at, created_at, updated_at)
				VALUES ('/', 'root', 'root', 'root.example.com', 'EUR', 0, 0, 0, 0, 0) RETURNING id`, nil, &rootID)
		}); err != nil {
			t.Fatal(err)
		}
		r := &domain.Reseller{ID: rootID}
		want := map[string]domain.BillingType{
			"monthly":            domain.BillingPayAsYouGo,
			"one_time":           domain.BillingNonRecurring,
			"One-Time":           domain.BillingNonRecurring,
			"csp_monthly":        domain.BillingCSPMonthly,
			"csp_annual":         domain.BillingCSPAnnual,
			"CSP Annual":         domain.BillingCSPAnnual,
			"Monthly Commitment": domain.BillingMonthlyCommitment,
			"pay in full":        domain.BillingPayInFull,
			"non-refund":         domain.BillingNonRefund,
			"Non-Recurring":      domain.BillingNonRecurring,
			"pay_as_you_go":      domain.BillingPayAsYouGo,
			"csp":                domain.BillingPayAsYouGo,
			"":                   domain.BillingPayAsYouGo,
		}
		var termID int64
		keys := map[string]string{} // plan key -> old billing type
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.Row(ctx, `INSERT INTO service_terms (reseller_id, key, name, billing_day, created_at, updated_at)
				VALUES ($1, 'standard', 'Standard', 5, 0, 0) RETURNING id`, []any{r.ID}, &termID); err != nil {
				return err
			}
			var catID, productID int64
			if err := c.Row(ctx, `INSERT INTO product_categories (reseller_id, key, name, name_folded, created_at, updated_at)
				VALUES ($1, 'c', 'C', 'c', 0, 0) RETURNING id`, []any{r.ID}, &catID); err != nil {
				return err
			}
			if err := c.Row(ctx, `INSERT INTO products (reseller_id, key, name, name_folded, category_id, provisioning_mode,
				created_at, updated_at) VALUES ($1, 'p', 'P', 'p', $2, 'manual', 0, 0) RETURNING id`,
				[]any{r.ID, catID}, &productID); err != nil {
				return err
			}
			i := 0
			for old := range want {
				i++
				key := "plan-" + string(rune('a'+i))
				keys[key] = old
				var id int64
				if err := c.Row(ctx, `INSERT INTO plans (reseller_id, product_id, key, name, name_folded, status,
					billing_type, currency, created_at, updated_at)
					VALUES ($1, $2, $3, $3, $3, 'active', $4, 'USD', 0, 0) RETURNING id`,
					[]any{r.ID, productID, key, old}, &id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var st *store.CatalogState
		err = db.InTx(ctx, func(c *store.Conn) error {
			st, err = c.LoadCatalog(ctx, r.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for key, old := range keys {
			p := st.Plans[key]
			if p == nil {
				t.Fatalf("plan %s is gone", key)
			}
			if p.BillingType != want[old] {
				t.Errorf("billing type %q became %q, want %q", old, p.BillingType, want[old])
			}
			if !p.BillingType.Valid() {
				t.Errorf("billing type %q became %q, which is not on the list", old, p.BillingType)
			}
		}
		term := st.ServiceTerms["standard"]
		if term == nil || term.ID != termID {
			t.Fatalf("service term = %+v, want id %d", term, termID)
		}
		if term.BillingDay != 5 || term.TermSettings != domain.DefaultTermSettings {
			t.Errorf("service term after the migration: billing day %d, settings %+v; want 5 and %+v",
				term.BillingDay, term.TermSettings, domain.DefaultTermSettings)
		}
	})
}

package store_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// ctCatalog is a small catalogue: the root sells two plans of one product; the child
// got the first delegated at its own price and has a product of its own.
type ctCatalog struct {
	root, child, grand, sibling *domain.Reseller
	office, tools               *domain.ProductCategory
	mail, notes                 *domain.Product
	basic, pro, childBasic      *domain.Plan
	notesPlan                   *domain.Plan
}

func ctSeed(t *testing.T, db *store.DB) *ctCatalog {
	t.Helper()
	ctx := context.Background()
	k := &ctCatalog{}
	k.root = mustReseller(t, db, 0, "", "root")
	k.child = mustReseller(t, db, k.root.ID, k.root.Path, "child")
	k.grand = mustReseller(t, db, k.child.ID, k.child.Path, "grand")
	k.sibling = mustReseller(t, db, k.root.ID, k.root.Path, "sibling")
	ts := domain.Timestamps{CreatedAt: now, UpdatedAt: now}
	err := db.InTx(ctx, func(c *store.Conn) error {
		err := c.LockCatalogs(ctx)
		if err != nil {
			return err
		}
		k.office = &domain.ProductCategory{ResellerID: k.root.ID, Key: "office", Name: "Office", Priority: 2, Public: true, Timestamps: ts}
		k.tools = &domain.ProductCategory{ResellerID: k.child.ID, Key: "tools", Name: "Tools", Priority: 1, Logo: "https://cdn.example/t.png", Timestamps: ts}
		for _, pc := range []*domain.ProductCategory{k.office, k.tools} {
			if err := c.CreateCategory(ctx, pc); err != nil {
				return err
			}
		}
		k.mail = &domain.Product{ResellerID: k.root.ID, Key: "mail", Name: "Mail", Type: "saas", CategoryID: k.office.ID,
			VendorName: "Vendor", Integration: domain.Integration{Mode: domain.ProvisioningAutomatic, APIPath: "https://v.example"}, Timestamps: ts}
		k.notes = &domain.Product{ResellerID: k.child.ID, Key: "notes", Name: "Notes", Type: "app", CategoryID: k.tools.ID,
			Integration: domain.Integration{Mode: domain.ProvisioningManual, ManualEmail: "ops@v.example"}, Timestamps: ts}
		for _, p := range []*domain.Product{k.mail, k.notes} {
			if err := c.CreateProduct(ctx, p); err != nil {
				return err
			}
		}
		plan := func(rid int64, product *domain.Product, key string, parent *domain.Plan) *domain.Plan {
			p := &domain.Plan{ResellerID: rid, ProductID: product.ID, Key: key, Name: "Plan " + key,
				Status: domain.PlanActive, BillingType: "csp_monthly", Currency: "USD", Timestamps: ts}
			if parent != nil {
				p.ParentID, p.Ancestry = parent.ID, "1"
			}
			if err == nil {
				err = c.CreatePlan(ctx, p)
			}
			return p
		}
		k.basic = plan(k.root.ID, k.mail, "basic", nil)
		k.pro = plan(k.root.ID, k.mail, "pro", nil)
		k.childBasic = plan(k.child.ID, k.mail, "basic", k.basic)
		k.notesPlan = plan(k.child.ID, k.notes, "notes", nil)
		if err != nil {
			return err
		}
		periods := []store.CatalogPeriod{
			{PlanPeriod: domain.PlanPeriod{PlanID: k.basic.ID, Key: "1y", Duration: 1, Unit: domain.UnitYears, RecurringFee: 100_000_000, Position: 2}},
			{PlanPeriod: domain.PlanPeriod{PlanID: k.basic.ID, Key: "1m", Duration: 1, Unit: domain.UnitMonths, SetupFee: 5_000_000, RecurringFee: 10_500_000, Position: 1}},
			{PlanPeriod: domain.PlanPeriod{PlanID: k.basic.ID, Key: "old", Duration: 3, Unit: domain.UnitMonths, Position: 0}, Deleted: true},
			{PlanPeriod: domain.PlanPeriod{PlanID: k.childBasic.ID, Key: "1m", Duration: 1, Unit: domain.UnitMonths, RecurringFee: 9_000_000, Position: 1}},
		}
		for i := range periods {
			if err := c.CreatePlanPeriod(ctx, &periods[i]); err != nil {
				return err
			}
		}
		resources := []store.CatalogResource{
			{PlanResource: domain.PlanResource{PlanID: k.basic.ID, Key: "mailbox", Name: "Mailbox", UnitOfMeasure: domain.MeasureUnit,
				Included: 5, Minimum: 5, Limit: 100, RecurringFee: 2_500_000, OveruseFee: 3_000_000, Public: true}},
			{PlanResource: domain.PlanResource{PlanID: k.basic.ID, Key: "gone", Name: "Gone", UnitOfMeasure: domain.MeasureBoolean}, Deleted: true},
		}
		for i := range resources {
			if err := c.CreatePlanResource(ctx, &resources[i]); err != nil {
				return err
			}
		}
		return c.ReplacePlanSwitches(ctx, k.basic.ID, []domain.PlanSwitch{
			{PlanID: k.basic.ID, TargetID: k.pro.ID, Type: domain.SwitchImmediate}})
	})
	if err != nil {
		t.Fatalf("seed catalogue: %v", err)
	}
	return k
}

func ctPlanKeys(plans []*domain.Plan) []string {
	var out []string
	for _, p := range plans {
		out = append(out, p.Key+"@"+p.Currency)
	}
	return out
}

func TestCatalogReads(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		k := ctSeed(t, db)
		c := db.Reader()
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}

		t.Run("plan by id loads live periods and resources in order", func(t *testing.T) {
			p, err := c.FindPlanByID(ctx, k.basic.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Periods) != 2 || p.Periods[0].Key != "1m" || p.Periods[1].Key != "1y" {
				t.Fatalf("periods = %+v, want 1m then 1y (the deleted one left out)", p.Periods)
			}
			if got := p.Periods[0].RecurringFee.String(); got != "10.5" || p.Periods[0].SetupFee.String() != "5.0" {
				t.Errorf("1m fees = %s/%s, want 5.0/10.5", p.Periods[0].SetupFee, got)
			}
			if len(p.Resources) != 1 || p.Resources[0].Key != "mailbox" || p.Resources[0].Limit != 100 ||
				p.Resources[0].OveruseFee.String() != "3.0" || !p.Resources[0].Public {
				t.Errorf("resources = %+v", p.Resources)
			}
			if p.ParentID != 0 || p.Ancestry != "" || p.ServiceTermID != 0 {
				t.Errorf("own plan: parent %d ancestry %q term %d", p.ParentID, p.Ancestry, p.ServiceTermID)
			}
			d, err := c.FindPlanByID(ctx, k.childBasic.ID)
			if err != nil || d.ParentID != k.basic.ID || d.Ancestry != "1" || len(d.Periods) != 1 || d.Periods[0].RecurringFee.String() != "9.0" {
				t.Errorf("delegated plan = %+v, %v", d, err)
			}
			if _, err := c.FindPlanByID(ctx, 999999); domain.CodeOf(err) != domain.ErrNotFound {
				t.Errorf("missing plan: %v, want not found", err)
			}
		})

		t.Run("product by id carries its category", func(t *testing.T) {
			p, err := c.FindProductByID(ctx, k.mail.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Category == nil || p.Category.Key != "office" || p.Integration.Mode != domain.ProvisioningAutomatic {
				t.Errorf("product = %+v, category %+v", p, p.Category)
			}
			if _, err := c.FindProductByID(ctx, 999999); domain.CodeOf(err) != domain.ErrNotFound {
				t.Errorf("missing product: %v, want not found", err)
			}
		})

		t.Run("plans of one reseller, below one, and switch targets", func(t *testing.T) {
			own, total, err := c.FindPlans(ctx, store.PlanFilter{ResellerID: k.child.ID, Query: page})
			if err != nil || total.Total != 2 || len(own) != 2 {
				t.Fatalf("child's plans: %v, total %d, %v", ctPlanKeys(own), total.Total, err)
			}
			below, total, err := c.FindPlans(ctx, store.PlanFilter{Below: k.root.Path, Query: page})
			if err != nil || total.Total != 2 {
				t.Fatalf("plans below the root: %v, total %d, %v", ctPlanKeys(below), total.Total, err)
			}
			for _, p := range below {
				if p.ResellerID == k.root.ID {
					t.Errorf("plans below the root include the root's own %s", p.Key)
				}
			}
			targets, total, err := c.FindPlans(ctx, store.PlanFilter{ResellerID: k.root.ID, SwitchFrom: k.basic.ID,
				SwitchType: domain.SwitchImmediate, Query: page})
			if err != nil || total.Total != 1 || targets[0].ID != k.pro.ID {
				t.Errorf("immediate targets of basic: %v, total %d, %v", ctPlanKeys(targets), total.Total, err)
			}
			none, total, err := c.FindPlans(ctx, store.PlanFilter{ResellerID: k.root.ID, SwitchFrom: k.basic.ID,
				SwitchType: domain.SwitchDelayed, Query: page})
			if err != nil || total.Total != 0 || len(none) != 0 {
				t.Errorf("delayed targets of basic: %v, total %d, %v", ctPlanKeys(none), total.Total, err)
			}
			// Three plans pad their IN list to four placeholders; each plan still
			// gets exactly its own items.
			all, _, err := c.FindPlans(ctx, store.PlanFilter{Query: page.Where("reseller_id", domain.OpIn, k.root.ID, k.child.ID)})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range all {
				for _, pp := range p.Periods {
					if pp.PlanID != p.ID {
						t.Errorf("plan %d holds period %d of plan %d", p.ID, pp.ID, pp.PlanID)
					}
				}
			}
		})

		t.Run("products and categories a reseller sees", func(t *testing.T) {
			ps, total, err := c.FindVisibleProducts(ctx, k.child.ID, page.Where("category", domain.OpIn, "office"))
			if err != nil || total.Total != 1 || ps[0].ID != k.mail.ID || ps[0].Category.Name != "Office" {
				t.Fatalf("child's office products: total %d, %v", total.Total, err)
			}
			cs, total, err := c.FindVisibleCategories(ctx, k.child.ID, page)
			if err != nil || total.Total != 2 || len(cs) != 2 {
				t.Fatalf("child's categories: total %d, %v", total.Total, err)
			}
			for _, rid := range []int64{k.grand.ID, k.sibling.ID} {
				if _, total, err := c.FindVisibleProducts(ctx, rid, page); err != nil || total.Total != 0 {
					t.Errorf("products of reseller %d: total %d, %v, want none", rid, total.Total, err)
				}
				if _, total, err := c.FindVisibleCategories(ctx, rid, page); err != nil || total.Total != 0 {
					t.Errorf("categories of reseller %d: total %d, %v, want none", rid, total.Total, err)
				}
			}
			if _, total, _ := c.FindVisibleProducts(ctx, k.root.ID, page); total.Total != 1 {
				t.Errorf("root's products: total %d, want 1 (the child's own product is not the root's)", total.Total)
			}
			for _, tc := range []struct {
				product, reseller int64
				want              bool
			}{
				{k.mail.ID, k.child.ID, true}, {k.notes.ID, k.child.ID, true}, {k.mail.ID, k.root.ID, true},
				{k.notes.ID, k.root.ID, false}, {k.mail.ID, k.sibling.ID, false}, {k.mail.ID, k.grand.ID, false},
			} {
				if got, err := c.ProductVisibleTo(ctx, tc.product, tc.reseller); err != nil || got != tc.want {
					t.Errorf("product %d visible to %d = %v, %v; want %v", tc.product, tc.reseller, got, err, tc.want)
				}
			}
		})

		t.Run("categories of products", func(t *testing.T) {
			m, err := c.FindCategoriesOfProducts(ctx, []int64{k.mail.ID, k.notes.ID, 999999})
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != 2 || m[k.mail.ID].Key != "office" || m[k.notes.ID].Logo != "https://cdn.example/t.png" {
				t.Errorf("categories = %+v", m)
			}
		})
	})
}

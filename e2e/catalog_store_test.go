package e2e

import (
	"bytes"
	"context"
	"net/url"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// ctCategoryQuery lists the categories of reseller rid with raw query parameters.
func ctCategoryQuery(t *testing.T, c *client.Client, rid int64, query string) *client.Page[client.ProductCategory] {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListProductCategories(context.Background(), rid, &client.ListOptions{Query: q})
	if err != nil {
		t.Fatalf("categories of %d?%s: %v", rid, query, err)
	}
	return page
}

// ctProductQuery lists the products of reseller rid with raw query parameters.
func ctProductQuery(t *testing.T, c *client.Client, rid int64, query string) *client.Page[client.Product] {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListProducts(context.Background(), rid, &client.ListOptions{Query: q})
	if err != nil {
		t.Fatalf("products of %d?%s: %v", rid, query, err)
	}
	return page
}

// TestCatalogCategories checks the category list: fields, who sees what, filters and
// sorts in both spellings, and legacy paging.
func TestCatalogCategories(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		admin := fx.s.Admin
		op := int64(domain.OperatorID)

		t.Run("fields", func(t *testing.T) {
			page := ctCategoryQuery(t, admin, op, "sort=id")
			ctSameKeys(t, "operator's categories", ctCategoryKeys(page.Items), []string{"office", "tools", "spare"})
			office, tools := page.Items[0], page.Items[1]
			if office.ID != fx.categories["office"] || office.Name != "Office" || office.Description != "Mail and documents" ||
				office.Priority != 2 || !office.Public || office.Logo == nil || *office.Logo != "https://cdn.example.com/office.png" ||
				!office.CreatedAt.Equal(ctHour(9)) || !office.UpdatedAt.Equal(ctHour(9)) {
				t.Errorf("office = %+v", office)
			}
			if tools.Logo != nil || tools.Public || tools.Description != "" || tools.Priority != 1 {
				t.Errorf("tools = %+v, want no logo, not public, no description", tools)
			}
		})

		t.Run("who sees what", func(t *testing.T) {
			for _, tc := range []struct {
				rid  int64
				want []string
			}{
				// north: its own, and those of the products of the plans delegated to it.
				{fx.north.ID, []string{"office", "tools", "gadgets"}},
				{fx.northEast.ID, []string{"office"}},
				{fx.south.ID, []string{}},
			} {
				page := ctCategoryQuery(t, admin, tc.rid, "sort=id")
				ctSameKeys(t, "categories of "+ctID(tc.rid), ctCategoryKeys(page.Items), tc.want)
				if page.TotalCount != len(tc.want) {
					t.Errorf("categories of %d: total_count %d, want %d", tc.rid, page.TotalCount, len(tc.want))
				}
			}
		})

		t.Run("filters", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"filter[key]=office,spare", []string{"office", "spare"}},
				{"filters[key]=tools", []string{"tools"}},
				{"filter[name]=FIC", []string{"office"}},
				{"filters[name]=parts", []string{"spare"}},
				{"filter[public]=true", []string{"office", "spare"}},
				{"filters[public]=false", []string{"tools"}},
				{"filter[public]=true,false", []string{"office", "tools", "spare"}},
				{"filter[key]=office&filters[public]=false", []string{}},
			} {
				ctSameKeys(t, tc.query, ctCategoryKeys(ctCategoryQuery(t, admin, op, tc.query+"&sort=id").Items), tc.want)
			}
		})

		t.Run("sorts", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"sort=priority", []string{"tools", "office", "spare"}},
				{"sort=-priority", []string{"spare", "office", "tools"}},
				{"sorting[field]=priority", []string{"tools", "office", "spare"}},
				{"sorting[field]=priority&sorting[reversed]=true", []string{"spare", "office", "tools"}},
				{"sorting[field]=priority&sorting[reversed]=false", []string{"tools", "office", "spare"}},
				{"sorting[field]=name&sorting[reversed]=true", []string{"tools", "spare", "office"}},
				{"sorting[reversed]=true", []string{"spare", "tools", "office"}},
				{"sort=name", []string{"office", "spare", "tools"}},
				{"sort=-id", []string{"spare", "tools", "office"}},
				// Ties on every key are broken by id, running like the last key.
				{"sort=created_at,-updated_at", []string{"spare", "tools", "office"}},
				{"sort=created_at,updated_at", []string{"office", "tools", "spare"}},
			} {
				ctSameKeys(t, tc.query, ctCategoryKeys(ctCategoryQuery(t, admin, op, tc.query).Items), tc.want)
			}
		})

		t.Run("legacy paging", func(t *testing.T) {
			page := ctCategoryQuery(t, admin, op, "sort=id&per_page=1&page=2")
			ctSameKeys(t, "second page of one", ctCategoryKeys(page.Items), []string{"tools"})
			if page.TotalCount != 3 || page.Links.Prev == nil || page.Links.Next == nil {
				t.Fatalf("page 2 of 3: total %d, links %+v", page.TotalCount, page.Links)
			}
			for link, want := range map[string]string{page.Links.Self: "page[number]=2", *page.Links.Prev: "page[number]=1",
				*page.Links.Next: "page[after]=" + page.NextCursor, page.Links.Last: "page[number]=3"} {
				if !bytes.Contains([]byte(link), []byte(want)) || !bytes.Contains([]byte(link), []byte("page[size]=1")) ||
					bytes.Contains([]byte(link), []byte("per_page")) {
					t.Errorf("link %s, want %s and page[size]=1 in place of the legacy parameters", link, want)
				}
			}
			// page[...] wins over the legacy names.
			page = ctCategoryQuery(t, admin, op, "sort=id&per_page=1&page=2&page[size]=2&page[number]=1")
			ctSameKeys(t, "page[...] over page/per_page", ctCategoryKeys(page.Items), []string{"office", "tools"})
			past := ctCategoryQuery(t, admin, op, "per_page=2&page=3")
			if len(past.Items) != 0 || past.TotalCount != 3 || past.Links.Next != nil || past.Links.Prev == nil ||
				!bytes.Contains([]byte(*past.Links.Prev), []byte("page[number]=2")) {
				t.Errorf("past the end: %d items, total %d, links %+v", len(past.Items), past.TotalCount, past.Links)
			}
		})
	})
}

// TestCatalogProducts checks the product list and the single product: fields, who sees
// what, filters and sorts in both spellings, and plan_currency.
func TestCatalogProducts(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		admin := fx.s.Admin
		op := int64(domain.OperatorID)

		t.Run("fields", func(t *testing.T) {
			p, err := admin.GetProduct(ctx, op, fx.products["mail"])
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "Mail Hosting" || p.Type != "saas" || p.Key != "mail" || p.Description != "Business e-mail" ||
				!p.Public || p.Priority != 1 || p.Vendor != "Example Vendor" || p.ProvisioningMode != "automatic" ||
				!p.CreatedAt.Equal(ctHour(9)) || !p.UpdatedAt.Equal(ctHour(9)) {
				t.Errorf("mail = %+v", p)
			}
			if c := p.Category; c == nil || c.ID != fx.categories["office"] || c.Name != "Office" || c.Logo == nil || c.Priority != 2 {
				t.Errorf("mail's category = %+v", c)
			}
			notes, err := admin.GetProduct(ctx, op, fx.products["notes"])
			if err != nil || notes.ProvisioningMode != "manual" || notes.Public || notes.Category == nil || notes.Category.Key != "tools" {
				t.Errorf("notes = %+v (%v)", notes, err)
			}
			// The vendor integration's settings stay the operator's business.
			resp := ctGet(t, admin, ctPath("/customer_store/resellers/1/products/%d", fx.products["mail"]))
			for _, secret := range []string{"api_path", "vendor.example/api", "allow_order_attributes", "ops@paper.example"} {
				if bytes.Contains(resp.Body, []byte(secret)) {
					t.Errorf("product shows %q: %s", secret, resp.Body)
				}
			}
			list := ctGet(t, admin, ctPath("/customer_store/resellers/1/products"))
			if bytes.Contains(list.Body, []byte("api_path")) || bytes.Contains(list.Body, []byte("ops@paper.example")) {
				t.Errorf("product list shows integration settings: %s", list.Body)
			}
		})

		t.Run("plan_currency", func(t *testing.T) {
			path := ctPath("/customer_store/resellers/1/products/%d", fx.products["mail"])
			plain := ctGet(t, admin, path)
			for _, v := range []string{"true", "false"} {
				got := ctGet(t, admin, path+"?plan_currency="+v)
				if got.StatusCode != 200 || !bytes.Equal(got.Body, plain.Body) {
					t.Errorf("plan_currency=%s: %d %s, want the plain answer", v, got.StatusCode, got.Body)
				}
			}
			if _, err := admin.GetProduct(ctx, op, fx.products["mail"], client.WithQuery("plan_currency", "true")); err != nil {
				t.Errorf("GetProduct with plan_currency: %v", err)
			}
		})

		t.Run("who sees what", func(t *testing.T) {
			for _, tc := range []struct {
				rid  int64
				want []string
			}{
				{op, []string{"mail", "notes", "crm"}},
				// north: its own, and the products of the plans it got, the
				// deactivated one included.
				{fx.north.ID, []string{"mail", "notes", "widget"}},
				{fx.northEast.ID, []string{"mail"}},
				{fx.south.ID, []string{}},
			} {
				page := ctProductQuery(t, admin, tc.rid, "sort=id")
				ctSameKeys(t, "products of "+ctID(tc.rid), ctProductKeys(page.Items), tc.want)
				for _, key := range tc.want {
					if _, err := admin.GetProduct(ctx, tc.rid, fx.products[key]); err != nil {
						t.Errorf("reseller %d gets its product %s: %v", tc.rid, key, err)
					}
				}
			}
			missing := ctError(t, admin, ctPath("/customer_store/resellers/%d/products/999999", fx.north.ID), 404, "product_not_found", "")
			for _, tc := range []struct {
				rid int64
				key string
			}{
				{fx.north.ID, "crm"}, {fx.northEast.ID, "notes"}, {fx.south.ID, "mail"}, {op, "widget"},
			} {
				got := ctError(t, admin, ctPath("/customer_store/resellers/%d/products/%d", tc.rid, fx.products[tc.key]), 404, "product_not_found", "")
				if !bytes.Equal(got.Body, missing.Body) {
					t.Errorf("reseller %d gets %s: %s, want the body of a missing product", tc.rid, tc.key, got.Body)
				}
			}
		})

		t.Run("filters", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"filter[type]=saas", []string{"mail", "crm"}},
				{"filters[type]=app", []string{"notes"}},
				{"filters[type]=SaaS", []string{}},
				{"filters[category]=OFFICE", []string{"mail", "crm"}},
				{"filter[category]=tools,office", []string{"mail", "notes", "crm"}},
				{"filter[category]=Offic", []string{}},
				{"filter[key]=crm", []string{"crm"}},
				{"filters[name]=HOSTING", []string{"mail"}},
				{"filter[public]=false", []string{"notes"}},
				{"filters[category]=office&filters[type]=saas&filter[public]=true", []string{"mail", "crm"}},
			} {
				ctSameKeys(t, tc.query, ctProductKeys(ctProductQuery(t, admin, op, tc.query+"&sort=id").Items), tc.want)
			}
		})

		t.Run("sorts and paging", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []string
			}{
				{"sorting[field]=priority", []string{"mail", "crm", "notes"}},
				{"sorting[field]=priority&sorting[reversed]=true", []string{"notes", "crm", "mail"}},
				{"sort=name", []string{"crm", "mail", "notes"}},
				{"sort=-name", []string{"notes", "mail", "crm"}},
				{"sort=-id", []string{"crm", "notes", "mail"}},
				{"sort=updated_at,created_at", []string{"mail", "notes", "crm"}},
			} {
				ctSameKeys(t, tc.query, ctProductKeys(ctProductQuery(t, admin, op, tc.query).Items), tc.want)
			}
			page := ctProductQuery(t, admin, op, "sorting[field]=priority&per_page=2&page=2")
			ctSameKeys(t, "second page of two", ctProductKeys(page.Items), []string{"notes"})
			if page.TotalCount != 3 || page.Links.Next != nil || page.Links.Prev == nil ||
				!bytes.Contains([]byte(page.Links.Self), []byte("sorting[field]=priority")) {
				t.Errorf("last page: total %d, links %+v", page.TotalCount, page.Links)
			}
		})
	})
}

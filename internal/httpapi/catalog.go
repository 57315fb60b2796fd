package httpapi

import (
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The Customer Store's catalogue: product categories and products. Both lists take
// the legacy page/per_page, sorting[...] and filters[...] parameters besides the
// standard ones.

var categoryList = listSpec{
	filters: map[string]filterSpec{
		"key":    {kind: kindExact},
		"name":   {kind: kindContains},
		"public": {kind: kindBool},
	},
	sorts:  []string{"id", "priority", "name", "created_at", "updated_at"},
	legacy: true,
}

var productList = listSpec{
	filters: map[string]filterSpec{
		"type":     {kind: kindExact},
		"category": {kind: kindLower}, // the category's name, as domain.Fold compares it
		"key":      {kind: kindExact},
		"name":     {kind: kindContains},
		"public":   {kind: kindBool},
	},
	sorts:    []string{"id", "priority", "name", "created_at", "updated_at"},
	includes: productInclude,
	legacy:   true,
}

// productInclude names what ActivePlatform can include with products. Neither is an
// object in Cascade (the vendor is the product's vendor name, and there are no
// product lines), so asking for them links each product to nothing and includes
// nothing: a client written for ActivePlatform still gets its answer.
var productInclude = []string{"vendor", "product_line"}

type categoryAttributes struct {
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Key         string  `json:"key"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Priority    int     `json:"priority"`
	Public      bool    `json:"public"`
	Logo        *string `json:"logo"`
}

func (s *Server) toAPICategory(pc *domain.ProductCategory) resource {
	return resource{ID: id(pc.ID), Type: "product_categories", Attributes: &categoryAttributes{
		CreatedAt: s.formatTime(pc.CreatedAt), UpdatedAt: s.formatTime(pc.UpdatedAt), Key: pc.Key,
		Name: pc.Name, Description: pc.Description, Priority: pc.Priority, Public: pc.Public,
		Logo: nullableString(pc.Logo),
	}}
}

// productAttributes are the documented members, then Cascade's own. The vendor
// integration's settings (API path, e-mail, toggles) are the operator's business and
// never shown in the store.
type productAttributes struct {
	CreatedAt        string          `json:"created_at"`
	UpdatedAt        string          `json:"updated_at"`
	Name             string          `json:"name"`
	Type             string          `json:"type"`
	Category         productCategory `json:"category"`
	Key              string          `json:"key"`
	Description      string          `json:"description"`
	Public           bool            `json:"public"`
	Priority         int             `json:"priority"`
	Vendor           string          `json:"vendor"`
	ProvisioningMode string          `json:"provisioning_mode"`
}

// productCategory embeds the product's category as the docs show it: a document of
// its own inside the attributes.
type productCategory struct {
	Data resource `json:"data"`
}

// toAPIProductWith renders p with a relationship for each include asked for: null,
// as Cascade knows no vendor or product line objects (see productInclude).
func (s *Server) toAPIProductWith(p *domain.Product, includes []string) resource {
	res := s.toAPIProduct(p)
	for _, name := range includes {
		if res.Relationships == nil {
			res.Relationships = map[string]relationship{}
		}
		res.Relationships[name] = relationship{}
	}
	return res
}

// productPage renders a page of products with the relationships asked for.
func (s *Server) productPage(c *call, ps []*domain.Product, info domain.PageInfo, p listParams) (reply, error) {
	data := make([]resource, len(ps))
	for i, pr := range ps {
		data[i] = s.toAPIProductWith(pr, p.includes)
	}
	return s.page(c, data, nil, info, p), nil
}

func (s *Server) toAPIProduct(p *domain.Product) resource {
	a := &productAttributes{
		CreatedAt: s.formatTime(p.CreatedAt), UpdatedAt: s.formatTime(p.UpdatedAt), Name: p.Name, Type: p.Type,
		Key: p.Key, Description: p.Description, Public: p.Public, Priority: p.Priority, Vendor: p.VendorName,
		ProvisioningMode: string(p.Integration.Mode),
	}
	if p.Category != nil {
		a.Category.Data = s.toAPICategory(p.Category)
	}
	return resource{ID: id(p.ID), Type: "products", Attributes: a}
}

func (s *Server) handleProductGet(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	pid, err := c.pathID("product_id")
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	// plan_currency chooses between each plan's own currency and the reseller's.
	// Cascade converts no currencies, so prices are always in each plan's own; the
	// parameter is checked and accepted either way.
	var currencyErr error
	if v, ok := q["plan_currency"]; ok && v[0] != "true" && v[0] != "false" {
		currencyErr = domain.ParamError("plan_currency", domain.MsgInvalidBoolean)
	}
	includes, err := parseInclude(q, productInclude)
	if err := errors.Join(currencyErr, err); err != nil {
		return reply{}, err
	}
	p, err := s.svc.FindProductByID(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIProductWith(p, includes)), nil
}

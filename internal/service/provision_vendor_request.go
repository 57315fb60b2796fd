package service

import (
	"context"
	"strconv"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/vendorkit"
)

// subscriptionRequest builds the subscription request of req's operation on a
// subscription of product (docs/vendor-protocol.md, The subscription request): the
// reseller that sold it, the product's reseller as the distributor, the account
// with its owner as the tenant, and the plan with the quantities the operation
// leaves: an update or switch sends the order's new plan and quantities.
func (s *Service) subscriptionRequest(ctx context.Context, c *store.Conn, req ProvisionRequest,
	product *domain.Product) (*vendorkit.SubscriptionRequest, error) {
	sub := req.Subscription
	planID, periodID := sub.PlanID, sub.PlanPeriodID
	if o := req.Order; o != nil && o.Kind == domain.SwitchOrder {
		planID = o.PlanID
	}
	if o := req.Order; o != nil && o.PlanPeriodID != 0 {
		periodID = o.PlanPeriodID
	}
	plan := req.plan
	if plan == nil || plan.ID != planID {
		var err error
		if plan, err = s.planByID(ctx, c, planID); err != nil {
			return nil, err
		}
	}
	var (
		reseller    vendorkit.Reseller
		distributor vendorkit.Distributor
		err         error
	)
	if pt := req.parties; pt != nil && pt.seller.ID == sub.ResellerID && pt.distributor.ID == product.ResellerID {
		reseller, distributor = vendorReseller(pt.seller), vendorDistributor(pt.distributor)
	} else if reseller, distributor, err = s.vendorParties(ctx, c, sub.ResellerID, product); err != nil {
		return nil, err
	}
	var tenant vendorkit.Tenant
	if at := req.tenant; at != nil && at.Account.ID == sub.AccountID {
		tenant = vendorTenantOf(*at)
	} else if tenant, err = s.vendorTenant(ctx, c, sub.AccountID); err != nil {
		return nil, err
	}
	attrs, err := s.vendorSubscriptionAttributes(ctx, c, sub, req.Order)
	if err != nil {
		return nil, err
	}
	return &vendorkit.SubscriptionRequest{ExternalID: sub.Vendor.ExternalID, Tenant: tenant,
		Reseller: reseller, Distributor: distributor,
		Plan:         vendorPlan(plan, periodID, orderedQuantities(sub, req.Order)),
		Subscription: vendorkit.Subscription{ID: strconv.FormatInt(sub.ID, 10), Attributes: attrs}}, nil
}

// vendorParties returns reseller resellerID, which sells product, and the product's
// own reseller as the distributor, as the vendor sees them.
func (s *Service) vendorParties(ctx context.Context, c *store.Conn, resellerID int64,
	product *domain.Product) (vendorkit.Reseller, vendorkit.Distributor, error) {
	var (
		reseller    vendorkit.Reseller
		distributor vendorkit.Distributor
	)
	resellers, err := c.FindResellersByIDs(ctx, distinct([]int64{resellerID, product.ResellerID}))
	if err != nil {
		return reseller, distributor, err
	}
	for _, r := range resellers {
		if r.ID == resellerID {
			reseller = vendorReseller(r)
		}
		if r.ID == product.ResellerID {
			distributor = vendorDistributor(r)
		}
	}
	return reseller, distributor, nil
}

// vendorDistributor is r, a product's reseller, as the vendor sees it.
func vendorDistributor(r *domain.Reseller) vendorkit.Distributor {
	return vendorkit.Distributor{ID: r.ID, Name: r.General.Name, Region: r.Company.State,
		Currency: r.General.Currency, Attributes: map[string]string{}}
}

// vendorReseller is r as the vendor sees it. Product attributes are not defined
// per reseller yet, so attributes is empty; core_attributes are r's custom ones.
func vendorReseller(r *domain.Reseller) vendorkit.Reseller {
	core := r.CustomAttributes
	if core == nil {
		core = map[string]string{}
	}
	return vendorkit.Reseller{ID: r.ID, Name: r.General.Name, CompanyName: r.Company.Name,
		FirstAddress: r.Company.AddressLine1, SecondAddress: r.Company.AddressLine2, City: r.Company.City,
		Region: r.Company.State, Zip: r.Company.Zip, Country: r.Company.Country, CompanyPhone: r.Company.Phone,
		CompanyEmail: r.Company.Email, Currency: r.General.Currency, Attributes: map[string]string{},
		CoreAttributes: core}
}

// vendorTenant is account id as the vendor sees it, with its owner user.
func (s *Service) vendorTenant(ctx context.Context, c *store.Conn, id int64) (vendorkit.Tenant, error) {
	at, err := c.FindAccountTenant(ctx, id)
	if err != nil {
		return vendorkit.Tenant{}, err
	}
	return vendorTenantOf(at), nil
}

// vendorTenantOf is the account of at as the vendor sees it, with its owner user.
func vendorTenantOf(at store.AccountTenant) vendorkit.Tenant {
	acc := at.Account
	t := vendorkit.Tenant{ID: acc.ID, CompanyName: acc.Name, Type: at.TypeKey,
		Contact: vendorkit.Contact{FirstName: acc.FirstName, LastName: acc.LastName, Zip: acc.Zip, City: acc.City,
			State: acc.Region, Country: acc.Country, Phone: acc.Phone, Email: acc.Email,
			AddressLine1: acc.Street, AddressLine2: joinNonEmpty(acc.Building, acc.Office)}}
	if acc.OwnerID != 0 {
		t.Owner = vendorkit.Owner{FirstName: at.OwnerFirstName, LastName: at.OwnerLastName, Phone: acc.Phone}
	}
	return t
}

// joinNonEmpty joins the parts that are not empty with ", ".
func joinNonEmpty(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += p
	}
	return out
}

// orderedQuantities is the quantity of each plan resource sub has once order (nil
// for none) is applied: a change sets additional quantities, a switch the target
// plan's, a renewal or prolong the quantities it lists.
func orderedQuantities(sub *domain.Subscription, order *domain.Order) domain.Quantities {
	if order == nil {
		return sub.Quantities()
	}
	switch order.Kind {
	case domain.ChangeOrder:
		q := sub.Quantities()
		for _, r := range sub.Resources {
			for _, l := range order.Lines {
				if r.ID == l.SubscriptionResourceID {
					q[r.PlanResourceID] = r.Included + l.Quantity
				}
			}
		}
		return q
	case domain.SwitchOrder:
		return domain.OrderedQuantities(order.Lines, domain.Quantities{})
	case domain.SalesOrder:
		return sub.Quantities()
	}
	return domain.OrderedQuantities(order.Lines, sub.Quantities())
}

// vendorPeriodTypes maps period units to the protocol's period types.
var vendorPeriodTypes = map[domain.PeriodUnit]string{domain.UnitDays: vendorkit.PeriodDay,
	domain.UnitMonths: vendorkit.PeriodMonth, domain.UnitYears: vendorkit.PeriodYear}

// vendorPlan is plan as the vendor sees it, at period periodID, with the quantity q
// gives each of its resources (those without one are left out). An endless period
// is sent as 0 months.
func vendorPlan(plan *domain.Plan, periodID int64, q domain.Quantities) vendorkit.Plan {
	out := vendorkit.Plan{Name: plan.Name, Description: plan.Description, SKU: plan.SKU,
		Resources: []vendorkit.PlanResource{}, Period: vendorkit.Period{Type: vendorkit.PeriodMonth}}
	if p, ok := planPeriod(plan, periodID); ok {
		if t, ok := vendorPeriodTypes[p.Unit]; ok {
			out.Period = vendorkit.Period{Value: p.Duration, Type: t}
		}
	}
	for _, r := range plan.Resources {
		if n, ok := q[r.ID]; ok {
			out.Resources = append(out.Resources, vendorkit.PlanResource{Resource: strconv.FormatInt(r.ID, 10),
				Key: r.Key, Quantity: n})
		}
	}
	return out
}

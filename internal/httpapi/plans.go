package httpapi

import (
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
)

// planFilters are the filters every plan list takes; the documented ones are name,
// sku and updated_at.
var planFilters = map[string]filterSpec{
	"id":         {kind: kindInt},
	"product_id": {kind: kindInt},
	"key":        {kind: kindExact},
	"name":       {kind: kindContains},
	"sku":        {kind: kindExact},
	"status": {kind: kindEnum, values: []string{
		string(domain.PlanActive), string(domain.PlanInactive), string(domain.PlanDeactivatedByProvider)}},
	"public":       {kind: kindBool},
	"currency":     {kind: kindUpper},
	"billing_type": {kind: kindEnum, values: billingTypeValues()},
	"created_at":   {kind: kindTime},
	"updated_at":   {kind: kindTime},
}

// billingTypeValues are the API values of the billing types.
func billingTypeValues() []string {
	out := make([]string, len(domain.BillingTypes))
	for i, t := range domain.BillingTypes {
		out[i] = string(t)
	}
	return out
}

var planSorts = []string{"id", "name", "created_at", "updated_at"}

var planInclude = []string{"plan_category"}

// planList is what the plans of one reseller accept.
var planList = listSpec{filters: planFilters, sorts: planSorts, includes: planInclude}

// switchablePlanList filters and sorts the targets of a plan's switches like the plan
// list, with nothing to include.
var switchablePlanList = listSpec{filters: planFilters, sorts: planSorts}

// childPlanList spans many resellers, so it also filters by reseller; the docs give
// it no included objects.
var childPlanList = func() listSpec {
	l := listSpec{filters: map[string]filterSpec{"reseller_id": {kind: kindInt}}, sorts: planSorts}
	for k, v := range planFilters {
		l.filters[k] = v
	}
	return l
}()

// switchTypeParam is the required filter of the switchable plans.
const switchTypeParam = "filter[switch_type]"

type planAttributes struct {
	CreatedAt   string             `json:"created_at"`
	UpdatedAt   string             `json:"updated_at"`
	Status      string             `json:"status"`
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Public      bool               `json:"public"`
	PlanClassID *int64             `json:"plan_class_id"`
	ProductID   int64              `json:"product_id"`
	BillingType domain.BillingType `json:"billing_type"`
	Ancestry    *string            `json:"ancestry"`
	ResellerID  int64              `json:"reseller_id"`
	FixedPrice  bool               `json:"fixed_price"`
	// Cascade's own members.
	Key       string              `json:"key"`
	SKU       string              `json:"sku"`
	Currency  string              `json:"currency"`
	ParentID  *int64              `json:"parent_id"`
	Periods   []planPeriodAttrs   `json:"periods"`
	Resources []planResourceAttrs `json:"resources"`
}

type planPeriodAttrs struct {
	ID           int64  `json:"id"`
	Key          string `json:"key"`
	Duration     int    `json:"duration"`
	Unit         string `json:"unit"`
	Trial        bool   `json:"trial"`
	SetupFee     string `json:"setup_fee"`
	RecurringFee string `json:"recurring_fee"`
	RenewalFee   string `json:"renewal_fee"`
	TransferFee  string `json:"transfer_fee"`
}

type planResourceAttrs struct {
	ID            int64  `json:"id"`
	Key           string `json:"key"`
	Name          string `json:"name"`
	UnitOfMeasure string `json:"unit_of_measure"`
	Measurable    bool   `json:"measurable"`
	Included      int64  `json:"included"`
	Minimum       int64  `json:"minimum"`
	Limit         int64  `json:"limit"`
	Unlimited     bool   `json:"unlimited"`
	SetupFee      string `json:"setup_fee"`
	RecurringFee  string `json:"recurring_fee"`
	OveruseFee    string `json:"overuse_fee"`
	RenewalFee    string `json:"renewal_fee"`
	Public        bool   `json:"public"`
}

// toAPIPlan renders p; category, when not nil, is linked as its plan_category. The
// attributes, a plan's bulk, are encoded once per plan content (see encodedCache).
func (s *Server) toAPIPlan(p *domain.Plan, category *domain.ProductCategory) resource {
	res := resource{ID: id(p.ID), Type: "plans"}
	res.Attributes = s.planAttrs.attributes(p.ID, p, func() any { return s.planAttributes(p) })
	if category != nil {
		res.Relationships = map[string]relationship{"plan_category": toOne("product_categories", category.ID)}
	}
	return res
}

func (s *Server) planAttributes(p *domain.Plan) *planAttributes {
	a := &planAttributes{
		CreatedAt: s.formatTime(p.CreatedAt), UpdatedAt: s.formatTime(p.UpdatedAt), Status: string(p.Status),
		Name: p.Name, Description: p.Description, Public: p.Public, PlanClassID: nullableInt(p.ServiceTermID),
		ProductID: p.ProductID, BillingType: p.BillingType, Ancestry: nullableString(p.Ancestry),
		ResellerID: p.ResellerID, FixedPrice: p.FixedPrice, Key: p.Key, SKU: p.SKU, Currency: p.Currency,
		ParentID: nullableInt(p.ParentID),
		Periods:  make([]planPeriodAttrs, len(p.Periods)), Resources: make([]planResourceAttrs, len(p.Resources)),
	}
	for i, pp := range p.Periods {
		a.Periods[i] = planPeriodAttrs{ID: pp.ID, Key: pp.Key, Duration: pp.Duration, Unit: string(pp.Unit),
			Trial: pp.Trial, SetupFee: pp.SetupFee.String(), RecurringFee: pp.RecurringFee.String(),
			RenewalFee: pp.RenewalFee.String(), TransferFee: pp.TransferFee.String()}
	}
	for i, pr := range p.Resources {
		a.Resources[i] = planResourceAttrs{ID: pr.ID, Key: pr.Key, Name: pr.Name,
			UnitOfMeasure: string(pr.UnitOfMeasure), Measurable: pr.Measurable, Included: pr.Included,
			Minimum: pr.Minimum, Limit: pr.Limit, Unlimited: pr.Unlimited, SetupFee: pr.SetupFee.String(),
			RecurringFee: pr.RecurringFee.String(), OveruseFee: pr.OveruseFee.String(),
			RenewalFee: pr.RenewalFee.String(), Public: pr.Public}
	}
	return a
}

// planDocument renders plans, with their categories linked and included (each once)
// when the request asked for plan_category.
func (s *Server) planDocument(c *call, plans []*domain.Plan, includes []string) ([]resource, []resource, error) {
	data := make([]resource, len(plans))
	if !contains(includes, "plan_category") {
		for i, p := range plans {
			data[i] = s.toAPIPlan(p, nil)
		}
		return data, nil, nil
	}
	categories, err := s.svc.PlanCategories(c.ctx, plans)
	if err != nil {
		return nil, nil, err
	}
	var (
		included []resource
		seen     = map[int64]bool{}
	)
	for i, p := range plans {
		pc := categories[p.ProductID]
		data[i] = s.toAPIPlan(p, pc)
		if pc != nil && !seen[pc.ID] {
			seen[pc.ID] = true
			included = append(included, s.toAPICategory(pc))
		}
	}
	return data, included, nil
}

func (s *Server) planPage(c *call, plans []*domain.Plan, info domain.PageInfo, p listParams) (reply, error) {
	data, included, err := s.planDocument(c, plans, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handlePlanGet(c *call) (reply, error) {
	rid, pid, err := c.planPath()
	if err != nil {
		return reply{}, err
	}
	includes, err := parseInclude(c.r.URL.Query(), planInclude)
	if err != nil {
		return reply{}, err
	}
	p, err := s.svc.FindPlanByID(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	data, included, err := s.planDocument(c, []*domain.Plan{p}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

func (s *Server) handleChildResellerPlanGet(c *call) (reply, error) {
	rid, pid, err := c.planPath()
	if err != nil {
		return reply{}, err
	}
	if _, err := parseInclude(c.r.URL.Query(), nil); err != nil {
		return reply{}, err
	}
	p, err := s.svc.FindChildResellerPlanByID(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIPlan(p, nil)), nil
}

func (s *Server) handleSwitchablePlanList(c *call) (reply, error) {
	rid, pid, err := c.planPath()
	if err != nil {
		return reply{}, err
	}
	// filter[switch_type] is no condition on the plans listed but on the switches
	// leading to them, so it is read apart from the plan filters.
	q := c.r.URL.Query()
	v, given, switchErr := queryValue(q, switchTypeParam)
	t := domain.SwitchType(v)
	switch {
	case switchErr != nil: // given twice, or not text
	case !given:
		switchErr = domain.ParamError(switchTypeParam, domain.MsgSwitchTypeRequired)
	case t != domain.SwitchImmediate && t != domain.SwitchDelayed:
		switchErr = domain.ParamError(switchTypeParam, domain.MsgOneOf,
			string(domain.SwitchImmediate)+", "+string(domain.SwitchDelayed))
	}
	q.Del(switchTypeParam)
	p, err := parseList(q, switchablePlanList, s.loc, c.r.URL.Path+"?"+string(t))
	if err = errors.Join(switchErr, err); err != nil {
		return reply{}, err
	}
	plans, info, err := s.svc.FindSwitchablePlans(c.ctx, c.actor, rid, pid, t, p.query)
	if err != nil {
		return reply{}, err
	}
	return s.planPage(c, plans, info, p)
}

// planPath reads reseller_id and plan_id from the path.
func (c *call) planPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	pid, err := c.pathID("plan_id")
	return rid, pid, err
}

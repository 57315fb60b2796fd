package httpapi

import (
	"encoding/json"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// subscriptionList is what the subscriptions list accepts: the documented filters
// (comma lists of accounts, statuses and plans), and sorts Cascade adds.
var subscriptionList = listSpec{
	filters: map[string]filterSpec{
		"account_id":    {kind: kindInt},
		"reseller_id":   {kind: kindInt},
		"status":        {kind: kindEnum, values: enumValues(domain.SubscriptionStatuses)},
		"payment_model": {kind: kindEnum, values: []string{string(domain.PaymentModelPrepay), string(domain.PaymentModelPostpay)}},
		"trial":         {kind: kindBool},
		"plan_id":       {kind: kindInt},
		"created_at":    {kind: kindTime},
	},
	sorts:    []string{"id", "created_at", "updated_at", "expiration_date"},
	includes: []string{"account", "plan", "subscription_period", "subscription_resources"},
}

// subscriptionAttributes are the attributes of a subscription resource.
type subscriptionAttributes struct {
	CreatedAt              string                 `json:"created_at"`
	UpdatedAt              string                 `json:"updated_at"`
	PlanID                 int64                  `json:"plan_id"`
	AccountID              int64                  `json:"account_id"`
	Name                   string                 `json:"name"`
	Trial                  bool                   `json:"trial"`
	Status                 string                 `json:"status"`
	StartDate              *string                `json:"start_date"`
	ExpirationDate         *string                `json:"expiration_date"`
	HoldTo                 *string                `json:"hold_to"`
	PlanPeriodID           int64                  `json:"plan_period_id"`
	PromoCode              string                 `json:"promo_code"`
	PaymentModel           string                 `json:"payment_model"`
	PaymentModelParameters paymentModelParameters `json:"payment_model_parameters"`
	RenewalSettings        renewalSettings        `json:"renewal_settings"`
	FixedPrice             bool                   `json:"fixed_price"`
	Ability                domain.Ability         `json:"ability"`
	CustomPrice            bool                   `json:"custom_price"`
	// What the vendor answered and where provisioning stands (docs/vendor-protocol.md).
	ExternalID        *string            `json:"external_id"`
	VendorAttributes  map[string]string  `json:"vendor_attributes"`
	ProvisioningError *provisioningError `json:"provisioning_error"`
	ProvisioningJobID *string            `json:"provisioning_job_id"`
}

// provisioningError is why a subscription's latest provisioning operation failed.
type provisioningError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	At      string `json:"at"`
}

// optionalString is s, or nil when it is empty.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// vendorAttributes fills a's vendor fields from v: null before the vendor answered,
// and the attributes always an object.
func (s *Server) vendorAttributes(a *subscriptionAttributes, v domain.SubscriptionVendor) *subscriptionAttributes {
	a.ExternalID, a.ProvisioningJobID, a.VendorAttributes = optionalString(v.ExternalID), optionalString(v.JobID), v.Attributes
	if a.VendorAttributes == nil {
		a.VendorAttributes = map[string]string{}
	}
	if e := v.Error; e != nil {
		a.ProvisioningError = &provisioningError{Code: e.Code, Message: e.Message, At: s.formatTime(e.At)}
	}
	return a
}

// paymentModelParameters are money as JSON numbers, as the documented example
// shows them; json.Number keeps the exact decimal.
type paymentModelParameters struct {
	CreditLimit json.Number `json:"credit_limit"`
	CurrentDebt json.Number `json:"current_debt"`
}

type renewalSettings struct {
	Autorenew        bool `json:"autorenew"`
	DisableAutorenew bool `json:"disable_autorenew"`
	AutorenewPoint   int  `json:"autorenew_point"`
	ManualRenewPoint int  `json:"manual_renew_point"`
}

func optionalDate(d domain.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// toAPISubscription renders a subscription with its ability now and the renewal
// settings of its plan's service term.
func (s *Server) toAPISubscription(v *service.SubscriptionView) resource {
	return resource{ID: id(v.ID), Type: "subscriptions", Attributes: s.subscriptionAttrs.get(v, s.subscriptionAttributes),
		Relationships: map[string]relationship{
			"account": {Data: &identifier{Type: "accounts", ID: id(v.AccountID)}},
			"plan":    {Data: &identifier{Type: "plans", ID: id(v.PlanID)}},
		}}
}

// subscriptionAttributes are the attributes of v as the API shows them.
func (s *Server) subscriptionAttributes(v *service.SubscriptionView) *subscriptionAttributes {
	return s.vendorAttributes(&subscriptionAttributes{CreatedAt: s.formatTime(v.CreatedAt), UpdatedAt: s.formatTime(v.UpdatedAt),
		PlanID: v.PlanID, AccountID: v.AccountID, Name: v.Name, Trial: v.Trial, Status: string(v.Status),
		StartDate: optionalDate(v.StartDate), ExpirationDate: optionalDate(v.ExpirationDate),
		HoldTo: optionalDate(v.HoldTo), PlanPeriodID: v.PlanPeriodID, PromoCode: v.PromoCode, PaymentModel: string(v.PaymentModel),
		PaymentModelParameters: paymentModelParameters{CreditLimit: json.Number(v.CreditLimit.String()),
			CurrentDebt: json.Number(v.CurrentDebt.String())},
		RenewalSettings: renewalSettings{Autorenew: v.Autorenew, DisableAutorenew: v.DisableAutorenew,
			AutorenewPoint: v.Terms.AutoRenewPoint, ManualRenewPoint: v.Terms.ManualRenewPoint},
		FixedPrice: v.FixedPrice, Ability: v.Ability, CustomPrice: v.CustomPrice}, v.Vendor)
}

// subscriptionResourceAttributes are the attributes of a subscription resource
// (include=subscription_resources): a resource of the plan with the quantities the
// subscription holds.
type subscriptionResourceAttributes struct {
	SubscriptionID int64  `json:"subscription_id"`
	PlanResourceID int64  `json:"plan_resource_id"`
	Name           string `json:"name"`
	Included       int64  `json:"included"`
	Additional     int64  `json:"additional"`
	Quantity       int64  `json:"quantity"`
	// Usage is the units in use as the vendor last answered; null until read.
	Usage *int64 `json:"usage"`
}

// subscriptionDocument renders subscriptions with the objects asked for included,
// each once: accounts, plans, each subscription's period (subscription_period, a
// plan period) and its resources (subscription_resources).
func (s *Server) subscriptionDocument(c *call, views []*service.SubscriptionView, includes []string) ([]resource, []resource, error) {
	data := make([]resource, len(views))
	for i, v := range views {
		data[i] = s.toAPISubscription(v)
	}
	if len(includes) == 0 {
		return data, nil, nil
	}
	inc, err := s.svc.IncludeForSubscriptions(c.ctx, views, includes)
	if err != nil {
		return nil, nil, err
	}
	var included includedSet
	for _, v := range views {
		if a := inc.Accounts[v.AccountID]; a != nil && !included.has("accounts", a.ID) {
			included.add(s.toAPIAccount(a))
		}
		plan := inc.Plans[v.PlanID]
		if plan == nil {
			continue
		}
		if contains(includes, "plan") && !included.has("plans", plan.ID) {
			included.add(s.toAPIPlan(plan, nil))
		}
		if contains(includes, "subscription_period") {
			for _, pp := range plan.Periods {
				if pp.ID == v.PlanPeriodID {
					// The period at the prices the subscription holds them at.
					f := v.Prices.Period
					included.add(resource{ID: id(pp.ID), Type: "plan_periods", Attributes: planPeriodAttrs{
						ID: pp.ID, Key: pp.Key, Duration: pp.Duration, Unit: string(pp.Unit), Trial: pp.Trial,
						SetupFee: f.Setup.String(), RecurringFee: f.Recurring.String(), RenewalFee: f.Renewal.String(),
						TransferFee: f.Transfer.String()}})
				}
			}
		}
		if contains(includes, "subscription_resources") {
			names := map[int64]string{}
			for _, r := range plan.Resources {
				names[r.ID] = r.Name
			}
			for _, r := range v.Resources {
				included.add(resource{ID: id(r.ID), Type: "subscription_resources",
					Attributes: subscriptionResourceAttributes{SubscriptionID: v.ID, PlanResourceID: r.PlanResourceID,
						Name: names[r.PlanResourceID], Included: r.Included, Additional: r.Additional, Quantity: r.Quantity(),
						Usage: usageOf(inc.Usage[v.ID], r.PlanResourceID)}})
			}
		}
	}
	return data, included.list, nil
}

// usageOf is the usage read of plan resource id among read, nil when none was.
func usageOf(read map[int64]int64, id int64) *int64 {
	if u, ok := read[id]; ok {
		return &u
	}
	return nil
}

func (s *Server) subscriptionPage(c *call, views []*service.SubscriptionView, info domain.PageInfo, p listParams) (reply, error) {
	if err := metaParam(c); err != nil {
		return reply{}, err
	}
	data, included, err := s.subscriptionDocument(c, views, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleSubscriptionGet(c *call) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	includes, err := parseInclude(c.r.URL.Query(), subscriptionList.includes)
	if err != nil {
		return reply{}, err
	}
	if err := metaParam(c); err != nil {
		return reply{}, err
	}
	v, err := s.svc.FindSubscriptionByID(c.ctx, c.actor, rid, sid)
	if err != nil {
		return reply{}, err
	}
	data, included, err := s.subscriptionDocument(c, []*service.SubscriptionView{v}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

// metaParam accepts meta=true|false: the service-specific attributes it asks for
// come from vendor plugins, which Cascade's subscriptions do not have yet, so it
// adds nothing.
func metaParam(c *call) error {
	v, ok, err := queryValue(c.r.URL.Query(), "meta")
	if err != nil || !ok {
		return err
	}
	if v != "true" && v != "false" {
		return domain.ParamError("meta", domain.MsgMustBeBoolean)
	}
	return nil
}

// subscriptionPath reads reseller_id and subscription_id from the path.
func (c *call) subscriptionPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	sid, err := c.pathID("subscription_id")
	return rid, sid, err
}

package httpapi

import (
	"encoding/json"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// chargeList is what the charges list accepts: the documented filters, sorts by
// the fields that have an index, and the documented includes.
var chargeList = listSpec{
	filters: map[string]filterSpec{
		"close_date":      {kind: kindDate},
		"created_at":      {kind: kindTime},
		"updated_at":      {kind: kindTime},
		"status":          {kind: kindEnum, values: enumValues(domain.ChargeStatuses)},
		"subscription_id": {kind: kindInt},
	},
	sorts:    []string{"id", "created_at", "updated_at", "close_date"},
	includes: chargeIncludes,
}

// chargeIncludes are the objects a charge may bring along (include=).
var chargeIncludes = []string{"reseller", "account", "subscription", "plan"}

// chargeAttributes are the attributes of a charge resource: the documented ones
// and those the account ledger decided (docs/billing.md, "Charges"). unit_price is
// in the plan's currency (currency), amount in the reseller's with its minor unit's
// places, converted by currency_rate; a refund is positive with its own type.
type chargeAttributes struct {
	CreatedAt              string      `json:"created_at"`
	UpdatedAt              string      `json:"updated_at"`
	SubscriptionID         int64       `json:"subscription_id"`
	SubscriptionResourceID *int64      `json:"subscription_resource_id"`
	PlanResourceID         *int64      `json:"plan_resource_id"`
	OrderID                *int64      `json:"order_id"`
	Quantity               int64       `json:"quantity"`
	OperateFrom            string      `json:"operate_from"`
	OperateTo              string      `json:"operate_to"`
	Duration               json.Number `json:"duration"`
	Description            string      `json:"description"`
	Type                   string      `json:"type"`
	Status                 string      `json:"status"`
	CloseDate              *string     `json:"close_date"`
	UnitPrice              string      `json:"unit_price"`
	Currency               string      `json:"currency"`
	Amount                 string      `json:"amount"`
	ResellerCurrency       string      `json:"reseller_currency"`
	CurrencyRate           string      `json:"currency_rate"`
	DiscountAmount         string      `json:"discount_amount"`
	PaymentModel           string      `json:"payment_model"`
}

// toAPICharge renders a charge with its relationships: reseller, account and
// subscription (the order that made it, if any, is the order_id attribute).
func (s *Server) toAPICharge(c *domain.Charge) resource {
	a := &chargeAttributes{CreatedAt: s.formatTime(c.CreatedAt), UpdatedAt: s.formatTime(c.UpdatedAt),
		SubscriptionID: c.SubscriptionID, SubscriptionResourceID: nullableInt(c.SubscriptionResourceID),
		PlanResourceID: nullableInt(c.PlanResourceID), OrderID: nullableInt(c.OrderID), Quantity: c.Quantity,
		OperateFrom: c.OperateFrom.String(), OperateTo: c.OperateTo.String(), Duration: monthsNumber(c.Duration),
		Description: c.Description, Type: string(c.Type), Status: string(c.Status), CloseDate: optionalDate(c.CloseDate),
		UnitPrice: c.UnitPrice.String(), Currency: c.Currency, Amount: minorUnitsText(c.Amount, c.ResellerCurrency),
		ResellerCurrency: c.ResellerCurrency, CurrencyRate: c.CurrencyRate.String(),
		DiscountAmount: minorUnitsText(c.DiscountAmount, c.ResellerCurrency), PaymentModel: string(c.PaymentModel)}
	rel := map[string]relationship{
		"reseller":     {Data: &identifier{Type: "resellers", ID: id(c.ResellerID)}},
		"account":      {Data: &identifier{Type: "accounts", ID: id(c.AccountID)}},
		"subscription": {Data: &identifier{Type: "subscriptions", ID: id(c.SubscriptionID)}},
	}
	return resource{ID: id(c.ID), Type: "charges", Attributes: a, Relationships: rel}
}

// monthsNumber is a duration in months as a JSON number with at most three places
// ("1", "0.233", "24"), as charges show it.
func monthsNumber(m domain.Months) json.Number {
	s := m.Decimal(3)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return json.Number(s)
}

// minorUnitsText renders a, an amount rounded to currency's minor unit, with
// exactly that many places ("50.00", "1200" for JPY).
func minorUnitsText(a domain.Amount, currency string) string {
	places := domain.MinorUnits(currency)
	s := a.String()
	whole, frac, _ := strings.Cut(s, ".")
	if places == 0 {
		return whole
	}
	for len(frac) < places {
		frac += "0"
	}
	return whole + "." + frac[:places]
}

// chargeDocument renders charges with the objects of the kinds asked for included.
func (s *Server) chargeDocument(c *call, charges []*domain.Charge, includes []string) ([]resource, []resource, error) {
	data := make([]resource, len(charges))
	for i, ch := range charges {
		data[i] = s.toAPICharge(ch)
	}
	if len(includes) == 0 {
		return data, nil, nil
	}
	inc, err := s.svc.IncludeForCharges(c.ctx, c.actor, charges, includes)
	if err != nil {
		return nil, nil, err
	}
	var included includedSet
	for _, ch := range charges {
		if r := inc.Resellers[ch.ResellerID]; r != nil {
			included.add(s.toAPIReseller(c.actor, r, nil))
		}
		if a := inc.Accounts[ch.AccountID]; a != nil {
			included.add(s.toAPIAccount(a))
		}
		if v := inc.Subscriptions[ch.SubscriptionID]; v != nil {
			included.add(s.toAPISubscription(v))
		}
	}
	// A charge's plan is its subscription's, which the charge does not store: the
	// plan relationship is given when the plan is included, so that every included
	// plan is linked from the charge it came with.
	for i, ch := range charges {
		if p := inc.Plans[ch.SubscriptionID]; p != nil {
			included.add(s.toAPIPlan(p, nil))
			data[i].Relationships["plan"] = relationship{Data: &identifier{Type: "plans", ID: id(p.ID)}}
		}
	}
	return data, included.list, nil
}

func (s *Server) chargePage(c *call, charges []*domain.Charge, info domain.PageInfo, p listParams) (reply, error) {
	data, included, err := s.chargeDocument(c, charges, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleChargeGet(c *call) (reply, error) {
	includes, err := parseInclude(c.r.URL.Query(), chargeIncludes)
	if err != nil {
		return reply{}, err
	}
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	cid, err := c.pathID("charge_id")
	if err != nil {
		return reply{}, err
	}
	ch, err := s.svc.FindChargeByID(c.ctx, c.actor, rid, cid)
	if err != nil {
		return reply{}, err
	}
	data, included, err := s.chargeDocument(c, []*domain.Charge{ch}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

// includeOrderCharges adds the charges of orders to included (include=charges),
// each order of data, rendered from orders at the same place, naming its own in
// its charges relationship.
func (s *Server) includeOrderCharges(c *call, orders []*domain.Order, data []resource, included *includedSet) error {
	byOrder, err := s.svc.ChargesOfOrders(c.ctx, orders)
	if err != nil {
		return err
	}
	for i, o := range orders {
		ids := []identifier{}
		for _, ch := range byOrder[o.ID] {
			ids = append(ids, identifier{Type: "charges", ID: id(ch.ID)})
			included.add(s.toAPICharge(ch))
		}
		data[i].Relationships["charges"] = relationship{Data: ids}
	}
	return nil
}

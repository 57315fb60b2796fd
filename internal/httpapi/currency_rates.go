package httpapi

import (
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// Currency rates of a reseller (docs/billing.md "Currency rates"). Rates and
// adjustments keep every digit they were given; conversion_rate, the factor prices
// are multiplied by, is shown exactly when it ends within six decimal places and
// rounded to six otherwise (the arithmetic never rounds it).

type currencyRatesAttributes struct {
	CreatedAt               string             `json:"created_at"`
	UpdatedAt               string             `json:"updated_at"`
	ResellerCurrencyISOCode string             `json:"reseller_currency_iso_code"`
	ResellerCurrencyUnit    string             `json:"reseller_currency_unit"`
	Rates                   []currencyRateItem `json:"rates"`
}

// currencyRateItem is one rate in force; adjustment, conversion_rate and
// reseller_id (the reseller that set it) are Cascade extensions.
type currencyRateItem struct {
	ISOCode        string `json:"iso_code"`
	Unit           string `json:"unit"`
	Quantity       int64  `json:"quantity"`
	Rate           string `json:"rate"`
	ShowForClient  bool   `json:"show_for_client"`
	Adjustment     string `json:"adjustment"`
	ConversionRate string `json:"conversion_rate"`
	ResellerID     int64  `json:"reseller_id"`
}

// currencyRateRecordAttributes is one stored row; base_currency, foreign_currency and
// conversion_rate are Cascade extensions.
type currencyRateRecordAttributes struct {
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	FromID          int64  `json:"from_id"`
	ToID            int64  `json:"to_id"`
	Rate            string `json:"rate"`
	Quantity        int64  `json:"quantity"`
	Current         bool   `json:"current"`
	ResellerID      int64  `json:"reseller_id"`
	ShowForClient   bool   `json:"show_for_client"`
	Adjustment      string `json:"adjustment"`
	BaseCurrency    string `json:"base_currency"`
	ForeignCurrency string `json:"foreign_currency"`
	ConversionRate  string `json:"conversion_rate"`
}

// currencyRateInput is one item of an update; rate and adjustment are JSON numbers
// (or decimal strings) read without passing through float64.
type currencyRateInput struct {
	BaseCurrency    *string     `json:"base_currency"`
	ForeignCurrency *string     `json:"foreign_currency"`
	Quantity        *flexInt    `json:"quantity"`
	Rate            *amountText `json:"rate"`
	Adjustment      *amountText `json:"adjustment"`
	ShowForClient   *flexBool   `json:"show_for_client"`
}

func (s *Server) toAPICurrencyRates(v *service.CurrencyRates) resource {
	a := &currencyRatesAttributes{CreatedAt: s.formatTime(v.CreatedAt), UpdatedAt: s.formatTime(v.UpdatedAt),
		ResellerCurrencyISOCode: v.Currency, ResellerCurrencyUnit: domain.CurrencyUnit(v.Currency),
		Rates: make([]currencyRateItem, len(v.Rates))}
	for i, r := range v.Rates {
		a.Rates[i] = currencyRateItem{ISOCode: r.Foreign, Unit: domain.CurrencyUnit(r.Foreign), Quantity: r.Quantity,
			Rate: r.Rate.String(), ShowForClient: r.ShowForClient, Adjustment: r.Adjustment.String(),
			ConversionRate: domain.RateDisplay(r.Conversion()), ResellerID: r.ResellerID}
	}
	return resource{ID: domain.CurrencyIDText(v.Currency), Type: "currency_rates", Attributes: a}
}

func (s *Server) toAPICurrencyRateRecord(r domain.CurrencyRate) resource {
	at := s.formatTime(r.ValidFrom)
	return resource{ID: id(r.ID), Type: "currency_rates", Attributes: &currencyRateRecordAttributes{
		CreatedAt: at, UpdatedAt: at, FromID: domain.CurrencyID(r.Foreign), ToID: domain.CurrencyID(r.Base),
		Rate: r.Rate.String(), Quantity: r.Quantity, Current: r.Current, ResellerID: r.ResellerID,
		ShowForClient: r.ShowForClient, Adjustment: r.Adjustment.String(), BaseCurrency: r.Base,
		ForeignCurrency: r.Foreign, ConversionRate: domain.RateDisplay(r.Conversion())}}
}

func (s *Server) handleCurrencyRatesGet(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	if _, err := parseInclude(c.r.URL.Query(), nil); err != nil {
		return reply{}, err
	}
	v, err := s.svc.FindCurrencyRates(c.ctx, c.actor, rid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPICurrencyRates(v)), nil
}

func (s *Server) handleCurrencyRatesUpdate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[[]currencyRateInput](c)
	if err != nil {
		return reply{}, err
	}
	items := make([]domain.CurrencyRateInput, len(*in))
	for i, x := range *in {
		items[i] = domain.CurrencyRateInput{Base: x.BaseCurrency, Foreign: x.ForeignCurrency,
			Quantity: x.Quantity.ptr(), Rate: (*string)(x.Rate), Adjustment: (*string)(x.Adjustment),
			ShowForClient: x.ShowForClient.ptr()}
	}
	rows, err := s.svc.UpdateCurrencyRates(c.ctx, c.actor, rid, items)
	if err != nil {
		return reply{}, err
	}
	data := make([]resource, len(rows))
	for i, r := range rows {
		data[i] = s.toAPICurrencyRateRecord(r)
	}
	return reply{doc: document{Data: data}}, nil
}

// currencyRateHistoryList is the history of a reseller's rates (a Cascade
// extension): no filters, sorted by id.
var currencyRateHistoryList = listSpec{sorts: []string{"id"}}

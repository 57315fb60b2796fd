package client

import (
	"context"
	"encoding/json"
	"time"
)

// CurrencyRates are the rates in force for a reseller: for each foreign currency, the
// price of Quantity units in the reseller's currency.
type CurrencyRates struct {
	ID                      string         `json:"-"`
	CreatedAt               time.Time      `json:"created_at"`
	UpdatedAt               time.Time      `json:"updated_at"`
	ResellerCurrencyISOCode string         `json:"reseller_currency_iso_code"`
	ResellerCurrencyUnit    string         `json:"reseller_currency_unit"`
	Rates                   []CurrencyRate `json:"rates"`
}

// CurrencyRate is one rate in force. Adjustment, ConversionRate (rate / quantity ×
// adjustment, rounded to six places for display only) and ResellerID (who set it)
// are Cascade extensions.
type CurrencyRate struct {
	ISOCode        string `json:"iso_code"`
	Unit           string `json:"unit"`
	Quantity       int64  `json:"quantity"`
	Rate           string `json:"rate"`
	ShowForClient  bool   `json:"show_for_client"`
	Adjustment     string `json:"adjustment"`
	ConversionRate string `json:"conversion_rate"`
	ResellerID     int64  `json:"reseller_id"`
}

func (r *CurrencyRates) fromResource(res Resource) error {
	r.ID = res.ID
	return json.Unmarshal(res.Attributes, r)
}

// CurrencyRateRecord is one stored rate, as an update answers it.
type CurrencyRateRecord struct {
	ID              int64     `json:"-"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	FromID          int64     `json:"from_id"`
	ToID            int64     `json:"to_id"`
	Rate            string    `json:"rate"`
	Quantity        int64     `json:"quantity"`
	Current         bool      `json:"current"`
	ResellerID      int64     `json:"reseller_id"`
	ShowForClient   bool      `json:"show_for_client"`
	Adjustment      string    `json:"adjustment"`
	BaseCurrency    string    `json:"base_currency"`
	ForeignCurrency string    `json:"foreign_currency"`
	ConversionRate  string    `json:"conversion_rate"`
}

func (r *CurrencyRateRecord) fromResource(res Resource) error {
	id, err := parseID(res.ID)
	if err != nil {
		return err
	}
	r.ID = id
	return json.Unmarshal(res.Attributes, r)
}

// CurrencyRateInput is one item of an update. Rate and Adjustment are decimals sent
// as JSON numbers exactly as written; an empty Adjustment is left out (1).
type CurrencyRateInput struct {
	BaseCurrency    string
	ForeignCurrency string
	Quantity        int64
	Rate            string
	Adjustment      string
	ShowForClient   *bool
}

// MarshalJSON writes the item as the API reads it.
func (in CurrencyRateInput) MarshalJSON() ([]byte, error) {
	m := map[string]any{"base_currency": in.BaseCurrency, "foreign_currency": in.ForeignCurrency,
		"quantity": in.Quantity, "rate": json.Number(in.Rate)}
	if in.Adjustment != "" {
		m["adjustment"] = json.Number(in.Adjustment)
	}
	if in.ShowForClient != nil {
		m["show_for_client"] = *in.ShowForClient
	}
	return json.Marshal(m)
}

// GetCurrencyRates returns the rates in force for a reseller, inherited ones included
// (GET /api/v3/resellers/{id}/currency_rates).
func (c *Client) GetCurrencyRates(ctx context.Context, resellerID int64, opts ...RequestOption) (*CurrencyRates, error) {
	var r CurrencyRates
	return &r, c.getOne(ctx, pathf("/api/v3/resellers/%s/currency_rates", resellerID), &r, nil, opts...)
}

// UpdateCurrencyRates sets new rates of a reseller, in order, and returns the rows
// written (PATCH /api/v3/resellers/{id}/currency_rates).
func (c *Client) UpdateCurrencyRates(ctx context.Context, resellerID int64, items []CurrencyRateInput,
	opts ...RequestOption) ([]CurrencyRateRecord, error) {
	var doc listDocument
	body := map[string]any{"data": map[string]any{"type": "currency_rates", "attributes": items}}
	if err := c.call(ctx, "PATCH", pathf("/api/v3/resellers/%s/currency_rates", resellerID), body, &doc, opts...); err != nil {
		return nil, err
	}
	out := make([]CurrencyRateRecord, len(doc.Data))
	for i, r := range doc.Data {
		if err := out[i].fromResource(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListCurrencyRateHistory pages through every rate set for a reseller's prices, its
// own and its ancestors' (GET /api/v3/resellers/{id}/currency_rates/history, a
// Cascade extension).
func (c *Client) ListCurrencyRateHistory(ctx context.Context, resellerID int64, o *ListOptions,
	opts ...RequestOption) (*Page[CurrencyRateRecord], error) {
	return list[CurrencyRateRecord](ctx, c, pathf("/api/v3/resellers/%s/currency_rates/history", resellerID), o, opts...)
}

package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Currency rates (docs/billing.md "Currency rates"): a reseller's rates for prices in
// foreign currencies, inherited down the tree, kept with their history. Orders are
// priced in the reseller's currency at the rate in force when they are made
// (convertQuote).

// CurrencyRates is what a reseller's rates read shows: its currency and the rate in
// force now for every foreign currency set on its path.
type CurrencyRates struct {
	ResellerID int64
	Currency   string
	Rates      []domain.CurrencyRate
	// CreatedAt and UpdatedAt are the first and last ValidFrom of Rates, the
	// reseller's own timestamps when it has none.
	CreatedAt, UpdatedAt time.Time
}

// FindCurrencyRates returns the rates in force now for a reseller the actor sees,
// inherited ones included.
// Errors: forbidden, not_found (the reseller).
func (s *Service) FindCurrencyRates(ctx context.Context, a domain.Actor, resellerID int64) (*CurrencyRates, error) {
	if err := authorize(a, domain.ActionCurrencyRateRead); err != nil {
		return nil, err
	}
	facts, err := s.visibleReseller(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader()
	rates, err := r.CurrencyRatesInForce(ctx, facts.Path, facts.Currency, s.clock.Now())
	if err != nil {
		return nil, wrap(err, "read the currency rates of reseller %d", resellerID)
	}
	out := &CurrencyRates{ResellerID: resellerID, Currency: facts.Currency, Rates: rates}
	for i, x := range rates {
		if i == 0 || x.ValidFrom.Before(out.CreatedAt) {
			out.CreatedAt = x.ValidFrom
		}
		if x.ValidFrom.After(out.UpdatedAt) {
			out.UpdatedAt = x.ValidFrom
		}
	}
	if len(rates) == 0 {
		res, err := r.FindResellerByID(ctx, resellerID)
		if err != nil {
			return nil, wrap(err, "read reseller %d", resellerID)
		}
		out.CreatedAt, out.UpdatedAt = res.CreatedAt, res.UpdatedAt
	}
	return out, nil
}

// UpdateCurrencyRates sets new rates of a reseller the actor sees, valid from now, in
// the order given (a pair listed twice ends at its last item), and returns the rows
// written. Nothing is written when any item is bad. The old rows stay: orders made
// before keep the rate they were priced at.
// Errors: forbidden, not_found (the reseller), invalid (with a pointer per item field).
func (s *Service) UpdateCurrencyRates(ctx context.Context, a domain.Actor, resellerID int64,
	in []domain.CurrencyRateInput) ([]domain.CurrencyRate, error) {
	if err := authorize(a, domain.ActionCurrencyRateUpdate); err != nil {
		return nil, err
	}
	facts, err := s.visibleReseller(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	changes, err := domain.ValidateCurrencyRates(facts.Currency, in)
	if err != nil {
		return nil, err
	}
	var out []domain.CurrencyRate
	err = s.inTx(ctx, func(tx *store.Conn) error {
		out, err = tx.AddCurrencyRates(ctx, resellerID, facts.Currency, changes, s.clock.Now())
		return err
	})
	if err != nil {
		return nil, wrap(err, "update the currency rates of reseller %d", resellerID)
	}
	return out, nil
}

// visibleReseller returns the facts of a reseller the actor sees; another is not found.
func (s *Service) visibleReseller(ctx context.Context, a domain.Actor, resellerID int64) (store.ResellerFacts, error) {
	facts, err := s.resellerFacts(ctx, resellerID)
	if err != nil {
		return facts, err
	}
	if !a.Covers(facts.Path) {
		return facts, domain.NotFound(domain.MsgResellerNotFound)
	}
	return facts, nil
}

// convertQuote prices q, priced in its plan's currency, in the currency of reseller
// resellerID at the rate in force at at (domain.ConvertQuote); a plan in the
// reseller's currency keeps its quote, at rate 1, without reading any rate.
func (s *Service) convertQuote(ctx context.Context, c *store.Conn, resellerID int64, q domain.Quote,
	at time.Time) (domain.Quote, error) {
	currency, rate, err := s.rateInForce(ctx, c, resellerID, q.Currency, at)
	if err != nil {
		return q, err
	}
	return domain.ConvertQuote(q, currency, rate)
}

// rateInForce returns the currency of reseller resellerID and the rate in force at
// at that converts prices in foreign to it: 1, without reading any rate, when
// foreign is the reseller's own currency.
func (s *Service) rateInForce(ctx context.Context, c *store.Conn, resellerID int64, foreign string,
	at time.Time) (string, domain.Rate, error) {
	facts, err := s.resellerFacts(ctx, resellerID)
	if err != nil {
		return "", domain.Rate{}, err
	}
	if facts.Currency == foreign {
		return facts.Currency, domain.RateOne(), nil
	}
	rate, err := c.CurrencyRateInForce(ctx, facts.Path, facts.Currency, foreign, at)
	if err != nil {
		return "", domain.Rate{}, err
	}
	return facts.Currency, rate.Conversion(), nil
}

// FindCurrencyRateHistory returns one page of every rate set for the prices of a
// reseller the actor sees, its own and its ancestors', current or not (a Cascade
// extension: the rate that priced a past order can always be read back).
// Errors: forbidden, not_found (the reseller), invalid (the query).
func (s *Service) FindCurrencyRateHistory(ctx context.Context, a domain.Actor, resellerID int64,
	q domain.ListQuery) ([]domain.CurrencyRate, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCurrencyRateRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	facts, err := s.visibleReseller(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindCurrencyRateHistory(ctx, facts.Path, facts.Currency, q)
}

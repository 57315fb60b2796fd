package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Currency rates (migration 0028): rows are only ever inserted. The row in force for
// a reseller's pair at a moment is the latest one (valid_from, then id) not after it;
// a reseller without one inherits from the nearest reseller above it on its path.
// Every read goes through the index currency_rates_in_force, one seek per reseller
// on the path, so it costs the same however long the history grows.

const currencyRateColumns = `id, reseller_id, base_currency, foreign_currency, quantity, rate, adjustment,
	show_for_client, valid_from`

// scanCurrencyRate scans the currencyRateColumns of a row, then its columns after
// them into more.
func scanCurrencyRate(sc scanner, more ...any) (domain.CurrencyRate, error) {
	var (
		r                domain.CurrencyRate
		rate, adjustment string
		from             int64
	)
	err := sc.Scan(append([]any{&r.ID, &r.ResellerID, &r.Base, &r.Foreign, &r.Quantity, &rate, &adjustment,
		&r.ShowForClient, &from}, more...)...)
	if err != nil {
		return r, err
	}
	r.ValidFrom = fromMicros(from)
	if r.Rate, err = domain.ParseStoredRate(rate); err != nil {
		return r, fmt.Errorf("currency rate %d: rate %q: %w", r.ID, rate, err)
	}
	if r.Adjustment, err = domain.ParseStoredRate(adjustment); err != nil {
		return r, fmt.Errorf("currency rate %d: adjustment %q: %w", r.ID, adjustment, err)
	}
	return r, nil
}

// AddCurrencyRates inserts the changes of reseller resellerID, whose currency is
// base, valid from at, in their order: a pair listed twice gets two rows, the later
// one in force. It returns the rows written, Current set on the last of each pair.
func (c *Conn) AddCurrencyRates(ctx context.Context, resellerID int64, base string,
	changes []domain.CurrencyRateChange, at time.Time) ([]domain.CurrencyRate, error) {
	out := make([]domain.CurrencyRate, len(changes))
	last := map[string]int{}
	for i, ch := range changes {
		r := domain.CurrencyRate{ResellerID: resellerID, Base: base, Foreign: ch.Foreign, Quantity: ch.Quantity,
			Rate: ch.Rate, Adjustment: ch.Adjustment, ShowForClient: ch.ShowForClient, ValidFrom: at.UTC().Truncate(time.Microsecond)}
		err := c.row(ctx, `INSERT INTO currency_rates (reseller_id, base_currency, foreign_currency, quantity, rate,
			adjustment, show_for_client, valid_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			[]any{resellerID, base, ch.Foreign, ch.Quantity, ch.Rate.String(), ch.Adjustment.String(), ch.ShowForClient,
				micros(at)}, &r.ID)
		if err != nil {
			return nil, fmt.Errorf("add currency rate %s/%s of reseller %d: %w", ch.Foreign, base, resellerID, err)
		}
		out[i] = r
		last[ch.Foreign] = i
	}
	for _, i := range last {
		out[i].Current = true
	}
	return out, nil
}

// latestRateSQL is the latest row of one reseller's pair not after a moment: $n
// placeholders are filled by pathRateSQL.
const latestRateSQL = `SELECT ` + currencyRateColumns + `, %d AS depth FROM currency_rates
	WHERE reseller_id = $%d AND base_currency = $%d AND foreign_currency = $%d AND valid_from <= $%d
	ORDER BY valid_from DESC, id DESC LIMIT 1`

// CurrencyRateInForce returns the rate in force at at for a reseller on path whose
// currency is base, for prices in foreign: its own latest row for the pair, else
// the nearest ancestor's, else the default rate 1 (ResellerID 0). One statement,
// one index seek per reseller on the path.
func (c *Conn) CurrencyRateInForce(ctx context.Context, path, base, foreign string, at time.Time) (domain.CurrencyRate, error) {
	ids := domain.PathIDs(path)
	parts := make([]string, len(ids))
	args := []any{base, foreign, micros(at)}
	for i, id := range ids {
		args = append(args, id)
		depth := len(ids) - 1 - i // 0 is the reseller itself
		parts[i] = `SELECT * FROM (` + fmt.Sprintf(latestRateSQL, depth, len(args), 1, 2, 3) + `) AS p` + strconv.Itoa(i)
	}
	best := domain.DefaultCurrencyRate(0, base, foreign)
	bestDepth := -1
	err := eachRow(ctx, c, strings.Join(parts, " UNION ALL "), args, func(sc scanner) error {
		var depth int
		r, err := scanCurrencyRate(sc, &depth)
		if err == nil && (bestDepth < 0 || depth < bestDepth) {
			best, bestDepth = r, depth
			best.Current = true
		}
		return err
	})
	if err != nil {
		return best, fmt.Errorf("read currency rate %s/%s in force: %w", foreign, base, err)
	}
	return best, nil
}

// CurrencyRatesInForce returns, for a reseller on path whose currency is base, the
// rate in force at at for every foreign currency some reseller on the path set a
// rate for (its own row, else the nearest ancestor's), ordered by currency code.
// It reads the path's rows for base, as many as the path's history holds; an
// order's lookup (CurrencyRateInForce) reads one row per reseller instead.
func (c *Conn) CurrencyRatesInForce(ctx context.Context, path, base string, at time.Time) ([]domain.CurrencyRate, error) {
	ids := domain.PathIDs(path)
	depth := make(map[int64]int, len(ids))
	marks := make([]string, len(ids))
	args := []any{base, micros(at)}
	for i, id := range ids {
		depth[id] = len(ids) - 1 - i
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	q := `SELECT ` + currencyRateColumns + ` FROM currency_rates r WHERE r.base_currency = $1 AND r.valid_from <= $2
		AND r.reseller_id IN (` + strings.Join(marks, ", ") + `) AND NOT EXISTS (SELECT 1 FROM currency_rates n
			WHERE n.reseller_id = r.reseller_id AND n.base_currency = r.base_currency
			AND n.foreign_currency = r.foreign_currency AND n.valid_from <= $2
			AND (n.valid_from > r.valid_from OR n.valid_from = r.valid_from AND n.id > r.id))`
	best := map[string]domain.CurrencyRate{}
	err := eachRow(ctx, c, q, args, func(sc scanner) error {
		r, err := scanCurrencyRate(sc)
		if err != nil {
			return err
		}
		if b, ok := best[r.Foreign]; !ok || depth[r.ResellerID] < depth[b.ResellerID] {
			r.Current = true
			best[r.Foreign] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read currency rates in force: %w", err)
	}
	out := make([]domain.CurrencyRate, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b domain.CurrencyRate) int { return strings.Compare(a.Foreign, b.Foreign) })
	return out, nil
}

// currencyRateFields are the sort fields of a history of currency rates.
var currencyRateFields = map[string]column{
	"id": {expr: "cr.id"},
}

// currencyRateCurrentSQL tells whether the row cr is its reseller's latest for its
// pair.
const currencyRateCurrentSQL = `NOT EXISTS (SELECT 1 FROM currency_rates n WHERE n.reseller_id = cr.reseller_id
	AND n.base_currency = cr.base_currency AND n.foreign_currency = cr.foreign_currency
	AND (n.valid_from > cr.valid_from OR n.valid_from = cr.valid_from AND n.id > cr.id))`

// FindCurrencyRateHistory returns one page of every rate ever set for the prices of
// a reseller on path whose currency is base: its own and those of the resellers
// above it, so the rate that priced any of its orders can be read back.
func (c *Conn) FindCurrencyRateHistory(ctx context.Context, path, base string, q domain.ListQuery) ([]domain.CurrencyRate, domain.PageInfo, error) {
	b := c.builder()
	b.where = append(b.where, b.ids("cr.reseller_id", domain.PathIDs(path)))
	b.cond("cr.base_currency = %s", base)
	l := listing{from: "FROM currency_rates cr", id: "cr.id", cols: currencyRateFields}
	out, info, err := listRows(ctx, c, l, &b, q, func(ids []int64) ([]domain.CurrencyRate, error) {
		return byIDs(ctx, c, "SELECT "+prefixed("cr.", currencyRateColumns)+", "+currencyRateCurrentSQL+
			" FROM currency_rates cr WHERE ", "cr.id", ids,
			func(sc scanner) (domain.CurrencyRate, error) {
				var current bool
				r, err := scanCurrencyRate(sc, &current)
				r.Current = current
				return r, err
			}, func(r domain.CurrencyRate) int64 { return r.ID })
	})
	if err != nil {
		return nil, info, fmt.Errorf("read currency rate history: %w", err)
	}
	return out, info, nil
}

// prefixed qualifies every column of a comma list with prefix.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

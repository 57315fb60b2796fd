package vendorsvc

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// UsageStatistics implements vendorkit.Service: the units in use of each resource
// the subscription orders, as last set with SetUsage (0 until then).
func (v *service) UsageStatistics(ctx context.Context, c vendorkit.Call, r *vendorkit.UsageRequest) (*vendorkit.UsageAnswer, error) {
	v.s.count(c.Event)
	sub, err := v.live(ctx, c, &vendorkit.SubscriptionRequest{ExternalID: r.ExternalID})
	if err != nil {
		return nil, err
	}
	out := &vendorkit.UsageAnswer{Resources: []vendorkit.ResourceUsage{}}
	for _, key := range slices.Sorted(maps.Keys(sub.Resources)) {
		out.Resources = append(out.Resources, vendorkit.ResourceUsage{Key: key, Usage: sub.Usage[key]})
	}
	return out, nil
}

// Consumption implements vendorkit.Service: the units of each resource recorded with
// AddConsumption from r.From (inclusive) to r.To (exclusive), summed exactly.
func (v *service) Consumption(ctx context.Context, c vendorkit.Call, r *vendorkit.ConsumptionRequest) (*vendorkit.ConsumptionAnswer, error) {
	v.s.count(c.Event)
	from, ferr := time.Parse(time.RFC3339, r.From)
	to, terr := time.Parse(time.RFC3339, r.To)
	if ferr != nil || terr != nil || !from.Before(to) {
		return nil, vendorkit.Refuse(http.StatusBadRequest, "from and to must be RFC 3339 times, from before to")
	}
	if _, err := v.live(ctx, c, &vendorkit.SubscriptionRequest{ExternalID: r.ExternalID}); err != nil {
		return nil, err
	}
	rows, err := v.s.db.QueryContext(ctx, `SELECT resource, quantity FROM consumption
		WHERE external_id = ? AND at >= ? AND at < ? ORDER BY resource`, r.ExternalID, stamp(from), stamp(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &vendorkit.ConsumptionAnswer{Resources: []vendorkit.ResourceConsumption{}}
	var sum decimalSum
	for rows.Next() {
		var key, q string
		if err := rows.Scan(&key, &q); err != nil {
			return nil, err
		}
		if n := len(out.Resources); n == 0 || out.Resources[n-1].Key != key {
			if n > 0 {
				out.Resources[n-1].Quantity = sum.number()
			}
			out.Resources = append(out.Resources, vendorkit.ResourceConsumption{Key: key})
			sum = decimalSum{}
		}
		sum.add(q)
	}
	if n := len(out.Resources); n > 0 {
		out.Resources[n-1].Quantity = sum.number()
	}
	return out, rows.Err()
}

// decimalSum adds decimal numbers exactly and writes the sum with as many decimals
// as the most precise of them.
type decimalSum struct {
	total    big.Rat
	decimals int
}

func (d *decimalSum) add(q string) {
	var r big.Rat
	r.SetString(q) // AddConsumption accepted only numbers that parse
	d.total.Add(&d.total, &r)
	if _, frac, ok := strings.Cut(q, "."); ok && len(frac) > d.decimals {
		d.decimals = len(frac)
	}
}

func (d *decimalSum) number() json.Number { return json.Number(d.total.FloatString(d.decimals)) }

// SetUsage sets how many units of resource key the subscription externalID uses,
// which the next Usage Statistics call reports.
func (s *Server) SetUsage(ctx context.Context, externalID, key string, usage int64) error {
	var raw string
	if err := s.db.QueryRowContext(ctx, `SELECT usage FROM subscriptions WHERE external_id = ?`, externalID).Scan(&raw); err != nil {
		return fmt.Errorf("set usage of %s: %w", externalID, err)
	}
	m := map[string]int64{}
	json.Unmarshal([]byte(raw), &m)
	m[key] = usage
	_, err := s.db.ExecContext(ctx, `UPDATE subscriptions SET usage = ? WHERE external_id = ?`, mustJSON(m), externalID)
	return err
}

// AddConsumption records that the subscription externalID consumed quantity (a
// decimal number) units of resource key at time at.
func (s *Server) AddConsumption(ctx context.Context, externalID, key string, at time.Time, quantity string) error {
	if _, ok := new(big.Rat).SetString(quantity); !ok || strings.ContainsAny(quantity, "/eE") {
		return fmt.Errorf("consumption %q: want a decimal number such as 12.125", quantity)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO consumption (external_id, resource, at, quantity) VALUES (?, ?, ?, ?)`,
		externalID, key, stamp(at), quantity)
	if err != nil {
		return fmt.Errorf("add consumption of %s: %w", externalID, err)
	}
	return nil
}

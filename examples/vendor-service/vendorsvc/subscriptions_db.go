package vendorsvc

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Statuses of a subscription on the service's side.
const (
	StatusActive  = "active"
	StatusStopped = "stopped"
	StatusDeleted = "deleted"
)

// Subscription is a subscription as the service keeps it.
type Subscription struct {
	ExternalID     string            `json:"external_id"` // the id the service gave it
	APGUID         string            `json:"ap_guid"`     // the installation it belongs to
	ResellerID     string            `json:"reseller_id"`
	SubscriptionID string            `json:"subscription_id"` // the installation's id of it
	TenantID       int64             `json:"tenant_id"`
	PlanSKU        string            `json:"plan_sku"`
	Status         string            `json:"status"`
	Resources      map[string]int64  `json:"resources"` // resource key → quantity ordered
	Usage          map[string]int64  `json:"usage"`     // resource key → units in use
	Attributes     map[string]string `json:"attributes"`
	Renewals       int               `json:"renewals"`
}

const subscriptionColumns = `external_id, ap_guid, reseller_id, subscription_id, tenant_id, plan_sku, status,
	resources, usage, attributes, renewals`

func scanSubscription(row interface{ Scan(...any) error }) (*Subscription, error) {
	var s Subscription
	var resources, usage, attributes string
	if err := row.Scan(&s.ExternalID, &s.APGUID, &s.ResellerID, &s.SubscriptionID, &s.TenantID, &s.PlanSKU,
		&s.Status, &resources, &usage, &attributes, &s.Renewals); err != nil {
		return nil, err
	}
	err := errors.Join(json.Unmarshal([]byte(resources), &s.Resources), json.Unmarshal([]byte(usage), &s.Usage),
		json.Unmarshal([]byte(attributes), &s.Attributes))
	return &s, err
}

// Subscriptions returns every subscription the service keeps, oldest first.
func (s *Server) Subscriptions(ctx context.Context) ([]*Subscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY created_at, external_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// findSubscription returns the subscription externalID of installation apGUID; a
// refusal with 404 when there is none.
func (s *Server) findSubscription(ctx context.Context, apGUID, externalID string) (*Subscription, error) {
	sub, err := scanSubscription(s.db.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE external_id = ? AND ap_guid = ?`, externalID, apGUID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vendorkit.Refuse(http.StatusNotFound, fmt.Sprintf("no subscription %q", externalID))
	}
	return sub, err
}

// findBySubscriptionID returns the subscription the installation knows as id, nil
// when there is none.
func (s *Server) findBySubscriptionID(ctx context.Context, apGUID, id string) (*Subscription, error) {
	sub, err := scanSubscription(s.db.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE ap_guid = ? AND subscription_id = ?`, apGUID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return sub, err
}

func (s *Server) insertSubscription(ctx context.Context, sub *Subscription) error {
	now := stamp(s.now())
	_, err := s.db.ExecContext(ctx, `INSERT INTO subscriptions (external_id, ap_guid, reseller_id, subscription_id,
		tenant_id, plan_sku, status, resources, attributes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sub.ExternalID, sub.APGUID, sub.ResellerID, sub.SubscriptionID,
		sub.TenantID, sub.PlanSKU, sub.Status, mustJSON(sub.Resources), mustJSON(sub.Attributes), now, now)
	return err
}

// saveSubscription writes back what the calls change of a subscription.
func (s *Server) saveSubscription(ctx context.Context, sub *Subscription) error {
	_, err := s.db.ExecContext(ctx, `UPDATE subscriptions SET plan_sku = ?, status = ?, resources = ?, usage = ?,
		attributes = ?, renewals = ?, updated_at = ? WHERE external_id = ?`, sub.PlanSKU, sub.Status,
		mustJSON(sub.Resources), mustJSON(sub.Usage), mustJSON(sub.Attributes), sub.Renewals, stamp(s.now()), sub.ExternalID)
	return err
}

// mustJSON renders a map the service built itself, which always encodes.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

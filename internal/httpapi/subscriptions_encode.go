package httpapi

import (
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// subscriptionAttributesJSON renders a, as encoding/json would, by hand: a page of
// subscriptions is mostly these attributes, and reflection over them cost more than
// reading the page from memory (TestSubscriptionAttributesJSON holds the bytes to
// encoding/json's).
func subscriptionAttributesJSON(a *subscriptionAttributes) rawJSON {
	b := make([]byte, 0, 768)
	b = appendKey(append(b, '{'), "created_at")
	b = appendString(b, a.CreatedAt)
	b = appendKey(append(b, ','), "updated_at")
	b = appendString(b, a.UpdatedAt)
	b = appendKey(append(b, ','), "plan_id")
	b = strconv.AppendInt(b, a.PlanID, 10)
	b = appendKey(append(b, ','), "account_id")
	b = strconv.AppendInt(b, a.AccountID, 10)
	b = appendKey(append(b, ','), "name")
	b = appendString(b, a.Name)
	b = appendKey(append(b, ','), "trial")
	b = appendBool(b, a.Trial)
	b = appendKey(append(b, ','), "status")
	b = appendString(b, a.Status)
	b = appendKey(append(b, ','), "start_date")
	b = appendOptionalString(b, a.StartDate)
	b = appendKey(append(b, ','), "expiration_date")
	b = appendOptionalString(b, a.ExpirationDate)
	b = appendKey(append(b, ','), "hold_to")
	b = appendOptionalString(b, a.HoldTo)
	b = appendKey(append(b, ','), "plan_period_id")
	b = strconv.AppendInt(b, a.PlanPeriodID, 10)
	b = appendKey(append(b, ','), "promo_code")
	b = appendString(b, a.PromoCode)
	b = appendKey(append(b, ','), "payment_model")
	b = appendString(b, a.PaymentModel)
	b = appendKey(append(b, ','), "payment_model_parameters")
	b = appendKey(append(b, '{'), "credit_limit")
	b = append(b, a.PaymentModelParameters.CreditLimit...)
	b = appendKey(append(b, ','), "current_debt")
	b = append(b, a.PaymentModelParameters.CurrentDebt...)
	b = appendKey(append(b, '}', ','), "renewal_settings")
	r := a.RenewalSettings
	b = appendKey(append(b, '{'), "autorenew")
	b = appendBool(b, r.Autorenew)
	b = appendKey(append(b, ','), "disable_autorenew")
	b = appendBool(b, r.DisableAutorenew)
	b = appendKey(append(b, ','), "autorenew_point")
	b = strconv.AppendInt(b, int64(r.AutorenewPoint), 10)
	b = appendKey(append(b, ','), "manual_renew_point")
	b = strconv.AppendInt(b, int64(r.ManualRenewPoint), 10)
	b = appendKey(append(b, '}', ','), "fixed_price")
	b = appendBool(b, a.FixedPrice)
	b = appendKey(append(b, ','), "ability")
	for i, k := range domain.AbilityKeys {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendKey(b, string(k))
		b = appendBool(b, a.Ability.Allows(k))
	}
	b = appendKey(append(b, '}', ','), "custom_price")
	b = appendBool(b, a.CustomPrice)
	b = appendKey(append(b, ','), "external_id")
	b = appendOptionalString(b, a.ExternalID)
	b = appendKey(append(b, ','), "vendor_attributes")
	b = appendStringMap(b, a.VendorAttributes)
	b = appendKey(append(b, ','), "provisioning_error")
	if e := a.ProvisioningError; e == nil {
		b = append(b, "null"...)
	} else {
		b = appendKey(append(b, '{'), "code")
		b = appendString(b, e.Code)
		b = appendKey(append(b, ','), "message")
		b = appendString(b, e.Message)
		b = appendKey(append(b, ','), "at")
		b = appendString(b, e.At)
		b = append(b, '}')
	}
	b = appendKey(append(b, ','), "provisioning_job_id")
	b = appendOptionalString(b, a.ProvisioningJobID)
	return rawJSON(append(b, '}'))
}

// appendStringMap appends m as encoding/json writes it: keys sorted, null when nil.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := slices.Sorted(maps.Keys(m))
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(append(appendString(b, k), ':'), m[k])
	}
	return append(b, '}')
}

// subscriptionAttrsCache keeps the encoded attributes of the subscriptions of cached
// pages by id, each with the row it was made from (SubscriptionView.Source), and the
// ability and renewal points it showed. A cached row never changes and a new read
// gives a new row, so the same row with the same ability and points has the same
// attributes; a view without a source is encoded every time. Bounded like
// encodedCache: when full it starts again empty.
type subscriptionAttrsCache struct {
	mu      sync.RWMutex
	entries map[int64]subscriptionAttrsEntry
}

type subscriptionAttrsEntry struct {
	source  *domain.Subscription
	ability domain.Ability
	points  [2]int
	json    rawJSON
}

// get returns the encoded attributes of v, made with attrs on a miss.
func (c *subscriptionAttrsCache) get(v *service.SubscriptionView,
	attrs func(*service.SubscriptionView) *subscriptionAttributes) rawJSON {
	src := v.Source()
	if src == nil {
		return subscriptionAttributesJSON(attrs(v))
	}
	points := [2]int{v.Terms.AutoRenewPoint, v.Terms.ManualRenewPoint}
	c.mu.RLock()
	e, ok := c.entries[v.ID]
	c.mu.RUnlock()
	if ok && e.source == src && e.ability == v.Ability && e.points == points {
		return e.json
	}
	b := subscriptionAttributesJSON(attrs(v))
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxEncoded {
		c.entries = make(map[int64]subscriptionAttrsEntry)
	}
	c.entries[v.ID] = subscriptionAttrsEntry{source: src, ability: v.Ability, points: points, json: b}
	c.mu.Unlock()
	return b
}

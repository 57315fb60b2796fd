package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

// subscriptionList is what the subscriptions list accepts: the documented filters
// (comma lists of accounts, statuses and plans), and sorts Cascade adds.
var subscriptionList = listSpec{
	filters: map[string]filterSpec{
		"account_id":    {kind: kindInt},
		"status":        {kind: kindEnum, values: enumValues(domain.SubscriptionStatuses)},
		"payment_model": {kind: kindEnum, values: []string{string(domain.PaymentModelPrepay), string(domain.PaymentModelPostpay)}},
		"trial":         {kind: kindBool},
		"plan_id":       {kind: kindInt},
		"created_at":    {kind: kindTime},
	},
	sorts:    []string{"id", "created_at", "updated_at", "expiration_date"},
	includes: []string{"account", "plan", "subscription_period", "subscription_resources"},
}

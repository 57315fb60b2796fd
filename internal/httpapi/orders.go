package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

// orderList is what the orders list accepts: the documented filters and sorts.
// filter[type] takes the order kinds as attributes.type shows them (SalesOrder ...).
var orderList = listSpec{
	filters: map[string]filterSpec{
		"created_at": {kind: kindTime},
		"updated_at": {kind: kindTime},
		"account_id": {kind: kindInt},
		"type":       {kind: kindEnum, values: enumValues(domain.OrderKinds)},
		"status":     {kind: kindEnum, values: enumValues(domain.OrderStatuses)},
	},
	sorts:    []string{"id", "created_at", "closed_at", "updated_at", "expiration_date", "provisioning_date"},
	includes: []string{"account", "payment", "subscription"},
}

// enumValues is the API values of a closed list of string enums.
func enumValues[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

// paymentList is what the payments list accepts: the documented time filters, the
// status and account filters, and sorts by the fields that have an index.
var paymentList = listSpec{
	filters: map[string]filterSpec{
		"created_at": {kind: kindTime},
		"updated_at": {kind: kindTime},
		"closed_at":  {kind: kindTime},
		"status":     {kind: kindEnum, values: enumValues(domain.PaymentStatuses)},
		"account_id": {kind: kindInt},
	},
	sorts: []string{"id", "created_at", "updated_at", "closed_at", "total"},
}

package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

// paymentMethodList is what the payment methods of a reseller accept (a Cascade
// extension: the catalogue file declares them).
var paymentMethodList = listSpec{
	filters: map[string]filterSpec{
		"id":  {kind: kindInt},
		"key": {kind: kindExact},
	},
	sorts: []string{"id", "key"},
}

type paymentMethodAttributes struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

func (s *Server) toAPIPaymentMethod(m *domain.PaymentMethod) resource {
	return resource{ID: id(m.ID), Type: "payment_methods", Attributes: &paymentMethodAttributes{Key: m.Key, Name: m.Name}}
}

package vendorsvc

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/cascade-billing/cascade/vendorkit"
)

// regions are the choices of the order attribute "region".
var regions = []string{"eu", "us"}

// OrderAttributes implements vendorkit.Service: every order asks for the domain the
// service runs on and, optionally, the region its data stays in.
func (v *service) OrderAttributes(_ context.Context, c vendorkit.Call, _ *vendorkit.OrderAttributesRequest) (*vendorkit.OrderAttributesAnswer, error) {
	v.s.count(c.Event)
	return &vendorkit.OrderAttributesAnswer{Attributes: []vendorkit.OrderAttribute{
		{Key: "domain", Label: "Domain name", Type: "string", Required: true},
		{Key: "region", Label: "Data region", Type: "list", Values: regions},
	}}, nil
}

// AttributesValidation implements vendorkit.Service: the domain must look like one
// and the region be one of the choices.
func (v *service) AttributesValidation(_ context.Context, c vendorkit.Call, r *vendorkit.AttributesValidationRequest) error {
	v.s.count(c.Event)
	if d := r.Attributes["domain"]; !strings.Contains(strings.Trim(d, "."), ".") || strings.ContainsAny(d, " /@") {
		return vendorkit.Refuse(http.StatusUnprocessableEntity, "domain: enter a domain name such as example.com")
	}
	if reg, ok := r.Attributes["region"]; ok && !slices.Contains(regions, reg) {
		return vendorkit.Refuse(http.StatusUnprocessableEntity, "region: choose eu or us")
	}
	return nil
}

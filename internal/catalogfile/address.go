package catalogfile

import (
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// CheckAddresses refuses every API path that points at an address policy refuses:
// link-local and metadata addresses always, loopback and private ones unless the
// installation allows them. Names are resolved only when a call is made, and checked
// again there; here an address written out, or a local name, is refused before the
// catalogue takes it.
func (f *File) CheckAddresses(policy vendor.AddressPolicy) error {
	var ps problems
	for _, p := range f.Products {
		if p.integration == nil || p.Integration.APIPath == "" {
			continue
		}
		err := policy.CheckURL(p.Integration.APIPath)
		switch {
		case errors.Is(err, vendor.ErrLinkLocal):
			ps.add(p.integration.pos("api_path"), domain.MsgVendorAddressLinkLocal)
		case errors.Is(err, vendor.ErrPrivate):
			ps.add(p.integration.pos("api_path"), domain.MsgVendorAddressPrivate)
		}
	}
	return ps.err()
}

package app

import "github.com/cascade-billing/cascade/internal/vendor"

// vendorCalls returns the settings vendors are called with, or nil when provisioning
// makes no vendor calls: when a Provisioner is given (tests and tools provision
// their own way). The demo calls the vendor service it runs (demo_vendor.go).
func (c *Config) vendorCalls() *vendor.Settings {
	if c.Provisioner != nil {
		return nil
	}
	s := c.Vendor
	return &s
}

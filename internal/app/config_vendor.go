package app

import "github.com/cascade-billing/cascade/internal/vendor"

// vendorCalls returns the settings vendors are called with, or nil when provisioning
// makes no vendor calls: when a Provisioner is given (tests and tools provision
// their own way), and in the demo, whose catalogue names vendor services that do not
// exist, so its automatic products complete at once as before.
func (c *Config) vendorCalls() *vendor.Settings {
	if c.Provisioner != nil || c.Demo {
		return nil
	}
	s := c.Vendor
	return &s
}

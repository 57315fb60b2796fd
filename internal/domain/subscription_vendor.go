package domain

import "time"

// SubscriptionVendor is what a subscription's vendor answered and where its
// provisioning stands (docs/vendor-protocol.md). Only the provisioning job writes it;
// a subscription of a product without vendor calls keeps it empty.
type SubscriptionVendor struct {
	// ExternalID is the vendor's id of the subscription, from its create answer and
	// sent on every later call; empty before.
	ExternalID string
	// Attributes are the subscription attributes the vendor answered last; nil when
	// it answered none.
	Attributes map[string]string
	// Error is why the latest operation failed; nil when it did not.
	Error *ProvisioningError
	// JobID is the provisioning job of the latest operation that reached the vendor;
	// empty when none did.
	JobID string
}

// ProvisioningError is why a provisioning operation failed: the vendor's code (its
// HTTP status, or ProvisioningNoAnswer) and text, and when.
type ProvisioningError struct {
	Code    string
	Message string
	At      time.Time
}

// ProvisioningNoAnswer is the code of a failure without an answer from the vendor:
// the retries ran out on timeouts or failed connections, or the call could not be
// made (a refused address).
const ProvisioningNoAnswer = "no_answer"

// ProvisioningFailed reports whether st is the failed status of a provisioning
// operation, from which an operator may retry it.
func (st SubscriptionStatus) ProvisioningFailed() bool {
	for _, op := range ProvisionOps {
		if op.Failed() == st {
			return true
		}
	}
	return false
}

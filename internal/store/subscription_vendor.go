package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// subscriptionVendorColumns are the columns of a subscription's SubscriptionVendor
// (migration 0023), read at the end of subscriptionColumns.
const subscriptionVendorColumns = `s.external_id, s.vendor_attributes, s.provisioning_error_code,
	s.provisioning_error_message, s.provisioning_error_at, s.provisioning_job_id`

// vendorColumns are subscriptionVendorColumns as scanned.
type vendorColumns struct {
	externalID, errCode, errMessage, jobID string
	attributes                             attrs
	errAt                                  int64
}

func (v *vendorColumns) subscriptionVendor() domain.SubscriptionVendor {
	out := domain.SubscriptionVendor{ExternalID: v.externalID, Attributes: v.attributes, JobID: v.jobID}
	if v.errCode != "" || v.errMessage != "" {
		out.Error = &domain.ProvisioningError{Code: v.errCode, Message: v.errMessage, At: fromMicros(v.errAt)}
	}
	return out
}

// vendorState lists the values of the vendor's columns of s.Vendor, in the order of
// subscriptionVendorColumns, as the row holds them.
func vendorState(v domain.SubscriptionVendor) []any {
	var code, message string
	var at int64
	if v.Error != nil {
		code, message, at = v.Error.Code, v.Error.Message, micros(v.Error.At)
	}
	attributes := ""
	if v.Attributes != nil {
		attributes = attrsJSON(v.Attributes)
	}
	return []any{v.ExternalID, attributes, code, message, at, v.JobID}
}

// UpdateSubscriptionVendor writes s.Vendor, what the vendor answered and where
// provisioning stands, and s.UpdatedAt. The subscription's row must be locked
// (FindSubscriptionForUpdate). A transaction that goes on to UpdateSubscription
// need not call it: that update writes the vendor's columns that changed too.
func (c *Conn) UpdateSubscriptionVendor(ctx context.Context, s *domain.Subscription) error {
	if err := c.needLock("subscriptions", s.ID); err != nil {
		return err
	}
	// The row is locked and the write cannot fail on its data, so nothing waits
	// for its answer: on PostgreSQL it goes with the next statement (Conn.along).
	err := c.along(ctx, statement{query: `UPDATE subscriptions SET external_id = $1, vendor_attributes = $2,
		provisioning_error_code = $3, provisioning_error_message = $4, provisioning_error_at = $5,
		provisioning_job_id = $6, updated_at = $7 WHERE id = $8`,
		args: append(vendorState(s.Vendor), micros(s.UpdatedAt), s.ID)})
	if err != nil {
		return fmt.Errorf("update the vendor state of subscription %d: %w", s.ID, err)
	}
	c.wroteSubscriptionVendor(s)
	return c.touchSubscriptionChanged(ctx, s.ResellerID, s.ID)
}

package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// The synchronous questions to a vendor (resource validation, order attributes and
// their validation, the integration check) are asked while a request or task waits
// for the answer, never inside a transaction: a slow vendor holds no lock.

// vendorTarget returns where the calls about product, sold by reseller resellerID,
// go, and false when they go nowhere: the installation makes no vendor calls, or
// the product is not in automatic mode with an API path.
func (s *Service) vendorTarget(ctx context.Context, c *store.Conn, product *domain.Product, resellerID int64) (vendor.Target, bool, error) {
	if !s.callsVendor(product) {
		return vendor.Target{}, false, nil
	}
	p, err := s.productByID(ctx, c, product.ID)
	if err != nil {
		return vendor.Target{}, false, err
	}
	return s.vendorTargetOf(product, p.secret, resellerID)
}

// callsVendor reports whether the operations of product go to its vendor's service.
func (s *Service) callsVendor(product *domain.Product) bool {
	in := product.Integration
	return s.vendorCalls != nil && in.Mode == domain.ProvisioningAutomatic && in.APIPath != ""
}

// vendorTargetOf is vendorTarget for a product whose secret the caller read
// (empty for none).
func (s *Service) vendorTargetOf(product *domain.Product, secret string, resellerID int64) (vendor.Target, bool, error) {
	if !s.callsVendor(product) {
		return vendor.Target{}, false, nil
	}
	if secret == "" {
		// Calls without a secret would be refused by any vendor that checks them.
		return vendor.Target{}, true, &vendor.Failure{Outcome: vendor.Permanent,
			Message: fmt.Sprintf("product %q has no signing secret: rotate it to make one", product.Key)}
	}
	return vendor.Target{APIPath: product.Integration.APIPath, Secret: secret, APGUID: s.opts.APGUID,
		ResellerID: resellerID}, true, nil
}

// newQuestionID returns a fresh event id for one synchronous call: each question is
// a new event, so a vendor never replays an earlier answer to it.
func newQuestionID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "q-" + hex.EncodeToString(b)
}

// vendorAnswered reports whether err is the vendor's own answer (a status other
// than 2xx), as opposed to no answer at all.
func vendorAnswered(err error) (*vendor.Failure, bool) {
	var f *vendor.Failure
	if errors.As(err, &f) && f.Status != 0 {
		return f, true
	}
	return nil, false
}

// vendorUnavailable is the 503 of a request that needed an answer the vendor's
// service did not give. The text says only what kind of failure it was: the
// vendor's address and the network's details go to the log.
func (s *Service) vendorUnavailable(ctx context.Context, product *domain.Product, err error) error {
	s.log.WarnContext(ctx, "vendor question failed", "product", product.Key, "err", err)
	return domain.Errorf(domain.ErrUnavailable, domain.MsgVendorUnavailable, unanswered(err))
}

// unanswered says what kind of failure a call without a usable answer was: its
// status, or none.
func unanswered(err error) string {
	if f, ok := vendorAnswered(err); ok {
		return fmt.Sprintf("HTTP %d", f.Status)
	}
	return "no answer"
}

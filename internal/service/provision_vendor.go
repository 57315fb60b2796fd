package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Provisioning through the vendor's service (docs/vendor-protocol.md): a product in
// automatic mode with an API path has each operation called on its vendor, signed
// with the product's secret, under the provisioning job's id as the event id, so
// every attempt of one operation is the same event to the vendor. A retryable
// failure runs the job again on the installation's retry schedule; a refusal, or a
// schedule run out, fails the operation with the vendor's text. Products without
// such settings go to the provisioner the installation was given (the built-in one
// completes them at once).

// vendorProvisioner is the Provisioner that calls vendors.
type vendorProvisioner struct {
	s      *Service
	client *vendor.Client
	// retry is the delay before each retry of a call that may succeed later.
	retry []time.Duration
	// other provisions the operations of products without vendor calls.
	other Provisioner
}

// newVendorProvisioner returns the Provisioner of s that calls vendors with
// settings, hands the operations of products in manual mode to a manualProvisioner
// sending with mail, and those of other products to next.
func newVendorProvisioner(s *Service, settings vendor.Settings, mail email.Sender, next Provisioner) *vendorProvisioner {
	v := &vendorProvisioner{s: s, client: vendor.New(settings), retry: settings.Retry}
	v.other = &manualProvisioner{vendor: v, mail: mail, next: next}
	return v
}

// Provision implements Provisioner.
func (v *vendorProvisioner) Provision(ctx context.Context, req ProvisionRequest) (ProvisionOutcome, error) {
	c := v.s.db.Reader()
	req, err := v.withProduct(ctx, c, req)
	if err != nil {
		return ProvisionOutcome{}, err
	}
	product := req.product.product
	target, ok, err := v.s.vendorTargetOf(product, req.product.secret, req.Subscription.ResellerID)
	switch {
	case !ok:
		return v.other.Provision(ctx, req)
	case err != nil: // the product has no secret: the vendor's refusal, ahead of it
		return v.settle(ctx, req, nil, err)
	}
	body, err := v.s.subscriptionRequest(ctx, c, req, product)
	if err != nil {
		return ProvisionOutcome{}, err
	}
	answer, err := v.call(ctx, target, req, body)
	out, err := v.settle(ctx, req, answer, err)
	if err == nil && out.Done {
		// The reads are scheduled with the outcome: a run that dies before it
		// commits runs again, and the vendor deduplicates the call.
		kept := out.keep
		out.keep = func(ctx context.Context, tx *store.Conn, sub *domain.Subscription) error {
			if err := kept(ctx, tx, sub); err != nil {
				return err
			}
			return v.s.scheduleVendorReadsIn(ctx, tx, sub.ID, product)
		}
	}
	return out, err
}

// withProduct returns req with the plan of its subscription, the plan's product
// with its secret, and the seller and the distributor, read on c unless a
// provisioner before in the chain did.
func (v *vendorProvisioner) withProduct(ctx context.Context, c *store.Conn, req ProvisionRequest) (ProvisionRequest, error) {
	if req.product != nil {
		return req, nil
	}
	plan, p, parties, err := v.s.deliveryCatalog(ctx, c, req.Subscription.PlanID, req.Subscription.ResellerID, req.gens)
	if err != nil {
		return req, err
	}
	req.plan, req.product, req.parties = plan, &p, &parties
	return req, nil
}

// vendorAnswer is what a successful call answered: the vendor's id of the
// subscription (create only) and the attributes it sent (nil when none).
type vendorAnswer struct {
	externalID string
	attributes map[string]string
}

// call makes req's operation to the vendor at t, with body, under the job's id.
func (v *vendorProvisioner) call(ctx context.Context, t vendor.Target, req ProvisionRequest,
	body *vendorkit.SubscriptionRequest) (*vendorAnswer, error) {
	event := req.Job.ID
	switch req.Op {
	case domain.ProvisionOpCreate:
		a, err := v.client.SubscriptionCreate(ctx, t, event, body)
		if err != nil {
			return nil, err
		}
		return &vendorAnswer{externalID: a.ExternalID, attributes: a.Attributes}, nil
	case domain.ProvisionOpUpdate, domain.ProvisionOpSwitch:
		a, err := v.client.SubscriptionUpdate(ctx, t, event, body)
		if err != nil {
			return nil, err
		}
		return &vendorAnswer{attributes: a.Attributes}, nil
	case domain.ProvisionOpRenew:
		a, err := v.client.SubscriptionRenew(ctx, t, event, body)
		if err != nil {
			return nil, err
		}
		return &vendorAnswer{attributes: a.Attributes}, nil
	case domain.ProvisionOpStop:
		return &vendorAnswer{}, v.client.SubscriptionDeactivate(ctx, t, event, body)
	case domain.ProvisionOpActivate:
		return &vendorAnswer{}, v.client.SubscriptionActivate(ctx, t, event, body)
	case domain.ProvisionOpDelete:
		return &vendorAnswer{}, v.client.SubscriptionDelete(ctx, t, event, body)
	}
	return nil, jobs.Permanent(fmt.Errorf("no vendor call for operation %q", req.Op))
}

// settle turns a call's result into the operation's outcome, keeping on the
// subscription what the vendor answered: done, with the vendor's id and attributes;
// tried again later on the retry schedule; or failed with the vendor's text once it
// refused or the schedule (or the job's attempts) ran out.
func (v *vendorProvisioner) settle(ctx context.Context, req ProvisionRequest, answer *vendorAnswer, callErr error) (ProvisionOutcome, error) {
	if jobs.IsPermanent(callErr) {
		return ProvisionOutcome{}, callErr
	}
	job := req.Job
	switch vendor.Classify(callErr) {
	case vendor.Success:
		return ProvisionOutcome{Done: true, keep: keepVendorState(func(st *domain.SubscriptionVendor) {
			if answer.externalID != "" {
				st.ExternalID = answer.externalID
			}
			if answer.attributes != nil {
				st.Attributes = answer.attributes
			}
			st.Error, st.JobID = nil, job.ID
		})}, nil
	case vendor.Retryable:
		if delay, ok := v.retryDelay(job, callErr); ok {
			if req.Subscription.Vendor.JobID != job.ID {
				err := v.s.recordVendorState(ctx, req.Subscription.ID, func(st *domain.SubscriptionVendor) { st.JobID = job.ID })
				if err != nil {
					return ProvisionOutcome{}, err
				}
			}
			return ProvisionOutcome{}, jobs.RetryAfter(callErr, delay)
		}
	}
	code, message := failureOf(callErr)
	at := v.s.clock.Now()
	return ProvisionOutcome{Message: message, keep: keepVendorState(func(st *domain.SubscriptionVendor) {
		st.Error = &domain.ProvisioningError{Code: code, Message: message, At: at}
		st.JobID = job.ID
	})}, nil
}

// retryDelay is how long job waits before its next attempt at a call that may
// succeed later: the delay the retry schedule gives its attempt, with jitter, or
// longer when the vendor's answer err asked for it (Retry-After). It reports false
// once the schedule ran out, or at the last attempt the job allows, whatever the
// schedule: then the call has failed for good.
func (v *vendorProvisioner) retryDelay(job domain.Job, err error) (time.Duration, bool) {
	delay, ok := vendor.NextRetryDelay(v.retry, job.Attempts, rand.Float64(), err)
	return delay, ok && job.Attempts < job.MaxAttempts
}

// failureOf returns the code and the text of a failed call: the vendor's status and
// text, or ProvisioningNoAnswer and what went wrong.
func failureOf(err error) (code, message string) {
	var f *vendor.Failure
	if !errors.As(err, &f) {
		return domain.ProvisioningNoAnswer, err.Error()
	}
	code = domain.ProvisioningNoAnswer
	if f.Status != 0 {
		code = strconv.Itoa(f.Status)
	}
	return code, f.Message
}

// keepVendorState returns an outcome's keep that changes the vendor state of the
// subscription with change, in memory: the outcome's update of the subscription
// (applyOutcomeIn) writes it with the rest, in one statement.
func keepVendorState(change func(*domain.SubscriptionVendor)) func(context.Context, *store.Conn, *domain.Subscription) error {
	return func(_ context.Context, _ *store.Conn, sub *domain.Subscription) error {
		change(&sub.Vendor)
		return nil
	}
}

// recordVendorState changes the vendor state of subscription id with change, under
// the subscription's lock, in a transaction of its own: for a call that leaves the
// operation open (a retry to come), where no outcome is applied.
func (s *Service) recordVendorState(ctx context.Context, id int64, change func(*domain.SubscriptionVendor)) error {
	err := s.inTx(ctx, func(tx *store.Conn) error {
		sub, err := tx.FindSubscriptionForUpdate(ctx, 0, id)
		if err != nil {
			return err
		}
		change(&sub.Vendor)
		sub.UpdatedAt = s.clock.Now()
		return tx.UpdateSubscriptionVendor(ctx, sub)
	})
	if err != nil {
		return fmt.Errorf("record the vendor state of subscription %d: %w", id, err)
	}
	return nil
}

package service

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Manual mode (docs/vendor-protocol.md): a product in manual mode has each
// operation e-mailed to its address by the provisioning job, which then ends with
// the outcome "waiting": the subscription stays in the operation's transitional
// status, and its order in provisioning, until a manager marks the operation done
// or failed (provision_manual_completion.go). A send the SMTP server does not take
// is retried on the vendor retry schedule, as a vendor call is, and then fails the
// operation with the SMTP error's text.

// manualProvisioner is the Provisioner of products in manual mode.
type manualProvisioner struct {
	vendor *vendorProvisioner // its retry schedule and outcome bookkeeping are shared
	mail   email.Sender
	// next provisions the operations of products in neither mode.
	next Provisioner
}

// Provision implements Provisioner.
func (m *manualProvisioner) Provision(ctx context.Context, req ProvisionRequest) (ProvisionOutcome, error) {
	c := m.vendor.s.db.Reader()
	req, err := m.vendor.withProduct(ctx, c, req)
	if err != nil {
		return ProvisionOutcome{}, err
	}
	product := req.product.product
	if product.Integration.Mode != domain.ProvisioningManual || product.Integration.ManualEmail == "" {
		return m.next.Provision(ctx, req)
	}
	body, err := m.vendor.s.subscriptionRequest(ctx, c, req, product)
	if err != nil {
		return ProvisionOutcome{}, err
	}
	previous, err := m.previousPlan(ctx, c, req)
	if err != nil {
		return ProvisionOutcome{}, err
	}
	msg := email.ProvisioningMessage(email.Provisioning{Op: req.Op, Product: *product,
		SubscriptionID: req.Subscription.ID, Request: *body, Previous: previous})
	msg.ID = provisioningMessageID(req.Job)
	if err := m.mail.Send(ctx, msg); err != nil {
		// Every failed send may succeed later (a server down, a mailbox full), so
		// it takes the schedule of a vendor that did not answer.
		return m.vendor.settle(ctx, req, nil, err)
	}
	return ProvisionOutcome{Waiting: true}, nil
}

// previousPlan is the plan and quantities an update or a switch changes, for the
// e-mail to show beside the new ones; nil for other operations.
func (m *manualProvisioner) previousPlan(ctx context.Context, c *store.Conn, req ProvisionRequest) (*vendorkit.Plan, error) {
	if req.Op != domain.ProvisionOpUpdate && req.Op != domain.ProvisionOpSwitch {
		return nil, nil
	}
	sub := req.Subscription
	plan, err := m.vendor.s.planByID(ctx, c, sub.PlanID)
	if err != nil {
		return nil, err
	}
	p := vendorPlan(plan, sub.PlanPeriodID, sub.Quantities())
	return &p, nil
}

// provisioningMessageID is the Message-ID's left part of the e-mail of job's
// operation: the job's id and the moment its run was due. A run again after a crash
// sends the same one, so the manager's mail program shows the message once; an
// operator's retry of a failed operation makes the job due anew, and a new message.
func provisioningMessageID(job domain.Job) string {
	return fmt.Sprintf("provision.%s.%d", job.ID, job.RunAt.UnixMicro())
}

// awaitManager ends the provisioning job of payload p, whose operation was e-mailed,
// as done with the outcome "waiting", and records the operation as the one the
// subscription waits for, in one transaction under the subscription's lock.
func (s *Service) awaitManager(ctx context.Context, p provisionPayload, job domain.Job) (json.RawMessage, error) {
	var result json.RawMessage
	err := s.inTx(ctx, func(tx *store.Conn) error {
		now := s.clock.Now()
		sub, err := tx.FindSubscriptionForUpdate(ctx, 0, p.SubscriptionID)
		if err != nil {
			return err
		}
		result, err = json.Marshal(map[string]any{"waiting": true, "status": sub.Status})
		if err != nil {
			return err
		}
		if err := jobs.CompleteIn(ctx, tx, result, now); err != nil {
			return err
		}
		if sub.Status != p.Op.Transitional() {
			return nil // applied already (a completion raced a run after a crash)
		}
		w := &domain.ProvisioningWait{SubscriptionID: sub.ID, JobID: job.ID, Op: p.Op, OrderID: p.OrderID, CreatedAt: now}
		if err := tx.PutProvisioningWait(ctx, w); err != nil {
			return err
		}
		sub.Vendor.Error, sub.Vendor.JobID, sub.UpdatedAt = nil, job.ID, now
		return tx.UpdateSubscriptionVendor(ctx, sub)
	})
	if err != nil {
		return nil, fmt.Errorf("wait for a manager to carry out %s of subscription %d: %w", p.Op, p.SubscriptionID, err)
	}
	return result, nil
}

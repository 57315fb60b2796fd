package service

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// The integration check of a product ("Start check" of its integration settings)
// runs as an async task: the Check call, then a subscription create and update
// marked dry_run, each step reported passed, failed or skipped with the reason
// (vendor.RunCheck, which `cascade vendor check` runs too). The calls are signed
// with the product's secret and name the reseller that owns the product.

// integrationCheckPayload is the payload of an integration check task.
type integrationCheckPayload struct {
	ProductID int64 `json:"product_id"`
}

// StartIntegrationCheck starts the integration check of a product of the reseller
// and returns the async task that runs it. Only a product in automatic mode with an
// API path has a service to check (invalid on the parameter product_id otherwise).
// Errors: forbidden, not_found (the reseller, or a product not its own), invalid.
func (s *Service) StartIntegrationCheck(ctx context.Context, a domain.Actor, resellerID, productID int64) (*domain.Job, error) {
	if err := authorize(a, domain.ActionIntegrationCheck); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	job, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Job, error) {
		p, err := tx.FindProductByID(ctx, productID)
		if err != nil {
			return nil, err
		}
		if p.ResellerID != resellerID {
			return nil, domain.NotFound(domain.MsgProductNotFound)
		}
		if p.Integration.Mode != domain.ProvisioningAutomatic || p.Integration.APIPath == "" {
			return nil, errNoVendorAPI()
		}
		payload, err := json.Marshal(integrationCheckPayload{ProductID: p.ID})
		if err != nil {
			return nil, err
		}
		// One run: a check that could not finish is reported, not repeated.
		job := &domain.Job{Kind: JobIntegrationCheck, ResellerID: resellerID, Payload: payload, MaxAttempts: 1}
		return job, s.enqueueTask(ctx, tx, job)
	})
	if err != nil {
		return nil, wrap(err, "start the integration check of product %d of reseller %d", productID, resellerID)
	}
	return job, nil
}

// runIntegrationCheck is the handler of integration check tasks: it runs the check
// against the product's API path as it is now and stores the report.
func (s *Service) runIntegrationCheck(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p integrationCheckPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("payload: %w", err))
	}
	c := s.db.Reader()
	product, err := c.FindProductByID(ctx, p.ProductID)
	if err != nil {
		return nil, err
	}
	in := product.Integration
	if in.Mode != domain.ProvisioningAutomatic || in.APIPath == "" {
		return nil, errNoVendorAPI() // it left automatic mode since: nothing to check
	}
	secret, err := c.FindProductSecret(ctx, product.ID)
	if err != nil {
		return nil, err
	}
	client := s.vendorCalls
	if client == nil {
		// An installation that provisions no products through vendors can still
		// check one, with the settings it would call them with.
		client = vendor.New(vendor.Settings{Addresses: s.opts.VendorAddresses})
		defer client.Close()
	}
	report := client.RunCheck(ctx, vendor.Target{APIPath: in.APIPath, Secret: secret, APGUID: s.opts.APGUID,
		ResellerID: job.ResellerID}, nil)
	return json.Marshal(integrationCheckResults{Ready: report.Ready, Summary: report.Summary, Steps: report.Results})
}

// integrationCheckResults are the results of an integration check task, as the
// async task shows them.
type integrationCheckResults struct {
	Ready   bool                 `json:"ready"`
	Summary string               `json:"summary"`
	Steps   []vendor.CheckResult `json:"steps"`
}

// errNoVendorAPI refuses the check of a product without a vendor service: a 422 on
// the path parameter that names the product, since the request has no body.
func errNoVendorAPI() error {
	return &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgNoVendorAPI, Parameter: "product_id"}
}

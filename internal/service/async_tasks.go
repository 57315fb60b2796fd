package service

import (
	"context"
	"encoding/json"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// Kinds of the jobs the service enqueues.
const (
	// JobOrderAttributesValidation checks the order attribute values of a plan; it is
	// an async task.
	JobOrderAttributesValidation = "order_attributes_validation"
	// JobIntegrationCheck runs the integration check of a product's vendor service;
	// it is an async task.
	JobIntegrationCheck = "integration_check"
)

// asyncTaskKinds are the job kinds the API shows as async tasks; other jobs (vendor
// calls, e-mails) are the installation's own business.
var asyncTaskKinds = map[string]bool{JobOrderAttributesValidation: true, JobIntegrationCheck: true}

// JobHandler runs one job of a kind the service enqueues; see jobs.Handler.
type JobHandler = func(ctx context.Context, job domain.Job) (json.RawMessage, error)

// JobHandlers returns the handler of every job kind the service enqueues, for the
// job runner to register.
func (s *Service) JobHandlers() map[string]JobHandler {
	return map[string]JobHandler{
		JobOrderAttributesValidation: s.runOrderAttributesValidation,
		JobProvision:                 s.runProvision,
		JobIntegrationCheck:          s.runIntegrationCheck,
		JobVendorUser:                s.runVendorUser,
		JobCreditHoldSubscriptions:   s.runCreditHoldSubscriptions,
		JobSettleInvoiceDebt:         s.runSettleInvoiceDebt,
		JobReviewAccountDebts:        s.runReviewAccountDebts,
		JobAccountClassLimit:         s.runAccountClassLimit,
	}
}

// RegisterJobs has r run every kind of job the service enqueues, and returns r:
// the jobs of provisioning that a worker claims together run as one group
// (runProvisionGroup).
func (s *Service) RegisterJobs(r *jobs.Runner) *jobs.Runner {
	for kind, h := range s.JobHandlers() {
		r.Handle(kind, h)
	}
	r.HandleGroup(JobProvision, s.runProvisionGroup)
	return r
}

// enqueueTask writes j, an async task, in tx, the transaction of the change that
// causes it, so the task exists exactly when the change commits; the commit then
// wakes the runner (Service.commit). A new task is pending (store.Conn.EnqueueTask).
func (s *Service) enqueueTask(ctx context.Context, tx *store.Conn, j *domain.Job) error {
	j.CreatedAt = s.clock.Now()
	return tx.EnqueueTask(ctx, j)
}

// jobsEnqueued tells the job runner of this process that new jobs are waiting, so
// they start at once rather than at its next poll. Service.commit calls it after
// a transaction that wrote jobs.
func (s *Service) jobsEnqueued() {
	if s.opts.JobsEnqueued != nil {
		s.opts.JobsEnqueued()
	}
}

// FindAsyncTask returns an async task of the given reseller; a task of any other
// reseller, and a job that is no async task, is not found.
// Errors: forbidden, not_found.
func (s *Service) FindAsyncTask(ctx context.Context, a domain.Actor, resellerID int64, id string) (*domain.Job, error) {
	if err := authorize(a, domain.ActionAsyncTaskRead); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	j, err := s.db.Reader().FindJobByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.ResellerID != resellerID || !asyncTaskKinds[j.Kind] {
		return nil, domain.NotFound(domain.MsgAsyncTaskNotFound)
	}
	return j, nil
}

package service

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// orderAttributesAttempts bounds the runs of one validation task; only a step that
// cannot decide (a vendor that does not answer) makes it run more than once.
const orderAttributesAttempts = 5

// FindOrderAttributes returns the order attributes of a plan of the given reseller
// for an order by one of its accounts of the given resources of the plan. Cascade's
// own attributes depend on neither the account nor the resources, but both are
// checked: the account must be the reseller's (not_found) and every resource id one
// of the plan's resources on offer (bad_request on plan_resource_ids[]). A product
// that takes its order attributes from its vendor has the vendor list them.
// Errors: forbidden, not_found, bad_request, unavailable (the vendor did not answer).
func (s *Service) FindOrderAttributes(ctx context.Context, a domain.Actor, resellerID, planID, accountID int64, resourceIDs []int64) ([]domain.OrderAttribute, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, err
	}
	c := s.db.Reader()
	plan, err := s.planOf(ctx, c, a, resellerID, planID)
	if err != nil {
		return nil, err
	}
	if _, err := s.accountOf(ctx, c, a, resellerID, accountID); err != nil {
		return nil, err
	}
	offered := make(map[int64]bool, len(plan.Resources))
	for _, r := range plan.Resources {
		offered[r.ID] = true
	}
	for _, id := range resourceIDs {
		if !offered[id] {
			return nil, domain.ParamError("plan_resource_ids[]", domain.MsgNotPlanResource)
		}
	}
	product, err := c.FindProductByID(ctx, plan.ProductID)
	if err != nil {
		return nil, err
	}
	q, err := s.attributeQuestion(ctx, c, plan, product, resellerID, accountID, resourceIDs)
	if err != nil {
		return nil, err
	}
	if q != nil {
		return s.askOrderAttributes(ctx, q)
	}
	return c.FindOrderAttributes(ctx, plan.ID)
}

// OrderAttributesInput is a request to validate order attribute values.
type OrderAttributesInput struct {
	AccountID int64
	// AccountPointer is where the body carried account_id, for the error about it.
	AccountPointer string
	Values         map[string]json.RawMessage
	Locale         domain.Locale // the language the results' texts are written in
}

// orderAttributesPayload is the payload of a validation task.
type orderAttributesPayload struct {
	PlanID    int64                      `json:"plan_id"`
	AccountID int64                      `json:"account_id"`
	Values    map[string]json.RawMessage `json:"values"`
	Locale    domain.Locale              `json:"locale"`
}

// ValidateOrderAttributes starts the validation of order attribute values for an
// order of a plan of the given reseller by one of its accounts, and returns the
// async task that does it. The task is written in the same transaction that checks
// the plan and account, so it exists exactly when the request succeeded.
// Errors: forbidden, not_found (reseller, plan), invalid (account).
func (s *Service) ValidateOrderAttributes(ctx context.Context, a domain.Actor, resellerID, planID int64, in OrderAttributesInput) (*domain.Job, error) {
	if err := authorize(a, domain.ActionOrderAttrsCheck); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	job, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Job, error) {
		plan, err := s.planOf(ctx, tx, a, resellerID, planID)
		if err != nil {
			return nil, err
		}
		_, err = s.accountOf(ctx, tx, a, resellerID, in.AccountID)
		if domain.CodeOf(err) == domain.ErrNotFound {
			return nil, domain.FieldError(in.AccountPointer, domain.MsgAccountNotFound)
		}
		if err != nil {
			return nil, err
		}
		if in.Values == nil {
			in.Values = map[string]json.RawMessage{}
		}
		payload, err := json.Marshal(orderAttributesPayload{PlanID: plan.ID, AccountID: in.AccountID,
			Values: in.Values, Locale: in.Locale})
		if err != nil {
			return nil, err
		}
		job := &domain.Job{Kind: JobOrderAttributesValidation, ResellerID: resellerID, Payload: payload,
			MaxAttempts: orderAttributesAttempts}
		return job, s.enqueueTask(ctx, tx, job)
	})
	if err != nil {
		return nil, wrap(err, "validate order attributes of plan %d", planID)
	}
	return job, nil
}

// runOrderAttributesValidation is the handler of validation tasks: it runs the
// validation chain on the plan's current attributes and stores AttributeResults.
func (s *Service) runOrderAttributesValidation(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p orderAttributesPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("payload: %w", err))
	}
	c := s.db.Reader()
	plan, err := c.FindPlanByID(ctx, p.PlanID)
	if err != nil {
		return nil, err // a plan that is gone stays gone: not found is permanent
	}
	product, err := c.FindProductByID(ctx, plan.ProductID)
	if err != nil {
		return nil, err
	}
	q, err := s.attributeQuestion(ctx, c, plan, product, job.ResellerID, p.AccountID, nil)
	if err != nil {
		return nil, err
	}
	var (
		attrs []domain.OrderAttribute
		more  []AttributeStep
	)
	if q != nil {
		// The vendor's attributes and its check take the catalogue's place.
		attrs, err = s.askOrderAttributes(ctx, q)
		if err != nil {
			return nil, &publicTaskError{text: taskText(err, p.Locale), cause: err}
		}
		more = append(more, s.vendorAttributeStep(q, p.Locale))
	} else if attrs, err = c.FindOrderAttributes(ctx, plan.ID); err != nil {
		return nil, err
	}
	results, err := s.validateAttributes(ctx, AttributeCheck{ResellerID: job.ResellerID, AccountID: p.AccountID,
		Plan: plan, Product: product, Attributes: attrs, Values: p.Values, Locale: p.Locale}, more...)
	if err != nil {
		return nil, publicTaskFailure(err)
	}
	return json.Marshal(results)
}

package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Order attributes from the vendor (docs/vendor-protocol.md, Order Attributes and
// Attributes Validation): a product in automatic mode with "allow order attributes"
// on has the attributes of its plans listed by its vendor, not the catalogue, and
// the values entered checked first by the platform's step (required values, types,
// choices) against the vendor's list, then by the vendor. The calls are made with
// no transaction open.

// attributeQuestion is where and about what the vendor is asked for a plan's order
// attributes; nil target means the product does not ask its vendor.
type attributeQuestion struct {
	product *domain.Product
	planID  int64
	target  vendor.Target
	request vendorkit.OrderAttributesRequest
}

// attributeQuestion returns what the vendor of plan's product is asked about the
// order attributes of plan, sold by reseller resellerID to account accountID with
// the given resources (all of the plan's when none), and nil when the product asks
// its vendor nothing.
func (s *Service) attributeQuestion(ctx context.Context, c *store.Conn, plan *domain.Plan, product *domain.Product,
	resellerID, accountID int64, resourceIDs []int64) (*attributeQuestion, error) {
	if !product.Integration.AllowOrderAttributes {
		return nil, nil
	}
	target, ok, err := s.vendorTarget(ctx, c, product, resellerID)
	if !ok {
		return nil, err
	}
	if err != nil {
		return nil, s.vendorUnavailable(ctx, product, err)
	}
	reseller, distributor, err := s.vendorParties(ctx, c, resellerID, product)
	if err != nil {
		return nil, err
	}
	tenant, err := s.vendorTenant(ctx, c, accountID)
	if err != nil {
		return nil, err
	}
	q := domain.Quantities{}
	for _, r := range plan.Resources {
		if len(resourceIDs) == 0 || slices.Contains(resourceIDs, r.ID) {
			q[r.ID] = r.Included
		}
	}
	return &attributeQuestion{product: product, planID: plan.ID, target: target, request: vendorkit.OrderAttributesRequest{
		Reseller: reseller, Distributor: distributor, Tenant: &tenant, Plan: vendorPlan(plan, 0, q),
		AttributesFor: vendorkit.AttributesForManager}}, nil
}

// askOrderAttributes asks the vendor q's attributes and returns them as the
// catalogue's would be, in the vendor's order.
func (s *Service) askOrderAttributes(ctx context.Context, q *attributeQuestion) ([]domain.OrderAttribute, error) {
	a, err := s.vendorCalls.OrderAttributes(ctx, q.target, newQuestionID(), &q.request)
	if err != nil {
		return nil, s.vendorUnavailable(ctx, q.product, err)
	}
	out := make([]domain.OrderAttribute, 0, len(a.Attributes))
	for i, v := range a.Attributes {
		if v.Values == nil {
			v.Values = []string{}
		}
		out = append(out, domain.OrderAttribute{PlanID: q.planID, Key: v.Key, Label: v.Label,
			Type: vendorAttributeType(v.Type), Required: v.Required, Values: v.Values, Position: i + 1})
	}
	return out, nil
}

// vendorAttributeType is the attribute type of the vendor's type name: the
// protocol's boolean is a checkbox, and a name Cascade does not know is free text.
func vendorAttributeType(t string) domain.OrderAttributeType {
	if t == "boolean" {
		return domain.AttrCheckbox
	}
	if slices.Contains(domain.OrderAttributeTypes, domain.OrderAttributeType(t)) {
		return domain.OrderAttributeType(t)
	}
	return domain.AttrString
}

// vendorAttributeStep is the step of the validation chain that asks the vendor of q
// whether it accepts the values the platform's step accepted. A refusal fails the
// task at once, a vendor that does not answer makes it run again; either way the
// task shows the vendor's text (in locale).
func (s *Service) vendorAttributeStep(q *attributeQuestion, locale domain.Locale) AttributeStep {
	return AttributeStep{Name: "vendor", Validator: AttributeValidatorFunc(
		func(ctx context.Context, in AttributeCheck) (AttributeVerdict, error) {
			values := make(map[string]string, len(in.Application))
			for k, v := range in.Application {
				values[k] = fmt.Sprint(v)
			}
			r := &vendorkit.AttributesValidationRequest{Reseller: q.request.Reseller, Distributor: q.request.Distributor,
				Tenant: *q.request.Tenant, Plan: q.request.Plan, Attributes: values}
			err := s.vendorCalls.AttributesValidation(ctx, q.target, newQuestionID(), r)
			if err == nil {
				return AttributeVerdict{}, nil
			}
			if f, ok := vendorAnswered(err); ok && f.Outcome == vendor.Permanent {
				return AttributeVerdict{}, jobs.Permanent(&publicTaskError{text: f.Message, cause: err})
			}
			return AttributeVerdict{}, &publicTaskError{cause: err,
				text: domain.MsgVendorUnavailable.Text(locale, unanswered(err))}
		})}
}

// publicTaskError is a task's failure whose text its caller is shown: what the
// vendor said, or that it did not answer.
type publicTaskError struct {
	text  string
	cause error
}

func (e *publicTaskError) Error() string { return domain.PublicFailure(e.text) }
func (e *publicTaskError) Unwrap() error { return e.cause }

// publicTaskFailure returns err as the task's failure: a publicTaskError within it
// becomes the whole error, so the stored message is its text; it stays permanent
// when err was.
func publicTaskFailure(err error) error {
	var p *publicTaskError
	if !errors.As(err, &p) {
		return err
	}
	if jobs.IsPermanent(err) {
		return jobs.Permanent(p)
	}
	return p
}

// taskText is the text of err, a domain error, for the task's caller in locale l.
func taskText(err error, l domain.Locale) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Message.Text(l, e.Args...)
	}
	return domain.MsgAsyncTaskFailed.Text(l)
}

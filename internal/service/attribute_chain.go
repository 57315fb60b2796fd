package service

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Validating order attributes is a chain of steps. The platform's own check
// (required values, types, allowed values) always runs first; further steps, such
// as asking the product's vendor service, are added through Options.AttributeSteps
// and run only when their Applies says so, e.g. VendorAttributeStep for products
// whose integration has "Allow order attributes" on. A step that finds problems
// ends the chain, so a vendor never sees values the platform has refused.

// AttributeCheck is what a validation step gets: the plan and its product, the
// ordering account, the plan's declared attributes, the values as the caller sent
// them and the values in normal form as the steps before have accepted them.
type AttributeCheck struct {
	ResellerID  int64
	AccountID   int64
	Plan        *domain.Plan
	Product     *domain.Product
	Attributes  []domain.OrderAttribute
	Values      map[string]json.RawMessage
	Application map[string]any
	Locale      domain.Locale // the language of the request that started the check
}

// AttributeError is one refused value in the result of a check: the attribute's
// key, a machine code and a text for people.
type AttributeError struct {
	Key    string `json:"key"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// AttributeVerdict is the answer of one step: the problems it found (none means the
// values pass) and the values to hand on, in normal form; a nil Application keeps
// the one the step was given.
type AttributeVerdict struct {
	Errors      []AttributeError
	Application map[string]any
}

// AttributeValidator is one step of order attribute validation. An error means the
// step could not decide (a vendor did not answer, say): the task is retried and
// fails in the end if the step never decides.
type AttributeValidator interface {
	ValidateAttributes(ctx context.Context, in AttributeCheck) (AttributeVerdict, error)
}

// AttributeValidatorFunc adapts a function to AttributeValidator.
type AttributeValidatorFunc func(ctx context.Context, in AttributeCheck) (AttributeVerdict, error)

// ValidateAttributes implements AttributeValidator.
func (f AttributeValidatorFunc) ValidateAttributes(ctx context.Context, in AttributeCheck) (AttributeVerdict, error) {
	return f(ctx, in)
}

// AttributeStep is a named step of the chain; Applies (nil: always) says whether it
// runs for a check.
type AttributeStep struct {
	Name      string
	Applies   func(AttributeCheck) bool
	Validator AttributeValidator
}

// VendorAttributeStep wraps a validator that asks the product's vendor service
// (the Attributes Validation call of the vendor integration): it runs only for
// products provisioned automatically with "Allow order attributes" on.
func VendorAttributeStep(v AttributeValidator) AttributeStep {
	return AttributeStep{Name: "vendor", Validator: v, Applies: func(in AttributeCheck) bool {
		i := in.Product.Integration
		return i.Mode == domain.ProvisioningAutomatic && i.AllowOrderAttributes
	}}
}

// platformStep is the platform's own check, domain.CheckOrderAttributes.
var platformStep = AttributeStep{Name: "platform", Validator: AttributeValidatorFunc(
	func(_ context.Context, in AttributeCheck) (AttributeVerdict, error) {
		values, problems := domain.CheckOrderAttributes(in.Attributes, in.Values)
		v := AttributeVerdict{Application: values}
		for _, p := range problems {
			v.Errors = append(v.Errors, AttributeError{Key: p.Key, Code: p.Message.Reason(),
				Detail: p.Message.Text(in.Locale, p.Args...)})
		}
		return v, nil
	})}

// AttributeResults is the result of an order attributes validation task, as the
// async task shows it.
type AttributeResults struct {
	Valid                 bool             `json:"valid"`
	Errors                []AttributeError `json:"errors"`
	ApplicationAttributes map[string]any   `json:"application_attributes"`
}

// validateAttributes runs the chain on in, with the steps more (the vendor's own)
// after the platform's.
func (s *Service) validateAttributes(ctx context.Context, in AttributeCheck, more ...AttributeStep) (AttributeResults, error) {
	in.Application = map[string]any{}
	steps := append(append([]AttributeStep{platformStep}, more...), s.opts.AttributeSteps...)
	for _, step := range steps {
		if step.Applies != nil && !step.Applies(in) {
			continue
		}
		v, err := step.Validator.ValidateAttributes(ctx, in)
		if err != nil {
			return AttributeResults{}, fmt.Errorf("%s step: %w", step.Name, err)
		}
		if v.Application != nil {
			in.Application = v.Application
		}
		if len(v.Errors) > 0 {
			return AttributeResults{Errors: v.Errors, ApplicationAttributes: in.Application}, nil
		}
	}
	return AttributeResults{Valid: true, Errors: []AttributeError{}, ApplicationAttributes: in.Application}, nil
}

package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// correctionList is what the corrections list accepts: the account and status
// filters, sorted by id.
var correctionList = listSpec{
	filters: map[string]filterSpec{
		"status":     {kind: kindEnum, values: enumValues(domain.CorrectionStatuses)},
		"account_id": {kind: kindInt},
	},
	sorts: []string{"id"},
}

// correctionAttributes are the attributes of a correction resource: the documented
// ones, then Cascade's additions for auditing the ledger through the API.
type correctionAttributes struct {
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
	AccountID       int64   `json:"account_id"`
	ManagerID       int64   `json:"manager_id"`
	Status          string  `json:"status"`
	Total           string  `json:"total"`
	IncludedInvoice bool    `json:"included_invoice"`
	SubscriptionID  *int64  `json:"subscription_id"`
	PeriodFrom      *string `json:"period_from"`
	PeriodTo        *string `json:"period_to"`
	Comment         *string `json:"comment"`
	// Additions: the currency, who decided and when, where the approved money went
	// (balance or invoice), the invoice that gathered it and the payment that made it.
	CurrencyCode string  `json:"currency_code"`
	ApproverID   *int64  `json:"approver_id"`
	ApprovedAt   *string `json:"approved_at"`
	AppliedTo    *string `json:"applied_to"`
	InvoiceID    *int64  `json:"invoice_id"`
	PaymentID    *int64  `json:"payment_id"`
}

// toAPICorrection renders a correction with its reseller and account.
func (s *Server) toAPICorrection(k *domain.Correction) resource {
	a := &correctionAttributes{CreatedAt: s.formatTime(k.CreatedAt), UpdatedAt: s.formatTime(k.UpdatedAt),
		AccountID: k.AccountID, ManagerID: k.ManagerID, Status: string(k.Status), Total: k.Total.String(),
		IncludedInvoice: k.IncludedInvoice, SubscriptionID: nullableInt(k.SubscriptionID),
		PeriodFrom: optionalDate(k.PeriodFrom), PeriodTo: optionalDate(k.PeriodTo), Comment: nullableString(k.Comment),
		CurrencyCode: k.Currency, ApproverID: nullableInt(k.ApproverID), AppliedTo: nullableString(string(k.Target)),
		InvoiceID: nullableInt(k.InvoiceID), PaymentID: nullableInt(k.PaymentID)}
	if !k.ApprovedAt.IsZero() {
		t := s.formatTime(k.ApprovedAt)
		a.ApprovedAt = &t
	}
	rel := map[string]relationship{
		"reseller": {Data: &identifier{Type: "resellers", ID: id(k.ResellerID)}},
		"account":  {Data: &identifier{Type: "accounts", ID: id(k.AccountID)}},
	}
	return resource{ID: id(k.ID), Type: "corrections", Attributes: a, Relationships: rel}
}

// correctionInput is the body of POST corrections.
type correctionInput struct {
	AccountID       *flexInt    `json:"account_id"`
	IncludedInvoice *bool       `json:"included_invoice"`
	SubscriptionID  *flexInt    `json:"subscription_id"`
	PeriodFrom      *string     `json:"period_from"`
	PeriodTo        *string     `json:"period_to"`
	Total           *amountText `json:"total"`
	Comment         *string     `json:"comment"`
}

func (s *Server) handleCorrectionCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[correctionInput](c)
	if err != nil {
		return reply{}, err
	}
	ci := domain.CorrectionInput{AccountID: in.AccountID.ptr(), IncludedInvoice: in.IncludedInvoice,
		SubscriptionID: in.SubscriptionID.ptr(), PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo,
		Total: (*string)(in.Total), Comment: in.Comment}
	return answer(c, func(ctx context.Context) (*domain.Correction, error) {
		return s.svc.CreateCorrection(ctx, c.actor, rid, ci)
	}, func(k *domain.Correction) reply { return created(s.toAPICorrection(k)) })
}

// correctionDecisionInput is the body of PATCH corrections/{id}.
type correctionDecisionInput struct {
	Status *string `json:"status"`
}

func (s *Server) handleCorrectionDecide(c *call) (reply, error) {
	rid, kid, err := c.correctionPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[correctionDecisionInput](c)
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*domain.Correction, error) {
		return s.svc.DecideCorrection(ctx, c.actor, rid, kid, in.Status)
	}, func(k *domain.Correction) reply { return one(s.toAPICorrection(k)) })
}

func (s *Server) handleCorrectionGet(c *call) (reply, error) {
	// Corrections include nothing; an include is refused like on every other read.
	if _, err := parseInclude(c.r.URL.Query(), nil); err != nil {
		return reply{}, err
	}
	rid, kid, err := c.correctionPath()
	if err != nil {
		return reply{}, err
	}
	k, err := s.svc.FindCorrectionByID(c.ctx, c.actor, rid, kid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPICorrection(k)), nil
}

// correctionPath reads reseller_id and correction_id from the path.
func (c *call) correctionPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	kid, err := c.pathID("correction_id")
	return rid, kid, err
}

package domain

import (
	"time"
)

// Corrections: a manager's adjustment of an account's money, approved or declined by
// another step. Approved, it moves the account's balance, or, when it goes into a
// postpaid invoice, the invoice of the billing period it was approved in
// (docs/billing.md, "Corrections").

// CorrectionStatus is where a correction stands.
type CorrectionStatus string

// The correction statuses with their API values.
const (
	CorrectionStatusApprovalRequired CorrectionStatus = "approval_required"
	CorrectionStatusApproved         CorrectionStatus = "approved"
	CorrectionStatusDeclined         CorrectionStatus = "declined"
)

// CorrectionStatuses lists every correction status.
var CorrectionStatuses = []CorrectionStatus{
	CorrectionStatusApprovalRequired, CorrectionStatusApproved, CorrectionStatusDeclined,
}

// CorrectionTarget is what an approved correction moves: the account's balance, or
// the postpaid invoice of the period it was approved in.
type CorrectionTarget string

// The correction targets; "" until the correction is approved.
const (
	CorrectionIntoBalance CorrectionTarget = "balance"
	CorrectionIntoInvoice CorrectionTarget = "invoice"
)

// Correction is an adjustment of an account's money by Total (negative takes money
// away), in the currency of the account's reseller.
type Correction struct {
	ID              int64
	ResellerID      int64 // the account's reseller
	AccountID       int64
	ManagerID       int64 // who created it
	ApproverID      int64 // who approved or declined it; 0 before
	Status          CorrectionStatus
	Total           Amount
	Currency        string
	IncludedInvoice bool
	SubscriptionID  int64 // required when IncludedInvoice; 0 when none
	PeriodFrom      Date  // informational; zero when none
	PeriodTo        Date
	Comment         string
	// Target is set on approval: CorrectionIntoInvoice for a correction included in
	// the invoice of a postpaid subscription, CorrectionIntoBalance otherwise.
	Target CorrectionTarget
	// InvoiceID is the invoice that gathered it (set by the invoicing pass); 0 before.
	InvoiceID int64
	// CarriedFrom is the negative postpaid invoice whose credit it carries
	// (NewInvoiceCreditCorrection); 0 for any other correction.
	CarriedFrom int64
	// PaymentID is the payment whose completion by document number made it; 0 otherwise.
	PaymentID  int64
	ApprovedAt time.Time // when it was approved or declined; zero before
	Timestamps
}

// Pointers of a correction's attributes.
const (
	PtrCorrectionAccount      = "/data/attributes/account_id"
	PtrCorrectionIncluded     = "/data/attributes/included_invoice"
	PtrCorrectionSubscription = "/data/attributes/subscription_id"
	PtrCorrectionPeriodFrom   = "/data/attributes/period_from"
	PtrCorrectionPeriodTo     = "/data/attributes/period_to"
	PtrCorrectionTotal        = "/data/attributes/total"
	PtrCorrectionComment      = "/data/attributes/comment"
	PtrCorrectionStatus       = "/data/attributes/status"
)

// MaxCorrectionComment bounds a correction's comment, in characters.
const MaxCorrectionComment = 1000

// CorrectionInput is the body of a new correction as the API takes it; nil is absent.
type CorrectionInput struct {
	AccountID, SubscriptionID *int64
	IncludedInvoice           *bool
	PeriodFrom, PeriodTo      *string
	Total, Comment            *string
}

// CorrectionRequest is a checked CorrectionInput.
type CorrectionRequest struct {
	AccountID            int64
	IncludedInvoice      bool
	SubscriptionID       int64 // 0 when none
	PeriodFrom, PeriodTo Date
	Total                Amount
	Comment              string
}

// Validate checks what can be checked of in without the database, reporting every
// problem at once, each at its pointer. The account and the subscription are
// checked against the reseller by the service.
func (in CorrectionInput) Validate() (CorrectionRequest, error) {
	var (
		p   Problems
		out CorrectionRequest
	)
	out.AccountID = correctionRefID(&p, PtrCorrectionAccount, in.AccountID)
	if in.IncludedInvoice == nil {
		p.Add(PtrCorrectionIncluded, MsgRequired)
	} else {
		out.IncludedInvoice = *in.IncludedInvoice
	}
	switch {
	case in.SubscriptionID != nil:
		out.SubscriptionID = correctionRefID(&p, PtrCorrectionSubscription, in.SubscriptionID)
	case out.IncludedInvoice:
		p.Add(PtrCorrectionSubscription, MsgCorrectionSubscriptionRequired)
	}
	out.PeriodFrom = correctionDate(&p, PtrCorrectionPeriodFrom, in.PeriodFrom)
	out.PeriodTo = correctionDate(&p, PtrCorrectionPeriodTo, in.PeriodTo)
	if !out.PeriodFrom.IsZero() && !out.PeriodTo.IsZero() && out.PeriodTo.Before(out.PeriodFrom) {
		p.Add(PtrCorrectionPeriodTo, MsgCorrectionPeriodOrder)
	}
	if in.Total == nil {
		p.Add(PtrCorrectionTotal, MsgRequired)
	} else if a, err := ParseAmount(*in.Total); err != nil || a == 0 {
		p.Add(PtrCorrectionTotal, MsgCorrectionTotalValue)
	} else {
		out.Total = a
	}
	if in.Comment != nil {
		out.Comment = p.Text(PtrCorrectionComment, *in.Comment, false, MaxCorrectionComment)
	}
	return out, p.Err()
}

// CheckCorrectionPlaces refuses a correction's total with more decimal places than
// currency's minor unit (2 for USD, 0 for JPY, 3 for KWD): a correction moves money
// as it is, so it must be an amount that can be paid. Validate cannot check this:
// the currency is the account's reseller's, known once the account is read.
func CheckCorrectionPlaces(total Amount, currency string) error {
	if total.Round(currency) != total {
		return FieldError(PtrCorrectionTotal, MsgCorrectionTotalPlaces, MinorUnits(currency), currency)
	}
	return nil
}

// correctionRefID reads a required positive id at pointer, adding the problem to p.
func correctionRefID(p *Problems, pointer string, v *int64) int64 {
	switch {
	case v == nil:
		p.Add(pointer, MsgRequired)
	case *v <= 0:
		p.Add(pointer, MsgInvalidID)
	default:
		return *v
	}
	return 0
}

// correctionDate reads an optional YYYY-MM-DD at pointer; absent, null or blank is
// no date.
func correctionDate(p *Problems, pointer string, v *string) Date {
	if v == nil || *v == "" {
		return Date{}
	}
	d, err := ParseDate(*v)
	if err != nil {
		p.Add(pointer, MsgMustBeDate)
	}
	return d
}

// NewCorrection is the correction r of account (whose reseller's currency is
// currency) created by manager managerID: approval_required.
func NewCorrection(account *Account, r CorrectionRequest, currency string, managerID int64, now time.Time) *Correction {
	return &Correction{ResellerID: account.ResellerID, AccountID: account.ID, ManagerID: managerID,
		Status: CorrectionStatusApprovalRequired, Total: r.Total, Currency: currency,
		IncludedInvoice: r.IncludedInvoice, SubscriptionID: r.SubscriptionID, PeriodFrom: r.PeriodFrom,
		PeriodTo: r.PeriodTo, Comment: r.Comment, Timestamps: Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// ParseCorrectionDecision reads the status a PATCH asks for: approved or declined;
// anything else is refused at status.
func ParseCorrectionDecision(v *string) (CorrectionStatus, error) {
	if v == nil {
		return "", FieldError(PtrCorrectionStatus, MsgRequired)
	}
	switch s := CorrectionStatus(*v); s {
	case CorrectionStatusApproved, CorrectionStatusDeclined:
		return s, nil
	}
	return "", FieldError(PtrCorrectionStatus, MsgCorrectionDecision)
}

// Decide moves c from approval_required to next (approved or declined) by manager
// managerID at now; a correction already decided is refused with a 422 naming its
// status, and c is unchanged. postpaid says whether c's subscription is paid after
// use: an approved correction included in such a subscription's invoice goes to the
// invoice, any other to the balance (see BalanceEffect).
func (c *Correction) Decide(next CorrectionStatus, managerID int64, postpaid bool, now time.Time) error {
	if err := c.CheckUndecided(); err != nil {
		return err
	}
	c.Status, c.ApproverID, c.ApprovedAt, c.UpdatedAt = next, managerID, now, now
	if next == CorrectionStatusApproved {
		c.Target = CorrectionIntoBalance
		if c.IncludedInvoice && postpaid {
			c.Target = CorrectionIntoInvoice
		}
	}
	return nil
}

// CheckUndecided refuses a decision on c once it has been decided.
func (c *Correction) CheckUndecided() error {
	if c.Status != CorrectionStatusApprovalRequired {
		return Errorf(ErrInvalid, MsgCorrectionDecided, string(c.Status))
	}
	return nil
}

// BalanceEffect is what c adds to its account's balance: its total once approved
// into the balance, nothing otherwise.
func (c *Correction) BalanceEffect() Amount {
	if c.Status == CorrectionStatusApproved && c.Target == CorrectionIntoBalance {
		return c.Total
	}
	return 0
}

// NewReceivedMoneyCorrection is the correction that records money received for
// payment p by its document number that p's own completion does not account for: an overpayment, an underpayment, or money for a
// payment that can no longer be completed. It is created approved, by manager
// managerID, into the balance of p's account.
func NewReceivedMoneyCorrection(p *Payment, total Amount, managerID int64, now time.Time) *Correction {
	return &Correction{ResellerID: p.ResellerID, AccountID: p.AccountID, ManagerID: managerID,
		ApproverID: managerID, Status: CorrectionStatusApproved, Total: total, Currency: p.Currency,
		Comment: ReceivedMoneyComment(p.DocumentID), Target: CorrectionIntoBalance, PaymentID: p.ID,
		ApprovedAt: now, Timestamps: Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// ReceivedMoneyComment is the documented comment of a NewReceivedMoneyCorrection.
func ReceivedMoneyComment(documentID string) string {
	return "Accounting of the amount received on the basis of " + documentID + " from an external system."
}

// NewInvoiceCreditCorrection is the correction that carries the credit of inv, a
// postpaid invoice whose total is below zero, to its account's next postpaid
// invoice: approved at now into an invoice, of inv's total, for inv's period. No
// manager made it (ManagerID 0): the billing pass does, with inv.
func NewInvoiceCreditCorrection(inv *Invoice, now time.Time) *Correction {
	return &Correction{ResellerID: inv.ResellerID, AccountID: inv.AccountID, Status: CorrectionStatusApproved,
		Total: inv.Total, Currency: inv.Currency, IncludedInvoice: true, PeriodFrom: inv.FromDate,
		PeriodTo: inv.ToDate, Comment: InvoiceCreditComment(inv.OwnDocumentID), Target: CorrectionIntoInvoice,
		CarriedFrom: inv.ID, ApprovedAt: now, Timestamps: Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// InvoiceCreditComment is the comment of a NewInvoiceCreditCorrection, naming the
// invoice by its own number.
func InvoiceCreditComment(documentID string) string {
	return "Credit of invoice " + documentID + " carried to the next invoice."
}

package domain

import (
	"time"
	"unicode"
	"unicode/utf8"
)

// Top-up payments and completing a payment by its document number.

// Pointers of a top-up payment's and a completion's attributes.
const (
	PtrPaymentAccount    = "/data/attributes/account_id"
	PtrPaymentTotal      = "/data/attributes/total"
	PtrPaymentComment    = "/data/attributes/comment"
	PtrPaymentPurpose    = "/data/attributes/purpose"
	PtrPaymentMethodID   = "/data/attributes/payment_method_id"
	PtrPaymentAmount     = "/data/attributes/amount"
	PtrPaymentCurrency   = "/data/attributes/currency_code"
	PtrPaymentExternalID = "/data/attributes/external_transaction_id"
)

// Limits of a payment's texts.
const (
	MaxPaymentComment = 1000
	MaxPaymentPurpose = 255
	// MinExternalTransactionID and MaxExternalTransactionID bound the length of an
	// external system's transaction id, in characters.
	MinExternalTransactionID = 2
	MaxExternalTransactionID = 255
)

// TopUpInput is the body of a top-up payment as the API takes it; nil is absent.
// Total is the decimal text of a JSON number or string.
type TopUpInput struct {
	AccountID               *int64
	Total, Comment, Purpose *string
}

// TopUpRequest is a checked TopUpInput.
type TopUpRequest struct {
	AccountID int64
	Total     Amount
	Comment   string
	Purpose   string // the text shown on the receipt; "" when none
}

// Validate checks what can be checked of in without the database, reporting every
// problem at once, each at its pointer. The total's places are checked against the
// reseller's currency by NewTopUp.
func (in TopUpInput) Validate() (TopUpRequest, error) {
	var (
		p   Problems
		out TopUpRequest
	)
	switch {
	case in.AccountID == nil:
		p.Add(PtrPaymentAccount, MsgRequired)
	case *in.AccountID <= 0:
		p.Add(PtrPaymentAccount, MsgInvalidID)
	default:
		out.AccountID = *in.AccountID
	}
	if in.Total == nil {
		p.Add(PtrPaymentTotal, MsgRequired)
	} else if a, err := ParseAmount(*in.Total); err != nil || a <= 0 {
		p.Add(PtrPaymentTotal, MsgPaymentTotalValue)
	} else {
		out.Total = a
	}
	if in.Comment == nil {
		p.Add(PtrPaymentComment, MsgRequired)
	} else {
		out.Comment = p.Text(PtrPaymentComment, *in.Comment, true, MaxPaymentComment)
	}
	if in.Purpose != nil {
		out.Purpose = p.Text(PtrPaymentPurpose, *in.Purpose, false, MaxPaymentPurpose)
	}
	return out, p.Err()
}

// NewTopUp is the payment that tops up the balance of account (of reseller
// resellerID) by r.Total in currency, the reseller's, numbered documentID: waiting
// for payment, due on no date, with nobody's method or name on it yet. A total finer
// than currency's minor unit is refused at total: an amount to pay is never rounded.
func NewTopUp(resellerID int64, account *Account, r TopUpRequest, currency, documentID string, now time.Time) (*Payment, error) {
	if err := CheckPayable(PtrPaymentTotal, r.Total, currency); err != nil {
		return nil, err
	}
	return &Payment{ResellerID: resellerID, AccountID: account.ID, Purpose: PaymentForTopUp,
		DocumentID: documentID, Total: r.Total, InitialTotal: r.Total, Currency: currency, Comment: r.Comment,
		Description: r.Purpose, Status: PaymentStatusWaitingForPayment,
		Timestamps: Timestamps{CreatedAt: now, UpdatedAt: now}}, nil
}

// CheckPayable refuses, at pointer, an amount with more places than currency's minor
// unit has (199.999 USD).
func CheckPayable(pointer string, a Amount, currency string) error {
	if a.Round(currency) == a {
		return nil
	}
	return FieldError(pointer, MsgAmountMinorUnits, MinorUnits(currency), currency)
}

// DocumentCompletionInput is the body of a completion by document number as the API
// takes it; nil is absent. Amount is the decimal text of a JSON number or string.
type DocumentCompletionInput struct {
	PaymentMethodID                             *int64
	Amount, CurrencyCode, ExternalTransactionID *string
}

// DocumentCompletion is a checked DocumentCompletionInput.
type DocumentCompletion struct {
	PaymentMethodID       int64
	Amount                *Amount // the amount paid; nil when not given
	Currency              string  // "" when not given
	ExternalTransactionID string  // "" when not given
}

// Validate checks what can be checked of in without the payment, reporting every
// problem at once, each at its pointer.
func (in DocumentCompletionInput) Validate() (DocumentCompletion, error) {
	var (
		p   Problems
		out DocumentCompletion
	)
	switch {
	case in.PaymentMethodID == nil:
		p.Add(PtrPaymentMethodID, MsgRequired)
	case *in.PaymentMethodID <= 0:
		p.Add(PtrPaymentMethodID, MsgInvalidID)
	default:
		out.PaymentMethodID = *in.PaymentMethodID
	}
	if in.Amount != nil {
		if a, err := ParseAmount(*in.Amount); err != nil || a <= 0 {
			p.Add(PtrPaymentAmount, MsgPaymentTotalValue)
		} else {
			out.Amount = &a
		}
	}
	if in.CurrencyCode != nil {
		if !ValidCurrency(*in.CurrencyCode) {
			p.Add(PtrPaymentCurrency, MsgInvalidCurrency)
		}
		out.Currency = *in.CurrencyCode
	}
	if in.ExternalTransactionID != nil {
		if !ValidExternalTransactionID(*in.ExternalTransactionID) {
			p.Add(PtrPaymentExternalID, MsgExternalTransactionID, MinExternalTransactionID, MaxExternalTransactionID)
		}
		out.ExternalTransactionID = *in.ExternalTransactionID
	}
	return out, p.Err()
}

// ValidExternalTransactionID reports whether s is 2 to 255 characters, each a letter
// (of any script: Latin and Cyrillic are documented), a digit, a punctuation mark or
// a symbol. Spaces and control characters are refused.
func ValidExternalTransactionID(s string) bool {
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) || n < MinExternalTransactionID || n > MaxExternalTransactionID {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			return false
		}
	}
	return true
}

// DocumentSettlement is what completing a payment by its document number does:
// whether the payment becomes completed, and the approved correction of the
// account's balance for the money received that the completion does not account for
// (0 when none).
type DocumentSettlement struct {
	Complete   bool
	Correction Amount
}

// CheckDocumentCompletion refuses completing p by c, or answers what it does (the
// documented matrix). A currency other than p's is refused at currency_code, an
// amount finer than its minor unit at amount. The amount paid is c's, or p's total
// when c names none. A payment that may be completed is completed when the amount
// covers its total, an overpayment's difference going to a correction; an
// underpayment leaves it waiting and the amount paid goes to a correction. A payment
// that can no longer be completed (paid, cancelled ...) keeps its status and the
// whole amount paid goes to a correction.
func (p *Payment) CheckDocumentCompletion(c DocumentCompletion) (DocumentSettlement, error) {
	if c.Currency != "" && c.Currency != p.Currency {
		return DocumentSettlement{}, FieldError(PtrPaymentCurrency, MsgPaymentCurrencyDiffers, p.Currency)
	}
	paid := p.Total
	if c.Amount != nil {
		if err := CheckPayable(PtrPaymentAmount, *c.Amount, p.Currency); err != nil {
			return DocumentSettlement{}, err
		}
		paid = *c.Amount
	}
	switch _, err := NextPaymentStatus(p.Status, p.Purpose, PaymentEventComplete); {
	case err != nil:
		return DocumentSettlement{Correction: paid}, nil
	case paid < p.Total:
		return DocumentSettlement{Correction: paid}, nil
	}
	return DocumentSettlement{Complete: true, Correction: paid - p.Total}, nil
}

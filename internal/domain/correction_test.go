package domain

import (
	"errors"
	"testing"
	"time"
)

func correctionPtr[T any](v T) *T { return &v }

func TestCorrectionInputValidate(t *testing.T) {
	ok := func() CorrectionInput {
		return CorrectionInput{AccountID: correctionPtr(int64(5)), IncludedInvoice: correctionPtr(true), SubscriptionID: correctionPtr(int64(9)),
			PeriodFrom: correctionPtr("2026-05-01"), PeriodTo: correctionPtr("2026-05-31"), Total: correctionPtr("-15.50"), Comment: correctionPtr(" goodwill ")}
	}
	t.Run("OK", func(t *testing.T) {
		r, err := ok().Validate()
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		want := CorrectionRequest{AccountID: 5, IncludedInvoice: true, SubscriptionID: 9,
			PeriodFrom: Date{2026, time.May, 1}, PeriodTo: Date{2026, time.May, 31}, Total: -15_500_000, Comment: "goodwill"}
		if r != want {
			t.Fatalf("request = %+v, want %+v", r, want)
		}
	})
	t.Run("OKWithoutInvoice", func(t *testing.T) {
		in := CorrectionInput{AccountID: correctionPtr(int64(5)), IncludedInvoice: correctionPtr(false), Total: correctionPtr("10")}
		if _, err := in.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	})
	cases := []struct {
		name    string
		edit    func(*CorrectionInput)
		pointer string
		msg     Message
	}{
		{"ErrAccountRequired", func(in *CorrectionInput) { in.AccountID = nil }, PtrCorrectionAccount, MsgRequired},
		{"ErrAccountID", func(in *CorrectionInput) { in.AccountID = correctionPtr(int64(0)) }, PtrCorrectionAccount, MsgInvalidID},
		{"ErrIncludedRequired", func(in *CorrectionInput) { in.IncludedInvoice = nil; in.SubscriptionID = nil }, PtrCorrectionIncluded, MsgRequired},
		{"ErrSubscriptionRequired", func(in *CorrectionInput) { in.SubscriptionID = nil }, PtrCorrectionSubscription, MsgCorrectionSubscriptionRequired},
		{"ErrSubscriptionID", func(in *CorrectionInput) { in.SubscriptionID = correctionPtr(int64(-1)) }, PtrCorrectionSubscription, MsgInvalidID},
		{"ErrPeriodFrom", func(in *CorrectionInput) { in.PeriodFrom = correctionPtr("2026-02-30") }, PtrCorrectionPeriodFrom, MsgMustBeDate},
		{"ErrPeriodOrder", func(in *CorrectionInput) { in.PeriodTo = correctionPtr("2026-04-30") }, PtrCorrectionPeriodTo, MsgCorrectionPeriodOrder},
		{"ErrTotalRequired", func(in *CorrectionInput) { in.Total = nil }, PtrCorrectionTotal, MsgRequired},
		{"ErrTotalZero", func(in *CorrectionInput) { in.Total = correctionPtr("0.00") }, PtrCorrectionTotal, MsgCorrectionTotalValue},
		{"ErrTotalSyntax", func(in *CorrectionInput) { in.Total = correctionPtr("1e3") }, PtrCorrectionTotal, MsgCorrectionTotalValue},
		{"ErrCommentLong", func(in *CorrectionInput) { in.Comment = correctionPtr(string(make([]byte, MaxCorrectionComment+1))) }, PtrCorrectionComment, MsgTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := ok()
			tc.edit(&in)
			_, err := in.Validate()
			errs := Errors(err)
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", err)
			}
			if errs[0].Pointer != tc.pointer || errs[0].Message != tc.msg {
				t.Fatalf("error at %s %s, want %s %s", errs[0].Pointer, errs[0].Message, tc.pointer, tc.msg)
			}
		})
	}
}

func TestCorrectionDecide(t *testing.T) {
	now := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
	fresh := func(included bool) *Correction {
		return &Correction{ID: 1, Status: CorrectionStatusApprovalRequired, Total: 15_000_000, IncludedInvoice: included}
	}
	cases := []struct {
		name     string
		included bool
		postpaid bool
		next     CorrectionStatus
		target   CorrectionTarget
		effect   Amount
	}{
		{"ApprovedIntoBalance", false, false, CorrectionStatusApproved, CorrectionIntoBalance, 15_000_000},
		{"ApprovedPostpaidNotIncluded", false, true, CorrectionStatusApproved, CorrectionIntoBalance, 15_000_000},
		{"ApprovedIncludedPrepaid", true, false, CorrectionStatusApproved, CorrectionIntoBalance, 15_000_000},
		{"ApprovedIntoInvoice", true, true, CorrectionStatusApproved, CorrectionIntoInvoice, 0},
		{"Declined", false, false, CorrectionStatusDeclined, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fresh(tc.included)
			if err := c.Decide(tc.next, 7, tc.postpaid, now); err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if c.Status != tc.next || c.Target != tc.target || c.BalanceEffect() != tc.effect {
				t.Fatalf("status=%s target=%q effect=%s, want %s %q %s", c.Status, c.Target, c.BalanceEffect(), tc.next, tc.target, tc.effect)
			}
			if c.ApproverID != 7 || !c.ApprovedAt.Equal(now) {
				t.Fatalf("approver=%d at %v, want 7 at %v", c.ApproverID, c.ApprovedAt, now)
			}
		})
	}
	for _, from := range []CorrectionStatus{CorrectionStatusApproved, CorrectionStatusDeclined} {
		for _, next := range []CorrectionStatus{CorrectionStatusApproved, CorrectionStatusDeclined} {
			t.Run("Err"+string(from)+"To"+string(next), func(t *testing.T) {
				c := &Correction{Status: from, Target: CorrectionIntoBalance}
				err := c.Decide(next, 7, false, now)
				var e *Error
				if !errors.As(err, &e) || e.Code != ErrInvalid || e.Message != MsgCorrectionDecided {
					t.Fatalf("err = %v, want invalid %s", err, MsgCorrectionDecided)
				}
				if c.Status != from || c.ApproverID != 0 {
					t.Fatalf("correction changed: %+v", c)
				}
			})
		}
	}
}

func TestParseCorrectionDecision(t *testing.T) {
	for _, v := range []string{"approved", "declined"} {
		if s, err := ParseCorrectionDecision(&v); err != nil || string(s) != v {
			t.Fatalf("ParseCorrectionDecision(%q) = %q, %v", v, s, err)
		}
	}
	for _, v := range []*string{nil, correctionPtr("approval_required"), correctionPtr("cancelled")} {
		if _, err := ParseCorrectionDecision(v); err == nil {
			t.Fatalf("ParseCorrectionDecision(%v) accepted", v)
		}
	}
}

func TestNewReceivedMoneyCorrection(t *testing.T) {
	now := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
	p := &Payment{ID: 3, ResellerID: 2, AccountID: 4, Currency: "USD", DocumentID: "000012"}
	c := NewReceivedMoneyCorrection(p, 25_000_000, 8, now)
	if c.Status != CorrectionStatusApproved || c.BalanceEffect() != 25_000_000 || c.PaymentID != 3 || c.ManagerID != 8 {
		t.Fatalf("correction = %+v", c)
	}
	if want := "Accounting of the amount received on the basis of 000012 from an external system."; c.Comment != want {
		t.Fatalf("comment = %q, want %q", c.Comment, want)
	}
}

// TestCheckCorrectionPlaces: a correction's total may have as many decimal places as
// its currency's minor unit, no more: 2 for USD, 0 for JPY, 3 for KWD.
func TestCheckCorrectionPlaces(t *testing.T) {
	for _, tc := range []struct {
		total, currency string
		ok              bool
	}{
		{"1.25", "USD", true}, {"-1.25", "USD", true}, {"1.255", "USD", false}, {"1.2", "EUR", true},
		{"1200", "JPY", true}, {"1200.5", "JPY", false}, {"-3", "JPY", true},
		{"1.255", "KWD", true}, {"1.2555", "KWD", false}, {"0.001", "BHD", true},
	} {
		a, err := ParseAmount(tc.total)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckCorrectionPlaces(a, tc.currency)
		if tc.ok != (err == nil) {
			t.Errorf("%s %s: %v, want ok %v", tc.total, tc.currency, err, tc.ok)
		}
		if err != nil && (CodeOf(err) != ErrInvalid || err.(*Error).Message != MsgCorrectionTotalPlaces ||
			err.(*Error).Pointer != PtrCorrectionTotal) {
			t.Errorf("%s %s: %#v, want correction_total_places at total", tc.total, tc.currency, err)
		}
	}
}

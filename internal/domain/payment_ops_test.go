package domain

import (
	"strings"
	"testing"
	"time"
)

func strp(s string) *string { return &s }

func TestTopUpInputValidate(t *testing.T) {
	acc := int64(5)
	ok := TopUpInput{AccountID: &acc, Total: strp("199.99"), Comment: strp(" top-up "), Purpose: strp("prepay")}
	r, err := ok.Validate()
	if err != nil || r.AccountID != 5 || r.Total.String() != "199.99" || r.Comment != "top-up" || r.Purpose != "prepay" {
		t.Fatalf("OK: %+v, %v", r, err)
	}
	zero, neg := int64(0), int64(-1)
	for _, tc := range []struct {
		name string
		in   TopUpInput
		want map[string]Message
	}{
		{"ErrEmpty", TopUpInput{}, map[string]Message{PtrPaymentAccount: MsgRequired,
			PtrPaymentTotal: MsgRequired, PtrPaymentComment: MsgRequired}},
		{"ErrValues", TopUpInput{AccountID: &zero, Total: strp("0"), Comment: strp("  "),
			Purpose: strp(strings.Repeat("x", MaxPaymentPurpose+1))}, map[string]Message{PtrPaymentAccount: MsgInvalidID,
			PtrPaymentTotal: MsgPaymentTotalValue, PtrPaymentComment: MsgBlank, PtrPaymentPurpose: MsgTooLong}},
		{"ErrNegative", TopUpInput{AccountID: &neg, Total: strp("-1.5"), Comment: strp("c")},
			map[string]Message{PtrPaymentAccount: MsgInvalidID, PtrPaymentTotal: MsgPaymentTotalValue}},
		{"ErrSyntax", TopUpInput{AccountID: &acc, Total: strp("1e3"), Comment: strp("c")},
			map[string]Message{PtrPaymentTotal: MsgPaymentTotalValue}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Validate()
			got := map[string]Message{}
			for _, e := range Errors(err) {
				got[e.Pointer] = e.Message
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors = %v, want %v", got, tc.want)
			}
			for ptr, msg := range tc.want {
				if got[ptr] != msg {
					t.Errorf("%s: %s, want %s", ptr, got[ptr], msg)
				}
			}
		})
	}
}

func TestNewTopUp(t *testing.T) {
	now := time.Date(2025, 7, 28, 10, 44, 11, 0, time.UTC)
	r := TopUpRequest{AccountID: 505, Total: mustAmount(t, "199.99"), Comment: "top-up payment", Purpose: "prepay payment"}
	p, err := NewTopUp(1, &Account{ID: 505}, r, "USD", "002018", now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Purpose != PaymentForTopUp || p.Status != PaymentStatusWaitingForPayment || p.Total != r.Total ||
		p.InitialTotal != r.Total || p.Currency != "USD" || p.DocumentID != "002018" || p.Description != "prepay payment" ||
		p.ManagerID != 0 || p.PaymentMethodID != 0 || !p.DueDate.IsZero() || !p.ClosedAt.IsZero() || !p.CreatedAt.Equal(now) {
		t.Errorf("top-up = %+v", p)
	}
	for _, tc := range []struct{ total, currency string }{{"199.999", "USD"}, {"10.5", "JPY"}, {"1.0001", "KWD"}} {
		r.Total = mustAmount(t, tc.total)
		if _, err := NewTopUp(1, &Account{ID: 505}, r, tc.currency, "1", now); CodeOf(err) != ErrInvalid {
			t.Errorf("%s %s: err = %v, want invalid", tc.total, tc.currency, err)
		}
	}
	r.Total = mustAmount(t, "1.001")
	if _, err := NewTopUp(1, &Account{ID: 505}, r, "KWD", "1", now); err != nil {
		t.Errorf("1.001 KWD: %v", err)
	}
}

func mustAmount(t *testing.T, s string) Amount {
	t.Helper()
	a, err := ParseAmount(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestValidExternalTransactionID(t *testing.T) {
	for s, want := range map[string]bool{
		"TX-8812": true, "Платёж№5": true, "a$": true, "ab": true, strings.Repeat("x", 255): true,
		"a": false, "": false, "TX 8812": false, "tab\there": false, strings.Repeat("x", 256): false, "\xff\xfe": false,
	} {
		if got := ValidExternalTransactionID(s); got != want {
			t.Errorf("ValidExternalTransactionID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDocumentCompletion(t *testing.T) {
	method := int64(2)
	in := DocumentCompletionInput{PaymentMethodID: &method, Amount: strp("150"), CurrencyCode: strp("USD"),
		ExternalTransactionID: strp("TX-8812")}
	c, err := in.Validate()
	if err != nil || c.PaymentMethodID != 2 || c.Amount == nil || c.Amount.String() != "150.0" || c.Currency != "USD" ||
		c.ExternalTransactionID != "TX-8812" {
		t.Fatalf("OK: %+v, %v", c, err)
	}
	bad := DocumentCompletionInput{Amount: strp("-1"), CurrencyCode: strp("usd"), ExternalTransactionID: strp("x")}
	_, err = bad.Validate()
	got := map[string]bool{}
	for _, e := range Errors(err) {
		got[e.Pointer] = true
	}
	for _, ptr := range []string{PtrPaymentMethodID, PtrPaymentAmount, PtrPaymentCurrency, PtrPaymentExternalID} {
		if !got[ptr] {
			t.Errorf("no error at %s: %v", ptr, err)
		}
	}

	p := &Payment{Status: PaymentStatusWaitingForPayment, Purpose: PaymentForOrder, Total: mustAmount(t, "150"),
		Currency: "USD"}
	amount := func(s string) *Amount { a := mustAmount(t, s); return &a }
	for _, tc := range []struct {
		name       string
		status     PaymentStatus
		c          DocumentCompletion
		msg        Message
		complete   bool
		correction string
	}{
		{"OK", PaymentStatusWaitingForPayment, DocumentCompletion{Amount: amount("150.00"), Currency: "USD"}, "", true, "0"},
		{"OKNoAmount", PaymentStatusExpired, DocumentCompletion{}, "", true, "0"},
		{"OKOver", PaymentStatusWaitingForPayment, DocumentCompletion{Amount: amount("151.25")}, "", true, "1.25"},
		{"OKUnder", PaymentStatusExpired, DocumentCompletion{Amount: amount("1")}, "", false, "1"},
		{"OKCompleted", PaymentStatusCompleted, DocumentCompletion{}, "", false, "150"},
		{"OKCancelled", PaymentStatusCancelled, DocumentCompletion{Amount: amount("120")}, "", false, "120"},
		{"OKFromBalance", PaymentStatusPaidFromBalance, DocumentCompletion{Amount: amount("200")}, "", false, "200"},
		{"ErrCurrency", PaymentStatusWaitingForPayment, DocumentCompletion{Currency: "EUR"}, MsgPaymentCurrencyDiffers, false, "0"},
		{"ErrPlaces", PaymentStatusWaitingForPayment, DocumentCompletion{Amount: amount("150.001")}, MsgAmountMinorUnits, false, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.Status = tc.status
			st, err := p.CheckDocumentCompletion(tc.c)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if st.Complete != tc.complete || st.Correction != mustAmount(t, tc.correction) {
					t.Fatalf("settlement = %+v, want complete=%v correction %s", st, tc.complete, tc.correction)
				}
				return
			}
			es := Errors(err)
			if len(es) != 1 || es[0].Message != tc.msg || es[0].Code != ErrInvalid {
				t.Fatalf("err = %v, want %s", err, tc.msg)
			}
		})
	}
}

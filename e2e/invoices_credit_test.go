package e2e

import (
	"context"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestInvoicesNegativePostpaidCarried bills, through the test clock, a postpaid
// February whose credit correction exceeds its charges: February's invoice is
// negative and has no payment, and its credit becomes an approved correction into
// an invoice, which March's invoice gathers (its total its charges less the credit),
// once however often the pass runs. The ledger's invariant holds after each step.
func TestInvoicesNegativePostpaidCarried(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := inSetup(t, e)
		rid, sub := w.r.ID, w.postSub
		exAdvancePaying(t, s, rid, psAt("2027-02-02", 10)) // paying each invoice
		credit, err := s.Admin.CreateCorrection(ctx, rid, client.CorrectionInput{AccountID: w.postpaid.ID,
			IncludedInvoice: true, SubscriptionID: &sub, Total: "-1000"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Admin.UpdateCorrectionStatus(ctx, rid, credit.ID, "approved"); err != nil {
			t.Fatal(err)
		}
		exAdvancePaying(t, s, rid, psAt("2027-03-02", 10))
		feb := inPostpaidInvoice(t, s, rid, "2027-02-01")
		total, err := domain.ParseAmount(feb.Total)
		if want := inChargesSum(t, s, rid, feb.ChargeIDs) - 1000_000_000; err != nil || total != want || total >= 0 ||
			len(feb.PaymentIDs) != 0 || !slices.Equal(feb.CorrectionIDs, []int64{credit.ID}) {
			t.Fatalf("February's invoice %+v; want its charges less 1000, below zero, no payment", feb)
		}
		carried := inCarriedCredits(t, s, rid, w.postpaid.ID)
		if len(carried) != 1 || carried[0].Total != feb.Total || carried[0].Status != "approved" ||
			carried[0].InvoiceID != nil || carried[0].Comment == nil ||
			*carried[0].Comment != domain.InvoiceCreditComment(feb.DocumentID) {
			t.Fatalf("credit carried %+v; want one approved correction of %s waiting for an invoice", carried, feb.Total)
		}
		mustLedgerConsistent(t, s)

		exAdvancePaying(t, s, rid, psAt("2027-04-02", 10))
		inBillingPass(t, s, psAt("2027-04-02", 11)) // again the same day: nothing new
		mar := inPostpaidInvoice(t, s, rid, "2027-03-01")
		if want := inChargesSum(t, s, rid, mar.ChargeIDs) + total; mar.Total != want.String() ||
			!slices.Equal(mar.CorrectionIDs, []int64{carried[0].ID}) {
			t.Fatalf("March's invoice %+v; want its charges less February's credit %s", mar, feb.Total)
		}
		again := inCarriedCredits(t, s, rid, w.postpaid.ID)
		if again[0].InvoiceID == nil || *again[0].InvoiceID != mar.ID {
			t.Fatalf("February's credit after March's billing: %+v; want it in invoice %d", again[0], mar.ID)
		}
		// March's invoice is still below zero (the credit exceeds a month): the rest
		// goes on to April, carried once.
		if marTotal, _ := domain.ParseAmount(mar.Total); marTotal < 0 &&
			(len(again) != 2 || again[1].Total != mar.Total || again[1].InvoiceID != nil) {
			t.Fatalf("credits carried after March: %+v; want March's %s carried on", again, mar.Total)
		}
		mustLedgerConsistent(t, s)
	})
}

// inPostpaidInvoice returns the one postpaid invoice of reseller rid for the period
// from.
func inPostpaidInvoice(t *testing.T, s *server, rid int64, from string) client.Invoice {
	t.Helper()
	list := inInvoices(t, s.Admin, rid, map[string]string{"from_date": from, "payment_model": "postpay"})
	if len(list) != 1 {
		t.Fatalf("postpaid invoices of %s: %+v", from, list)
	}
	return list[0]
}

// inCarriedCredits lists the corrections of account that carry a negative invoice's
// credit (made by no manager), oldest first.
func inCarriedCredits(t *testing.T, s *server, rid, account int64) []client.Correction {
	t.Helper()
	page, err := s.Admin.ListCorrections(context.Background(), rid, &client.ListOptions{Sort: "id",
		Filter: map[string]string{"account_id": ctID(account)}})
	if err != nil {
		t.Fatal(err)
	}
	var out []client.Correction
	for _, k := range page.Items {
		if k.ManagerID == 0 {
			out = append(out, k)
		}
	}
	return out
}

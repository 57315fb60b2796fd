package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountsToInvoiceWalksItsIndex checks that the billing pass finds the accounts
// to bill through the partial index of the charges still to invoice, in account
// order, without a scan of the charges or a sort: a run costs what is left to bill.
func TestAccountsToInvoiceWalksItsIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		plan, err := db.ExplainAccountsToInvoice(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if problem := planProblem(e.Name, plan); problem != "" {
			t.Errorf("%s in the plan:\n%s", problem, text)
		}
		if !strings.Contains(text, "charges_to_invoice") {
			t.Errorf("the plan does not use charges_to_invoice:\n%s", text)
		}
	})
}

package httpapi

import (
	"net/url"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestInvoiceListDates refuses a period filter that is not a list of days, rather
// than answering an empty page for it, and keeps a list of days as days.
func TestInvoiceListDates(t *testing.T) {
	for _, name := range []string{"from_date", "to_date"} {
		for _, bad := range []string{"2027-02-30", "tomorrow", "2027-02-01,03/01/2027"} {
			q := url.Values{"filter[" + name + "]": {bad}}
			_, err := parseList(q, invoiceList, msk, "")
			var got []string
			for _, e := range domain.Errors(err) {
				got = append(got, e.Parameter+" "+e.Reason)
			}
			if want := []string{"filter[" + name + "] invalid_date"}; !slices.Equal(got, want) {
				t.Errorf("filter[%s]=%s: got %q, want %q", name, bad, got, want)
			}
		}
		q := url.Values{"filter[" + name + "]": {"2027-02-01, 2027-03-01"}}
		lq, err := parseList(q, invoiceList, msk, "")
		if err != nil {
			t.Fatalf("filter[%s] of two days: %v", name, err)
		}
		if len(lq.query.Conditions) != 1 || !slices.Equal(lq.query.Conditions[0].Values, []any{"2027-02-01", "2027-03-01"}) {
			t.Errorf("filter[%s] of two days: conditions %+v", name, lq.query.Conditions)
		}
	}
}

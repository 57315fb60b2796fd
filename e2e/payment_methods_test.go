package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// pmDoc is a catalogue file declaring the given payment methods, "key:name" each.
func pmDoc(methods ...string) string {
	var sb strings.Builder
	sb.WriteString("payment_methods:\n")
	for _, m := range methods {
		k, n, _ := strings.Cut(m, ":")
		fmt.Fprintf(&sb, "  - {key: %s, name: %q}\n", k, n)
	}
	return sb.String()
}

func pmKeys(ms []client.PaymentMethod) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

// TestPaymentMethodsList applies payment methods with a catalogue file and lists
// them: every field, sorts both ways, filters, pages by number and by cursor, and a
// rename by a second file.
func TestPaymentMethodsList(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		ch := cfApply(t, s.Admin, op, pmDoc("cash:Cash", "bank_transfer:Bank transfer", "card:Card", "voucher:Voucher", "crypto:Crypto"))
		if got := cfChangeLines(ch); len(got) != 5 || got[0] != "create payment_method cash" {
			t.Errorf("changes = %q", got)
		}
		page, err := s.Admin.ListPaymentMethods(ctx, op, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := pmKeys(page.Items), []string{"cash", "bank_transfer", "card", "voucher", "crypto"}; !slices.Equal(got, want) || page.TotalCount != 5 {
			t.Fatalf("payment methods = %v (total %d), want %v in id order", got, page.TotalCount, want)
		}
		if m := page.Items[1]; m.Name != "Bank transfer" || m.ID == 0 {
			t.Errorf("bank_transfer = %+v", m)
		}

		byKey, err := s.Admin.ListPaymentMethods(ctx, op, &client.ListOptions{Sort: "-key"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := pmKeys(byKey.Items), []string{"voucher", "crypto", "cash", "card", "bank_transfer"}; !slices.Equal(got, want) {
			t.Errorf("sort=-key: %v, want %v", got, want)
		}
		filtered, err := s.Admin.ListPaymentMethods(ctx, op, &client.ListOptions{Filter: map[string]string{"key": "cash,card"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := pmKeys(filtered.Items); !slices.Equal(got, []string{"cash", "card"}) || filtered.TotalCount != 2 {
			t.Errorf("filter[key]=cash,card: %v (total %d)", got, filtered.TotalCount)
		}

		// Two at a time, by cursor and by number: the same walk.
		var walked []string
		o := &client.ListOptions{PageSize: 2, Sort: "key"}
		for range 5 {
			p, err := s.Admin.ListPaymentMethods(ctx, op, o)
			if err != nil {
				t.Fatal(err)
			}
			walked = append(walked, pmKeys(p.Items)...)
			if p.NextCursor == "" {
				break
			}
			o.After = p.NextCursor
		}
		if want := []string{"bank_transfer", "card", "cash", "crypto", "voucher"}; !slices.Equal(walked, want) {
			t.Errorf("pages by cursor: %v, want %v", walked, want)
		}
		third, err := s.Admin.ListPaymentMethods(ctx, op, &client.ListOptions{PageSize: 2, PageNumber: 3, Sort: "key"})
		if err != nil {
			t.Fatal(err)
		}
		if got := pmKeys(third.Items); !slices.Equal(got, []string{"voucher"}) || third.TotalCount != 5 {
			t.Errorf("page 3 of 2: %v (total %d), want [voucher] of 5", got, third.TotalCount)
		}

		// A second file renames one and adds one; a dry run first changes nothing.
		next := pmDoc("cash:Cash on delivery", "invoice:Invoice")
		if got := cfChangeLines(cfDryRun(t, s.Admin, op, next)); !slices.Equal(got, []string{"update payment_method cash name", "create payment_method invoice"}) {
			t.Errorf("dry run: %q", got)
		}
		if p, _ := s.Admin.ListPaymentMethods(ctx, op, nil); p == nil || p.TotalCount != 5 {
			t.Fatalf("the dry run wrote: %+v", p)
		}
		cfApply(t, s.Admin, op, next)
		all, err := s.Admin.ListPaymentMethods(ctx, op, &client.ListOptions{Filter: map[string]string{"key": "cash,invoice"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) != 2 || all.Items[0].Name != "Cash on delivery" || all.Items[1].Key != "invoice" {
			t.Errorf("after the second file: %+v", all.Items)
		}

		// Bad parameters name themselves.
		ctError(t, s.Admin, ctPath("/resellers/%d/payment_methods?sort=name", op), 400, "unknown_sort", "sort")
		ctError(t, s.Admin, ctPath("/resellers/%d/payment_methods?filter[name]=x", op), 400, "unknown_filter", "filter[name]")
	})
}

// TestPaymentMethodsScopeAndRoles checks who may list a reseller's payment methods:
// every role that reads the catalogue, for its reseller and those below it; a
// reseller of another branch, or none, answers 404 like a missing one.
func TestPaymentMethodsScopeAndRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		a := mustCreateReseller(t, s.Admin, domain.OperatorID, "Branch A")
		below := mustCreateReseller(t, s.Admin, a.ID, "Below A")
		b := mustCreateReseller(t, s.Admin, domain.OperatorID, "Branch B")
		cfApply(t, s.Admin, a.ID, pmDoc("cash:Cash"))
		cfApply(t, s.Admin, below.ID, pmDoc("bank_transfer:Bank transfer"))
		cfApply(t, s.Admin, b.ID, pmDoc("card:Card"))

		for _, role := range []string{"admin", "owner", "sales", "marketing"} {
			c := s.client(mustCreateManager(t, s.Admin, a.ID, role).APIToken)
			own, err := c.ListPaymentMethods(ctx, a.ID, nil)
			if err != nil {
				t.Fatalf("%s of A lists A's payment methods: %v", role, err)
			}
			if got := pmKeys(own.Items); !slices.Equal(got, []string{"cash"}) {
				t.Errorf("%s: A's payment methods = %v", role, got)
			}
			sub, err := c.ListPaymentMethods(ctx, below.ID, nil)
			if err != nil || !slices.Equal(pmKeys(sub.Items), []string{"bank_transfer"}) {
				t.Errorf("%s of A lists the reseller below: %v (%v)", role, sub, err)
			}
			_, err = c.ListPaymentMethods(ctx, b.ID, nil)
			other := apiError(t, err, 404)
			_, err = c.ListPaymentMethods(ctx, 999999, nil)
			missing := apiError(t, err, 404)
			if other.Errors[0].Code != missing.Errors[0].Code || other.Errors[0].Detail != missing.Errors[0].Detail {
				t.Errorf("%s: another branch answers %+v, a missing reseller %+v", role, other.Errors[0], missing.Errors[0])
			}
		}
		// A reseller with none lists none.
		empty, err := s.Admin.ListPaymentMethods(ctx, domain.OperatorID, nil)
		if err != nil || len(empty.Items) != 0 || empty.TotalCount != 0 {
			t.Errorf("the operator's payment methods = %+v (%v), want none", empty, err)
		}
	})
}

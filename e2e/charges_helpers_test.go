package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// mustLedgerConsistent fails t with every violated rule of the account ledger's
// invariant (store.Conn.CheckLedger, the check of `cascade ledger check`).
func mustLedgerConsistent(t testing.TB, s *server) {
	t.Helper()
	if err := s.checkLedger(); err != nil {
		t.Fatal(err)
	}
}

// checkLedger answers the ledger's violations as one error, nil when there are none;
// a server whose database is already closed has nothing to check.
func (s *server) checkLedger() error {
	if s.DB == nil {
		return nil
	}
	violations, err := s.DB.Reader().CheckLedger(context.Background())
	if err != nil {
		return err
	}
	if len(violations) == 0 {
		return nil
	}
	texts := make([]string, len(violations))
	for i, v := range violations {
		texts[i] = v.Text
	}
	return fmt.Errorf("ledger not consistent on %s:\n%s", s.engine.Name, strings.Join(texts, "\n"))
}

// chOrderCharges reads the charges of order id through include=charges.
func chOrderCharges(t *testing.T, c *client.Client, rid, id int64) []client.Charge {
	t.Helper()
	var included []client.Resource
	if _, err := c.GetOrder(context.Background(), rid, id, &included, client.WithInclude("charges")); err != nil {
		t.Fatalf("order %d with charges: %v", id, err)
	}
	var out []client.Charge
	for _, r := range included {
		if r.Type != "charges" {
			continue
		}
		var ch client.Charge
		if err := json.Unmarshal(r.Attributes, &ch); err != nil {
			t.Fatal(err)
		}
		out = append(out, ch)
	}
	return out
}

// chWantCharges checks that the charges of order o are in status want and sum to
// its total, refunds counting negative.
func chWantCharges(t *testing.T, c *client.Client, rid int64, o *client.Order, want map[string]string) []client.Charge {
	t.Helper()
	charges := chOrderCharges(t, c, rid, o.ID)
	if len(charges) == 0 {
		t.Fatalf("order %s has no charges", o.DocumentID)
	}
	var sum domain.Amount
	for _, ch := range charges {
		a, err := domain.ParseAmount(ch.Amount)
		if err != nil {
			t.Fatalf("charge amount %q: %v", ch.Amount, err)
		}
		if ch.Type == "Charge::Refund" {
			a = -a
		}
		sum += a
		if st := want[ch.Type]; st != ch.Status {
			t.Errorf("order %s: %s charge is %s, want %s", o.DocumentID, ch.Type, ch.Status, st)
		}
	}
	total, err := domain.ParseAmount(o.Total)
	if err != nil || sum != total {
		t.Errorf("order %s: charges sum to %s, order totals %s", o.DocumentID, sum, o.Total)
	}
	return charges
}

// chMoney reads an account's balance and available balance.
func chMoney(t *testing.T, c *client.Client, rid, id int64) (balance, available string) {
	t.Helper()
	a, err := c.GetAccount(context.Background(), rid, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance, a.AvailableBalance
}

// chWantMoney checks an account's balance and available balance.
func chWantMoney(t *testing.T, c *client.Client, rid, id int64, balance, available string) {
	t.Helper()
	b, a := chMoney(t, c, rid, id)
	if !twSameMoney(b, balance) || !twSameMoney(a, available) {
		t.Fatalf("account %d: balance %s, available %s; want %s, %s", id, b, a, balance, available)
	}
}

// chTopUp tops up account id by total, paid in cash.
func chTopUp(t *testing.T, w *okWorld, id int64, total string) {
	t.Helper()
	ctx := context.Background()
	p, err := w.sales.CreatePayment(ctx, w.r.ID, client.TopUpInput{AccountID: id, Total: json.Number(total), Comment: "top-up"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash); err != nil {
		t.Fatal(err)
	}
}

// chCoverage produces the documented answers of the charges endpoints of the
// reseller at rp, which has an order, but the database-down ones, and returns the
// path of one of its charges.
func chCoverage(t *testing.T, admin, anon *client.Client, rp string) string {
	t.Helper()
	resp := ocDo(t, admin, "GET", rp+"/charges?include=reseller,account,subscription,plan&sort=-created_at"+
		"&filter[status]=new,blocked&filter[created_at][gt]=2000-01-01", "", "", 200)
	ocDo(t, admin, "GET", rp+"/charges?filter[close_date][lt]=2100-01-01&filter[close_date][gt]=2000-01-01", "", "", 200)
	ocError(t, admin, "GET", rp+"/charges?filter[close_date]=soon", "", "", 400, "invalid_date")
	ocError(t, anon, "GET", rp+"/charges", "", "", 401, "token_missing")
	ocError(t, admin, "GET", "/api/v3/resellers/999999/charges", "", "", 404, "reseller_not_found")
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &page); err != nil || len(page.Data) == 0 {
		t.Fatalf("charges page: %v: %s", err, resp.Body)
	}
	path := rp + "/charges/" + page.Data[0].ID
	ocDo(t, admin, "GET", path+"?include=reseller,account,subscription,plan", "", "", 200)
	ocError(t, admin, "GET", path+"?include=invoice", "", "", 400, "unknown_include")
	ocError(t, anon, "GET", path, "", "", 401, "token_missing")
	ocError(t, admin, "GET", rp+"/charges/999999", "", "", 404, "charge_not_found")
	return path
}

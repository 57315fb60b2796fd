package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// spCatalog is soCatalog with a plan of two resources, whose subscriptions show
// them with include=subscription_resources.
const spCatalog = soCatalog + `  - {key: res, product: mail, name: Mail Boxes, status: active, public: true, billing_type: pay_as_you_go,
     currency: USD, service_term: auto, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}],
     resources: [{key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50,
       recurring_fee: "2.50"}, {key: archive, name: Archive, unit: boolean, included: 0, minimum: 0, limit: 1}]}
`

// spDocument is an answer's data and included resources as the bytes the server sent.
type spDocument struct {
	Data     json.RawMessage   `json:"data"`
	Included []json.RawMessage `json:"included"`
}

// spGet reads path raw and splits it into its data and included resources.
func spGet(t *testing.T, s *server, path string) spDocument {
	t.Helper()
	var doc spDocument
	if err := json.Unmarshal(ocDo(t, s.Admin, "GET", path, "", "", 200).Body, &doc); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return doc
}

// TestSubscriptionPageMatchesEachSubscription reads a page of subscriptions of
// several plans, one of them on a credit-held account, with every include, and
// finds each row and each included object byte for byte as the subscription's own
// answer shows it: the page reads its accounts' credit hold, plans and resources
// once for all its rows, and must not answer differently from one subscription.
func TestSubscriptionPageMatchesEachSubscription(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		cfApply(t, s.Admin, w.r.ID, spCatalog)
		var ids []int64
		for _, plan := range []string{"auto", "res", "manual", "once", "res", "nodel"} {
			if plan == "res" {
				ids = append(ids, spBuyResources(t, w))
				continue
			}
			ids = append(ids, w.buy(t, w.sales, w.r.ID, w.postpaid.ID, plan).ID)
		}
		heldIn := acPerson("Hugo", "Held")
		heldIn.AccountClassKey = client.String("postpay")
		held := acMustCreate(t, s.Admin, w.r.ID, heldIn)
		heldSub := w.buy(t, w.sales, w.r.ID, held.ID, "auto")
		free := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		ids = append(ids, heldSub.ID, free.ID)
		for _, id := range []int64{heldSub.ID, free.ID} {
			if err := w.sales.StopSubscription(ctx, w.r.ID, id, soNote); err != nil {
				t.Fatal(err)
			}
			soWait(t, w.sales, w.r.ID, id, "stopped")
		}
		// Both stopped subscriptions become prepaid; only one account goes on credit
		// hold, which Cascade sets by itself (the API cannot), so it is written here.
		err := s.DB.InTx(ctx, func(tx *store.Conn) error {
			acc, err := tx.FindAccountForUpdate(ctx, held.ID)
			if err != nil {
				return err
			}
			acc.Status = domain.AccountStatusCreditHold
			if err := tx.UpdateAccount(ctx, acc); err != nil {
				return err
			}
			for _, id := range []int64{heldSub.ID, free.ID} {
				sub, err := tx.FindSubscriptionForUpdate(ctx, 0, id)
				if err != nil {
					return err
				}
				sub.PaymentModel = domain.PaymentModelPrepay
				if err := tx.UpdateSubscription(ctx, sub); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		includes := "include=account,plan,subscription_period,subscription_resources"
		base := fmt.Sprintf("/api/v3/resellers/%d/subscriptions", w.r.ID)
		page := spGet(t, s, base+"?sort=id&page[size]=50&"+includes)
		var rows []json.RawMessage
		if err := json.Unmarshal(page.Data, &rows); err != nil || len(rows) != len(ids) {
			t.Fatalf("page of %d rows, want %d: %v", len(rows), len(ids), err)
		}
		resources := 0
		for _, inc := range page.Included {
			if bytes.Contains(inc, []byte(`"type":"subscription_resources"`)) {
				resources++
			}
		}
		if resources != 4 {
			t.Errorf("the page includes %d subscription resources, want 4", resources)
		}
		for i, id := range ids {
			one := spGet(t, s, fmt.Sprintf("%s/%d?%s", base, id, includes))
			if !bytes.Equal(rows[i], one.Data) {
				t.Errorf("subscription %d\n on the page: %s\n on its own:  %s", id, rows[i], one.Data)
			}
			for _, inc := range one.Included {
				if !spContains(page.Included, inc) {
					t.Errorf("subscription %d includes %s, which the page does not", id, inc)
				}
			}
		}
		// The credit hold of the account is what tells the two prepaid stopped
		// subscriptions apart.
		var abilities []struct {
			ID         string `json:"id"`
			Attributes struct {
				Ability map[string]bool `json:"ability"`
			} `json:"attributes"`
		}
		if err := json.Unmarshal(page.Data, &abilities); err != nil {
			t.Fatal(err)
		}
		activate := map[string]bool{}
		for _, a := range abilities {
			activate[a.ID] = a.Attributes.Ability["activate"]
		}
		if activate[fmt.Sprint(heldSub.ID)] || !activate[fmt.Sprint(free.ID)] {
			t.Errorf("activate on the page: credit-held %v, not held %v; want false, true",
				activate[fmt.Sprint(heldSub.ID)], activate[fmt.Sprint(free.ID)])
		}
	})
}

// spBuyResources buys the plan res with three mailboxes and the archive for the
// postpaid account, and returns the subscription's id.
func spBuyResources(t *testing.T, w *soWorld) int64 {
	t.Helper()
	plan := atPlan(t, w.sales, w.r.ID, "res")
	o, err := w.sales.CreateSalesOrder(context.Background(), w.r.ID, client.SalesOrderInput{AccountID: w.postpaid.ID,
		PlanID: plan.ID, PlanPeriodID: plan.Periods[0].ID, PaymentModel: "postpay",
		Resources: &client.ResourceList{Data: []client.ResourceQuantity{
			{PlanResourceID: atResource(t, plan, "mailbox"), Quantity: 3},
			{PlanResourceID: atResource(t, plan, "archive"), Quantity: 1}}}})
	if err != nil {
		t.Fatalf("buy res: %v", err)
	}
	odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
	return o.SubscriptionID
}

// spContains reports whether resources holds r, byte for byte.
func spContains(resources []json.RawMessage, r json.RawMessage) bool {
	for _, x := range resources {
		if bytes.Equal(x, r) {
			return true
		}
	}
	return false
}

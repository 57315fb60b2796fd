package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestSubscriptionPageFollowsOrdersOfItsRows reads a page of subscriptions, buys a
// subscription that falls after it (the page answers the same rows), and then
// places a change order on the page's first subscription, which waits for its
// payment: the page must show that subscription as its own answer does, with the
// ability of a subscription whose order is in flight, not as before.
func TestSubscriptionPageFollowsOrdersOfItsRows(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		var ids []int64
		for range 3 {
			ids = append(ids, w.buy(t, w.prepaid, "flex-basic", "1m", 3))
		}
		path := fmt.Sprintf("/api/v3/resellers/%d/subscriptions?page[size]=2", w.r.ID)
		rows := func() []json.RawMessage {
			t.Helper()
			var out []json.RawMessage
			if err := json.Unmarshal(spGet(t, s, path).Data, &out); err != nil || len(out) != 2 {
				t.Fatalf("page of %d rows, want 2: %v", len(out), err)
			}
			return out
		}
		before := rows()
		w.buy(t, w.prepaid, "flex-basic", "1m", 3)
		if after := rows(); !bytes.Equal(after[0], before[0]) || !bytes.Equal(after[1], before[1]) {
			t.Fatalf("a sale after the page changed it:\n before %s\n after  %s", before, after)
		}
		_, res := w.subscription(t, ids[0])
		if _, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: ids[0],
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res[0].ID,
				Additional: 4}}}}); err != nil {
			t.Fatal(err)
		}
		own := spGet(t, s, fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d", w.r.ID, ids[0])).Data
		after := rows()
		if !bytes.Equal(after[0], own) {
			t.Fatalf("subscription %d with a change order in flight\n on the page: %s\n on its own:  %s", ids[0],
				after[0], own)
		}
		if bytes.Equal(after[0], before[0]) {
			t.Fatalf("the change order in flight changed nothing the page shows of subscription %d: %s", ids[0],
				after[0])
		}
	})
}

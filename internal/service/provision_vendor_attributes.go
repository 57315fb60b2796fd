package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// vendorSubscriptionAttributes returns the attributes of subscription sub as the
// vendor receives them: the order attribute values its sales order was validated
// with (the application attributes of that task, after every step of the chain), as
// strings; an empty map when the order had none. Every call about the subscription
// carries them, so a vendor never has to remember what the create said. order is
// the order of the call (nil for none): when it is the subscription's sales order
// made without attributes, as most creates are, nothing is read.
func (s *Service) vendorSubscriptionAttributes(ctx context.Context, c *store.Conn, sub *domain.Subscription,
	order *domain.Order) (map[string]string, error) {
	out := map[string]string{}
	if order != nil && order.Kind == domain.SalesOrder && order.SubscriptionID == sub.ID && order.AsyncTaskID == "" {
		return out, nil // a subscription has one sales order, and this one had no task
	}
	taskID, result, err := c.FindSalesOrderTask(ctx, sub.ID)
	if err != nil || len(result) == 0 {
		return out, err // no task, or one pruned since: nothing left to send
	}
	out, err = applicationTexts(result)
	if err != nil {
		return nil, fmt.Errorf("read the attributes of subscription %d from task %s: %w", sub.ID, taskID, err)
	}
	return out, nil
}

// applicationTexts returns the application attributes of a validation task's
// result as texts (attributeText). Numbers are kept as written, so the create
// carries the literal the vendor's validation saw ("12.50", not "12.5"), and a long
// one is not rounded to a float.
func applicationTexts(result json.RawMessage) (map[string]string, error) {
	var results AttributeResults
	d := json.NewDecoder(bytes.NewReader(result))
	d.UseNumber()
	if err := d.Decode(&results); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(results.ApplicationAttributes))
	for k, v := range results.ApplicationAttributes {
		out[k] = attributeText(v)
	}
	return out, nil
}

// attributeText is an attribute value as the protocol's string map carries it: a
// string as itself, null as "", and a number or checkbox as its JSON text.
func attributeText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

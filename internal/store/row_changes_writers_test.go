package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// rememberedColumnWriters are the statements besides UpdateOrder and
// UpdateSubscription that write a column those updates compare with what the
// transaction read, each with why the comparison stays right.
var rememberedColumnWriters = map[string]string{
	// Sent just before the commit, on an order the transaction created (not
	// remembered): no later update compares with it.
	"orders.payment_id": "order.go",
	// UpdateSubscriptionVendor moves the remembered values (wroteSubscriptionVendor).
	"subscriptions.updated_at":                 "subscription_vendor.go",
	"subscriptions.external_id":                "subscription_vendor.go",
	"subscriptions.vendor_attributes":          "subscription_vendor.go",
	"subscriptions.provisioning_error_code":    "subscription_vendor.go",
	"subscriptions.provisioning_error_message": "subscription_vendor.go",
	"subscriptions.provisioning_error_at":      "subscription_vendor.go",
	"subscriptions.provisioning_job_id":        "subscription_vendor.go",
}

// TestRememberedColumnsHaveNoOtherWriters fails when a statement of the store
// writes a column of orderUpdates or subscriptionUpdates outside the two updates
// and the writers listed above: the next update of the row in the transaction
// would compare with a value the row no longer holds and could skip the write.
func TestRememberedColumnsHaveNoOtherWriters(t *testing.T) {
	remembered := map[string]map[string]bool{"orders": {}, "subscriptions": {}}
	for _, u := range []*updatableColumns{orderUpdates, subscriptionUpdates} {
		for _, name := range u.names {
			remembered[u.table][name] = true
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	update := regexp.MustCompile("(?s)UPDATE (orders|subscriptions) SET (.*?)(WHERE|`)")
	assigned := regexp.MustCompile(`(\w+) = `)
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range update.FindAllStringSubmatch(string(src), -1) {
			checked++
			for _, a := range assigned.FindAllStringSubmatch(m[2], -1) {
				column := m[1] + "." + a[1]
				if !remembered[m[1]][a[1]] || rememberedColumnWriters[column] == file {
					continue
				}
				t.Errorf("%s writes %s, which UpdateOrder or UpdateSubscription compares with the row "+
					"as read: move the remembered value too and list the writer here", file, column)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no UPDATE of orders or subscriptions found: the pattern no longer matches the store's SQL")
	}
}

package store

import "sort"

// listColumns holds the column map of every list the store answers, by the
// resource it lists. The API declares the filters and sorts of its lists on its
// own side; ListFields lets a test hold the two against each other.
var listColumns = map[string]map[string]column{
	"accounts":           accountFields,
	"resellers":          resellerFields,
	"managers":           managerFields,
	"manager_roles":      managerRoleFields,
	"product_categories": categoryFields,
	"products":           productFields,
	"plans":              planFields,
	"payment_methods":    paymentMethodFields,
	"orders":             orderFields,
	"subscriptions":      subscriptionFields,
	"payments":           paymentFields,
	"currency_rates":     currencyRateFields,
	"corrections":        correctionFields,
	"invoices":           invoiceFields,
	"charges":            chargeFields,
}

// listSpecialFilters are filters a list answers without a column of its map:
// FindAccounts turns user_email into a subquery of the account's users.
var listSpecialFilters = map[string][]string{
	"accounts": {"user_email"},
}

// ListField is one field a list of the store can filter or sort by.
type ListField struct {
	Name string
	// Searchable fields take "contains" filters: they have a folded column and a
	// search index.
	Searchable bool
	// FilterOnly fields have no column to sort by.
	FilterOnly bool
}

// ListFields returns the fields of every list the store answers, by the resource
// listed, each list's fields sorted by name.
func ListFields() map[string][]ListField {
	out := map[string][]ListField{}
	for list, cols := range listColumns {
		for name, col := range cols {
			out[list] = append(out[list], ListField{Name: name, Searchable: col.folded != "" && col.search != ""})
		}
		for _, name := range listSpecialFilters[list] {
			out[list] = append(out[list], ListField{Name: name, FilterOnly: true})
		}
		sort.Slice(out[list], func(i, j int) bool { return out[list][i].Name < out[list][j].Name })
	}
	return out
}

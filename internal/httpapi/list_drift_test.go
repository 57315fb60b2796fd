package httpapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
)

// apiLists pairs every list declaration of the API with the store list that answers
// it (store.ListFields names them by resource).
var apiLists = map[string]struct {
	spec     listSpec
	resource string
}{
	"accountList":             {accountList, "accounts"},
	"childAccountList":        {childAccountList, "accounts"},
	"resellerList":            {resellerList, "resellers"},
	"managerList":             {managerList, "managers"},
	"childManagerList":        {childManagerList, "managers"},
	"managerRoleList":         {managerRoleList, "manager_roles"},
	"categoryList":            {categoryList, "product_categories"},
	"productList":             {productList, "products"},
	"planList":                {planList, "plans"},
	"switchablePlanList":      {switchablePlanList, "plans"},
	"childPlanList":           {childPlanList, "plans"},
	"paymentMethodList":       {paymentMethodList, "payment_methods"},
	"orderList":               {orderList, "orders"},
	"subscriptionList":        {subscriptionList, "subscriptions"},
	"childSubscriptionList":   {childSubscriptionList, "subscriptions"},
	"paymentList":             {paymentList, "payments"},
	"currencyRateHistoryList": {currencyRateHistoryList, "currency_rates"},
	"correctionList":          {correctionList, "corrections"},
	"invoiceList":             {invoiceList, "invoices"},
	"chargeList":              {chargeList, "charges"},
}

// storeOnlyFields are the fields a store list maps that no API list sends, as
// "resource.field", each with the reason it stays. There are none today.
var storeOnlyFields = map[string]string{}

// TestListSpecsMatchStoreColumns holds the filters and sorts each API list accepts
// against the columns of the store list that answers it: every filter and sort the
// API lets through has a column (a contains filter a searchable one), and every
// column of a store list is reachable from the API or listed in storeOnlyFields
// with its reason. It also checks that apiLists names every listSpec the package
// declares.
func TestListSpecsMatchStoreColumns(t *testing.T) {
	declared := packageListSpecs(t)
	for _, name := range declared {
		if _, ok := apiLists[name]; !ok {
			t.Errorf("list %s is not in apiLists: name the store list that answers it", name)
		}
	}
	for name := range apiLists {
		if !slices.Contains(declared, name) {
			t.Errorf("apiLists names %s, which the package does not declare", name)
		}
	}

	fields := store.ListFields()
	reached := map[string]bool{}
	for name, l := range apiLists {
		cols := map[string]store.ListField{}
		for _, f := range fields[l.resource] {
			cols[f.Name] = f
		}
		if len(cols) == 0 {
			t.Errorf("%s: the store has no list %q", name, l.resource)
			continue
		}
		for filter, fs := range l.spec.filters {
			col, ok := cols[filter]
			switch {
			case !ok:
				t.Errorf("%s: filter[%s] has no column in the store's %s", name, filter, l.resource)
			case fs.kind == kindContains && !col.Searchable:
				t.Errorf("%s: filter[%s] is a contains filter, but %s.%s has no folded column and search index", name, filter, l.resource, filter)
			}
			reached[l.resource+"."+filter] = true
		}
		for _, sortField := range l.spec.sorts {
			col, ok := cols[sortField]
			switch {
			case !ok:
				t.Errorf("%s: sort=%s has no column in the store's %s", name, sortField, l.resource)
			case col.FilterOnly:
				t.Errorf("%s: sort=%s, but %s.%s is only a filter", name, sortField, l.resource, sortField)
			}
			reached[l.resource+"."+sortField] = true
		}
	}
	for resource, fs := range fields {
		for _, f := range fs {
			key := resource + "." + f.Name
			if _, documented := storeOnlyFields[key]; !reached[key] && !documented {
				t.Errorf("the store's %s maps %s, which no API list sends: drop it or add it to storeOnlyFields with the reason", resource, f.Name)
			}
			if _, documented := storeOnlyFields[key]; reached[key] && documented {
				t.Errorf("storeOnlyFields lists %s, which an API list sends", key)
			}
		}
	}
}

// packageListSpecs returns the names of the package-level variables of the package
// (tests left out) that hold a listSpec: a listSpec literal, or a function literal
// returning one that is called at once.
func packageListSpecs(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, f := range parsePackage(t) {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					if isListSpec(vs.Type) || isListSpec(v) {
						names = append(names, vs.Names[i].Name)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// isListSpec reports whether e is the type listSpec, a listSpec literal or a call of
// a function literal returning a listSpec.
func isListSpec(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "listSpec"
	case *ast.CompositeLit:
		return isListSpec(e.Type)
	case *ast.CallExpr:
		fn, ok := e.Fun.(*ast.FuncLit)
		return ok && fn.Type.Results != nil && len(fn.Type.Results.List) == 1 && isListSpec(fn.Type.Results.List[0].Type)
	}
	return false
}

// parsePackage parses the package's own source files, tests left out.
func parsePackage(t *testing.T) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

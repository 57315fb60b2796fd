package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cascade-billing/cascade/examples"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// DemoManager is a demo manager and its API token.
type DemoManager struct {
	ResellerID   int64
	ResellerName string
	Role         domain.Role
	Name         string
	Email        string
	Token        string
}

type demoReseller struct {
	key, parent                 string // parent "" is the operator
	name, domain, currency      string
	city, country, phone, email string
	contactFirst, contactLast   string
	upstreamManager             string // key of the parent's manager to attach
	managers                    []demoManager
}

type demoManager struct {
	key, name string
	role      domain.Role
}

// The demo tree: the operator, two distributors, resellers below one of them and a
// fourth level below that, with managers of every role at several levels.
var demoTree = []demoReseller{
	{key: "operator", managers: []demoManager{
		{"op-owner", "Olivia Owner", domain.RoleOwner},
		{"op-sales", "Sam Sales", domain.RoleSales},
		{"op-marketing", "Mia Marketing", domain.RoleMarketing},
	}},
	{key: "northwind", name: "Northwind Cloud", domain: "northwind.demo.cascade.localhost", currency: "EUR",
		city: "Berlin", country: "DE", phone: "+493012345678", email: "billing@northwind.example",
		contactFirst: "Nora", contactLast: "Winter", upstreamManager: "op-sales",
		managers: []demoManager{
			{"nw-admin", "Nils Admin", domain.RoleAdmin},
			{"nw-owner", "Nadia Owner", domain.RoleOwner},
			{"nw-sales", "Noah Sales", domain.RoleSales},
		}},
	{key: "contoso", parent: "northwind", name: "Contoso Partners", domain: "contoso.demo.cascade.localhost",
		currency: "EUR", city: "Vienna", country: "AT", phone: "+4311234567", email: "office@contoso.example",
		contactFirst: "Carl", contactLast: "Stone", upstreamManager: "nw-sales",
		managers: []demoManager{
			{"co-admin", "Clara Admin", domain.RoleAdmin},
			{"co-sales", "Chris Sales", domain.RoleSales},
			{"co-marketing", "Cora Marketing", domain.RoleMarketing},
		}},
	{key: "fabrikam", parent: "contoso", name: "Fabrikam IT", domain: "fabrikam.demo.cascade.localhost",
		currency: "EUR", city: "Graz", country: "AT", phone: "+433161234567", email: "it@fabrikam.example",
		contactFirst: "Felix", contactLast: "Berg",
		managers: []demoManager{{"fa-admin", "Fiona Admin", domain.RoleAdmin}}},
	{key: "litware", parent: "northwind", name: "Litware Services", domain: "litware.demo.cascade.localhost",
		currency: "EUR", city: "Munich", country: "DE", phone: "+498912345678", email: "hello@litware.example",
		contactFirst: "Lena", contactLast: "Kraus"},
	{key: "tailspin", name: "Tailspin Distribution", domain: "tailspin.demo.cascade.localhost", currency: "USD",
		city: "Austin", country: "US", phone: "+15125550100", email: "ap@tailspin.example",
		contactFirst: "Tom", contactLast: "Reed", upstreamManager: "op-owner",
		managers: []demoManager{{"ts-admin", "Tara Admin", domain.RoleAdmin}}},
}

// Demo is what one seeding of the demo created.
type Demo struct {
	Managers      []DemoManager
	Subscriptions []DemoSubscription
}

// SeedDemo adds the demo tree, its catalogues and its accounts through the same
// service calls the API makes, acting as the operator's administrator. It does
// nothing when the demo data is already there, and returns the new managers' tokens
// otherwise.
func SeedDemo(ctx context.Context, svc *service.Service) ([]DemoManager, error) {
	d, err := seedDemo(ctx, svc, nil, demoSetup{})
	return d.Managers, err
}

// SeedDemoWithSales is SeedDemo followed, when it created the demo data, by the demo's
// orders and subscriptions (see seedDemoSales); jobs delivers their provisioning
// before it returns, so their statuses are the ones the API shows at once.
func SeedDemoWithSales(ctx context.Context, svc *service.Service, jobs DueRunner) (Demo, error) {
	return seedDemo(ctx, svc, jobs, demoSetup{})
}

// demoSetup adapts the seeding to where the demo runs.
type demoSetup struct {
	// catalog replaces the operator's catalogue file (examples.Catalog) when set.
	catalog []byte
	// ready, when set, runs once the catalogues are applied, before the sales.
	ready func(context.Context) error
}

// operatorCatalog is the operator's catalogue file of the demo.
func (s demoSetup) operatorCatalog() []byte {
	if s.catalog != nil {
		return s.catalog
	}
	return examples.Catalog
}

// seedDemo seeds the demo data, with the sales when jobs is not nil.
func seedDemo(ctx context.Context, svc *service.Service, jobs DueRunner, setup demoSetup) (Demo, error) {
	actor, err := svc.OperatorActor(ctx)
	if err != nil {
		return Demo{}, err
	}
	// The first object the demo creates tells whether it ran before.
	probe := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}.
		Where("manager_key", domain.OpIn, demoTree[0].managers[0].key)
	if _, n, err := svc.FindManagers(ctx, actor, domain.OperatorID, probe); err != nil || n.Total > 0 {
		return Demo{}, err
	}
	ids := map[string]int64{"operator": domain.OperatorID, "": domain.OperatorID}
	names := map[string]string{"operator": "Cascade Operator"}
	managers := map[string]int64{}
	var out []DemoManager
	for _, d := range demoTree {
		if d.key != "operator" {
			change := domain.ResellerChange{Name: &d.name, Domain: &d.domain, Currency: &d.currency,
				Company: domain.CompanyChange{Name: ptr(d.name + " Ltd"), City: &d.city, Country: &d.country,
					Phone: &d.phone, Email: &d.email},
				Contacts:         domain.ContactsChange{FirstName: &d.contactFirst, LastName: &d.contactLast},
				CustomAttributes: map[string]*string{"inn": ptr("")}}
			if d.upstreamManager != "" {
				change.ManagerID = ptr(managers[d.upstreamManager])
			}
			r, err := svc.CreateReseller(ctx, actor, ids[d.parent], change)
			if err != nil {
				return Demo{}, fmt.Errorf("demo reseller %s: %w", d.key, err)
			}
			ids[d.key], names[d.key] = r.ID, r.General.Name
		}
		for _, dm := range d.managers {
			email := dm.key + "@demo.cascade.localhost"
			role := string(dm.role)
			m, token, err := svc.CreateManager(ctx, actor, ids[d.key], domain.ManagerChange{
				Name: ptr(dm.name), Email: &email, Role: &role, Password: ptr(service.NewToken() + "7q"), // letters and a digit, whatever the draw
				ManagerKey: ptr(dm.key)})
			if err != nil {
				return Demo{}, fmt.Errorf("demo manager %s: %w", dm.key, err)
			}
			managers[dm.key] = m.ID
			out = append(out, DemoManager{ResellerID: ids[d.key], ResellerName: names[d.key], Role: dm.role,
				Name: dm.name, Email: email, Token: token})
		}
	}
	// The example catalogue, and Northwind's, which hands some of it on to Contoso.
	for _, c := range []struct {
		reseller int64
		doc      []byte
	}{{domain.OperatorID, setup.operatorCatalog()}, {ids["northwind"], examples.NorthwindCatalog}} {
		if _, err := svc.ApplyCatalog(ctx, actor, c.reseller, c.doc, false); err != nil {
			return Demo{}, fmt.Errorf("demo catalogue of reseller %d: %w", c.reseller, err)
		}
	}
	// The operator sells in US dollars and prices one plan in euros: its EUR rate
	// converts that plan's orders.
	eur := []domain.CurrencyRateInput{{Base: ptr("USD"), Foreign: ptr("EUR"), Quantity: ptr(int64(1)),
		Rate: ptr(demoEURRate), ShowForClient: ptr(true)}}
	if op, err := svc.FindCurrencyRates(ctx, actor, domain.OperatorID); err == nil && op.Currency == "USD" {
		if _, err := svc.UpdateCurrencyRates(ctx, actor, domain.OperatorID, eur); err != nil {
			return Demo{}, fmt.Errorf("demo currency rates: %w", err)
		}
	} else if err != nil {
		return Demo{}, err
	}
	if setup.ready != nil {
		if err := setup.ready(ctx); err != nil {
			return Demo{}, err
		}
	}
	demo := Demo{Managers: out}
	accounts, err := seedDemoAccounts(ctx, svc, actor, ids, managers)
	if err != nil || jobs == nil {
		return demo, err
	}
	demo.Subscriptions, err = seedDemoSales(ctx, svc, actor, jobs, accounts)
	return demo, err
}

// PrintDemoTokens writes the demo managers and their tokens as a table.
func PrintDemoTokens(w io.Writer, ms []DemoManager) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESELLER\tID\tROLE\tMANAGER\tAPI TOKEN")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", m.ResellerName, m.ResellerID, m.Role, m.Name, m.Token)
	}
	tw.Flush()
}

func ptr[T any](v T) *T { return &v }

// demoEURRate is what one euro costs in US dollars in the demo.
const demoEURRate = "1.08"

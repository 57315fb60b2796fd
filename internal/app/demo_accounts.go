package app

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// demoAccount is a customer of a demo reseller.
type demoAccount struct {
	reseller, manager          string // keys of the demo tree; manager "" links none
	company                    string // "" makes a personal account
	first, last, email         string
	country, city, phone, inn  string
	class, externalKey, status string
}

var demoAccounts = []demoAccount{
	{reseller: "operator", manager: "op-sales", first: "Paula", last: "Private", email: "paula@customer.example",
		country: "US", city: "Seattle", phone: "+12065550123"},
	{reseller: "northwind", manager: "nw-sales", company: "Adatum Corporation", first: "Adam", last: "Adler",
		email: "it@adatum.example", country: "DE", city: "Hamburg", phone: "+494012345678", inn: "DE123456789",
		class: "postpay", externalKey: "crm-1001"},
	{reseller: "northwind", company: "Proseware Studio", first: "Petra", last: "Sommer",
		email: "office@proseware.example", country: "DE", city: "Cologne", externalKey: "crm-1002"},
	{reseller: "contoso", manager: "co-sales", company: "Woodgrove Bank", first: "Walter", last: "Grove",
		email: "cloud@woodgrove.example", country: "AT", city: "Linz", phone: "+43732123456", inn: "ATU12345678",
		class: "prepay"},
	{reseller: "fabrikam", first: "Franz", last: "Huber", email: "franz.huber@customer.example", country: "AT",
		city: "Graz"},
	{reseller: "tailspin", company: "Wide World Importers", first: "Wendy", last: "Wu", email: "ops@wwi.example",
		country: "US", city: "Dallas", status: string(domain.AccountStatusAdministrativeHold)},
}

// seedDemoAccounts adds the demo accounts, each with its Owner user, through the
// service as the API would. ids and managers map the demo tree's keys to ids. It
// returns the new accounts by e-mail.
func seedDemoAccounts(ctx context.Context, svc *service.Service, actor domain.Actor, ids, managers map[string]int64) (map[string]*domain.Account, error) {
	out := map[string]*domain.Account{}
	for _, d := range demoAccounts {
		typeID := int64(2) // personal
		c := domain.AccountChange{AccountTypeID: &typeID, FirstName: ptr(d.first), LastName: ptr(d.last),
			Email: ptr(d.email), Country: ptr(d.country), City: ptr(d.city)}
		if d.company != "" {
			typeID = 1 // business
			c.PrimaryName = ptr(d.company)
		}
		for _, f := range []struct {
			dst **string
			v   string
		}{{&c.Phone, d.phone}, {&c.INN, d.inn}, {&c.AccountClassKey, d.class}, {&c.ExternalKey, d.externalKey},
			{&c.Status, d.status}} {
			if f.v != "" {
				*f.dst = ptr(f.v)
			}
		}
		if d.manager != "" {
			c.ManagerID = ptr(managers[d.manager])
		}
		acc, err := svc.CreateAccount(ctx, actor, ids[d.reseller], c)
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", d.email, err)
		}
		out[d.email] = acc
	}
	return out, nil
}

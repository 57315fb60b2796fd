package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// Parallel patches of different fields of one object all survive: each update reads
// the object under a row lock, so none writes back a copy read before another's
// change.
func TestConcurrentPatchesKeepEveryChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r := mustCreateReseller(t, s.Admin, 1, "Parallel")
		t.Run("reseller", func(t *testing.T) { cwPatchRace(t, cwReseller(s, r.ID)) })
		acc := acMustCreate(t, s.Admin, r.ID, acPerson("Pat", "Parallel"))
		t.Run("account", func(t *testing.T) { cwPatchRace(t, cwAccount(s, r.ID, acc.ID)) })
		m := mustCreateManager(t, s.Admin, r.ID, "sales")
		t.Run("manager", func(t *testing.T) { cwPatchRace(t, cwManager(s, r.ID, m.ID)) })
	})
}

type (
	rsField = cwField[client.ResellerInput, client.Reseller]
	acField = cwField[client.AccountInput, client.Account]
	mgField = cwField[client.ManagerInput, client.Manager]
)

func cwReseller(s *server, id int64) cwTarget[client.ResellerInput, client.Reseller] {
	company := func(in *client.ResellerInput) *client.ResellerCompanyInput {
		if in.Company == nil {
			in.Company = &client.ResellerCompanyInput{}
		}
		return in.Company
	}
	contacts := func(in *client.ResellerInput) *client.ResellerContactsInput {
		if in.Contacts == nil {
			in.Contacts = &client.ResellerContactsInput{}
		}
		return in.Contacts
	}
	return cwTarget[client.ResellerInput, client.Reseller]{
		fields: []rsField{
			{name: "general.name", set: func(in *client.ResellerInput, v string) {
				in.General = &client.ResellerGeneralInput{Name: &v}
			}, get: func(r *client.Reseller) string { return r.General.Name }},
			{name: "company.name", set: func(in *client.ResellerInput, v string) { company(in).Name = &v },
				get: func(r *client.Reseller) string { return r.Company.Name }},
			{name: "company.address_line_1", set: func(in *client.ResellerInput, v string) { company(in).AddressLine1 = &v },
				get: func(r *client.Reseller) string { return r.Company.AddressLine1 }},
			{name: "company.address_line_2", set: func(in *client.ResellerInput, v string) { company(in).AddressLine2 = &v },
				get: func(r *client.Reseller) string { return r.Company.AddressLine2 }},
			{name: "company.city", set: func(in *client.ResellerInput, v string) { company(in).City = &v },
				get: func(r *client.Reseller) string { return r.Company.City }},
			{name: "company.state", set: func(in *client.ResellerInput, v string) { company(in).State = &v },
				get: func(r *client.Reseller) string { return r.Company.State }},
			{name: "company.zip", set: func(in *client.ResellerInput, v string) { company(in).Zip = &v },
				get: func(r *client.Reseller) string { return r.Company.Zip }},
			{name: "company.phone", value: cwPhone(1),
				set: func(in *client.ResellerInput, v string) { company(in).Phone = &v },
				get: func(r *client.Reseller) string { return r.Company.Phone }},
			{name: "contacts.first_name", set: func(in *client.ResellerInput, v string) { contacts(in).FirstName = &v },
				get: func(r *client.Reseller) string { return r.Contacts.FirstName }},
			{name: "contacts.last_name", set: func(in *client.ResellerInput, v string) { contacts(in).LastName = &v },
				get: func(r *client.Reseller) string { return r.Contacts.LastName }},
			{name: "contacts.middle_name", set: func(in *client.ResellerInput, v string) { contacts(in).MiddleName = &v },
				get: func(r *client.Reseller) string { return r.Contacts.MiddleName }},
			{name: "contacts.position", set: func(in *client.ResellerInput, v string) { contacts(in).Position = &v },
				get: func(r *client.Reseller) string { return r.Contacts.Position }},
		},
		setAttr: func(in *client.ResellerInput, k, v string) { in.CustomAttributes = map[string]*string{k: &v} },
		attrs:   func(r *client.Reseller) map[string]string { return r.CustomAttributes },
		patch: func(ctx context.Context, in client.ResellerInput) error {
			_, err := s.Admin.UpdateReseller(ctx, id, in)
			return err
		},
		get: func(ctx context.Context) (*client.Reseller, error) { return s.Admin.GetReseller(ctx, id) },
	}
}

func cwAccount(s *server, rid, id int64) cwTarget[client.AccountInput, client.Account] {
	text := func(name string, field func(*client.AccountInput) **string, get func(*client.Account) string) acField {
		return acField{name: name, set: func(in *client.AccountInput, v string) { *field(in) = &v }, get: get}
	}
	return cwTarget[client.AccountInput, client.Account]{
		fields: []acField{
			text("first_name", func(in *client.AccountInput) **string { return &in.FirstName },
				func(a *client.Account) string { return a.FirstName }),
			text("middle_name", func(in *client.AccountInput) **string { return &in.MiddleName },
				func(a *client.Account) string { return a.MiddleName }),
			text("last_name", func(in *client.AccountInput) **string { return &in.LastName },
				func(a *client.Account) string { return a.LastName }),
			text("region", func(in *client.AccountInput) **string { return &in.Region },
				func(a *client.Account) string { return a.Region }),
			text("city", func(in *client.AccountInput) **string { return &in.City },
				func(a *client.Account) string { return a.City }),
			text("street", func(in *client.AccountInput) **string { return &in.Street },
				func(a *client.Account) string { return a.Street }),
			text("building", func(in *client.AccountInput) **string { return &in.Building },
				func(a *client.Account) string { return a.Building }),
			text("office", func(in *client.AccountInput) **string { return &in.Office },
				func(a *client.Account) string { return a.Office }),
			text("zip", func(in *client.AccountInput) **string { return &in.Zip },
				func(a *client.Account) string { return a.Zip }),
			text("inn", func(in *client.AccountInput) **string { return &in.INN },
				func(a *client.Account) string { return a.INN }),
			{name: "phone", value: cwPhone(2), set: func(in *client.AccountInput, v string) { in.Phone = &v },
				get: func(a *client.Account) string { return a.Phone }},
		},
		setAttr: func(in *client.AccountInput, k, v string) { in.CustomAttributes = map[string]*string{k: &v} },
		attrs:   func(a *client.Account) map[string]string { return a.CustomAttributes },
		patch: func(ctx context.Context, in client.AccountInput) error {
			in.AccountTypeID = client.Int(acPersonal) // the API requires the type on updates
			_, err := s.Admin.UpdateAccount(ctx, rid, id, in)
			return err
		},
		get: func(ctx context.Context) (*client.Account, error) { return s.Admin.GetAccount(ctx, rid, id) },
	}
}

func cwManager(s *server, rid, id int64) cwTarget[client.ManagerInput, client.Manager] {
	return cwTarget[client.ManagerInput, client.Manager]{
		fields: []mgField{
			{name: "name", set: func(in *client.ManagerInput, v string) { in.Name = &v },
				get: func(m *client.Manager) string { return m.Name }},
			{name: "phone", value: cwPhone(3), set: func(in *client.ManagerInput, v string) { in.Phone = &v },
				get: func(m *client.Manager) string { return m.Phone }},
			{name: "manager_key", value: func(round int) string { return fmt.Sprintf("parallel-%d-%d", id, round) },
				set: func(in *client.ManagerInput, v string) { in.ManagerKey = &v },
				get: func(m *client.Manager) string { return m.ManagerKey }},
		},
		setAttr: func(in *client.ManagerInput, k, v string) { in.CustomAttributes = map[string]string{k: v} },
		attrs:   func(m *client.Manager) map[string]string { return m.CustomAttributes },
		patch: func(ctx context.Context, in client.ManagerInput) error {
			_, err := s.Admin.UpdateManager(ctx, rid, id, in)
			return err
		},
		get: func(ctx context.Context) (*client.Manager, error) { return s.Admin.GetManager(ctx, rid, id) },
	}
}

// cwPhone returns the value of a phone field for a round: a valid international
// number, different per field (n) and round.
func cwPhone(n int) func(round int) string {
	return func(round int) string { return fmt.Sprintf("+4930%d00%03d", n, round) }
}

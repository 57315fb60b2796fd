package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/cascade-billing/cascade/internal/domain"
)

// resellerFlags are the reseller fields the command line can set; only flags given
// are applied, so "update" changes just those.
type resellerFlags struct {
	parent                                  int64
	name, domain, currency                  string
	managerID                               int64
	company, country, city, phone, email    string
	contactFirst, contactLast, contactEmail string
}

func (f *resellerFlags) register(fs *flag.FlagSet, create bool) {
	if create {
		fs.Int64Var(&f.parent, "parent", domain.OperatorID, "id of the upstream reseller")
		fs.StringVar(&f.currency, "currency", "", "ISO 4217 currency (required)")
	}
	fs.StringVar(&f.name, "name", "", "reseller name")
	fs.StringVar(&f.domain, "domain", "", "reseller domain")
	fs.Int64Var(&f.managerID, "manager-id", 0, "upstream manager to attach (0 detaches)")
	fs.StringVar(&f.company, "company", "", "company name")
	fs.StringVar(&f.country, "country", "", "company country, ISO 3166-1 alpha-2")
	fs.StringVar(&f.city, "city", "", "company city")
	fs.StringVar(&f.phone, "phone", "", "company phone, +<code><number>")
	fs.StringVar(&f.email, "email", "", "company e-mail")
	fs.StringVar(&f.contactFirst, "contact-first-name", "", "contact person's first name")
	fs.StringVar(&f.contactLast, "contact-last-name", "", "contact person's last name")
	fs.StringVar(&f.contactEmail, "contact-email", "", "contact person's e-mail")
}

// change builds the reseller change from the flags that were set.
func (f *resellerFlags) change(fs *flag.FlagSet) domain.ResellerChange {
	var c domain.ResellerChange
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	str := func(name string, v *string) *string {
		if set[name] {
			return v
		}
		return nil
	}
	c.Name, c.Domain, c.Currency = str("name", &f.name), str("domain", &f.domain), str("currency", &f.currency)
	if set["manager-id"] {
		c.ManagerID = &f.managerID
	}
	c.Company = domain.CompanyChange{Name: str("company", &f.company), Country: str("country", &f.country),
		City: str("city", &f.city), Phone: str("phone", &f.phone), Email: str("email", &f.email)}
	c.Contacts = domain.ContactsChange{FirstName: str("contact-first-name", &f.contactFirst),
		LastName: str("contact-last-name", &f.contactLast), Email: str("contact-email", &f.contactEmail)}
	return c
}

func (c *cli) reseller(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "update") {
		return fmt.Errorf("usage: cascade reseller create --name N --domain D --currency C [--parent ID] ...\n" +
			"       cascade reseller update ID [--name N] [--domain D] ...")
	}
	sub, args := args[0], args[1:]
	var (
		f  resellerFlags
		id int64
	)
	if sub == "update" {
		if len(args) == 0 {
			return fmt.Errorf("usage: cascade reseller update ID [flags]")
		}
		var err error
		if id, err = strconv.ParseInt(args[0], 10, 64); err != nil {
			return fmt.Errorf("reseller id %q: %w", args[0], err)
		}
		args = args[1:]
	}
	m, fs, err := c.open(ctx, "reseller "+sub, args, func(fs *flag.FlagSet) { f.register(fs, sub == "create") }, true)
	if err != nil {
		return err
	}
	defer m.Close()
	actor, err := m.Service.OperatorActor(ctx)
	if err != nil {
		return err
	}
	var r *domain.Reseller
	if sub == "create" {
		r, err = m.Service.CreateReseller(ctx, actor, f.parent, f.change(fs))
	} else {
		r, err = m.Service.UpdateReseller(ctx, actor, id, f.change(fs))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "reseller %d %q (domain %s, currency %s, parent %d)\n", r.ID, r.General.Name,
		r.General.Domain, r.General.Currency, r.ParentID)
	return nil
}

func (c *cli) manager(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "token" {
		return fmt.Errorf("usage: cascade manager token MANAGER_ID")
	}
	id, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil {
		return fmt.Errorf("manager id %q: %w", args[1], err)
	}
	m, _, err := c.open(ctx, "manager token", args[2:], nil, false)
	if err != nil {
		return err
	}
	defer m.Close()
	actor, err := m.Service.OperatorActor(ctx)
	if err != nil {
		return err
	}
	mgr, err := m.Service.FindManagerByIDAnywhere(ctx, actor, id)
	if err != nil {
		return err
	}
	mgr, token, err := m.Service.RotateManagerToken(ctx, actor, mgr.ResellerID, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "new API token of manager %d (%s): %s\n", mgr.ID, mgr.Email, token)
	return nil
}

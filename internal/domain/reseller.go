package domain

import (
	"strings"
	"time"
)

// OperatorID is the id of the root reseller, the operator of the installation.
const OperatorID int64 = 1

// Reseller is a node of the reseller tree: the operator at the root, downstream
// resellers below it.
type Reseller struct {
	ID       int64
	ParentID int64  // 0 for the operator
	Path     string // materialised path, see ResellerPath
	General  ResellerGeneral
	Company  Company
	Contacts Contacts
	// Manager is the upstream reseller's manager attached to this reseller, if any.
	Manager          *Manager
	CustomAttributes map[string]string
	Timestamps
}

// ResellerGeneral is the general section of a reseller.
type ResellerGeneral struct {
	Name      string
	Domain    string
	Currency  string
	ManagerID int64 // 0 when no upstream manager is attached
	UpdatedAt time.Time
}

// Company is the company section of a reseller.
type Company struct {
	Name, AddressLine1, AddressLine2, City, State, Zip, Country, Phone, Fax, Email string
	UpdatedAt                                                                      time.Time
}

// Contacts is the contact person of a reseller.
type Contacts struct {
	FirstName, LastName, MiddleName, Position, Phone, Email string
	UpdatedAt                                               time.Time
}

// ResellerChange creates a reseller or patches one: nil fields are left alone.
type ResellerChange struct {
	Name, Domain, Currency *string
	ManagerID              *int64 // 0 detaches the upstream manager
	Company                CompanyChange
	Contacts               ContactsChange
	// CustomAttributes sets each key; a nil value removes the key.
	CustomAttributes map[string]*string
}

// CompanyChange patches Company.
type CompanyChange struct {
	Name, AddressLine1, AddressLine2, City, State, Zip, Country, Phone, Fax, Email *string
}

// ContactsChange patches Contacts.
type ContactsChange struct {
	FirstName, LastName, MiddleName, Position, Phone, Email *string
}

const (
	ptrGeneral  = "/data/attributes/general/"
	ptrCompany  = "/data/attributes/company/"
	ptrContacts = "/data/attributes/contacts/"
	ptrCustom   = "/data/attributes/custom_attributes"
)

// Validate checks and normalises c in place. On create the general name, domain and
// currency are required. (That an update cannot change the currency is checked
// against the stored reseller: see CheckFixed.)
func (c *ResellerChange) Validate(create bool) error {
	var p Problems
	text := func(ptr string, v *string, required bool, max int) {
		if v != nil {
			*v = p.Text(ptr, *v, required, max)
		} else if required && create {
			p.Add(ptr, MsgBlank)
		}
	}
	text(ptrGeneral+"name", c.Name, true, 255)
	if c.Domain != nil {
		*c.Domain = strings.ToLower(strings.TrimSpace(*c.Domain))
		if *c.Domain == "" {
			p.Add(ptrGeneral+"domain", MsgBlank)
		} else if !ValidDomain(*c.Domain) {
			p.Add(ptrGeneral+"domain", MsgInvalidDomain)
		}
	} else if create {
		p.Add(ptrGeneral+"domain", MsgBlank)
	}
	switch {
	case c.Currency != nil:
		*c.Currency = p.Currency(ptrGeneral+"currency", *c.Currency, true)
	case create:
		p.Add(ptrGeneral+"currency", MsgBlank)
	}
	if c.ManagerID != nil && *c.ManagerID < 0 {
		p.Add(ptrGeneral+"manager_id", MsgInvalidID)
	}

	co := &c.Company
	for _, f := range []struct {
		name string
		v    *string
	}{{"name", co.Name}, {"address_line_1", co.AddressLine1}, {"address_line_2", co.AddressLine2},
		{"city", co.City}, {"state", co.State}, {"zip", co.Zip}} {
		text(ptrCompany+f.name, f.v, false, 255)
	}
	if co.Country != nil {
		*co.Country = p.Country(ptrCompany+"country", *co.Country, false)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"phone", co.Phone}, {"fax", co.Fax}} {
		if f.v != nil {
			*f.v = p.Phone(ptrCompany+f.name, *f.v)
		}
	}
	if co.Email != nil {
		*co.Email = p.Email(ptrCompany+"email", *co.Email, false)
	}

	ct := &c.Contacts
	for _, f := range []struct {
		name string
		v    *string
	}{{"first_name", ct.FirstName}, {"last_name", ct.LastName}, {"middle_name", ct.MiddleName}, {"position", ct.Position}} {
		text(ptrContacts+f.name, f.v, false, 255)
	}
	if ct.Phone != nil {
		*ct.Phone = p.Phone(ptrContacts+"phone", *ct.Phone)
	}
	if ct.Email != nil {
		*ct.Email = p.Email(ptrContacts+"email", *ct.Email, false)
	}
	validateCustomAttributes(&p, ptrCustom, c.CustomAttributes)
	return p.Err()
}

// CheckFixed refuses a change of what is fixed at creation: the currency, since
// changing it would reprice history. Sending the current value back is fine.
func (c *ResellerChange) CheckFixed(r *Reseller) error {
	if c.Currency != nil && *c.Currency != r.General.Currency {
		return FieldError(ptrGeneral+"currency", MsgNotUpdatable)
	}
	return checkCustomAttributeCount(ptrCustom, r.CustomAttributes, c.CustomAttributes)
}

// MaxCustomAttributes is the most custom attributes a reseller, manager or account
// holds. A patch adds its keys to those stored, so without a cap repeated requests
// could grow one object, and every answer that shows it, without end.
const MaxCustomAttributes = 100

// validateCustomAttributes checks the keys and values a change sets: a change that
// sets more than MaxCustomAttributes is refused whole, the rest key by key.
func validateCustomAttributes(p *Problems, ptr string, attrs map[string]*string) {
	if countSet(attrs) > MaxCustomAttributes {
		p.Add(ptr, MsgTooManyAttributes, MaxCustomAttributes)
		return
	}
	for k, v := range attrs {
		if !ValidAttributeKey(k) {
			p.Add(ptr+"/"+k, MsgInvalidAttributeKey)
		} else if v != nil && len(*v) > 1024 {
			p.Add(ptr+"/"+k, MsgTooLong, 1024)
		}
	}
}

// Apply writes c into r at time now, moving the updated_at of every section it changes.
// It reports whether anything changed.
func (r *Reseller) Apply(c ResellerChange, now time.Time) bool {
	general := set(&r.General.Name, c.Name)
	general = set(&r.General.Domain, c.Domain) || general
	general = set(&r.General.Currency, c.Currency) || general
	if c.ManagerID != nil && *c.ManagerID != r.General.ManagerID {
		r.General.ManagerID = *c.ManagerID
		general = true
	}
	co, cc := &r.Company, c.Company
	company := false
	for _, f := range []struct{ dst, src *string }{{&co.Name, cc.Name}, {&co.AddressLine1, cc.AddressLine1},
		{&co.AddressLine2, cc.AddressLine2}, {&co.City, cc.City}, {&co.State, cc.State}, {&co.Zip, cc.Zip},
		{&co.Country, cc.Country}, {&co.Phone, cc.Phone}, {&co.Fax, cc.Fax}, {&co.Email, cc.Email}} {
		company = set(f.dst, f.src) || company
	}
	ct, tc := &r.Contacts, c.Contacts
	contacts := false
	for _, f := range []struct{ dst, src *string }{{&ct.FirstName, tc.FirstName}, {&ct.LastName, tc.LastName},
		{&ct.MiddleName, tc.MiddleName}, {&ct.Position, tc.Position}, {&ct.Phone, tc.Phone}, {&ct.Email, tc.Email}} {
		contacts = set(f.dst, f.src) || contacts
	}
	custom := applyCustomAttributes(&r.CustomAttributes, c.CustomAttributes)
	if general {
		r.General.UpdatedAt = now
	}
	if company {
		r.Company.UpdatedAt = now
	}
	if contacts {
		r.Contacts.UpdatedAt = now
	}
	changed := general || company || contacts || custom
	if changed {
		r.UpdatedAt = now
	}
	return changed
}

func set(dst *string, src *string) bool {
	if src == nil || *src == *dst {
		return false
	}
	*dst = *src
	return true
}

// checkCustomAttributeCount refuses a change that would leave an object holding stored
// with more than MaxCustomAttributes custom attributes. A change that sets more than
// that by itself is validateCustomAttributes' to report.
func checkCustomAttributeCount(ptr string, stored map[string]string, change map[string]*string) error {
	if countSet(change) > MaxCustomAttributes {
		return nil
	}
	n := len(stored)
	for k, v := range change {
		switch _, had := stored[k]; {
		case v == nil && had:
			n--
		case v != nil && !had:
			n++
		}
	}
	if n > MaxCustomAttributes {
		return FieldError(ptr, MsgTooManyAttributes, MaxCustomAttributes)
	}
	return nil
}

// countSet is how many keys of a change set a value rather than remove one.
func countSet(change map[string]*string) int {
	n := 0
	for _, v := range change {
		if v != nil {
			n++
		}
	}
	return n
}

func applyCustomAttributes(dst *map[string]string, change map[string]*string) bool {
	changed := false
	for k, v := range change {
		old, had := (*dst)[k]
		switch {
		case v == nil && had:
			delete(*dst, k)
			changed = true
		case v != nil && (!had || old != *v):
			if *dst == nil {
				*dst = map[string]string{}
			}
			(*dst)[k] = *v
			changed = true
		}
	}
	return changed
}

package domain

// AccountAttribute describes one attribute that creating an account accepts, as the
// account_attributes endpoint lists it for a client building a sign-up form.
type AccountAttribute struct {
	Name     string // label
	Key      string // the attribute's name in the create request
	Optional bool
	// Type is one of the documented form types: string, text, checkbox, date,
	// password, list, email.
	Type            string
	DefaultValue    *string
	AvailableValues []any // ints or strings; empty unless Type is list
	Custom          bool
}

// AccountAttributesInput is what the attribute list depends on besides the type.
type AccountAttributesInput struct {
	Classes []*AccountClass
	// SalesManagers are the ids of the reseller's active sales managers, the only
	// managers an account may be linked to.
	SalesManagers []int64
	Currency      string // the reseller's, which a new account takes by default
}

// AccountAttributes lists every attribute creating an account of type t accepts, in
// the order a form would show them. Custom attributes are free-form key/value pairs
// in Cascade, with no definitions to list; there is no Terms and Conditions setting,
// so agreement_terms_conditions never appears.
func AccountAttributes(t *AccountType, in AccountAttributesInput) []AccountAttribute {
	classes := make([]any, 0, len(in.Classes))
	var defaultClass *string
	for _, c := range in.Classes {
		classes = append(classes, c.Key)
		if c.Default {
			defaultClass = &c.Key
		}
	}
	managers := make([]any, 0, len(in.SalesManagers))
	for _, id := range in.SalesManagers {
		managers = append(managers, id)
	}
	primary := t.PrimaryNameLabel
	if primary == "" {
		primary = "Primary name"
	}
	str := func(name, key string, optional bool) AccountAttribute {
		return AccountAttribute{Name: name, Key: key, Optional: optional, Type: "string"}
	}
	currency, yes, active := in.Currency, "true", string(AccountStatusActive)
	return []AccountAttribute{
		{Name: "Manager", Key: "manager_id", Optional: true, Type: "list", AvailableValues: managers},
		{Name: "Account class", Key: "account_class_key", Optional: true, Type: "list", DefaultValue: defaultClass,
			AvailableValues: classes},
		str(primary, "primary_name", !t.UsesPrimaryName()),
		str("First name", "first_name", false),
		str("Last name", "last_name", false),
		str("Middle name", "middle_name", true),
		{Name: "Email", Key: "email", Type: "email"},
		str("Country", "country", true),
		str("Region", "region", true),
		str("City", "city", true),
		str("Street", "street", true),
		str("Building", "building", true),
		str("Office", "office", true),
		str("Zip code", "zip", true),
		str("Phone", "phone", true),
		str("INN", "inn", true),
		{Name: "Status", Key: "status", Optional: true, Type: "list", DefaultValue: &active,
			AvailableValues: []any{string(AccountStatusActive), string(AccountStatusAdministrativeHold)}},
		{Name: "Currency", Key: "currency", Optional: true, Type: "string", DefaultValue: &currency},
		str("Credit limit", "credit_limit", true),
		{Name: "Use the account class credit limit", Key: "credit_limit_use_system", Optional: true,
			Type: "checkbox", DefaultValue: &yes},
		str("External key", "external_key", true),
		str("Technical contact user", "tech_user_id", true),
		str("Owner user", "owner_id", true),
		str("Owner first name", "new_owner_first_name", true),
		str("Owner middle name", "new_owner_middle_name", true),
		str("Owner last name", "new_owner_last_name", true),
		{Name: "Owner email", Key: "new_owner_email", Optional: true, Type: "email"},
	}
}

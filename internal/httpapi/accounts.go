package httpapi

import (
	"context"
	"encoding/json"

	"github.com/cascade-billing/cascade/internal/domain"
)

// accountList is what the account lists accept: the documented filters (email,
// user_email, inn, created_at, updated_at) and Cascade's own.
var accountList = listSpec{
	filters: map[string]filterSpec{
		"id":           {kind: kindInt},
		"name":         {kind: kindContains},
		"email":        {kind: kindLower},
		"user_email":   {kind: kindLower},
		"inn":          {kind: kindExact},
		"external_key": {kind: kindExact},
		"status":       {kind: kindEnum, values: []string{"active", "credit_hold", "administrative_hold"}},
		"manager_id":   {kind: kindInt},
		"created_at":   {kind: kindTime},
		"updated_at":   {kind: kindTime},
	},
	sorts:    []string{"id", "name", "created_at", "updated_at"},
	includes: accountIncludes,
}

// childAccountList also filters by reseller, since it spans many, and includes
// nothing.
var childAccountList = func() listSpec {
	l := accountList
	l.includes = nil
	l.filters = map[string]filterSpec{"reseller_id": {kind: kindInt}}
	for k, v := range accountList.filters {
		l.filters[k] = v
	}
	return l
}()

type accountAttributes struct {
	CreatedAt            string            `json:"created_at"`
	UpdatedAt            string            `json:"updated_at"`
	ResellerID           int64             `json:"reseller_id"`
	Name                 string            `json:"name"`
	AccountTypeID        int64             `json:"account_type_id"`
	AccountClassID       int64             `json:"account_class_id"`
	AccountClassKey      string            `json:"account_class_key"`
	PrimaryName          string            `json:"primary_name"`
	FirstName            string            `json:"first_name"`
	MiddleName           string            `json:"middle_name"`
	LastName             string            `json:"last_name"`
	Email                string            `json:"email"`
	Country              string            `json:"country"`
	Region               string            `json:"region"`
	City                 string            `json:"city"`
	Street               string            `json:"street"`
	Building             string            `json:"building"`
	Office               string            `json:"office"`
	Zip                  string            `json:"zip"`
	Phone                string            `json:"phone"`
	INN                  string            `json:"inn"`
	Status               string            `json:"status"`
	ManagerID            *int64            `json:"manager_id"`
	TechUserID           *int64            `json:"tech_user_id"`
	OwnerID              *int64            `json:"owner_id"`
	Currency             string            `json:"currency"`
	Balance              string            `json:"balance"`
	AvailableBalance     string            `json:"available_balance"`
	CreditLimit          string            `json:"credit_limit"`
	CreditLimitUseSystem bool              `json:"credit_limit_use_system"`
	ExternalKey          *string           `json:"external_key"`
	CustomAttributes     map[string]string `json:"custom_attributes"`
}

// toAPIAccount renders an account.
func (s *Server) toAPIAccount(a *domain.Account) resource {
	return resource{ID: id(a.ID), Type: "accounts", Attributes: s.accountAttributes(a)}
}

// toAPIListedAccount renders an account of a listed page, which the service answers
// from memory between changes: its attributes are encoded once per account content
// (see encodedCache).
func (s *Server) toAPIListedAccount(a *domain.Account) resource {
	return resource{ID: id(a.ID), Type: "accounts",
		Attributes: s.accountAttrs.attributes(a.ID, a, func() any { return s.accountAttributes(a) })}
}

// accountAttributes renders the attributes of a. credit_limit is the limit that
// applies: the class's while credit_limit_use_system is true.
func (s *Server) accountAttributes(a *domain.Account) *accountAttributes {
	return &accountAttributes{
		CreatedAt: s.formatTime(a.CreatedAt), UpdatedAt: s.formatTime(a.UpdatedAt), ResellerID: a.ResellerID,
		Name: a.Name, AccountTypeID: a.AccountTypeID, AccountClassID: a.Class.ID, AccountClassKey: a.Class.Key,
		PrimaryName: a.PrimaryName, FirstName: a.FirstName, MiddleName: a.MiddleName, LastName: a.LastName,
		Email: a.Email, Country: a.Country, Region: a.Region, City: a.City, Street: a.Street,
		Building: a.Building, Office: a.Office, Zip: a.Zip, Phone: a.Phone, INN: a.INN, Status: string(a.Status),
		ManagerID: nullableInt(a.ManagerID), TechUserID: nullableInt(a.TechUserID), OwnerID: nullableInt(a.OwnerID),
		Currency: a.Currency, Balance: a.Balance.String(),
		AvailableBalance: a.AvailableBalance().String(), CreditLimit: a.EffectiveCreditLimit().String(),
		CreditLimitUseSystem: a.CreditLimitUseSystem, ExternalKey: nullableString(a.ExternalKey),
		CustomAttributes: orEmpty(a.CustomAttributes),
	}
}

func (s *Server) handleAccountGet(c *call) (reply, error) {
	includes, err := parseInclude(c.r.URL.Query(), accountIncludes)
	if err != nil {
		return reply{}, err
	}
	rid, aid, err := c.accountPath()
	if err != nil {
		return reply{}, err
	}
	a, err := s.svc.FindAccountByID(c.ctx, c.actor, rid, aid)
	if err != nil {
		return reply{}, err
	}
	data := []resource{s.toAPIAccount(a)}
	included, err := s.withAccountSubscriptions(c, []*domain.Account{a}, data, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

func (s *Server) handleChildResellerAccountGet(c *call) (reply, error) {
	if err := noInclude(c); err != nil {
		return reply{}, err
	}
	rid, aid, err := c.accountPath()
	if err != nil {
		return reply{}, err
	}
	a, err := s.svc.FindChildResellerAccountByID(c.ctx, c.actor, rid, aid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIAccount(a)), nil
}

// accountInput is the body of creating or updating an account.
type accountInput struct {
	AccountTypeID        *flexInt         `json:"account_type_id"`
	PrimaryName          *string          `json:"primary_name"`
	FirstName            *string          `json:"first_name"`
	MiddleName           *string          `json:"middle_name"`
	LastName             *string          `json:"last_name"`
	Email                *string          `json:"email"`
	Country              *string          `json:"country"`
	Region               *string          `json:"region"`
	City                 *string          `json:"city"`
	Street               *string          `json:"street"`
	Building             *string          `json:"building"`
	Office               *string          `json:"office"`
	Zip                  *string          `json:"zip"`
	Phone                *string          `json:"phone"`
	INN                  *string          `json:"inn"`
	Status               *string          `json:"status"`
	ManagerID            *flexInt         `json:"manager_id"`
	AccountClassKey      *string          `json:"account_class_key"`
	TechUserID           *flexInt         `json:"tech_user_id"`
	Currency             *string          `json:"currency"`
	CreditLimit          *amountText      `json:"credit_limit"`
	CreditLimitUseSystem *flexBool        `json:"credit_limit_use_system"`
	ExternalKey          *string          `json:"external_key"`
	Balance              json.RawMessage  `json:"balance"` // read only to be refused
	CustomAttributes     customAttributes `json:"custom_attributes"`
	OwnerID              *flexInt         `json:"owner_id"`
	NewOwnerFirstName    *string          `json:"new_owner_first_name"`
	NewOwnerMiddleName   *string          `json:"new_owner_middle_name"`
	NewOwnerLastName     *string          `json:"new_owner_last_name"`
	NewOwnerEmail        *string          `json:"new_owner_email"`
}

func fromAPIAccount(in *accountInput) domain.AccountChange {
	return domain.AccountChange{AccountTypeID: in.AccountTypeID.ptr(), PrimaryName: in.PrimaryName,
		FirstName: in.FirstName, MiddleName: in.MiddleName, LastName: in.LastName, Email: in.Email,
		Country: in.Country, Region: in.Region, City: in.City, Street: in.Street, Building: in.Building,
		Office: in.Office, Zip: in.Zip, Phone: in.Phone, INN: in.INN, Status: in.Status,
		ManagerID: in.ManagerID.ptr(), AccountClassKey: in.AccountClassKey, TechUserID: in.TechUserID.ptr(),
		Currency: in.Currency, CreditLimit: (*string)(in.CreditLimit), CreditLimitUseSystem: in.CreditLimitUseSystem.ptr(),
		ExternalKey: in.ExternalKey, BalanceGiven: len(in.Balance) > 0, CustomAttributes: in.CustomAttributes,
		OwnerID: in.OwnerID.ptr(), NewOwnerFirstName: in.NewOwnerFirstName, NewOwnerMiddleName: in.NewOwnerMiddleName,
		NewOwnerLastName: in.NewOwnerLastName, NewOwnerEmail: in.NewOwnerEmail}
}

func (s *Server) handleAccountCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[accountInput](c)
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*domain.Account, error) {
		return s.svc.CreateAccount(ctx, c.actor, rid, fromAPIAccount(in))
	}, func(a *domain.Account) reply { return created(s.toAPIAccount(a)) })
}

func (s *Server) handleAccountUpdate(c *call) (reply, error) {
	rid, aid, err := c.accountPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[accountInput](c)
	if err != nil {
		return reply{}, err
	}
	a, err := s.svc.UpdateAccount(c.ctx, c.actor, rid, aid, fromAPIAccount(in))
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIAccount(a)), nil
}

// noInclude refuses an include parameter, for the reads that include nothing; a
// single GET reads only include of its query.
func noInclude(c *call) error {
	_, err := parseInclude(c.r.URL.Query(), nil)
	return err
}

// accountPath reads reseller_id and account_id from the path.
func (c *call) accountPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	aid, err := c.pathID("account_id")
	return rid, aid, err
}

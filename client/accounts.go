package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// Account is a customer of a reseller.
type Account struct {
	ID              int64     `json:"-"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	ResellerID      int64     `json:"reseller_id"`
	Name            string    `json:"name"`
	AccountTypeID   int64     `json:"account_type_id"`
	AccountClassID  int64     `json:"account_class_id"`
	AccountClassKey string    `json:"account_class_key"`
	PrimaryName     string    `json:"primary_name"`
	FirstName       string    `json:"first_name"`
	MiddleName      string    `json:"middle_name"`
	LastName        string    `json:"last_name"`
	Email           string    `json:"email"`
	Country         string    `json:"country"`
	Region          string    `json:"region"`
	City            string    `json:"city"`
	Street          string    `json:"street"`
	Building        string    `json:"building"`
	Office          string    `json:"office"`
	Zip             string    `json:"zip"`
	Phone           string    `json:"phone"`
	INN             string    `json:"inn"`
	Status          string    `json:"status"`
	ManagerID       *int64    `json:"manager_id"`
	TechUserID      *int64    `json:"tech_user_id"`
	// OwnerID is the account's Owner user (a Cascade extension).
	OwnerID  *int64 `json:"owner_id"`
	Currency string `json:"currency"`
	// Balance and CreditLimit are decimal strings, e.g. "0.0"; CreditLimit is the
	// limit that applies (the class's while CreditLimitUseSystem is true).
	Balance string `json:"balance"`
	// AvailableBalance is Balance less what blocked charges reserve of it.
	AvailableBalance     string            `json:"available_balance"`
	CreditLimit          string            `json:"credit_limit"`
	CreditLimitUseSystem bool              `json:"credit_limit_use_system"`
	ExternalKey          *string           `json:"external_key"`
	CustomAttributes     map[string]string `json:"custom_attributes"`
}

func (a *Account) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, a); err != nil {
		return err
	}
	var err error
	a.ID, err = parseID(res.ID)
	return err
}

// AccountInput creates or updates an account; nil fields are left out. The API
// requires AccountTypeID on updates too.
type AccountInput struct {
	AccountTypeID        *int64  `json:"account_type_id,omitempty"`
	PrimaryName          *string `json:"primary_name,omitempty"`
	FirstName            *string `json:"first_name,omitempty"`
	MiddleName           *string `json:"middle_name,omitempty"`
	LastName             *string `json:"last_name,omitempty"`
	Email                *string `json:"email,omitempty"`
	Country              *string `json:"country,omitempty"`
	Region               *string `json:"region,omitempty"`
	City                 *string `json:"city,omitempty"`
	Street               *string `json:"street,omitempty"`
	Building             *string `json:"building,omitempty"`
	Office               *string `json:"office,omitempty"`
	Zip                  *string `json:"zip,omitempty"`
	Phone                *string `json:"phone,omitempty"`
	INN                  *string `json:"inn,omitempty"`
	Status               *string `json:"status,omitempty"`
	ManagerID            *int64  `json:"manager_id,omitempty"` // 0 unlinks the manager
	AccountClassKey      *string `json:"account_class_key,omitempty"`
	TechUserID           *int64  `json:"tech_user_id,omitempty"` // 0 clears it
	Currency             *string `json:"currency,omitempty"`
	CreditLimit          *string `json:"credit_limit,omitempty"` // a decimal, e.g. "150.00"
	CreditLimitUseSystem *bool   `json:"credit_limit_use_system,omitempty"`
	ExternalKey          *string `json:"external_key,omitempty"` // "" clears it
	// CustomAttributes sets each key; a nil value removes it.
	CustomAttributes   map[string]*string `json:"custom_attributes,omitempty"`
	OwnerID            *int64             `json:"owner_id,omitempty"`
	NewOwnerFirstName  *string            `json:"new_owner_first_name,omitempty"`
	NewOwnerMiddleName *string            `json:"new_owner_middle_name,omitempty"`
	NewOwnerLastName   *string            `json:"new_owner_last_name,omitempty"`
	NewOwnerEmail      *string            `json:"new_owner_email,omitempty"`
}

// ListAccounts lists the accounts of a reseller
// (GET /api/v3/resellers/{reseller_id}/accounts).
func (c *Client) ListAccounts(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Account], error) {
	return list[Account](ctx, c, pathf("/api/v3/resellers/%s/accounts", resellerID), o, opts...)
}

// ListChildResellerAccounts lists the accounts of every reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_reseller_accounts).
func (c *Client) ListChildResellerAccounts(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Account], error) {
	return list[Account](ctx, c, pathf("/api/v3/resellers/%s/child_reseller_accounts", resellerID), o, opts...)
}

// GetAccount returns an account of a reseller
// (GET /api/v3/resellers/{reseller_id}/accounts/{account_id}).
func (c *Client) GetAccount(ctx context.Context, resellerID, accountID int64, opts ...RequestOption) (*Account, error) {
	var a Account
	return &a, c.getOne(ctx, pathf("/api/v3/resellers/%s/accounts/%s", resellerID, accountID), &a, nil, opts...)
}

// GetChildResellerAccount returns an account of a reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_reseller_accounts/{account_id}).
func (c *Client) GetChildResellerAccount(ctx context.Context, resellerID, accountID int64, opts ...RequestOption) (*Account, error) {
	var a Account
	return &a, c.getOne(ctx, pathf("/api/v3/resellers/%s/child_reseller_accounts/%s", resellerID, accountID), &a, nil, opts...)
}

// CreateAccount adds an account, with its Owner user, to a reseller
// (POST /api/v3/resellers/{reseller_id}/accounts).
func (c *Client) CreateAccount(ctx context.Context, resellerID int64, in AccountInput, opts ...RequestOption) (*Account, error) {
	var a Account
	return &a, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/accounts", resellerID), body(in), &a, opts...)
}

// UpdateAccount patches an account
// (PATCH /api/v3/resellers/{reseller_id}/accounts/{account_id}).
func (c *Client) UpdateAccount(ctx context.Context, resellerID, accountID int64, in AccountInput, opts ...RequestOption) (*Account, error) {
	var a Account
	return &a, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/accounts/%s", resellerID, accountID), body(in), &a, opts...)
}

// AccountAttributeList is the answer of account_attributes: the attributes creating
// an account accepts, per account type.
type AccountAttributeList struct {
	AccountTypes []AccountTypeAttributes `json:"account_types"`
}

// AccountTypeAttributes are the attributes of one account type.
type AccountTypeAttributes struct {
	ID         int64              `json:"id"`
	Key        string             `json:"key"`
	Name       string             `json:"name"`
	Attributes []AccountAttribute `json:"attributes"`
}

// AccountAttribute describes one attribute; AvailableValues hold numbers (as
// float64) or strings.
type AccountAttribute struct {
	Name              string  `json:"name"`
	Key               string  `json:"key"`
	Optional          bool    `json:"optional"`
	Type              string  `json:"type"`
	DefaultValue      *string `json:"default_value"`
	AvailableValues   []any   `json:"available_values"`
	IsCustomAttribute bool    `json:"is_custom_attribute"`
}

// GetAccountAttributes lists the attributes of creating an account, per account type
// (GET /api/v3/resellers/{reseller_id}/account_attributes; plain JSON).
func (c *Client) GetAccountAttributes(ctx context.Context, resellerID int64, opts ...RequestOption) (*AccountAttributeList, error) {
	var out AccountAttributeList
	return &out, c.call(ctx, "GET", pathf("/api/v3/resellers/%s/account_attributes", resellerID), nil, &out, opts...)
}

// LoginToken is a one-time token with which an account's Owner signs in.
type LoginToken struct {
	OwnerEmail string `json:"owner_email"`
	OwnerToken string `json:"owner_token"`
}

// GetLoginToken issues a one-time login token for the Owner of an account
// (GET /api/v3/resellers/{reseller_id}/user_authentication/token?account_id=N; plain
// JSON). The Customer Control Panel opens at SignInURL.
func (c *Client) GetLoginToken(ctx context.Context, resellerID, accountID int64, opts ...RequestOption) (*LoginToken, error) {
	var out LoginToken
	path := pathf("/api/v3/resellers/%s/user_authentication/token", resellerID) + "?account_id=" +
		strconv.FormatInt(accountID, 10)
	return &out, c.call(ctx, "GET", path, nil, &out, opts...)
}

// SignInURL is the documented Customer Control Panel entry for a login token:
// {installation_url}/?user_email=...&user_token=....
func (c *Client) SignInURL(t *LoginToken) string {
	return c.baseURL + "/?" + url.Values{"user_email": {t.OwnerEmail}, "user_token": {t.OwnerToken}}.Encode()
}

// SignIn is who a redeemed login token signed in, and to which account.
type SignIn struct {
	User      SignInUser `json:"user"`
	AccountID int64      `json:"account_id"`
}

// SignInUser is the user a login token signed in.
type SignInUser struct {
	ID         int64  `json:"id"`
	Email      string `json:"email"`
	FirstName  string `json:"first_name"`
	MiddleName string `json:"middle_name"`
	LastName   string `json:"last_name"`
	Status     string `json:"status"`
}

// SignIn redeems a one-time login token at the Customer Control Panel entry, as a
// browser following SignInURL would (a Cascade extension). It sends no API token; a
// token used before, expired or not the e-mail's is a 401 error.
func (c *Client) SignIn(ctx context.Context, email, token string, opts ...RequestOption) (*SignIn, error) {
	var out SignIn
	path := "/?" + url.Values{"user_email": {email}, "user_token": {token}}.Encode()
	return &out, c.WithToken("").call(ctx, "GET", path, nil, &out, opts...)
}

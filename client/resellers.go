package client

import (
	"context"
	"encoding/json"
	"time"
)

// Reseller is a reseller of the tree.
type Reseller struct {
	ID               int64             `json:"-"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
	ParentID         *int64            `json:"parent_id"`
	General          ResellerGeneral   `json:"general"`
	Company          ResellerCompany   `json:"company"`
	Contacts         ResellerContacts  `json:"contacts"`
	Manager          *UpstreamManager  `json:"manager"`
	CustomAttributes map[string]string `json:"custom_attributes"`
	// APGUID is the installation's identity towards vendors: set on the operator's
	// reseller when an operator's manager reads it, empty otherwise.
	APGUID string `json:"ap_guid"`
	// Relationships and Included are filled when the request asked to include
	// related objects.
	Relationships map[string]Relationship `json:"-"`
	Included      []Resource              `json:"-"`
}

// ResellerGeneral is the general section of a reseller.
type ResellerGeneral struct {
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Name      string    `json:"name"`
	Domain    string    `json:"domain"`
	Manager   string    `json:"manager"`
	Currency  string    `json:"currency"`
}

// ResellerCompany is the company section of a reseller.
type ResellerCompany struct {
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Name         string    `json:"name"`
	AddressLine1 string    `json:"address_line_1"`
	AddressLine2 string    `json:"address_line_2"`
	City         string    `json:"city"`
	State        string    `json:"state"`
	Zip          string    `json:"zip"`
	Country      string    `json:"country"`
	Phone        string    `json:"phone"`
	Fax          string    `json:"fax"`
	Email        string    `json:"email"`
}

// ResellerContacts is the contact person of a reseller.
type ResellerContacts struct {
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	FirstName  string    `json:"first_name"`
	LastName   string    `json:"last_name"`
	MiddleName string    `json:"middle_name"`
	Position   string    `json:"position"`
	Phone      string    `json:"phone"`
	Email      string    `json:"email"`
}

// UpstreamManager is the upstream reseller's manager attached to a reseller. A
// token of the reseller itself, or of one below it, gets only the contact card: ID,
// Name, Email, Phone and Photo are set and the other fields are zero.
type UpstreamManager struct {
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
	ResellerID       int64             `json:"reseller_id"`
	ID               int64             `json:"id"`
	Name             string            `json:"name"`
	Status           string            `json:"status"`
	Email            string            `json:"email"`
	Role             string            `json:"role"`
	Phone            string            `json:"phone"`
	Photo            *string           `json:"photo"`
	ManagerKey       string            `json:"manager_key"`
	CustomAttributes map[string]string `json:"custom_attributes"`
}

func (r *Reseller) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, r); err != nil {
		return err
	}
	var err error
	r.ID, err = parseID(res.ID)
	r.Relationships = res.Relationships
	return err
}

// ResellerInput creates or updates a reseller; nil fields are left out.
type ResellerInput struct {
	General          *ResellerGeneralInput  `json:"general,omitempty"`
	Company          *ResellerCompanyInput  `json:"company,omitempty"`
	Contacts         *ResellerContactsInput `json:"contacts,omitempty"`
	CustomAttributes map[string]*string     `json:"custom_attributes,omitempty"`
}

// ResellerGeneralInput sets the general section; ManagerID 0 detaches the manager.
type ResellerGeneralInput struct {
	Name      *string `json:"name,omitempty"`
	Domain    *string `json:"domain,omitempty"`
	Currency  *string `json:"currency,omitempty"`
	ManagerID *int64  `json:"manager_id,omitempty"`
}

// ResellerCompanyInput sets the company section.
type ResellerCompanyInput struct {
	Name         *string `json:"name,omitempty"`
	AddressLine1 *string `json:"address_line_1,omitempty"`
	AddressLine2 *string `json:"address_line_2,omitempty"`
	City         *string `json:"city,omitempty"`
	State        *string `json:"state,omitempty"`
	Zip          *string `json:"zip,omitempty"`
	Country      *string `json:"country,omitempty"`
	Phone        *string `json:"phone,omitempty"`
	Fax          *string `json:"fax,omitempty"`
	Email        *string `json:"email,omitempty"`
}

// ResellerContactsInput sets the contact person.
type ResellerContactsInput struct {
	FirstName  *string `json:"first_name,omitempty"`
	LastName   *string `json:"last_name,omitempty"`
	MiddleName *string `json:"middle_name,omitempty"`
	Position   *string `json:"position,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	Email      *string `json:"email,omitempty"`
}

type attributesBody[A any] struct {
	Data struct {
		Attributes A `json:"attributes"`
	} `json:"data"`
}

func body[A any](a A) attributesBody[A] {
	var b attributesBody[A]
	b.Data.Attributes = a
	return b
}

func (c *Client) getOne(ctx context.Context, path string, out decoded, included *[]Resource, opts ...RequestOption) error {
	var doc oneDocument
	if err := c.call(ctx, "GET", path, nil, &doc, opts...); err != nil {
		return err
	}
	if included != nil {
		*included = doc.Included
	}
	return out.fromResource(doc.Data)
}

func (c *Client) send(ctx context.Context, method, path string, in any, out decoded, opts ...RequestOption) error {
	var doc oneDocument
	if err := c.call(ctx, method, path, in, &doc, opts...); err != nil {
		return err
	}
	return out.fromResource(doc.Data)
}

func list[T any, PT interface {
	*T
	decoded
}](ctx context.Context, c *Client, path string, o *ListOptions, opts ...RequestOption) (*Page[T], error) {
	var doc listDocument
	if err := c.call(ctx, "GET", o.path(path), nil, &doc, opts...); err != nil {
		return nil, err
	}
	return decodeList[T, PT](&doc)
}

// GetReseller returns the current reseller or one below it
// (GET /api/v3/resellers/{reseller_id}).
func (c *Client) GetReseller(ctx context.Context, id int64, opts ...RequestOption) (*Reseller, error) {
	var r Reseller
	return &r, c.getOne(ctx, pathf("/api/v3/resellers/%s", id), &r, &r.Included, opts...)
}

// GetStoreReseller is the Customer Store variant of GetReseller
// (GET /api/v3/customer_store/resellers/{reseller_id}).
func (c *Client) GetStoreReseller(ctx context.Context, id int64, opts ...RequestOption) (*Reseller, error) {
	var r Reseller
	return &r, c.getOne(ctx, pathf("/api/v3/customer_store/resellers/%s", id), &r, &r.Included, opts...)
}

// ListChildResellers lists every reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_resellers).
func (c *Client) ListChildResellers(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Reseller], error) {
	return list[Reseller](ctx, c, pathf("/api/v3/resellers/%s/child_resellers", resellerID), o, opts...)
}

// ListStoreResellers lists every reseller below the token's reseller
// (GET /api/v3/customer_store/resellers).
func (c *Client) ListStoreResellers(ctx context.Context, o *ListOptions, opts ...RequestOption) (*Page[Reseller], error) {
	return list[Reseller](ctx, c, "/api/v3/customer_store/resellers", o, opts...)
}

// CreateChildReseller creates a reseller below parentID
// (POST /api/v3/resellers/{reseller_id}/child_resellers, a Cascade extension).
func (c *Client) CreateChildReseller(ctx context.Context, parentID int64, in ResellerInput, opts ...RequestOption) (*Reseller, error) {
	var r Reseller
	return &r, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/child_resellers", parentID), body(in), &r, opts...)
}

// UpdateReseller patches a reseller (PATCH /api/v3/resellers/{reseller_id}, a
// Cascade extension).
func (c *Client) UpdateReseller(ctx context.Context, id int64, in ResellerInput, opts ...RequestOption) (*Reseller, error) {
	var r Reseller
	return &r, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s", id), body(in), &r, opts...)
}

package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// resellerList is what the reseller lists accept. The documented lists take only
// paging; the filters and sorts are Cascade's.
var resellerList = listSpec{
	filters: map[string]filterSpec{
		"id":         {kind: kindInt},
		"parent_id":  {kind: kindInt},
		"name":       {kind: kindContains},
		"domain":     {kind: kindLower},
		"currency":   {kind: kindUpper},
		"created_at": {kind: kindTime},
		"updated_at": {kind: kindTime},
	},
	sorts:    []string{"id", "name", "domain", "created_at", "updated_at"},
	includes: []string{"parent"},
}

// resellerInclude is what a single reseller accepts.
var resellerInclude = []string{"parent"}

// resellerAttributes are a reseller's attributes. Manager is a *upstreamManager, a
// *upstreamManagerCard or nil (null), as the viewer may see it (see
// domain.Actor.SeesUpstreamManager).
type resellerAttributes struct {
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	ParentID         *int64            `json:"parent_id"`
	General          resellerGeneral   `json:"general"`
	Company          resellerCompany   `json:"company"`
	Contacts         resellerContacts  `json:"contacts"`
	Manager          any               `json:"manager"`
	CustomAttributes map[string]string `json:"custom_attributes"`
	// APGUID is the installation's identity towards vendors, on the operator's
	// reseller for the operator's managers only (domain.Actor.SeesInstallation).
	APGUID string `json:"ap_guid,omitempty"`
}

type resellerGeneral struct {
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Name      string `json:"name"`
	Domain    string `json:"domain"`
	Manager   string `json:"manager"`
	Currency  string `json:"currency"`
}

type resellerCompany struct {
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
	City         string `json:"city"`
	Zip          string `json:"zip"`
	Country      string `json:"country"`
	Fax          string `json:"fax"`
	Name         string `json:"name"`
	AddressLine1 string `json:"address_line_1"`
	AddressLine2 string `json:"address_line_2"`
	State        string `json:"state"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
}

type resellerContacts struct {
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	MiddleName string `json:"middle_name"`
	Position   string `json:"position"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
}

// upstreamManager is the upstream manager attached to a reseller, in the shape the
// reseller model documents (with the older role string).
type upstreamManager struct {
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
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

// upstreamManagerCard is the upstream manager as the reseller it looks after, and
// the resellers below, see it: whom to contact, nothing of how the upstream reseller
// keys, labels or runs its staff.
type upstreamManagerCard struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Email string  `json:"email"`
	Phone string  `json:"phone"`
	Photo *string `json:"photo"`
}

// toAPIReseller renders r as the viewer may see it.
func (s *Server) toAPIReseller(viewer domain.Actor, r *domain.Reseller, includes []string) resource {
	created := s.formatTime(r.CreatedAt)
	g, co, ct := r.General, r.Company, r.Contacts
	a := &resellerAttributes{
		CreatedAt: created,
		UpdatedAt: s.formatTime(r.UpdatedAt),
		ParentID:  nullableInt(r.ParentID),
		General: resellerGeneral{CreatedAt: created, UpdatedAt: s.formatTime(g.UpdatedAt), Name: g.Name,
			Domain: g.Domain, Currency: g.Currency},
		Company: resellerCompany{CreatedAt: created, UpdatedAt: s.formatTime(co.UpdatedAt), City: co.City,
			Zip: co.Zip, Country: co.Country, Fax: co.Fax, Name: co.Name, AddressLine1: co.AddressLine1,
			AddressLine2: co.AddressLine2, State: co.State, Phone: co.Phone, Email: co.Email},
		Contacts: resellerContacts{CreatedAt: created, UpdatedAt: s.formatTime(ct.UpdatedAt),
			FirstName: ct.FirstName, LastName: ct.LastName, MiddleName: ct.MiddleName, Position: ct.Position,
			Phone: ct.Phone, Email: ct.Email},
		CustomAttributes: orEmpty(r.CustomAttributes),
	}
	if viewer.SeesInstallation(r) {
		a.APGUID = s.svc.APGUID()
	}
	if m := r.Manager; m != nil {
		a.General.Manager = m.Name
		if viewer.SeesUpstreamManager(r) {
			a.Manager = &upstreamManager{CreatedAt: s.formatTime(m.CreatedAt), UpdatedAt: s.formatTime(m.UpdatedAt),
				ResellerID: m.ResellerID, ID: m.ID, Name: m.Name, Status: string(m.Status), Email: m.Email,
				Role: string(m.Role), Phone: m.Phone, Photo: nullableString(m.Photo), ManagerKey: m.ManagerKey,
				CustomAttributes: orEmpty(m.CustomAttributes)}
		} else {
			a.Manager = &upstreamManagerCard{ID: m.ID, Name: m.Name, Email: m.Email, Phone: m.Phone,
				Photo: nullableString(m.Photo)}
		}
	}
	res := resource{ID: id(r.ID), Type: "resellers", Attributes: a}
	if contains(includes, "parent") {
		res.Relationships = map[string]relationship{"parent": toOne("resellers", r.ParentID)}
	}
	return res
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// toOne is a to-one relationship to the object of type typ with the given id, or
// null for 0.
func toOne(typ string, v int64) relationship {
	if v == 0 {
		return relationship{}
	}
	return relationship{Data: &identifier{Type: typ, ID: id(v)}}
}

// includedResellers returns the resellers with the given ids that the actor may see,
// each once, for a document's included array, read in one query. Resellers already
// in the primary data (the ids in data) are left out: JSON:API allows one resource
// object per type and id in a compound document.
func (s *Server) includedResellers(c *call, ids []int64, data ...int64) ([]resource, error) {
	seen := map[int64]bool{0: true}
	for _, rid := range data {
		seen[rid] = true
	}
	var wanted []int64
	for _, rid := range ids {
		if !seen[rid] {
			seen[rid] = true
			wanted = append(wanted, rid)
		}
	}
	if len(wanted) == 0 {
		return nil, nil
	}
	rs, err := s.svc.IncludedResellers(c.ctx, c.actor, wanted)
	if err != nil {
		return nil, err
	}
	out := make([]resource, len(rs))
	for i, r := range rs {
		out[i] = s.toAPIReseller(c.actor, r, nil)
	}
	return out, nil
}

// resellerPage renders a page of resellers with their includes.
func (s *Server) resellerPage(c *call, rs []*domain.Reseller, info domain.PageInfo, p listParams) (reply, error) {
	data := make([]resource, len(rs))
	parents := make([]int64, len(rs))
	ids := make([]int64, len(rs))
	for i, r := range rs {
		data[i] = s.toAPIReseller(c.actor, r, p.includes)
		parents[i], ids[i] = r.ParentID, r.ID
	}
	var included []resource
	if contains(p.includes, "parent") {
		var err error
		if included, err = s.includedResellers(c, parents, ids...); err != nil {
			return reply{}, err
		}
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleResellerGet(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	includes, err := parseInclude(c.r.URL.Query(), resellerInclude)
	if err != nil {
		return reply{}, err
	}
	r, err := s.svc.FindResellerByID(c.ctx, c.actor, rid)
	if err != nil {
		return reply{}, err
	}
	doc := document{Data: s.toAPIReseller(c.actor, r, includes)}
	if contains(includes, "parent") {
		if doc.Included, err = s.includedResellers(c, []int64{r.ParentID}); err != nil {
			return reply{}, err
		}
	}
	return reply{doc: doc}, nil
}

func (s *Server) handleStoreResellerList(c *call) (reply, error) {
	p, err := s.listParams(c, resellerList)
	if err != nil {
		return reply{}, err
	}
	rs, info, err := s.svc.FindDownstreamResellers(c.ctx, c.actor, p.query)
	if err != nil {
		return reply{}, err
	}
	return s.resellerPage(c, rs, info, p)
}

// resellerInput is the body of creating or updating a reseller: the sections of the
// reseller model, each optional on update.
type resellerInput struct {
	General *struct {
		Name      *string  `json:"name"`
		Domain    *string  `json:"domain"`
		Currency  *string  `json:"currency"`
		ManagerID *flexInt `json:"manager_id"`
	} `json:"general"`
	Company *struct {
		Name         *string `json:"name"`
		AddressLine1 *string `json:"address_line_1"`
		AddressLine2 *string `json:"address_line_2"`
		City         *string `json:"city"`
		State        *string `json:"state"`
		Zip          *string `json:"zip"`
		Country      *string `json:"country"`
		Phone        *string `json:"phone"`
		Fax          *string `json:"fax"`
		Email        *string `json:"email"`
	} `json:"company"`
	Contacts *struct {
		FirstName  *string `json:"first_name"`
		LastName   *string `json:"last_name"`
		MiddleName *string `json:"middle_name"`
		Position   *string `json:"position"`
		Phone      *string `json:"phone"`
		Email      *string `json:"email"`
	} `json:"contacts"`
	CustomAttributes customAttributes `json:"custom_attributes"`
}

func fromAPIReseller(in *resellerInput) domain.ResellerChange {
	var c domain.ResellerChange
	if g := in.General; g != nil {
		c.Name, c.Domain, c.Currency, c.ManagerID = g.Name, g.Domain, g.Currency, g.ManagerID.ptr()
	}
	if co := in.Company; co != nil {
		c.Company = domain.CompanyChange{Name: co.Name, AddressLine1: co.AddressLine1, AddressLine2: co.AddressLine2,
			City: co.City, State: co.State, Zip: co.Zip, Country: co.Country, Phone: co.Phone, Fax: co.Fax, Email: co.Email}
	}
	if ct := in.Contacts; ct != nil {
		c.Contacts = domain.ContactsChange{FirstName: ct.FirstName, LastName: ct.LastName, MiddleName: ct.MiddleName,
			Position: ct.Position, Phone: ct.Phone, Email: ct.Email}
	}
	c.CustomAttributes = in.CustomAttributes
	return c
}

func (s *Server) handleChildResellerCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[resellerInput](c)
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*domain.Reseller, error) {
		return s.svc.CreateReseller(ctx, c.actor, rid, fromAPIReseller(in))
	}, func(r *domain.Reseller) reply { return created(s.toAPIReseller(c.actor, r, nil)) })
}

func (s *Server) handleResellerUpdate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[resellerInput](c)
	if err != nil {
		return reply{}, err
	}
	r, err := s.svc.UpdateReseller(c.ctx, c.actor, rid, fromAPIReseller(in))
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIReseller(c.actor, r, nil)), nil
}

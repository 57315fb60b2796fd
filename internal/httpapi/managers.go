package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// managerList is what the manager lists accept.
var managerList = listSpec{
	filters: map[string]filterSpec{
		"id":          {kind: kindInt},
		"name":        {kind: kindContains},
		"email":       {kind: kindLower},
		"status":      {kind: kindEnum, values: []string{"active", "inactive"}},
		"role":        {kind: kindEnum, values: []string{"admin", "owner", "sales", "marketing"}},
		"manager_key": {kind: kindExact},
		"created_at":  {kind: kindTime},
		"updated_at":  {kind: kindTime},
	},
	sorts:    []string{"id", "name", "email", "created_at", "updated_at"},
	includes: []string{"reseller"},
}

// childManagerList also filters by reseller, since it spans many.
var childManagerList = func() listSpec {
	l := managerList
	l.filters = map[string]filterSpec{"reseller_id": {kind: kindInt}}
	for k, v := range managerList.filters {
		l.filters[k] = v
	}
	return l
}()

var managerInclude = []string{"reseller"}

type managerAttributes struct {
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	ResellerID       int64             `json:"reseller_id"`
	Name             string            `json:"name"`
	Status           string            `json:"status"`
	Email            string            `json:"email"`
	ManagerRole      managerRoleRef    `json:"manager_role"`
	Role             string            `json:"role"`
	Phone            string            `json:"phone"`
	Photo            *string           `json:"photo"`
	ManagerKey       string            `json:"manager_key"`
	MFARequired      bool              `json:"mfa_required"`
	CustomAttributes map[string]string `json:"custom_attributes"`
	// APIToken is present only in the answer that creates the manager or rotates its
	// token: the token is stored hashed and cannot be shown again.
	APIToken string `json:"api_token,omitempty"`
}

// managerRoleRef is the manager's access level; both null for System administrators.
type managerRoleRef struct {
	ID   *int64  `json:"id"`
	Name *string `json:"name"`
}

func (s *Server) toAPIManager(m *domain.Manager, includes []string) resource {
	a := &managerAttributes{
		CreatedAt: s.formatTime(m.CreatedAt), UpdatedAt: s.formatTime(m.UpdatedAt), ResellerID: m.ResellerID,
		Name: m.Name, Status: string(m.Status), Email: m.Email, Role: string(m.Role), Phone: m.Phone,
		Photo: nullableString(m.Photo), ManagerKey: m.ManagerKey, MFARequired: m.MFARequired,
		CustomAttributes: orEmpty(m.CustomAttributes),
	}
	if l := m.AccessLevel; l != nil {
		a.ManagerRole = managerRoleRef{ID: &l.ID, Name: &l.Name}
	}
	res := resource{ID: id(m.ID), Type: "managers", Attributes: a}
	if contains(includes, "reseller") {
		res.Relationships = map[string]relationship{"reseller": toOne("resellers", m.ResellerID)}
	}
	return res
}

// withToken returns the manager resource carrying its new API token.
func withToken(res resource, token string) resource {
	res.Attributes.(*managerAttributes).APIToken = token
	return res
}

func (s *Server) managerPage(c *call, ms []*domain.Manager, info domain.PageInfo, p listParams) (reply, error) {
	data := make([]resource, len(ms))
	resellers := make([]int64, len(ms))
	for i, m := range ms {
		data[i] = s.toAPIManager(m, p.includes)
		resellers[i] = m.ResellerID
	}
	var included []resource
	if contains(p.includes, "reseller") {
		var err error
		if included, err = s.includedResellers(c, resellers); err != nil {
			return reply{}, err
		}
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleManagerGet(c *call) (reply, error) {
	rid, mid, err := c.managerPath()
	if err != nil {
		return reply{}, err
	}
	includes, err := parseInclude(c.r.URL.Query(), managerInclude)
	if err != nil {
		return reply{}, err
	}
	m, err := s.svc.FindManagerByID(c.ctx, c.actor, rid, mid)
	if err != nil {
		return reply{}, err
	}
	doc := document{Data: s.toAPIManager(m, includes)}
	if contains(includes, "reseller") {
		if doc.Included, err = s.includedResellers(c, []int64{m.ResellerID}); err != nil {
			return reply{}, err
		}
	}
	return reply{doc: doc}, nil
}

// managerInput is the body of creating or updating a manager.
type managerInput struct {
	Name             *string          `json:"name"`
	Email            *string          `json:"email"`
	Status           *string          `json:"status"`
	Admin            *flexBool        `json:"admin"`
	ManagerRoleID    *flexInt         `json:"manager_role_id"`
	Role             *string          `json:"role"`
	Password         *string          `json:"password"`
	Phone            *string          `json:"phone"`
	ManagerKey       *string          `json:"manager_key"`
	CustomAttributes customAttributes `json:"custom_attributes"`
}

func fromAPIManager(in *managerInput) domain.ManagerChange {
	return domain.ManagerChange{Name: in.Name, Email: in.Email, Status: in.Status, Admin: in.Admin.ptr(),
		ManagerRoleID: in.ManagerRoleID.ptr(), Role: in.Role, Password: in.Password, Phone: in.Phone,
		ManagerKey: in.ManagerKey, CustomAttributes: in.CustomAttributes}
}

func (s *Server) handleManagerCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[managerInput](c)
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (service.NewManager, error) {
		m, token, err := s.svc.CreateManager(ctx, c.actor, rid, fromAPIManager(in))
		return service.NewManager{Manager: m, Token: token}, err
	}, func(n service.NewManager) reply { return created(withToken(s.toAPIManager(n.Manager, nil), n.Token)) })
}

func (s *Server) handleManagerUpdate(c *call) (reply, error) {
	rid, mid, err := c.managerPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[managerInput](c)
	if err != nil {
		return reply{}, err
	}
	m, err := s.svc.UpdateManager(c.ctx, c.actor, rid, mid, fromAPIManager(in))
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIManager(m, nil)), nil
}

func (s *Server) handleManagerTokenRotate(c *call) (reply, error) {
	rid, mid, err := c.managerPath()
	if err != nil {
		return reply{}, err
	}
	m, token, err := s.svc.RotateManagerToken(c.ctx, c.actor, rid, mid)
	if err != nil {
		return reply{}, err
	}
	return one(withToken(s.toAPIManager(m, nil), token)), nil
}

// managerPath reads reseller_id and manager_id from the path.
func (c *call) managerPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	mid, err := c.pathID("manager_id")
	return rid, mid, err
}

package httpapi

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// orderAttributeOut is one order attribute in the documented plain shape.
type orderAttributeOut struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Values   []string `json:"values"`
}

// orderAttributeSet is one element of the answer's data: ActivePlatform groups the
// attributes in sets; Cascade always answers one.
type orderAttributeSet struct {
	OrderAttributes []orderAttributeOut `json:"order_attributes"`
}

// orderAttributesDocument is the documented answer, plain JSON rather than JSON:API
// resources: {"data":[{"order_attributes":[...]}]}.
type orderAttributesDocument struct {
	Data []orderAttributeSet `json:"data"`
}

func (s *Server) handleOrderAttributeList(c *call) (reply, error) {
	q := c.r.URL.Query()
	_, errInclude := parseInclude(q, nil)
	accountID, errAccount := requiredIDParam(q, "account_id")
	var (
		resourceIDs  []int64
		errResources error
	)
	for _, v := range q["plan_resource_ids[]"] {
		for _, part := range splitList(v) {
			id, err := positiveParam(part, "plan_resource_ids[]")
			errResources = errors.Join(errResources, err)
			resourceIDs = append(resourceIDs, id)
		}
	}
	if err := errors.Join(errInclude, errAccount, errResources); err != nil {
		return reply{}, err
	}
	rid, pid, err := c.planPath()
	if err != nil {
		return reply{}, err
	}
	attrs, err := s.svc.FindOrderAttributes(c.ctx, c.actor, rid, pid, accountID, resourceIDs)
	if err != nil {
		return reply{}, err
	}
	set := orderAttributeSet{OrderAttributes: make([]orderAttributeOut, len(attrs))}
	for i, a := range attrs {
		set.OrderAttributes[i] = orderAttributeOut{Key: a.Key, Label: a.Label, Type: string(a.Type),
			Required: a.Required, Values: a.Values}
	}
	return reply{doc: orderAttributesDocument{Data: []orderAttributeSet{set}}}, nil
}

// bodyMeta are the members of data (and of data.attributes) that are not attribute
// values.
var bodyMeta = map[string]bool{"type": true, "id": true, "attributes": true, "account_id": true}

func (s *Server) handleOrderAttributesValidate(c *call) (reply, error) {
	rid, pid, err := c.planPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeOrderAttributes(c.body)
	if err != nil {
		return reply{}, err
	}
	in.Locale = c.locale
	return answer(c, func(ctx context.Context) (*domain.Job, error) {
		return s.svc.ValidateOrderAttributes(ctx, c.actor, rid, pid, in)
	}, func(j *domain.Job) reply { return created(toAPIAsyncTask(j, c.locale)) })
}

// decodeOrderAttributes reads {"data": {"account_id": N, "<key>": value, ...}}. The
// values may also sit in data.attributes, JSON:API style; a key given in both places
// takes its data.attributes value.
func decodeOrderAttributes(body []byte) (service.OrderAttributesInput, error) {
	var (
		in  service.OrderAttributesInput
		doc struct {
			Data json.RawMessage `json:"data"`
		}
	)
	if err := decodeJSON(body, &doc); err != nil {
		return in, err
	}
	if len(doc.Data) == 0 || string(doc.Data) == "null" {
		return in, domain.FieldError("/data", domain.MsgRequired)
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(doc.Data, &data) != nil {
		return in, domain.FieldError("/data", domain.MsgMustBeObject)
	}
	var attrs map[string]json.RawMessage
	if raw, ok := data["attributes"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &attrs) != nil {
			return in, domain.FieldError("/data/attributes", domain.MsgMustBeObject)
		}
	}
	in.Values = map[string]json.RawMessage{}
	for k, v := range data {
		if !bodyMeta[k] {
			in.Values[k] = v
		}
	}
	for k, v := range attrs {
		if k != "account_id" {
			in.Values[k] = v
		}
	}
	raw, ptr := data["account_id"], "/data/account_id"
	if v, ok := attrs["account_id"]; ok {
		raw, ptr = v, "/data/attributes/account_id"
	}
	in.AccountPointer = ptr
	if len(raw) == 0 || string(raw) == "null" {
		return in, domain.FieldError(ptr, domain.MsgRequired)
	}
	var id flexInt
	if json.Unmarshal(raw, &id) != nil {
		return in, domain.FieldError(ptr, domain.MsgMustBeInteger)
	}
	in.AccountID = int64(id)
	return in, nil
}

package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

// accountAttributeList is the plain-JSON answer of account_attributes.
type accountAttributeList struct {
	AccountTypes []accountTypeAttributes `json:"account_types"`
}

type accountTypeAttributes struct {
	ID         int64              `json:"id"`
	Key        string             `json:"key"`
	Name       string             `json:"name"`
	Attributes []accountAttribute `json:"attributes"`
}

type accountAttribute struct {
	Name            string  `json:"name"`
	Key             string  `json:"key"`
	Optional        bool    `json:"optional"`
	Type            string  `json:"type"`
	DefaultValue    *string `json:"default_value"`
	AvailableValues []any   `json:"available_values"`
	IsCustom        bool    `json:"is_custom_attribute"`
}

func (s *Server) handleAccountAttributes(c *call) (reply, error) {
	if err := noInclude(c); err != nil {
		return reply{}, err
	}
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	types, attrs, err := s.svc.AccountAttributes(c.ctx, c.actor, rid)
	if err != nil {
		return reply{}, err
	}
	out := accountAttributeList{AccountTypes: make([]accountTypeAttributes, len(types))}
	for i, t := range types {
		list := make([]accountAttribute, len(attrs[i]))
		for j, a := range attrs[i] {
			list[j] = toAPIAccountAttribute(a)
		}
		out.AccountTypes[i] = accountTypeAttributes{ID: t.ID, Key: t.Key, Name: t.Name, Attributes: list}
	}
	return reply{doc: out}, nil
}

func toAPIAccountAttribute(a domain.AccountAttribute) accountAttribute {
	values := a.AvailableValues
	if values == nil {
		values = []any{}
	}
	return accountAttribute{Name: a.Name, Key: a.Key, Optional: a.Optional, Type: a.Type,
		DefaultValue: a.DefaultValue, AvailableValues: values, IsCustom: a.Custom}
}

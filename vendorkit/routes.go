package vendorkit

import (
	"context"
	"encoding/json"
	"net/http"
)

// routes binds every event to its Service method.
func routes() []route {
	return []route{
		{EventCheck, func(ctx context.Context, s Service, c Call, _ []byte) (int, any, error) {
			return http.StatusOK, nil, s.Check(ctx, c)
		}},
		answering(EventSubscriptionCreate, http.StatusCreated, Service.SubscriptionCreate),
		answering(EventSubscriptionUpdate, http.StatusOK, Service.SubscriptionUpdate),
		acknowledging(EventSubscriptionStop, Service.SubscriptionStop),
		acknowledging(EventSubscriptionActivate, Service.SubscriptionActivate),
		acknowledging(EventSubscriptionDelete, Service.SubscriptionDelete),
		answering(EventSubscriptionRenew, http.StatusOK, Service.SubscriptionRenew),
		acknowledging(EventResourceValidation, Service.ResourceValidation),
		answering(EventUsageStatistics, http.StatusOK, Service.UsageStatistics),
		answering(EventConsumption, http.StatusOK, Service.Consumption),
		answering(EventOrderAttributes, http.StatusOK, Service.OrderAttributes),
		acknowledging(EventAttributesValidation, Service.AttributesValidation),
		answering(EventUserCreate, http.StatusCreated, Service.UserCreate),
		acknowledging(EventUserUpdate, Service.UserUpdate),
		acknowledging(EventUserDelete, Service.UserDelete),
		acknowledging(EventUserActivate, Service.UserActivate),
		acknowledging(EventUserDeactivate, Service.UserDeactivate),
		acknowledging(EventUserPasswordReset, Service.UserPasswordReset),
	}
}

// decode reads a call's JSON body into a new Req; a body that is not one answers 400.
func decode[Req any](body []byte) (*Req, error) {
	req := new(Req)
	if err := json.Unmarshal(body, req); err != nil {
		return nil, Refuse(http.StatusBadRequest, "malformed body: "+err.Error())
	}
	return req, nil
}

// answering is the route of a call whose method answers a body, with status.
func answering[Req, Ans any](e Event, status int, f func(Service, context.Context, Call, *Req) (*Ans, error)) route {
	return route{e, func(ctx context.Context, s Service, c Call, body []byte) (int, any, error) {
		req, err := decode[Req](body)
		if err != nil {
			return 0, nil, err
		}
		ans, err := f(s, ctx, c, req)
		if err != nil || ans == nil {
			return status, nil, err
		}
		return status, ans, nil
	}}
}

// acknowledging is the route of a call whose method answers nothing but success.
func acknowledging[Req any](e Event, f func(Service, context.Context, Call, *Req) error) route {
	return route{e, func(ctx context.Context, s Service, c Call, body []byte) (int, any, error) {
		req, err := decode[Req](body)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, nil, f(s, ctx, c, req)
	}}
}

package httpapi

import (
	"context"
	"net"
	"net/http"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// orderList is what the orders list accepts: the documented filters and sorts.
// filter[type] takes the order kinds as attributes.type shows them (SalesOrder ...).
var orderList = listSpec{
	filters: map[string]filterSpec{
		"created_at":  {kind: kindTime},
		"updated_at":  {kind: kindTime},
		"account_id":  {kind: kindInt},
		"reseller_id": {kind: kindInt},
		"type":        {kind: kindEnum, values: enumValues(domain.OrderKinds)},
		"status":      {kind: kindEnum, values: enumValues(domain.OrderStatuses)},
	},
	sorts:    []string{"id", "created_at", "closed_at", "updated_at", "expiration_date", "provisioning_date"},
	includes: []string{"account", "payment", "subscription", "charges"},
}

// enumValues is the API values of a closed list of string enums.
func enumValues[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// orderAttributes are the attributes of an order resource. subscription_id is
// Cascade's addition: the subscription the order buys or changes.
type orderAttributes struct {
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	DocumentID       string  `json:"document_id"`
	Status           string  `json:"status"`
	AccountID        int64   `json:"account_id"`
	SubscriptionID   int64   `json:"subscription_id"`
	Type             string  `json:"type"`
	ClosedAt         *string `json:"closed_at"`
	ExpirationDate   string  `json:"expiration_date"`
	ProvisioningDate *string `json:"provisioning_date"`
	Total            string  `json:"total"`
	Currency         string  `json:"currency"`
	PromoCode        *string `json:"promo_code"`
	PaymentID        *int64  `json:"payment_id"`
	ManagerID        *int64  `json:"manager_id"`
	RequesterIP      *string `json:"requester_ip"`
	CustomPrice      bool    `json:"custom_price"`
	CreatedBy        string  `json:"created_by"`
}

// toAPIOrder renders an order with its relationships to the account, the payment
// (null when it has none) and the subscription.
func (s *Server) toAPIOrder(o *domain.Order) resource {
	a := &orderAttributes{CreatedAt: s.formatTime(o.CreatedAt), UpdatedAt: s.formatTime(o.UpdatedAt),
		DocumentID: o.DocumentID, Status: string(o.Status), AccountID: o.AccountID, SubscriptionID: o.SubscriptionID,
		Type: string(o.Kind), ExpirationDate: o.ExpirationDate.String(), Total: o.Total.String(), Currency: o.Currency,
		PromoCode: nullableString(o.PromoCode), PaymentID: nullableInt(o.PaymentID), ManagerID: nullableInt(o.ManagerID),
		RequesterIP: nullableString(o.RequesterIP), CustomPrice: o.CustomPrice, CreatedBy: o.CreatedBy}
	if !o.ClosedAt.IsZero() {
		t := s.formatTime(o.ClosedAt)
		a.ClosedAt = &t
	}
	if !o.ProvisioningDate.IsZero() {
		d := o.ProvisioningDate.String()
		a.ProvisioningDate = &d
	}
	rel := map[string]relationship{
		"account":      {Data: &identifier{Type: "accounts", ID: id(o.AccountID)}},
		"subscription": {Data: &identifier{Type: "subscriptions", ID: id(o.SubscriptionID)}},
		"payment":      {},
	}
	if o.PaymentID != 0 {
		rel["payment"] = relationship{Data: &identifier{Type: "payments", ID: id(o.PaymentID)}}
	}
	return resource{ID: id(o.ID), Type: o.Kind.JSONAPIType(), Attributes: a, Relationships: rel}
}

// orderDocument renders orders with the objects of the kinds asked for included,
// each once, read in batches by the service.
func (s *Server) orderDocument(c *call, orders []*domain.Order, includes []string) ([]resource, []resource, error) {
	data := make([]resource, len(orders))
	for i, o := range orders {
		data[i] = s.toAPIOrder(o)
	}
	if len(includes) == 0 {
		return data, nil, nil
	}
	inc, err := s.svc.IncludeForOrders(c.ctx, orders, includes)
	if err != nil {
		return nil, nil, err
	}
	var included includedSet
	for _, o := range orders {
		if a := inc.Accounts[o.AccountID]; a != nil {
			included.add(s.toAPIAccount(a))
		}
		if p := inc.Payments[o.PaymentID]; p != nil {
			included.add(s.toAPIPayment(p))
		}
		if v := inc.Subscriptions[o.SubscriptionID]; v != nil {
			included.add(s.toAPISubscription(v))
		}
	}
	if contains(includes, "charges") {
		if err := s.includeOrderCharges(c, orders, data, &included); err != nil {
			return nil, nil, err
		}
	}
	return data, included.list, nil
}

func (s *Server) orderPage(c *call, orders []*domain.Order, info domain.PageInfo, p listParams) (reply, error) {
	data, included, err := s.orderDocument(c, orders, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleOrderGet(c *call) (reply, error) {
	rid, oid, err := c.orderPath()
	if err != nil {
		return reply{}, err
	}
	includes, err := parseInclude(c.r.URL.Query(), orderList.includes)
	if err != nil {
		return reply{}, err
	}
	o, err := s.svc.FindOrderByID(c.ctx, c.actor, rid, oid)
	if err != nil {
		return reply{}, err
	}
	data, included, err := s.orderDocument(c, []*domain.Order{o}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

func (s *Server) handleOrderCancel(c *call) (reply, error) {
	rid, oid, err := c.orderPath()
	if err != nil {
		return reply{}, err
	}
	return reply{}, s.svc.CancelOrder(c.ctx, c.actor, rid, oid)
}

// salesOrderInput is the body of a sales order.
type salesOrderInput struct {
	AccountID                        *flexInt    `json:"account_id"`
	PlanID                           *flexInt    `json:"plan_id"`
	PlanPeriodID                     *flexInt    `json:"plan_period_id"`
	PaymentModel                     *string     `json:"payment_model"`
	PromoCode                        *string     `json:"promo_code"`
	Resources                        *resources  `json:"resources"`
	SubscriptionCreditLimitUseSystem *flexBool   `json:"subscription_credit_limit_use_system"`
	SubscriptionCreditLimit          *amountText `json:"subscription_credit_limit"`
	AsyncTaskID                      *string     `json:"async_task_id"`
	ProvisioningDate                 *string     `json:"provisioning_date"`
}

// resources is an order's resources list: {"data": [{plan_resource_id, quantity}]}.
type resources struct {
	Data []struct {
		PlanResourceID flexInt `json:"plan_resource_id"`
		Quantity       flexInt `json:"quantity"`
	} `json:"data"`
}

// orders is the resources list as the domain takes it; nil when absent.
func (r *resources) orders() []domain.ResourceOrder {
	if r == nil {
		return nil
	}
	out := make([]domain.ResourceOrder, len(r.Data))
	for i, e := range r.Data {
		out[i] = domain.ResourceOrder{PlanResourceID: int64(e.PlanResourceID), Quantity: int64(e.Quantity)}
	}
	return out
}

func fromAPISalesOrder(in *salesOrderInput) domain.SalesOrderInput {
	out := domain.SalesOrderInput{AccountID: in.AccountID.ptr(), PlanID: in.PlanID.ptr(),
		PlanPeriodID: in.PlanPeriodID.ptr(), PaymentModel: in.PaymentModel,
		CreditLimitUseSystem: in.SubscriptionCreditLimitUseSystem.ptr(),
		CreditLimit:          (*string)(in.SubscriptionCreditLimit), ProvisioningDate: in.ProvisioningDate,
		Resources: in.Resources.orders()}
	if in.PromoCode != nil {
		out.PromoCode = *in.PromoCode
	}
	if in.AsyncTaskID != nil {
		out.AsyncTaskID = *in.AsyncTaskID
	}
	return out
}

func (s *Server) handleSalesOrderCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[salesOrderInput](c)
	if err != nil {
		return reply{}, err
	}
	src := service.OrderSource{RequesterIP: requesterIP(c.r)}
	return answer(c, func(ctx context.Context) (*domain.Order, error) {
		return s.svc.CreateSalesOrder(ctx, c.actor, rid, fromAPISalesOrder(in), src)
	}, func(o *domain.Order) reply { return created(s.toAPIOrder(o)) })
}

// requesterIP is the address the request came from, without its port.
func requesterIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// orderPath reads reseller_id and order_id from the path.
func (c *call) orderPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	oid, err := c.pathID("order_id")
	return rid, oid, err
}

package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// The subscription operations (stop, activate, delete, and Cascade's approve and
// decline of a stop or deletion waiting for approval), the auto-renew PATCH, and the
// subscriptions of the resellers below one.

// operationNoteInput is the body of stop_operation and activate_operation.
type operationNoteInput struct {
	Reason  *string `json:"reason"`
	Comment *string `json:"comment"`
}

// autorenewInput is the body of PATCH subscription.
type autorenewInput struct {
	Autorenew *flexBool `json:"autorenew"`
}

// operated answers an operation: 200 with an empty body. For a request with an
// Idempotency-Key the operation's transaction records that answer with its commit.
func operated(c *call, run func(context.Context) error) (reply, error) {
	return answer(c, func(ctx context.Context) (*service.SubscriptionView, error) { return nil, run(ctx) },
		func(*service.SubscriptionView) reply { return reply{} })
}

// notedOperation decodes the reason and comment of an operation on the subscription
// of the path and runs it.
func (s *Server) notedOperation(c *call,
	run func(context.Context, domain.Actor, int64, int64, domain.OperationNoteInput) error) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[operationNoteInput](c)
	if err != nil {
		return reply{}, err
	}
	note := domain.OperationNoteInput{Reason: in.Reason, Comment: in.Comment}
	return operated(c, func(ctx context.Context) error { return run(ctx, c.actor, rid, sid, note) })
}

// bareOperation runs an operation without a body on the subscription of the path.
func (s *Server) bareOperation(c *call, run func(context.Context, domain.Actor, int64, int64) error) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	return operated(c, func(ctx context.Context) error { return run(ctx, c.actor, rid, sid) })
}

func (s *Server) handleSubscriptionStop(c *call) (reply, error) {
	return s.notedOperation(c, s.svc.StopSubscription)
}

func (s *Server) handleSubscriptionActivate(c *call) (reply, error) {
	return s.notedOperation(c, s.svc.ActivateSubscription)
}

func (s *Server) handleSubscriptionDelete(c *call) (reply, error) {
	return s.bareOperation(c, s.svc.DeleteSubscription)
}

func (s *Server) handleSubscriptionApprove(c *call) (reply, error) {
	return s.bareOperation(c, s.svc.ApproveSubscriptionOperation)
}

func (s *Server) handleSubscriptionDecline(c *call) (reply, error) {
	return s.bareOperation(c, s.svc.DeclineSubscriptionOperation)
}

func (s *Server) handleSubscriptionUpdate(c *call) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[autorenewInput](c)
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*service.SubscriptionView, error) {
		return s.svc.SetSubscriptionAutorenew(ctx, c.actor, rid, sid, domain.AutorenewInput{Autorenew: in.Autorenew.ptr()})
	}, func(v *service.SubscriptionView) reply { return one(s.toAPISubscription(v)) })
}

// childSubscriptionList is the subscriptions list of the resellers below one: the
// same filters and sorts, and nothing to include.
var childSubscriptionList = func() listSpec {
	l := subscriptionList
	l.includes = nil
	return l
}()

func (s *Server) handleChildResellerSubscriptionGet(c *call) (reply, error) {
	if err := noInclude(c); err != nil {
		return reply{}, err
	}
	if err := metaParam(c); err != nil {
		return reply{}, err
	}
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	v, err := s.svc.FindChildResellerSubscriptionByID(c.ctx, c.actor, rid, sid)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPISubscription(v)), nil
}

// accountIncludes are what an account read may include: its subscriptions.
var accountIncludes = []string{"subscriptions"}

// withAccountSubscriptions adds to the rendered accounts data their subscriptions,
// when includes asks for them: a to-many relationship on each account and the
// subscriptions in included, read for the whole page at once.
func (s *Server) withAccountSubscriptions(c *call, accounts []*domain.Account, data []resource, includes []string) ([]resource, error) {
	if !contains(includes, "subscriptions") {
		return nil, nil
	}
	subs, err := s.svc.SubscriptionsOfAccounts(c.ctx, c.actor, accounts)
	if err != nil {
		return nil, err
	}
	var included []resource
	for i, a := range accounts {
		ids := []identifier{}
		for _, v := range subs[a.ID] {
			ids = append(ids, identifier{Type: "subscriptions", ID: id(v.ID)})
			included = append(included, s.toAPISubscription(v))
		}
		data[i].Relationships = map[string]relationship{"subscriptions": {Data: ids}}
	}
	return included, nil
}

// accountPage renders a page of accounts with their subscriptions when asked for.
func (s *Server) accountPage(c *call, accounts []*domain.Account, info domain.PageInfo, p listParams) (reply, error) {
	data := make([]resource, len(accounts))
	for i, a := range accounts {
		data[i] = s.toAPIListedAccount(a)
	}
	included, err := s.withAccountSubscriptions(c, accounts, data, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

// handleSubscriptionProvisioningRetry sends a subscription's failed vendor operation
// again (Cascade extension, docs/vendor-protocol.md) and answers the subscription.
func (s *Server) handleSubscriptionProvisioningRetry(c *call) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*service.SubscriptionView, error) {
		return s.svc.RetrySubscriptionProvisioning(ctx, c.actor, rid, sid)
	}, func(v *service.SubscriptionView) reply { return one(s.toAPISubscription(v)) })
}

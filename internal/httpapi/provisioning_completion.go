package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// provisioningCompletionBody is the flat body of a provisioning completion:
// {"outcome": "done" | "failed", "message": "..."}.
type provisioningCompletionBody struct {
	Outcome *string `json:"outcome"`
	Message *string `json:"message"`
}

// handleSubscriptionProvisioningCompletion marks a subscription's operation that
// waits for a manager (manual mode) done or failed (Cascade extension,
// docs/vendor-protocol.md) and answers the subscription.
func (s *Server) handleSubscriptionProvisioningCompletion(c *call) (reply, error) {
	rid, sid, err := c.subscriptionPath()
	if err != nil {
		return reply{}, err
	}
	var b provisioningCompletionBody
	if err := decodeJSON(c.body, &b); err != nil {
		return reply{}, err
	}
	in := domain.ProvisioningCompletionInput{Outcome: b.Outcome, Message: b.Message}
	return answer(c, func(ctx context.Context) (*service.SubscriptionView, error) {
		return s.svc.CompleteSubscriptionProvisioning(ctx, c.actor, rid, sid, in)
	}, func(v *service.SubscriptionView) reply { return one(s.toAPISubscription(v)) })
}

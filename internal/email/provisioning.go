package email

import (
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Provisioning is an operation on a subscription to a product in manual mode: what
// a manager of the vendor carries out by hand and then marks done or failed.
type Provisioning struct {
	Op domain.ProvisionOp
	// Product names the service; its Integration.ManualEmail receives the message.
	Product        domain.Product
	SubscriptionID int64
	// Request is what a product in automatic mode would receive for the operation:
	// the reseller, the customer, the plan with its quantities (the new ones for an
	// update or a switch), the subscription's attributes and the vendor's id.
	Request vendorkit.SubscriptionRequest
	// Previous is the plan and its quantities before an update or a switch, shown
	// beside the new ones; nil otherwise.
	Previous *vendorkit.Plan
}

// opTexts are what each operation asks of the manager: the subject's verb and the
// body's instruction.
var opTexts = map[domain.ProvisionOp]struct{ verb, ask string }{
	domain.ProvisionOpCreate: {"Create", "Create this subscription on your service, with the plan and quantities below."},
	domain.ProvisionOpUpdate: {"Update", "Change the subscription's resources to the quantities below."},
	domain.ProvisionOpSwitch: {"Switch plan of", "Move the subscription to the plan below, with its quantities."},
	domain.ProvisionOpRenew:  {"Renew", "Renew the subscription for another period of its plan."},
	domain.ProvisionOpStop: {"Stop", "Stop the subscription: the customer can no longer use the service," +
		" and their data stays until the subscription is deleted or activated again."},
	domain.ProvisionOpActivate: {"Activate", "Activate the stopped subscription again, as it was before it stopped."},
	domain.ProvisionOpDelete:   {"Delete", "Delete the subscription and the customer's data on your service."},
}

// ProvisioningMessage renders p as the message to the product's manual-mode address.
// The same p renders the same text; values are kept to one line each, so nothing a
// customer typed can add lines or headers.
func ProvisioningMessage(p Provisioning) Message {
	t, ok := opTexts[p.Op]
	if !ok {
		t.verb, t.ask = "Carry out "+string(p.Op)+" on", "Carry out the operation "+string(p.Op)+" on this subscription."
	}
	r := p.Request
	subject := fmt.Sprintf("%s subscription %d: %s, %s", t.verb, p.SubscriptionID, oneLine(p.Product.Name), oneLine(r.Plan.Name))
	if c := oneLine(r.Tenant.CompanyName); c != "" {
		subject += " for " + c
	}
	var b body
	b.paragraph(oneLine(p.Product.Name) + " is provisioned by hand. " + t.ask)
	b.blank()
	b.field("Operation", string(p.Op))
	b.field("Subscription", fmt.Sprint(p.SubscriptionID))
	b.field("Your id", r.ExternalID)
	b.field("Product", fmt.Sprintf("%s (%s)", oneLine(p.Product.Name), oneLine(p.Product.Key)))
	writePlan(&b, r.Plan, p.Previous)
	writeTenant(&b, r.Tenant, r.User)
	writeReseller(&b, r.Reseller)
	if len(r.Subscription.Attributes) > 0 {
		b.blank()
		b.line("Subscription attributes")
		for _, k := range sortedKeys(r.Subscription.Attributes) {
			b.field("  "+oneLine(k), r.Subscription.Attributes[k])
		}
	}
	writeCompletion(&b, p)
	return Message{To: []string{p.Product.Integration.ManualEmail}, Subject: subject, Body: b.String()}
}

// writeCompletion tells the manager how to report the outcome.
func writeCompletion(b *body, p Provisioning) {
	b.blank()
	b.line("When you are done")
	b.line("Until you mark the operation done or failed, the subscription shows %q.", p.Op.Transitional())
	b.line("Mark it through Cascade's API with a manager's token:")
	b.blank()
	b.line("  POST /api/v3/resellers/%d/subscriptions/%d/provisioning_completion", p.Request.Reseller.ID, p.SubscriptionID)
	b.line(`  {"outcome": "done", "message": "what you did"}`)
	b.blank()
	b.line("or, when you cannot carry it out:")
	b.blank()
	b.line(`  {"outcome": "failed", "message": "why, for the reseller to read"}`)
	b.blank()
	b.line("A failed operation leaves the subscription %q with your message until it is retried.", p.Op.Failed())
}

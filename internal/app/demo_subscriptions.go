package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// DueRunner delivers every job that is due now before it returns (jobs.Runner.RunDue).
// The demo runs before the job workers start, so it delivers its provisioning itself.
type DueRunner interface {
	RunDue(ctx context.Context) (int, error)
}

// DemoSubscription is a subscription the demo bought, with its order.
type DemoSubscription struct {
	ResellerID     int64
	AccountName    string
	SubscriptionID int64
	PlanName       string
	Status         domain.SubscriptionStatus
	Trial          bool
	OrderID        int64
	OrderStatus    domain.OrderStatus
	Note           string // how the demo got it there
}

// demoSale is a sales order the demo places, and what it does with it afterwards.
type demoSale struct {
	account      string // e-mail of a demo account
	plan, period string // keys in the demo catalogue
	model        domain.PaymentModel
	pay          bool // complete its payment by cash
	stop         bool // stop the subscription, and approve the stop when its terms make it wait
	note         string
}

// demoSales give the demo a subscription in each of the usual states. The plans are
// the demo catalogue's that ask for no order attributes, so no validation task is
// needed; the service terms of both make a stop wait for a manager's approval.
var demoSales = []demoSale{
	{account: "paula@customer.example", plan: "docs-premium", period: "1y", model: domain.PaymentModelPrepay, pay: true,
		note: "prepaid, paid in cash"},
	{account: "it@adatum.example", plan: "docs-standard", period: "1m", model: domain.PaymentModelPostpay,
		note: "postpaid"},
	{account: "office@proseware.example", plan: "docs-standard", period: "trial", model: domain.PaymentModelPrepay,
		note: "free trial"},
	{account: "paula@customer.example", plan: "docs-standard", period: "1m", model: domain.PaymentModelPrepay, pay: true, stop: true,
		note: "paid, then stopped (stop approved)"},
	{account: "cloud@woodgrove.example", plan: "docs-standard", period: "1y", model: domain.PaymentModelPrepay,
		note: "prepaid order waiting for payment"},
}

// seedDemoSales places the demo's sales orders through the service, as the API
// would, pays and stops what demoSales says, and delivers the provisioning jobs
// between the steps so every subscription ends in its real status. accounts are the
// demo accounts by e-mail.
func seedDemoSales(ctx context.Context, svc *service.Service, actor domain.Actor, jobs DueRunner,
	accounts map[string]*domain.Account) ([]DemoSubscription, error) {
	orders := make([]*domain.Order, len(demoSales))
	for i, d := range demoSales {
		acc := accounts[d.account]
		o, err := placeDemoSale(ctx, svc, actor, acc, d)
		if err != nil {
			return nil, fmt.Errorf("demo order of %s for %s: %w", d.plan, d.account, err)
		}
		if d.pay {
			if err := payDemoOrder(ctx, svc, actor, o); err != nil {
				return nil, fmt.Errorf("demo payment of order %d: %w", o.ID, err)
			}
		}
		orders[i] = o
	}
	if _, err := jobs.RunDue(ctx); err != nil {
		return nil, err
	}
	note := domain.OperationNoteInput{Reason: ptr("Demo"), Comment: ptr("Stopped by the demo data")}
	for i, d := range demoSales {
		if !d.stop {
			continue
		}
		o := orders[i]
		if err := svc.StopSubscription(ctx, actor, o.ResellerID, o.SubscriptionID, note); err != nil {
			return nil, fmt.Errorf("demo stop of subscription %d: %w", o.SubscriptionID, err)
		}
		sub, err := svc.FindSubscriptionByID(ctx, actor, o.ResellerID, o.SubscriptionID)
		if err != nil {
			return nil, err
		}
		if sub.Status == domain.SubscriptionStatusWaitingForManualApprove {
			if err := svc.ApproveSubscriptionOperation(ctx, actor, o.ResellerID, o.SubscriptionID); err != nil {
				return nil, fmt.Errorf("demo approval of subscription %d: %w", o.SubscriptionID, err)
			}
		}
	}
	if _, err := jobs.RunDue(ctx); err != nil {
		return nil, err
	}
	out := make([]DemoSubscription, len(demoSales))
	for i, d := range demoSales {
		o, acc := orders[i], accounts[d.account]
		sub, err := svc.FindSubscriptionByID(ctx, actor, o.ResellerID, o.SubscriptionID)
		if err != nil {
			return nil, err
		}
		if o, err = svc.FindOrderByID(ctx, actor, o.ResellerID, o.ID); err != nil {
			return nil, err
		}
		out[i] = DemoSubscription{ResellerID: o.ResellerID, AccountName: acc.Name, SubscriptionID: sub.ID,
			PlanName: sub.Name, Status: sub.Status, Trial: sub.Trial, OrderID: o.ID, OrderStatus: o.Status, Note: d.note}
	}
	return out, nil
}

// placeDemoSale orders plan d.plan for acc at its period d.period, every resource at
// its lowest quantity.
func placeDemoSale(ctx context.Context, svc *service.Service, actor domain.Actor, acc *domain.Account, d demoSale) (*domain.Order, error) {
	q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}.Where("key", domain.OpIn, d.plan)
	plans, _, err := svc.FindPlans(ctx, actor, acc.ResellerID, q)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, fmt.Errorf("reseller %d has no plan %s", acc.ResellerID, d.plan)
	}
	plan := plans[0]
	in := domain.SalesOrderInput{AccountID: &acc.ID, PlanID: &plan.ID, PaymentModel: ptr(string(d.model))}
	for _, p := range plan.Periods {
		if p.Key == d.period {
			in.PlanPeriodID = ptr(p.ID)
		}
	}
	for _, r := range plan.Resources {
		in.Resources = append(in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.LowestQuantity()})
	}
	return svc.CreateSalesOrder(ctx, actor, acc.ResellerID, in, service.OrderSource{})
}

// payDemoOrder completes the payment of o by the operator's cash payment method, which
// the demo resellers, declaring none of their own, use too.
func payDemoOrder(ctx context.Context, svc *service.Service, actor domain.Actor, o *domain.Order) error {
	q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}.Where("key", domain.OpIn, "cash")
	methods, _, err := svc.FindPaymentMethods(ctx, actor, domain.OperatorID, q)
	if err != nil {
		return err
	}
	if len(methods) == 0 || o.PaymentID == 0 {
		return fmt.Errorf("no cash payment method or no payment for order %d", o.ID)
	}
	_, err = svc.CompletePayment(ctx, actor, o.ResellerID, o.PaymentID, service.PaymentCompletion{PaymentMethodID: &methods[0].ID})
	return err
}

// PrintDemoSubscriptions writes the demo's subscriptions as a table.
func PrintDemoSubscriptions(w io.Writer, subs []DemoSubscription) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESELLER\tACCOUNT\tSUBSCRIPTION\tPLAN\tSTATUS\tORDER\tHOW")
	for _, s := range subs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%d %s\t%s\n", s.ResellerID, s.AccountName, s.SubscriptionID, s.PlanName,
			s.Status, s.OrderID, s.OrderStatus, s.Note)
	}
	tw.Flush()
}

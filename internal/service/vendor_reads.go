package service

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Usage and consumption (docs/vendor-protocol.md, Usage and consumption): every
// interval, each active subscription of a product in automatic mode with the usage
// toggle has its vendor asked how much of each resource is in use, kept as the
// resource's usage; with the consumption toggle, how many units were consumed since
// the last read, kept per period for pay-as-you-go charging. A subscription gets its
// read schedule when an operation of it reaches the vendor (scheduleVendorReadsIn), so
// the pass walks only the schedule's index of due rows. The calls are made outside
// any transaction; a failed read is logged and made again the next interval, and
// never touches the subscription's status. Consumption is asked from where the last
// kept period ended, so a failed read loses nothing: the next one covers it.

// vendorReadsAtOnce is how many subscriptions one run reads at the same time.
const vendorReadsAtOnce = 4

// vendorReadPass is the scheduler pass that reads usage and consumption.
type vendorReadPass struct {
	s        *Service
	client   *vendor.Client
	interval time.Duration
	batch    int
}

// vendorReadPasses returns the pass that reads usage and consumption when vendor
// calls are on, else none. It calls with the service's client, whose connections
// the other vendor calls share.
func (s *Service) vendorReadPasses() []jobs.Pass {
	if s.vendorCalls == nil {
		return nil
	}
	return []jobs.Pass{&vendorReadPass{s: s, client: s.vendorCalls, interval: s.usageInterval(), batch: PassBatch}}
}

// usageInterval is how often each subscription's usage and consumption are read.
func (s *Service) usageInterval() time.Duration {
	if d := s.opts.VendorCalls.UsageInterval; d > 0 {
		return d
	}
	return vendor.DefaultUsageInterval
}

// Name implements jobs.Pass.
func (p *vendorReadPass) Name() string { return "read_vendor_usage" }

// NextDue implements jobs.Pass. It knows of no instant: a read asks for what stands
// at the time it runs (and consumption up to it), so the test clock need not stop
// at every interval of every subscription; it reads once at each instant it steps to.
func (p *vendorReadPass) NextDue(context.Context, time.Time) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

// Run implements jobs.Pass: it reads every subscription whose read is due at now,
// a few at a time. A read that fails is logged and left to the next interval; only
// the database failing the walk fails the run.
func (p *vendorReadPass) Run(ctx context.Context, now time.Time) error {
	// Periods are kept to the microsecond: the next one starts exactly where this
	// one is kept to end.
	now = now.Truncate(time.Microsecond)
	var (
		after store.VendorReadKey
		wg    sync.WaitGroup
		slots = make(chan struct{}, vendorReadsAtOnce)
	)
	defer wg.Wait()
	for ctx.Err() == nil {
		keys, err := p.s.db.Reader().DueVendorReads(ctx, now, after, p.batch)
		if err != nil {
			return err
		}
		for _, k := range keys {
			slots <- struct{}{}
			wg.Add(1)
			go func(id int64) {
				defer func() { <-slots; wg.Done() }()
				if err := p.read(ctx, now, id); err != nil {
					p.s.log.Warn("vendor read failed; it is tried again next interval", "subscription", id, "err", err)
				}
			}(k.ID)
		}
		if len(keys) < p.batch {
			break
		}
		after = keys[len(keys)-1]
	}
	return ctx.Err()
}

// vendorRead is what the calls of one subscription's read share.
type vendorRead struct {
	sub    *domain.Subscription
	plan   *domain.Plan
	target vendor.Target
	body   vendorkit.UsageRequest
	from   time.Time // where the unread consumption starts
	now    time.Time
}

// read claims the due read of subscription id and makes its calls.
func (p *vendorReadPass) read(ctx context.Context, now time.Time, id int64) error {
	var (
		from    time.Time
		claimed bool
	)
	err := p.s.inTx(ctx, func(tx *store.Conn) (err error) {
		from, claimed, err = tx.ClaimVendorRead(ctx, id, now, now.Add(p.interval))
		return err
	})
	if err != nil || !claimed {
		return err
	}
	r, err := p.prepare(ctx, id, from, now)
	if err != nil || r == nil {
		return err
	}
	in := r.product.Integration
	var usageErr, consumptionErr error
	if in.AllowUsageURL {
		usageErr = p.readUsage(ctx, &r.vendorRead)
	}
	if in.AllowConsumptionURL {
		consumptionErr = p.readConsumption(ctx, &r.vendorRead)
	}
	if usageErr != nil {
		return fmt.Errorf("usage: %w", usageErr)
	}
	if consumptionErr != nil {
		return fmt.Errorf("consumption: %w", consumptionErr)
	}
	return nil
}

// preparedRead is a read with the product it is made for.
type preparedRead struct {
	vendorRead
	product *domain.Product
}

// prepare reads what the calls of subscription id need. It returns nil when there is
// nothing to read now: the subscription is not active or not yet known to the
// vendor. A subscription that is gone, or whose product no longer asks for reads,
// leaves the schedule.
func (p *vendorReadPass) prepare(ctx context.Context, id int64, from, now time.Time) (*preparedRead, error) {
	c := p.s.db.Reader()
	sub, err := c.FindSubscriptionByID(ctx, 0, id)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return nil, p.drop(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	plan, err := p.s.planByID(ctx, c, sub.PlanID)
	if err != nil {
		return nil, err
	}
	product, err := c.FindProductByID(ctx, plan.ProductID)
	if err != nil {
		return nil, err
	}
	in := product.Integration
	if sub.Status == domain.SubscriptionStatusDeleted || in.Mode != domain.ProvisioningAutomatic ||
		in.APIPath == "" || !in.AllowUsageURL && !in.AllowConsumptionURL {
		return nil, p.drop(ctx, id)
	}
	if sub.Status != domain.SubscriptionStatusActive || sub.Vendor.ExternalID == "" {
		return nil, nil
	}
	target, _, err := p.s.vendorTarget(ctx, c, product, sub.ResellerID)
	if err != nil {
		return nil, err
	}
	reseller, err := c.FindResellerByID(ctx, sub.ResellerID)
	if err != nil {
		return nil, err
	}
	return &preparedRead{product: product, vendorRead: vendorRead{sub: sub, plan: plan, from: from, now: now,
		target: target,
		body: vendorkit.UsageRequest{ExternalID: sub.Vendor.ExternalID, Reseller: vendorReseller(reseller),
			Subscription: vendorkit.Subscription{ID: strconv.FormatInt(sub.ID, 10), Attributes: map[string]string{}},
			Plan:         vendorPlan(plan, sub.PlanPeriodID, sub.Quantities())}}}, nil
}

// drop ends the read schedule of subscription id.
func (p *vendorReadPass) drop(ctx context.Context, id int64) error {
	return p.s.inTx(ctx, func(tx *store.Conn) error { return tx.DropVendorReads(ctx, id) })
}

// readUsage asks the vendor for the usage of r's resources and keeps it. Keys that
// name no resource of the plan, and negative amounts, are left out.
func (p *vendorReadPass) readUsage(ctx context.Context, r *vendorRead) error {
	event := fmt.Sprintf("usage-%d-%d", r.sub.ID, r.now.UnixMicro())
	answer, err := p.client.UsageStatistics(ctx, r.target, event, &r.body)
	if err != nil {
		return err
	}
	keys := resourceKeys(r.plan)
	var usage []store.ResourceUsage
	for _, u := range answer.Resources {
		if id, ok := keys[u.Key]; ok && u.Usage >= 0 {
			usage = append(usage, store.ResourceUsage{PlanResourceID: id, Usage: u.Usage, At: r.now})
		}
	}
	return p.s.inTx(ctx, func(tx *store.Conn) error { return tx.SaveResourceUsage(ctx, r.sub.ID, usage) })
}

// decimalQuantity is a consumed quantity the pass keeps: a non-negative decimal
// written plainly, without sign or exponent.
var decimalQuantity = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,12})?$`)

// readConsumption asks the vendor for the units consumed from r.from to r.now and
// keeps those of the plan's resources as that period's, unless the period was kept
// already. An answer with a malformed quantity or a key twice keeps nothing: the
// period is asked again the next interval, extended to then.
func (p *vendorReadPass) readConsumption(ctx context.Context, r *vendorRead) error {
	if !r.now.After(r.from) {
		return nil
	}
	event := fmt.Sprintf("consumption-%d-%d-%d", r.sub.ID, r.from.UnixMicro(), r.now.UnixMicro())
	answer, err := p.client.Consumption(ctx, r.target, event, &vendorkit.ConsumptionRequest{
		ExternalID: r.body.ExternalID, Reseller: r.body.Reseller, Subscription: r.body.Subscription,
		From: r.from.Format(time.RFC3339Nano), To: r.now.Format(time.RFC3339Nano)})
	if err != nil {
		return err
	}
	keys, created := resourceKeys(r.plan), p.s.clock.Now()
	rows := make([]store.Consumption, 0, len(answer.Resources))
	seen := map[string]bool{}
	for _, c := range answer.Resources {
		q := c.Quantity.String()
		if c.Key == "" || seen[c.Key] || !decimalQuantity.MatchString(q) {
			return fmt.Errorf("the vendor answered a malformed consumption of %q: %q", c.Key, q)
		}
		seen[c.Key] = true
		id, ok := keys[c.Key]
		if !ok {
			// Only the plan's resources are priced, so nothing else is kept: this also
			// bounds the rows one answer can write by the plan, not the answer's size.
			continue
		}
		rows = append(rows, store.Consumption{ResourceKey: c.Key, PlanResourceID: id, Quantity: q,
			CreatedAt: created})
	}
	return p.s.inTx(ctx, func(tx *store.Conn) error {
		_, err := tx.SaveConsumption(ctx, r.sub.ID, r.from, r.now, rows)
		return err
	})
}

// resourceKeys maps the keys of plan's resources to their ids.
func resourceKeys(plan *domain.Plan) map[string]int64 {
	out := make(map[string]int64, len(plan.Resources))
	for _, r := range plan.Resources {
		out[r.Key] = r.ID
	}
	return out
}

// scheduleVendorReadsIn gives subscription id its read schedule in tx when product
// asks for usage or consumption and it has none: the first read an interval after
// now, consumption counted from now.
func (s *Service) scheduleVendorReadsIn(ctx context.Context, tx *store.Conn, id int64, product *domain.Product) error {
	in := product.Integration
	if s.vendorCalls == nil || !in.AllowUsageURL && !in.AllowConsumptionURL {
		return nil
	}
	now := s.clock.Now()
	return tx.ScheduleVendorReads(ctx, id, now.Add(s.usageInterval()), now)
}

// resourceUsage returns the usage read of the resources of subs: subscription id →
// plan resource id → units in use.
func (s *Service) resourceUsage(ctx context.Context, c *store.Conn, subs []*SubscriptionView) (map[int64]map[int64]int64, error) {
	ids := make([]int64, len(subs))
	for i, v := range subs {
		ids[i] = v.ID
	}
	read, err := c.FindResourceUsage(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]map[int64]int64, len(read))
	for sub, resources := range read {
		out[sub] = make(map[int64]int64, len(resources))
		for id, u := range resources {
			out[sub][id] = u.Usage
		}
	}
	return out, nil
}

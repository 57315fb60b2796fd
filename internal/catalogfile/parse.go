package catalogfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Limits of free-text fields.
const (
	maxName = 255
	maxText = 4000
)

// Parse reads a catalogue document and checks everything that does not depend on
// the stored catalogue. It returns the file read so far and, when anything is wrong,
// an *Invalid listing every problem. It returns no file at all when the file must not
// be read further: it is not YAML, it holds aliases, merge keys or text that is not
// plain (see scan), it passes one of the limits lim, or it has more problems than
// are listed; and, with ctx's error, when ctx ends.
func Parse(ctx context.Context, doc []byte, lim Limits) (*File, error) {
	doc, replaced := sanitize(doc)
	var root yaml.Node
	dec := yaml.NewDecoder(&ctxReader{ctx: ctx, r: bytes.NewReader(doc)})
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(ctx, err)
	}
	r := &reader{ctx: ctx, lim: lim}
	if len(root.Content) == 0 {
		return &File{lim: lim}, nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		r.fail(&next, nil, domain.MsgCatalogOneDocument)
	} else if !errors.Is(err, io.EOF) {
		return nil, decodeError(ctx, err)
	}
	// One walk over the whole document first: a file with aliases is not read, since
	// reading it could cost any amount of work.
	scanned := len(r.list)
	r.scan(root.Content[0], make(path, 0, 32), replaced)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(r.list) > scanned || r.overflowed() {
		return nil, r.err()
	}
	f := &File{}
	r.file(root.Content[0], f)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.stopped || r.overflowed() {
		return nil, r.err()
	}
	f.entries, f.lim = r.entries, lim
	return f, r.err()
}

// ctxReader hands the YAML decoder its input until ctx ends. The decoder reads as
// it parses, a few hundred bytes at a time, so a cancelled request stops parsing a
// large file within one such read instead of after the whole document.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// decodeError is what Parse answers for the decoder's error err: ctx's error when
// ctx has ended (the decoder's input then failed with it), the syntax problem
// otherwise.
func decodeError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return syntaxError(err)
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): `)

func syntaxError(err error) error {
	msg := err.Error()
	line := 0
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &Invalid{Problems: []Problem{{Line: line, Message: domain.MsgCatalogSyntax, Args: []any{msg}, Syntax: true}}}
}

func (r *reader) file(n *yaml.Node, f *File) {
	o := r.object(n, nil, "service_terms", "payment_methods", "categories", "products", "plans", "delegated",
		"invoices", "account_classes")
	if o == nil {
		return
	}
	if v := o.value("invoices"); v != nil {
		if io := r.object(v, o.pos("invoices").Path, "external_management"); io != nil {
			f.Invoices = &InvoiceSettings{ExternalManagement: io.boolean("external_management", false)}
		}
	}
	seen := newKeys(r)
	r.accountClasses(o, f, seen)
	for i, item := range o.list("service_terms", LimitServiceTerms, r.lim.ServiceTerms) {
		if r.halted() {
			break
		}
		if t, ok := r.serviceTerm(item, o.pos("service_terms").Path.item(i)); ok {
			seen.check("service_terms", t.at, t.Key)
			f.ServiceTerms = append(f.ServiceTerms, t)
			r.count(1, t.at.at())
		}
	}
	for i, item := range o.list("payment_methods", LimitPaymentMethods, r.lim.PaymentMethods) {
		if r.halted() {
			break
		}
		if m, ok := r.paymentMethod(item, o.pos("payment_methods").Path.item(i)); ok {
			seen.check("payment_methods", m.at, m.Key)
			f.PaymentMethods = append(f.PaymentMethods, m)
			r.count(1, m.at.at())
		}
	}
	for i, item := range o.list("categories", LimitCategories, r.lim.Categories) {
		if r.halted() {
			break
		}
		if c, ok := r.category(item, o.pos("categories").Path.item(i)); ok {
			seen.check("categories", c.at, c.Key)
			f.Categories = append(f.Categories, c)
			r.count(1, c.at.at())
		}
	}
	for i, item := range o.list("products", LimitProducts, r.lim.Products) {
		if r.halted() {
			break
		}
		if p, ok := r.product(item, o.pos("products").Path.item(i)); ok {
			seen.check("products", p.at, p.Key)
			f.Products = append(f.Products, p)
			r.count(1, p.at.at())
		}
	}
	for i, item := range o.list("plans", LimitPlans, r.lim.Plans) {
		if r.halted() {
			break
		}
		if p, ok := r.plan(item, o.pos("plans").Path.item(i)); ok {
			seen.check("plans", p.at, p.Key)
			f.Plans = append(f.Plans, p)
			own := PlanEntries(len(p.Periods), len(p.Resources), len(p.SwitchTo), p.OrderAttributes)
			r.count(own*(1+len(p.AvailableTo)), p.at.at())
		}
	}
	for i, item := range o.list("delegated", LimitPlans, r.lim.Plans) {
		if r.halted() {
			break
		}
		if d, ok := r.delegation(item, o.pos("delegated").Path.item(i)); ok {
			seen.checkField("delegated", d.at, "plan", d.PlanKey)
			f.Delegated = append(f.Delegated, d)
			// Each copy's periods and the rest are stored, not here: Check counts them.
			r.count(len(d.AvailableTo), d.at.at())
		}
	}
	// A plan is either the reseller's own or received from upstream, not both.
	for _, d := range f.Delegated {
		if seen.has("plans", d.PlanKey) {
			d.at.fail("plan", domain.MsgPlanIsOwn, d.PlanKey)
		}
	}
}

// keys finds keys used twice in one scope.
type keys struct {
	r    *reader
	seen map[string]bool
}

func newKeys(r *reader) *keys { return &keys{r: r, seen: map[string]bool{}} }

func (k *keys) check(scope string, o *object, key string) { k.checkField(scope, o, "key", key) }

func (k *keys) checkField(scope string, o *object, field, key string) {
	if key == "" {
		return
	}
	if k.seen[scope+"\x00"+key] {
		o.fail(field, domain.MsgDuplicate, key)
	}
	k.seen[scope+"\x00"+key] = true
}

func (k *keys) has(scope, key string) bool { return k.seen[scope+"\x00"+key] }

func (r *reader) category(n *yaml.Node, p path) (Category, bool) {
	o := r.object(n, p, "key", "name", "description", "priority", "public", "logo")
	if o == nil {
		return Category{}, false
	}
	c := Category{at: o}
	c.Key = o.key("key")
	c.Name = o.text("name", true, maxName)
	c.Description = o.text("description", false, maxText)
	c.Priority = int(o.integer("priority", false, 0))
	c.Public = o.boolean("public", true)
	c.Logo = o.text("logo", false, 2048)
	if c.Logo != "" && !validURL(c.Logo) {
		o.fail("logo", domain.MsgInvalidURL)
	}
	return c, true
}

func (r *reader) product(n *yaml.Node, p path) (Product, bool) {
	o := r.object(n, p, "key", "name", "type", "category", "description", "public", "priority", "vendor", "integration")
	if o == nil {
		return Product{}, false
	}
	pr := Product{at: o}
	pr.Key = o.key("key")
	pr.Name = o.text("name", true, maxName)
	pr.Type = o.text("type", false, maxName)
	pr.CategoryKey = o.ref("category", true)
	pr.Description = o.text("description", false, maxText)
	pr.Public = o.boolean("public", true)
	pr.Priority = int(o.integer("priority", false, 0))
	pr.VendorName = o.text("vendor", false, maxName)
	if !o.has("integration") {
		o.fail("integration", domain.MsgRequired)
		return pr, true
	}
	in := r.object(o.value("integration"), o.pos("integration").Path, "mode", "email", "api_path",
		"allow_order_attributes", "allow_usage_url", "allow_consumption_url", "allow_resource_validation")
	if in == nil {
		return pr, true
	}
	pr.integration = in
	it := &pr.Integration
	it.Mode = domain.ProvisioningMode(in.oneOf("mode", true, "", string(domain.ProvisioningManual), string(domain.ProvisioningAutomatic)))
	it.ManualEmail = strings.ToLower(in.text("email", it.Mode == domain.ProvisioningManual, 254))
	if it.ManualEmail != "" && !domain.ValidEmail(it.ManualEmail) {
		in.fail("email", domain.MsgInvalidEmail)
	}
	it.APIPath = in.text("api_path", it.Mode == domain.ProvisioningAutomatic, 2048)
	if it.APIPath != "" && !validURL(it.APIPath) {
		in.fail("api_path", domain.MsgInvalidURL)
	}
	toggles := []struct {
		field string
		v     *bool
	}{
		{"allow_order_attributes", &it.AllowOrderAttributes},
		{"allow_usage_url", &it.AllowUsageURL},
		{"allow_consumption_url", &it.AllowConsumptionURL},
		{"allow_resource_validation", &it.AllowResourceValidation},
	}
	for _, t := range toggles {
		*t.v = in.boolean(t.field, false)
		// The toggles describe calls to the vendor's API, which only the automatic
		// mode makes.
		if *t.v && it.Mode == domain.ProvisioningManual {
			in.fail(t.field, domain.MsgAutomaticOnly)
		}
	}
	return pr, true
}

// validURL accepts an absolute http or https URL with a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

var planFields = []string{"key", "product", "name", "description", "status", "public", "service_term",
	"billing_type", "currency", "sku", "fixed_price", "periods", "resources", "switch_to", "order_attributes",
	"available_to"}

func (r *reader) plan(n *yaml.Node, p path) (Plan, bool) {
	o := r.object(n, p, planFields...)
	if o == nil {
		return Plan{}, false
	}
	pl := Plan{at: o}
	pl.Key = o.key("key")
	pl.ProductKey = o.ref("product", true)
	pl.Name = o.text("name", true, maxName)
	pl.Description = o.text("description", false, maxText)
	pl.Status = domain.PlanStatus(o.oneOf("status", false, string(domain.PlanActive), string(domain.PlanActive), string(domain.PlanInactive)))
	pl.Public = o.boolean("public", true)
	pl.ServiceTermKey = o.ref("service_term", false)
	pl.BillingType = o.billingType("billing_type")
	pl.Currency = strings.ToUpper(o.text("currency", true, 16))
	if pl.Currency != "" && !domain.ValidCurrency(pl.Currency) {
		o.fail("currency", domain.MsgInvalidCurrency)
	}
	pl.SKU = o.text("sku", false, maxName)
	pl.FixedPrice = o.boolean("fixed_price", false)

	scoped := newKeys(r)
	periods := o.list("periods", LimitPeriods, r.lim.Periods)
	if len(periods) == 0 && !r.stopped {
		o.fail("periods", domain.MsgPeriodsRequired)
	}
	for i, item := range periods {
		if pp, po, ok := r.period(item, o.pos("periods").Path.item(i)); ok {
			scoped.check("periods", po, pp.Key)
			pp.Position = i
			pl.Periods = append(pl.Periods, pp)
		}
	}
	for i, item := range o.list("resources", LimitResources, r.lim.Resources) {
		if rs, ro, ok := r.resource(item, o.pos("resources").Path.item(i)); ok {
			scoped.check("resources", ro, rs.Key)
			rs.Position = i
			pl.Resources = append(pl.Resources, rs)
		}
	}
	for i, item := range o.list("switch_to", LimitSwitches, r.lim.Switches) {
		so := r.object(item, o.pos("switch_to").Path.item(i), "plan", "type")
		if so == nil {
			continue
		}
		s := Switch{at: so, PlanKey: so.ref("plan", true)}
		s.Type = domain.SwitchType(so.oneOf("type", false, string(domain.SwitchImmediate),
			string(domain.SwitchImmediate), string(domain.SwitchDelayed)))
		if s.PlanKey != "" && s.PlanKey == pl.Key {
			so.fail("plan", domain.MsgSwitchToItself)
		}
		scoped.checkField("switch:"+string(s.Type), so, "plan", s.PlanKey)
		pl.SwitchTo = append(pl.SwitchTo, s)
	}
	for i, item := range o.list("order_attributes", LimitAttributes, r.lim.Attributes) {
		if a, ao, ok := r.orderAttribute(item, o.pos("order_attributes").Path.item(i)); ok {
			scoped.check("order_attributes", ao, a.Key)
			a.Position = i
			pl.OrderAttributes = append(pl.OrderAttributes, a)
		}
	}
	pl.AvailableTo = r.availableTo(o, pl.Periods, pl.Resources, true)
	return pl, true
}

// billingTypeList is the text of the billing types a file may name.
var billingTypeList = func() string {
	names := make([]string, len(domain.BillingTypes))
	for i, t := range domain.BillingTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}()

// billingType reads a plan's billing type: one of domain.BillingTypes, the default
// type when absent.
func (o *object) billingType(field string) domain.BillingType {
	if !o.has(field) {
		return domain.DefaultBillingType
	}
	v, ok := checked(o, func() string { return o.text(field, false, 64) })
	if !ok {
		return domain.DefaultBillingType
	}
	if t := domain.BillingType(v); !t.Valid() {
		o.fail(field, domain.MsgBillingType, billingTypeList)
		return domain.DefaultBillingType
	}
	return domain.BillingType(v)
}

func (r *reader) period(n *yaml.Node, p path) (domain.PlanPeriod, *object, bool) {
	o := r.object(n, p, "key", "duration", "unit", "trial", "setup_fee", "recurring_fee", "renewal_fee", "transfer_fee")
	if o == nil {
		return domain.PlanPeriod{}, nil, false
	}
	pp := domain.PlanPeriod{Key: o.key("key")}
	pp.Unit = domain.PeriodUnit(o.oneOf("unit", true, "", string(domain.UnitDays), string(domain.UnitMonths),
		string(domain.UnitYears), string(domain.UnitEndless)))
	switch pp.Unit {
	case domain.UnitEndless:
		pp.Duration = int(o.integer("duration", false, 0))
		if pp.Duration != 0 {
			o.fail("duration", domain.MsgEndlessDuration)
		}
	case "":
		o.integer("duration", false, 0)
	default:
		pp.Duration = int(o.integer("duration", true, 1))
		if pp.Duration < 1 {
			o.fail("duration", domain.MsgAtLeast, 1)
		}
	}
	pp.Trial = o.boolean("trial", false)
	pp.SetupFee = o.fee("setup_fee")
	pp.RecurringFee = o.fee("recurring_fee")
	pp.RenewalFee = o.fee("renewal_fee")
	pp.TransferFee = o.fee("transfer_fee")
	return pp, o, true
}

func (r *reader) resource(n *yaml.Node, p path) (domain.PlanResource, *object, bool) {
	o := r.object(n, p, "key", "name", "unit", "measurable", "included", "minimum", "limit", "unlimited",
		"setup_fee", "recurring_fee", "overuse_fee", "renewal_fee", "public")
	if o == nil {
		return domain.PlanResource{}, nil, false
	}
	rs := domain.PlanResource{Key: o.key("key"), Name: o.text("name", true, maxName)}
	rs.UnitOfMeasure = domain.UnitOfMeasure(o.oneOf("unit", false, string(domain.MeasureUnit),
		string(domain.MeasureUnit), string(domain.MeasureBoolean)))
	rs.Measurable = o.boolean("measurable", false)
	rs.Unlimited = o.boolean("unlimited", false)
	// Quantities: 0 <= included <= minimum <= limit (unless unlimited); 0 or 1 for
	// an on/off feature. Minimum defaults to included, limit to minimum (1 for a
	// feature), and a default is never reported: the problem is where it was written.
	boolean := rs.UnitOfMeasure == domain.MeasureBoolean
	quantity := func(field string, def, floor int64, floorField string) int64 {
		given := o.has(field)
		v := o.integer(field, false, def)
		switch {
		case !given:
		case v < 0:
			o.fail(field, domain.MsgAtLeast, 0)
		case boolean && v > 1:
			o.fail(field, domain.MsgBooleanQuantity)
		case floorField != "" && v < floor:
			o.fail(field, domain.MsgAtLeastField, floorField, floor)
		default:
			return v
		}
		return max(v, floor, 0)
	}
	rs.Included = quantity("included", 0, 0, "")
	rs.Minimum = quantity("minimum", rs.Included, rs.Included, "included")
	defLimit := rs.Minimum
	if boolean {
		defLimit = 1
	}
	if !rs.Unlimited && !boolean && !o.has("limit") {
		o.fail("limit", domain.MsgRequired)
	}
	if rs.Unlimited {
		rs.Limit = quantity("limit", 0, 0, "")
	} else {
		rs.Limit = quantity("limit", defLimit, rs.Minimum, "minimum")
	}
	if boolean && rs.Limit > 1 {
		rs.Limit = 1
	}
	rs.SetupFee = o.fee("setup_fee")
	rs.RecurringFee = o.fee("recurring_fee")
	rs.OveruseFee = o.fee("overuse_fee")
	rs.RenewalFee = o.fee("renewal_fee")
	rs.Public = o.boolean("public", true)
	return rs, o, true
}

func (r *reader) orderAttribute(n *yaml.Node, p path) (domain.OrderAttribute, *object, bool) {
	o := r.object(n, p, "key", "label", "type", "required", "values")
	if o == nil {
		return domain.OrderAttribute{}, nil, false
	}
	a := domain.OrderAttribute{Key: o.key("key"), Label: o.text("label", true, maxName)}
	types := make([]string, len(domain.OrderAttributeTypes))
	for i, t := range domain.OrderAttributeTypes {
		types[i] = string(t)
	}
	a.Type = domain.OrderAttributeType(o.oneOf("type", true, "", types...))
	a.Required = o.boolean("required", false)
	seen := map[string]bool{}
	a.Values = []string{}
	for i, item := range o.list("values", LimitValues, r.lim.Values) {
		vp := o.pos("values").Path.item(i)
		if item.Kind != yaml.ScalarNode || isNull(item) || item.ShortTag() == "!!bool" {
			r.fail(item, vp, domain.MsgMustBeString)
			continue
		}
		v := strings.TrimSpace(item.Value)
		switch {
		case v == "":
			r.fail(item, vp, domain.MsgBlank)
		case seen[v]:
			r.fail(item, vp, domain.MsgDuplicate, v)
		}
		seen[v] = true
		a.Values = append(a.Values, v)
	}
	if a.Type == domain.AttrList && len(a.Values) == 0 && !r.stopped {
		o.fail("values", domain.MsgListValues)
	}
	return a, o, true
}

func (r *reader) delegation(n *yaml.Node, p path) (Delegation, bool) {
	o := r.object(n, p, "plan", "available_to")
	if o == nil {
		return Delegation{}, false
	}
	d := Delegation{at: o, PlanKey: o.ref("plan", true)}
	if !o.has("available_to") {
		o.fail("available_to", domain.MsgRequired)
	}
	// The plan's period and resource keys are stored, not in the file: Check
	// verifies the price keys.
	d.AvailableTo = r.availableTo(o, nil, nil, false)
	return d, true
}

// availableTo reads an available_to list. When local is set the plan's periods and
// resources are in the file and price keys are checked against them here.
func (r *reader) availableTo(o *object, periods []domain.PlanPeriod, resources []domain.PlanResource, local bool) []Availability {
	var out []Availability
	for i, item := range o.list("available_to", LimitTargets, r.lim.Targets) {
		ao := r.object(item, o.pos("available_to").Path.item(i), "reseller", "status", "public", "prices")
		if ao == nil {
			continue
		}
		a := Availability{at: ao, priceAt: map[string]Pos{}, Periods: map[string]Fees{}, Resources: map[string]Fees{}}
		if v := ao.value("reseller"); v == nil {
			ao.fail("reseller", domain.MsgRequired)
		} else if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && v.ShortTag() != "!!str") || strings.TrimSpace(v.Value) == "" {
			ao.fail("reseller", domain.MsgResellerRef)
		} else {
			a.Reseller = strings.ToLower(strings.TrimSpace(v.Value))
		}
		a.Status = domain.PlanStatus(ao.oneOf("status", false, string(domain.PlanActive), string(domain.PlanActive), string(domain.PlanInactive)))
		if ao.has("public") {
			b := ao.boolean("public", true)
			a.Public = &b
		}
		if ao.has("prices") {
			po := r.object(ao.value("prices"), ao.pos("prices").Path, "periods", "resources")
			if po != nil {
				for _, e := range po.entries("periods", LimitPeriods, r.lim.Periods) {
					fo := r.object(e.node, e.keyPos.Path, "setup_fee", "recurring_fee", "renewal_fee", "transfer_fee")
					if fo == nil {
						continue
					}
					a.Periods[e.name] = Fees{Setup: fo.money("setup_fee"), Recurring: fo.money("recurring_fee"),
						Renewal: fo.money("renewal_fee"), Transfer: fo.money("transfer_fee")}
					a.priceAt["periods/"+e.name] = e.keyPos
					if local && !hasPeriod(periods, e.name) {
						r.add(e.keyPos, domain.MsgUnknownPeriod, e.name)
					}
				}
				for _, e := range po.entries("resources", LimitResources, r.lim.Resources) {
					fo := r.object(e.node, e.keyPos.Path, "setup_fee", "recurring_fee", "overuse_fee", "renewal_fee")
					if fo == nil {
						continue
					}
					a.Resources[e.name] = Fees{Setup: fo.money("setup_fee"), Recurring: fo.money("recurring_fee"),
						Overuse: fo.money("overuse_fee"), Renewal: fo.money("renewal_fee")}
					a.priceAt["resources/"+e.name] = e.keyPos
					if local && !hasResource(resources, e.name) {
						r.add(e.keyPos, domain.MsgUnknownResource, e.name)
					}
				}
			}
		}
		out = append(out, a)
	}
	return out
}

func hasPeriod(ps []domain.PlanPeriod, key string) bool {
	for _, p := range ps {
		if p.Key == key {
			return true
		}
	}
	return false
}

func hasResource(rs []domain.PlanResource, key string) bool {
	for _, r := range rs {
		if r.Key == key {
			return true
		}
	}
	return false
}

package service

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// errDryRun rolls back the transaction of a dry run once its changes are known.
var errDryRun = errors.New("dry run")

// ApplyCatalog makes a reseller's catalogue what the catalogue file doc says: it
// creates what is new, updates what differs, soft-deletes the periods and resources a
// plan no longer lists, replaces switches and order attributes, and delegates plans
// to the resellers below as their availability lists say. Objects missing from the
// file are left alone. Everything happens in one transaction; a dry run makes the
// same changes and rolls them back, so it lists exactly what applying would do.
// One process applies one file at a time (see catalogSlot), and an apply whose ctx
// ends stops there, rolling back what it wrote.
// Errors: forbidden, not_found, invalid (a *catalogfile.Invalid with every problem),
// and ctx's error.
func (s *Service) ApplyCatalog(ctx context.Context, a domain.Actor, resellerID int64, doc []byte, dryRun bool) (*catalogfile.Result, error) {
	if err := authorize(a, domain.ActionCatalogApply); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	release, err := s.catalogSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	f, parseErr := catalogfile.Parse(ctx, doc, s.opts.CatalogLimits)
	if f == nil {
		return nil, parseErr
	}
	res := &catalogfile.Result{ResellerID: resellerID, DryRun: dryRun}
	classes := false
	err = s.inTx(ctx, func(tx *store.Conn) error {
		if err := tx.LockCatalogs(ctx); err != nil {
			return err
		}
		st, err := tx.LoadCatalog(ctx, resellerID)
		if err != nil {
			return err
		}
		stored, err := storedFor(ctx, tx, f, st, resellerID, path)
		if err != nil {
			return err
		}
		if err := catalogfile.Join(parseErr, f.Check(stored), f.CheckAddresses(s.opts.VendorAddresses)); err != nil {
			return err
		}
		ap := &applier{ctx: ctx, tx: tx, now: s.clock.Now(), resellerID: resellerID, st: st,
			bumped: map[int64]bool{}}
		if err := ap.apply(f); err != nil {
			return err
		}
		res.Changes = ap.changes
		if dryRun {
			return errDryRun
		}
		res.ProductSecrets, classes = ap.secrets, ap.classesChanged
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, wrap(err, "apply catalogue of reseller %d", resellerID)
	}
	if classes {
		// Account creates validate against the classes held in memory (see
		// referenceInMemory): drop them, so the next create reads the new ones.
		s.caches.referenceAt.Store(nil)
	}
	return res, nil
}

// DefaultCatalogApplies is how many catalogue applies a process runs at once unless
// configured otherwise. Applies take the catalogue lock, so they run one after the
// other anyway; a second slot would only let the next file be read meanwhile, and
// reading an 8 MiB file can take up to a hundred times that in memory.
const DefaultCatalogApplies = 1

// catalogSlot waits for one of the slots that bound how many catalogue files this
// process holds in memory at once (reading one costs many times its size), and
// returns the function that frees it. A caller that gives up while waiting gets its
// context's error.
func (s *Service) catalogSlot(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case s.catalogSlots <- struct{}{}:
		return func() { <-s.catalogSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// storedFor describes the stored catalogue and the resellers the file names, for
// catalogfile's reference checks.
func storedFor(ctx context.Context, tx *store.Conn, f *catalogfile.File, st *store.CatalogState, resellerID int64, path string) (catalogfile.Stored, error) {
	out := catalogfile.Stored{ServiceTerms: map[string]bool{}, Categories: map[string]bool{}, Products: map[string]bool{},
		Plans: map[string]catalogfile.StoredPlan{}, Resellers: map[string]catalogfile.StoredReseller{}}
	for k := range st.ServiceTerms {
		out.ServiceTerms[k] = true
	}
	for k := range st.Categories {
		out.Categories[k] = true
	}
	for k := range st.Products {
		out.Products[k] = true
	}
	for k, p := range st.Plans {
		sp := catalogfile.StoredPlan{ID: p.ID, Delegated: p.ParentID != 0, Currency: p.Currency,
			Periods: map[string]bool{}, Resources: map[string]bool{}}
		for _, pp := range p.Periods {
			sp.Periods[pp.Key] = sp.Periods[pp.Key] || !pp.Deleted
		}
		for _, r := range p.Resources {
			sp.Resources[r.Key] = sp.Resources[r.Key] || !r.Deleted
		}
		// A copy takes the periods and resources still offered.
		sp.Entries = catalogfile.PlanEntries(countTrue(sp.Periods), countTrue(sp.Resources), len(p.Switches), p.Attributes)
		out.Plans[k] = sp
	}
	var (
		ids     []int64
		domains []string
		seen    = map[string]bool{}
	)
	for _, ref := range f.ResellerRefs() {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
			ids = append(ids, id)
		} else {
			domains = append(domains, ref)
		}
	}
	refs, err := tx.FindResellerRefs(ctx, ids, domains)
	if err != nil {
		return out, err
	}
	var below []int64
	for _, r := range refs {
		sr := catalogfile.StoredReseller{ID: r.ID, Below: domain.StrictlyBelow(r.Path, path)}
		out.Resellers[strconv.FormatInt(r.ID, 10)] = sr
		out.Resellers[strings.ToLower(r.Domain)] = sr
		if sr.Below {
			below = append(below, r.ID)
		}
	}
	out.DownstreamPlans, err = tx.PlanKeysOf(ctx, below)
	if err != nil || !f.HasAccountClasses() {
		return out, err
	}
	out.Operator = resellerID == domain.OperatorID
	classes, err := tx.FindAccountClasses(ctx)
	if err != nil {
		return out, err
	}
	usage, err := tx.AccountClassUsage(ctx)
	out.AccountClasses = storedClasses(classes, usage)
	return out, err
}

// countTrue is the number of keys of m set to true.
func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

// applier applies one parsed and checked file inside its transaction, recording
// every change in the order it makes them.
type applier struct {
	ctx        context.Context
	tx         *store.Conn
	now        time.Time
	resellerID int64
	st         *store.CatalogState // the reseller's catalogue, kept current as the file is applied
	changes    []catalogfile.Change
	// bumped marks the plans whose row this apply already wrote with updated_at now.
	bumped map[int64]bool
	// ownKeys maps the reseller's plan ids to keys, once asked for (see ownKey).
	ownKeys map[int64]string
	// secrets are the signing secrets made for products entering automatic mode.
	secrets map[string]string
	// classesChanged is set when the apply wrote an account class.
	classesChanged bool
}

func (ap *applier) record(c catalogfile.Change) { ap.changes = append(ap.changes, c) }

func (ap *applier) apply(f *catalogfile.File) error {
	for _, t := range f.ServiceTerms {
		if err := ap.serviceTerm(t.ServiceTerm); err != nil {
			return err
		}
	}
	if err := ap.paymentMethods(f.PaymentMethods); err != nil {
		return err
	}
	if err := ap.invoiceSettings(f.Invoices); err != nil {
		return err
	}
	if err := ap.accountClasses(f.AccountClasses); err != nil {
		return err
	}
	for _, c := range f.Categories {
		if err := ap.category(c.ProductCategory); err != nil {
			return err
		}
	}
	for _, p := range f.Products {
		if err := ap.product(p); err != nil {
			return err
		}
	}
	for _, p := range f.Plans {
		if err := ap.ownPlan(p); err != nil {
			return err
		}
	}
	// Switches may name plans created above, so they come once every plan exists.
	for _, p := range f.Plans {
		if err := ap.ownSwitches(p); err != nil {
			return err
		}
	}
	return ap.delegate(f)
}

func (ap *applier) serviceTerm(want domain.ServiceTerm) error {
	cur := ap.st.ServiceTerms[want.Key]
	if cur == nil {
		t := want
		t.ResellerID, t.CreatedAt, t.UpdatedAt = ap.resellerID, ap.now, ap.now
		if err := ap.tx.CreateServiceTerm(ap.ctx, &t); err != nil {
			return err
		}
		ap.st.ServiceTerms[t.Key] = &t
		ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindServiceTerm, Key: t.Key})
		return nil
	}
	var d diff
	d.text("name", &cur.Name, want.Name)
	d.int("billing_day", &cur.BillingDay, want.BillingDay)
	diffTermSettings(&d, &cur.TermSettings, want.TermSettings)
	return ap.saveChanges(catalogfile.KindServiceTerm, cur.Key, &d, &cur.Timestamps,
		func() error { return ap.tx.UpdateServiceTerm(ap.ctx, cur) })
}

func (ap *applier) category(want domain.ProductCategory) error {
	cur := ap.st.Categories[want.Key]
	if cur == nil {
		k := want
		k.ResellerID, k.CreatedAt, k.UpdatedAt = ap.resellerID, ap.now, ap.now
		if err := ap.tx.CreateCategory(ap.ctx, &k); err != nil {
			return err
		}
		ap.st.Categories[k.Key] = &k
		ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindCategory, Key: k.Key})
		return nil
	}
	var d diff
	d.text("name", &cur.Name, want.Name)
	d.text("description", &cur.Description, want.Description)
	d.int("priority", &cur.Priority, want.Priority)
	d.bool("public", &cur.Public, want.Public)
	d.text("logo", &cur.Logo, want.Logo)
	return ap.saveChanges(catalogfile.KindCategory, cur.Key, &d, &cur.Timestamps,
		func() error { return ap.tx.UpdateCategory(ap.ctx, cur) })
}

func (ap *applier) product(p catalogfile.Product) error {
	want := p.Product
	want.CategoryID = ap.st.Categories[p.CategoryKey].ID
	cur := ap.st.Products[want.Key]
	if cur == nil {
		pr := want
		pr.ResellerID, pr.CreatedAt, pr.UpdatedAt = ap.resellerID, ap.now, ap.now
		if err := ap.tx.CreateProduct(ap.ctx, &pr); err != nil {
			return err
		}
		ap.st.Products[pr.Key] = &pr
		ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindProduct, Key: pr.Key})
		return ap.enterAutomatic(&pr, "")
	}
	wasMode := cur.Integration.Mode
	var d diff
	d.text("name", &cur.Name, want.Name)
	d.text("type", &cur.Type, want.Type)
	d.id("category", &cur.CategoryID, want.CategoryID)
	d.text("description", &cur.Description, want.Description)
	d.bool("public", &cur.Public, want.Public)
	d.int("priority", &cur.Priority, want.Priority)
	d.text("vendor", &cur.VendorName, want.VendorName)
	ci, wi := &cur.Integration, want.Integration
	diffEnum(&d, "integration.mode", &ci.Mode, wi.Mode)
	d.text("integration.email", &ci.ManualEmail, wi.ManualEmail)
	d.text("integration.api_path", &ci.APIPath, wi.APIPath)
	d.bool("integration.allow_order_attributes", &ci.AllowOrderAttributes, wi.AllowOrderAttributes)
	d.bool("integration.allow_usage_url", &ci.AllowUsageURL, wi.AllowUsageURL)
	d.bool("integration.allow_consumption_url", &ci.AllowConsumptionURL, wi.AllowConsumptionURL)
	d.bool("integration.allow_resource_validation", &ci.AllowResourceValidation, wi.AllowResourceValidation)
	err := ap.saveChanges(catalogfile.KindProduct, cur.Key, &d, &cur.Timestamps,
		func() error { return ap.tx.UpdateProduct(ap.ctx, cur) })
	if err != nil {
		return err
	}
	return ap.enterAutomatic(cur, wasMode)
}

// saveChanges writes an object whose fields d compared, with update, when any
// differed: it stamps the object's update time and records the change of kind.
func (ap *applier) saveChanges(kind catalogfile.Kind, key string, d *diff, ts *domain.Timestamps, update func() error) error {
	if d.empty() {
		return nil
	}
	ts.UpdatedAt = ap.now
	ap.record(catalogfile.Change{Action: catalogfile.Update, Kind: kind, Key: key, Fields: d.fields})
	return update()
}

// diff compares fields one by one, setting each current value to the wanted one and
// recording what changed.
type diff struct{ fields []catalogfile.FieldChange }

func (d *diff) empty() bool { return len(d.fields) == 0 }

func (d *diff) text(name string, cur *string, want string) {
	if *cur != want {
		d.fields = append(d.fields, catalogfile.FieldChange{Name: name, Old: *cur, New: want})
		*cur = want
	}
}

// diffEnum is diff.text for the string types of the domain (modes, units, statuses).
func diffEnum[T ~string](d *diff, name string, cur *T, want T) {
	s := string(*cur)
	d.text(name, &s, string(want))
	*cur = T(s)
}

func (d *diff) int(name string, cur *int, want int) {
	if *cur != want {
		d.fields = append(d.fields, catalogfile.FieldChange{Name: name, Old: strconv.Itoa(*cur), New: strconv.Itoa(want)})
		*cur = want
	}
}

func (d *diff) int64(name string, cur *int64, want int64) {
	if *cur != want {
		d.fields = append(d.fields, catalogfile.FieldChange{Name: name, Old: strconv.FormatInt(*cur, 10),
			New: strconv.FormatInt(want, 10)})
		*cur = want
	}
}

func (d *diff) id(name string, cur *int64, want int64) { d.int64(name, cur, want) }

func (d *diff) bool(name string, cur *bool, want bool) {
	if *cur != want {
		d.fields = append(d.fields, catalogfile.FieldChange{Name: name, Old: strconv.FormatBool(*cur),
			New: strconv.FormatBool(want)})
		*cur = want
	}
}

func (d *diff) money(name string, cur *domain.Amount, want domain.Amount) {
	if *cur != want {
		d.fields = append(d.fields, catalogfile.FieldChange{Name: name, Old: cur.String(), New: want.String(),
			Fee: &catalogfile.FeeChange{Old: *cur, New: want}})
		*cur = want
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Subscriptions and their resources with the prices they were bought at.

const subscriptionColumns = `s.id, s.reseller_id, s.account_id, s.plan_id, s.plan_period_id, s.name, s.trial,
	s.status, s.return_status, s.awaiting_approval, s.start_date, s.expiration_date, s.paid_to, s.hold_to,
	s.payment_model, s.credit_limit, s.credit_limit_use_system, s.current_debt, s.autorenew,
	s.disable_autorenew, s.autorenew_before_approval, s.fixed_price, s.custom_price, s.promo_code,
	s.currency, s.setup_fee, s.recurring_fee, s.renewal_fee, s.transfer_fee, s.created_at, s.updated_at,
	s.period_anchor, ` + subscriptionVendorColumns

// subscriptionFields maps the API's filter and sort fields of subscriptions to
// columns; each has an index led by reseller_id (migration 0015).
var subscriptionFields = map[string]column{
	"id":              {expr: "s.id"},
	"reseller_id":     {expr: "s.reseller_id"},
	"account_id":      {expr: "s.account_id"},
	"plan_id":         {expr: "s.plan_id"},
	"status":          {expr: "s.status", text: true},
	"payment_model":   {expr: "s.payment_model", text: true},
	"trial":           {expr: "s.trial"},
	"created_at":      {expr: "s.created_at"},
	"updated_at":      {expr: "s.updated_at"},
	"expiration_date": {expr: "s.expiration_date", text: true},
}

func scanSubscription(sc scanner) (*domain.Subscription, error) {
	var (
		s                                     domain.Subscription
		status, returnStatus, awaiting, model string
		start, expiration, paidTo, holdTo     string
		anchor                                string
		vendor                                vendorColumns
		creditLimit, debt                     int64
		setup, recurring, renewal, transfer   int64
		created, updated                      int64
	)
	err := sc.Scan(&s.ID, &s.ResellerID, &s.AccountID, &s.PlanID, &s.PlanPeriodID, &s.Name, &s.Trial,
		&status, &returnStatus, &awaiting, &start, &expiration, &paidTo, &holdTo,
		&model, &creditLimit, &s.CreditLimitUseSystem, &debt, &s.Autorenew,
		&s.DisableAutorenew, &s.AutorenewBeforeApproval, &s.FixedPrice, &s.CustomPrice, &s.PromoCode,
		&s.Prices.Currency, &setup, &recurring, &renewal, &transfer, &created, &updated, &anchor,
		&vendor.externalID, &vendor.attributes, &vendor.errCode, &vendor.errMessage, &vendor.errAt, &vendor.jobID)
	if err != nil {
		return nil, err
	}
	s.Vendor = vendor.subscriptionVendor()
	s.Status, s.ReturnStatus = domain.SubscriptionStatus(status), domain.SubscriptionStatus(returnStatus)
	s.AwaitingApproval, s.PaymentModel = domain.ProvisionOp(awaiting), domain.PaymentModel(model)
	s.CreditLimit, s.CurrentDebt = domain.Amount(creditLimit), domain.Amount(debt)
	s.Prices.Period = domain.PeriodFees{Setup: domain.Amount(setup), Recurring: domain.Amount(recurring),
		Renewal: domain.Amount(renewal), Transfer: domain.Amount(transfer)}
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	err = datesFrom([]*domain.Date{&s.StartDate, &s.ExpirationDate, &s.PaidTo, &s.HoldTo, &s.PeriodAnchor},
		[]string{start, expiration, paidTo, holdTo, anchor})
	return &s, err
}

// listedSubscriptionColumns are the columns of subscriptionColumns a page of
// subscriptions shows or computes abilities from: not the return status, the
// operation awaiting approval, the hold date, whether the credit limit is the
// system's, the autorenew before approval, the currency and the period anchor.
const listedSubscriptionColumns = `s.id, s.reseller_id, s.account_id, s.plan_id, s.plan_period_id, s.name,
	s.trial, s.status, s.start_date, s.expiration_date, s.paid_to, s.payment_model, s.credit_limit, s.current_debt,
	s.autorenew, s.disable_autorenew, s.fixed_price, s.custom_price, s.promo_code, s.setup_fee, s.recurring_fee,
	s.renewal_fee, s.transfer_fee, s.created_at, s.updated_at`

// scanListedSubscription scans the columns listedSubscriptionColumns names.
func scanListedSubscription(sc scanner) (*domain.Subscription, error) {
	var (
		s                                   domain.Subscription
		status, model                       string
		start, expiration, paidTo           string
		creditLimit, debt                   int64
		setup, recurring, renewal, transfer int64
		created, updated                    int64
	)
	err := sc.Scan(&s.ID, &s.ResellerID, &s.AccountID, &s.PlanID, &s.PlanPeriodID, &s.Name, &s.Trial, &status,
		&start, &expiration, &paidTo, &model, &creditLimit, &debt, &s.Autorenew, &s.DisableAutorenew, &s.FixedPrice,
		&s.CustomPrice, &s.PromoCode, &setup, &recurring, &renewal, &transfer, &created, &updated)
	if err != nil {
		return nil, err
	}
	s.Status, s.PaymentModel = domain.SubscriptionStatus(status), domain.PaymentModel(model)
	s.CreditLimit, s.CurrentDebt = domain.Amount(creditLimit), domain.Amount(debt)
	s.Prices.Period = domain.PeriodFees{Setup: domain.Amount(setup), Recurring: domain.Amount(recurring),
		Renewal: domain.Amount(renewal), Transfer: domain.Amount(transfer)}
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	err = datesFrom([]*domain.Date{&s.StartDate, &s.ExpirationDate, &s.PaidTo}, []string{start, expiration, paidTo})
	return &s, err
}

// FindSubscriptionByID returns subscription id of reseller resellerID with its
// resources; one of another reseller is not found like a missing one. A resellerID
// of 0 finds it whatever its reseller, for the service's own jobs.
func (c *Conn) FindSubscriptionByID(ctx context.Context, resellerID, id int64) (*domain.Subscription, error) {
	part, found := subscriptionJoined(resellerID, id)
	if err := eachRow(ctx, c, part.query, part.args, part.each); err != nil {
		return nil, fmt.Errorf("find subscription %d: %w", id, err)
	}
	return found()
}

// FindSubscriptionForUpdate is FindSubscriptionByID holding the subscription's row
// until the write transaction ends (see lock.go), for an update built on it.
func (c *Conn) FindSubscriptionForUpdate(ctx context.Context, resellerID, id int64) (*domain.Subscription, error) {
	if _, err := c.lockClause(forUpdate, "s"); err != nil {
		return nil, err
	}
	parts, found := c.subscriptionLocked(resellerID, id)
	if err := c.readTogether(ctx, parts...); err != nil {
		return nil, fmt.Errorf("find subscription %d: %w", id, err)
	}
	s, err := found()
	if err != nil {
		return nil, err
	}
	c.lockedForUpdate("subscriptions", s.ID)
	c.rememberSubscriptions(s)
	return s, nil
}

// subscriptionLocked is the read of subscription id (of reseller resellerID unless
// 0) with its resources for update, and found the subscription it read once its
// rows went through the parts' each. On SQLite, which takes no row locks, it is one
// statement joining the resources; elsewhere the locked row, then its resources in
// a statement of their own: a join would read them as of the statement's start,
// before a writer that held the row committed. Sent together (readTogether), the
// server runs the second once the first holds the row.
func (c *Conn) subscriptionLocked(resellerID, id int64) (parts []readPart, found func() (*domain.Subscription, error)) {
	lock, _ := c.lockClause(forUpdate, "s")
	if lock == "" {
		part, found := subscriptionJoined(resellerID, id)
		return []readPart{part}, found
	}
	q, args := "SELECT "+subscriptionColumns+" FROM subscriptions s WHERE s.id = $1", []any{id}
	if resellerID != 0 {
		q, args = q+" AND s.reseller_id = $2", append(args, resellerID)
	}
	var sub *domain.Subscription
	held := &domain.Subscription{ID: id} // takes the resources until the row is read
	parts = []readPart{{query: q + lock, args: args, each: func(sc scanner) (err error) {
		sub, err = scanSubscription(sc)
		return err
	}}, subscriptionResources(c.db.engine, []*domain.Subscription{held})}
	return parts, func() (*domain.Subscription, error) {
		if sub == nil {
			return nil, domain.NotFound(domain.MsgSubscriptionNotFound)
		}
		sub.Resources, sub.Prices.Resources = held.Resources, held.Prices.Resources
		return sub, nil
	}
}

// subscriptionJoined is the read of subscription id (of reseller resellerID unless
// 0) with its resources in one statement, a row per resource, without a lock, and
// found the subscription it read once its rows went through the read's each.
func subscriptionJoined(resellerID, id int64) (part readPart, found func() (*domain.Subscription, error)) {
	q, args := "SELECT "+subscriptionColumns+`, sr.id, sr.plan_resource_id, sr.included, sr.additional,
		sr.setup_fee, sr.recurring_fee, sr.overuse_fee, sr.renewal_fee FROM subscriptions s
		LEFT JOIN subscription_resources sr ON sr.subscription_id = s.id WHERE s.id = $1`, []any{id}
	if resellerID != 0 {
		q, args = q+" AND s.reseller_id = $2", append(args, resellerID)
	}
	var (
		sub *domain.Subscription
		r   [8]nullInt64 // the resource's columns, NULL for a subscription without any
	)
	extra := make([]any, len(r))
	for i := range r {
		extra[i] = &r[i]
	}
	each := func(sc scanner) error {
		row, err := scanSubscription(scanningMore{sc, extra})
		if err != nil {
			return err
		}
		if sub == nil {
			sub = row
			sub.Prices.Resources = map[int64]domain.ResourceFees{}
		}
		if !r[0].Valid {
			return nil
		}
		sub.Resources = append(sub.Resources, domain.SubscriptionResource{ID: r[0].Int64,
			PlanResourceID: r[1].Int64, Included: r[2].Int64, Additional: r[3].Int64})
		sub.Prices.Resources[r[1].Int64] = domain.ResourceFees{Setup: domain.Amount(r[4].Int64),
			Recurring: domain.Amount(r[5].Int64), Overuse: domain.Amount(r[6].Int64), Renewal: domain.Amount(r[7].Int64)}
		return nil
	}
	found = func() (*domain.Subscription, error) {
		if sub == nil {
			return nil, domain.NotFound(domain.MsgSubscriptionNotFound)
		}
		return sub, nil
	}
	return readPart{query: q + " ORDER BY sr.id", args: args, each: each}, found
}

// scanningMore is a scanner that scans the columns its caller names, then more.
type scanningMore struct {
	sc   scanner
	more []any
}

func (m scanningMore) Scan(dest ...any) error { return m.sc.Scan(append(dest, m.more...)...) }

// FindSubscriptionsByIDs returns the subscriptions with the given ids and their
// resources, in that order; ids that match none are left out.
func (c *Conn) FindSubscriptionsByIDs(ctx context.Context, ids []int64) ([]*domain.Subscription, error) {
	out, err := c.findSubscriptionRows(ctx, ids)
	if err == nil {
		err = c.loadSubscriptionResources(ctx, out)
	}
	if err != nil {
		return nil, fmt.Errorf("find subscriptions by id: %w", err)
	}
	return out, nil
}

// findSubscriptionRows reads the subscriptions with the given ids without their
// resources, in that order.
func (c *Conn) findSubscriptionRows(ctx context.Context, ids []int64) ([]*domain.Subscription, error) {
	return byIDs(ctx, c, "SELECT "+subscriptionColumns+" FROM subscriptions s WHERE ", "s.id", ids,
		scanSubscription, func(s *domain.Subscription) int64 { return s.ID })
}

// LoadSubscriptionResources reads the resources of subs, read without them, one
// query for all.
func (c *Conn) LoadSubscriptionResources(ctx context.Context, subs []*domain.Subscription) error {
	if err := c.loadSubscriptionResources(ctx, subs); err != nil {
		return fmt.Errorf("load subscription resources: %w", err)
	}
	return nil
}

// loadSubscriptionResources reads the resources of subs, one query for all, and sets
// each subscription's Resources and the resources' locked prices.
func (c *Conn) loadSubscriptionResources(ctx context.Context, subs []*domain.Subscription) error {
	if len(subs) == 0 {
		return nil
	}
	part := subscriptionResources(c.db.engine, subs)
	return eachRow(ctx, c, part.query, part.args, part.each)
}

// subscriptionResources is the read of the resources of subs, which it hands to
// them as its rows come (and empties first).
func subscriptionResources(e Engine, subs []*domain.Subscription) readPart {
	byID := make(map[int64]*domain.Subscription, len(subs))
	ids := make([]int64, len(subs))
	for i, s := range subs {
		byID[s.ID], ids[i] = s, s.ID
		s.Resources, s.Prices.Resources = nil, map[int64]domain.ResourceFees{}
	}
	in, arg := oneOf(e, "sr.subscription_id", 1, ids)
	return readPart{query: `SELECT sr.subscription_id, sr.id, sr.plan_resource_id, sr.included, sr.additional,
		sr.setup_fee, sr.recurring_fee, sr.overuse_fee, sr.renewal_fee FROM subscription_resources sr
		WHERE ` + in + ` ORDER BY sr.subscription_id, sr.id`, args: []any{arg}, each: func(sc scanner) error {
		var (
			subID                              int64
			r                                  domain.SubscriptionResource
			setup, recurring, overuse, renewal int64
		)
		if err := sc.Scan(&subID, &r.ID, &r.PlanResourceID, &r.Included, &r.Additional,
			&setup, &recurring, &overuse, &renewal); err != nil {
			return err
		}
		s := byID[subID]
		s.Resources = append(s.Resources, r)
		s.Prices.Resources[r.PlanResourceID] = domain.ResourceFees{Setup: domain.Amount(setup),
			Recurring: domain.Amount(recurring), Overuse: domain.Amount(overuse), Renewal: domain.Amount(renewal)}
		return nil
	}}
}

// SubscriptionFilter selects the subscriptions of one reseller (ResellerID), of
// every reseller strictly below a path (Below) or of a reseller and every reseller
// below it (Within), matching Query.
type SubscriptionFilter struct {
	ResellerID int64
	Below      string
	Within     Subtree
	Query      domain.ListQuery
	// Listed reads only what a page of subscriptions shows, and its abilities are
	// computed from (listedSubscriptionColumns): the other fields stay zero, and
	// Resources and Prices.Resources unread (nil), which LoadSubscriptionResources
	// reads later.
	Listed bool
}

// FindSubscriptions returns one page of a reseller's subscriptions with their
// resources (unless f.Listed), the number of all that match and the cursor of the next page.
func (c *Conn) FindSubscriptions(ctx context.Context, f SubscriptionFilter) ([]*domain.Subscription, domain.PageInfo, error) {
	l, b := subscriptionListing(c.db.engine, f.Within, f.ResellerID, f.Below)
	out, info, err := listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Subscription, error) {
		if f.Listed {
			return c.FindListedSubscriptions(ctx, ids)
		}
		return c.FindSubscriptionsByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find subscriptions: %w", err)
	}
	return out, info, nil
}

// FindListedSubscriptions returns the subscriptions with the given ids as a list
// with Listed reads them (SubscriptionFilter), in the order of ids; ids that match
// none are left out.
func (c *Conn) FindListedSubscriptions(ctx context.Context, ids []int64) ([]*domain.Subscription, error) {
	return byIDs(ctx, c, "SELECT "+listedSubscriptionColumns+" FROM subscriptions s WHERE ", "s.id", ids,
		scanListedSubscription, func(s *domain.Subscription) int64 { return s.ID })
}

// ErrCatalogMoved is the error of a write that relied on the catalogue being at a
// generation (ExpectCatalog) which it no longer is: nothing was written, and the
// transaction must be rolled back and run again on the catalogue read afresh.
var ErrCatalogMoved = errors.New("the catalogue changed")

// ExpectCatalog makes the subscriptions the transaction creates write only while the
// catalogue (ScopeCatalog) is at generation gen, which their INSERT checks itself: a
// create that finds it moved writes nothing and returns ErrCatalogMoved. A writer
// that validated and priced a subscription against a plan it holds in memory, read
// at gen, so needs no read of the generation before it writes.
func (c *Conn) ExpectCatalog(gen int64) { c.catalogGen = gen }

// insertedSubscriptionColumns are the columns of a subscription's INSERT, from
// reseller_id on; insertedSubscriptionValues their values, $1 to $31.
const (
	insertedSubscriptionColumns = `reseller_id, account_id, plan_id, plan_period_id, name,
	trial, status, return_status, awaiting_approval, start_date, expiration_date, paid_to, hold_to, payment_model,
	credit_limit, credit_limit_use_system, autorenew, disable_autorenew,
	autorenew_before_approval, fixed_price, custom_price, promo_code, currency, setup_fee, recurring_fee,
	renewal_fee, transfer_fee, period_anchor, created_at, updated_at, current_debt`
	insertedSubscriptionValues = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
	$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31`
)

var (
	// createSubscriptionSQL inserts a subscription while the catalogue is at $32
	// (see ExpectCatalog), owing $31 (a sale's postpaid charges are owed from the
	// start), and returns its id; it writes nothing when the catalogue has moved.
	createSubscriptionSQL = `INSERT INTO subscriptions (` + insertedSubscriptionColumns + `) SELECT ` + insertedSubscriptionValues +
		` WHERE ` + generationIs(ScopeCatalog, "$32") + ` RETURNING id`
	// createSubscriptionWithIDSQL is createSubscriptionSQL with the id $33 taken by
	// ReserveSaleIDs, for PostgreSQL: nobody waits for its answer, so a catalogue
	// that has moved fails it (catalog_moved(), migration 0043), which aborts the
	// transaction, instead of writing nothing, which would let it commit.
	createSubscriptionWithIDSQL = `INSERT INTO subscriptions (id, ` + insertedSubscriptionColumns + `) SELECT $33, ` +
		insertedSubscriptionValues + ` WHERE CASE WHEN ` + generationIs(ScopeCatalog, "$32") + ` THEN TRUE ELSE catalog_moved() END`
)

// catalogMovedCode is the SQLSTATE of catalog_moved(): ErrCatalogMoved.
const catalogMovedCode = "CA001"

// subscriptionIDSequence is the sequence of subscriptions.id as PostgreSQL names it.
const subscriptionIDSequence = "subscriptions_id_seq"

// CreateSubscription inserts s and its resources, and sets their ids. Each resource
// is written with its locked prices from s.Prices; a price of the snapshot for a
// resource s does not hold is written as a resource of quantity 0, so the snapshot is
// kept whole. The resources are one statement.
func (c *Conn) CreateSubscription(ctx context.Context, s *domain.Subscription) error {
	args := subscriptionArgs(s, micros(s.CreatedAt), micros(s.UpdatedAt), int64(s.CurrentDebt), c.catalogGen)
	if id := c.sale.subscription; id != 0 {
		// The id is known (ReserveSaleIDs), so nothing waits for the INSERT's answer:
		// it goes ahead of the transaction's next statement that waits for one, or of
		// the commit, and a catalogue that has moved fails it.
		c.sale.subscription = 0
		s.ID = id
		if err := c.along(ctx, statement{query: createSubscriptionWithIDSQL, args: append(args, id)}); err != nil {
			return subscriptionNotCreated(err)
		}
	} else if err := c.row(ctx, createSubscriptionSQL, args, &s.ID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = ErrCatalogMoved
		}
		return subscriptionNotCreated(err)
	}
	c.lockedForUpdate("subscriptions", s.ID) // the transaction's own new row
	completeResources(s)
	if err := c.insertSubscriptionResources(ctx, s); err != nil {
		return err
	}
	// A subscription without an expiration or paid-to date has no automatic days,
	// which is what the columns hold when not written.
	if !s.ExpirationDate.IsZero() || !s.PaidTo.IsZero() {
		if err := c.writeAutomaticDays(ctx, s); err != nil {
			return err
		}
	}
	if err := c.touchSubscriptionAdded(ctx, s.ResellerID, s.ID); err != nil {
		return err
	}
	return c.count(ctx, tallySubscriptions, s.ResellerID, 1)
}

// subscriptionNotCreated is the error of a subscription's INSERT: ErrCatalogMoved
// as it is, any other wrapped.
func subscriptionNotCreated(err error) error {
	if errors.Is(err, ErrCatalogMoved) {
		return err
	}
	return fmt.Errorf("create subscription: %w", err)
}

// completeResources adds to s, new subscription, a resource of quantity 0 for each
// price of its snapshot it holds no resource of, so the snapshot is written whole.
func completeResources(s *domain.Subscription) {
	have := make(map[int64]bool, len(s.Resources))
	for i := range s.Resources {
		have[s.Resources[i].PlanResourceID] = true
	}
	for id := range s.Prices.Resources {
		if !have[id] {
			s.Resources = append(s.Resources, domain.SubscriptionResource{PlanResourceID: id})
		}
	}
}

// subscriptionResourceRow is the values of resource r of s, from subscription_id on
// in insertSubscriptionResources' columns, with its locked prices from s.Prices.
func subscriptionResourceRow(s *domain.Subscription, r domain.SubscriptionResource) []any {
	f := s.Prices.Resources[r.PlanResourceID]
	return []any{s.ID, r.PlanResourceID, r.Included, r.Additional, int64(f.Setup), int64(f.Recurring),
		int64(f.Overuse), int64(f.Renewal)}
}

// subscriptionResourceColumns are the columns of subscriptionResourceRow.
const subscriptionResourceColumns = `subscription_id, plan_resource_id, included, additional, setup_fee,
	recurring_fee, overuse_fee, renewal_fee`

// insertSubscriptionResources writes the resources of s, new subscription, with
// their prices from s.Prices, in multi-row statements, and sets their ids: those
// ReserveSaleIDs took when it took one for each.
func (c *Conn) insertSubscriptionResources(ctx context.Context, s *domain.Subscription) error {
	rows := make([][]any, len(s.Resources))
	at := make(map[int64]int, len(s.Resources)) // plan resource id -> index in s.Resources
	for i, r := range s.Resources {
		rows[i] = subscriptionResourceRow(s, r)
		at[r.PlanResourceID] = i
	}
	if ids := c.sale.resources; len(ids) == len(rows) {
		// The ids are known (ReserveSaleIDs): nothing waits for the INSERT's answer.
		c.sale.resources = nil
		for i := range rows {
			s.Resources[i].ID = ids[i]
			rows[i] = append([]any{ids[i]}, rows[i]...)
		}
		if err := c.insertAlong(ctx, "subscription_resources", "id, "+subscriptionResourceColumns, rows); err != nil {
			return fmt.Errorf("create the resources of subscription %d: %w", s.ID, err)
		}
		c.rememberResources(s)
		return nil
	}
	// The order of the rows RETURNING gives is not promised: each names its resource.
	err := c.insertMany(ctx, "subscription_resources", subscriptionResourceColumns, rows, "id, plan_resource_id", func(sc scanner) error {
		var id, planResourceID int64
		if err := sc.Scan(&id, &planResourceID); err != nil {
			return err
		}
		s.Resources[at[planResourceID]].ID = id
		return nil
	}, false)
	if err != nil {
		return fmt.Errorf("create the resources of subscription %d: %w", s.ID, err)
	}
	c.rememberResources(s)
	return nil
}

// subscriptionState lists the columns of s that change over its life, from status
// to period_anchor, in the order of CreateSubscription's INSERT. current_debt is not
// among them: once written it moves only by AddSubscriptionDebt, so a copy of the
// row read before a debt moved never writes the old debt back.
func subscriptionState(s *domain.Subscription, more ...any) []any {
	f := s.Prices.Period
	return append([]any{string(s.Status), string(s.ReturnStatus), string(s.AwaitingApproval), dateText(s.StartDate),
		dateText(s.ExpirationDate), dateText(s.PaidTo), dateText(s.HoldTo), string(s.PaymentModel),
		int64(s.CreditLimit), s.CreditLimitUseSystem, s.Autorenew, s.DisableAutorenew,
		s.AutorenewBeforeApproval, s.FixedPrice, s.CustomPrice, s.PromoCode, s.Prices.Currency,
		int64(f.Setup), int64(f.Recurring), int64(f.Renewal), int64(f.Transfer), dateText(s.PeriodAnchor)}, more...)
}

// subscriptionArgs are the values of CreateSubscription's INSERT, then more.
func subscriptionArgs(s *domain.Subscription, more ...any) []any {
	return append([]any{s.ResellerID, s.AccountID, s.PlanID, s.PlanPeriodID, s.Name, s.Trial},
		subscriptionState(s, more...)...)
}

// subscriptionListing declares the list of the subscriptions of a subtree, of one
// reseller, or of every reseller below a path.
func subscriptionListing(e Engine, t Subtree, resellerID int64, below string) (listing, *sqlBuilder) {
	b := &sqlBuilder{engine: e}
	l := listing{from: "FROM subscriptions s", id: "s.id", cols: subscriptionFields}
	l.scopeTo(b, "s", tallySubscriptions, t, resellerID, below)
	return l, b
}

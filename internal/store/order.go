package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Orders and their lines: the quantities asked for and the priced quote.

// OrderInFlightIndex is the unique index that keeps a second order of a subscription
// from being written while one is in flight (migration 0015); a write it refuses
// fails with an ErrUnique naming it.
const OrderInFlightIndex = "orders_subscription_in_flight"

const orderColumns = `o.id, o.reseller_id, o.account_id, o.subscription_id, o.kind, o.status, o.document_id,
	o.payment_model, o.total, o.currency, COALESCE(o.payment_id, 0), COALESCE(o.manager_id, 0), o.created_by,
	o.requester_ip, o.promo_code, o.custom_price, o.expiration_date, o.provisioning_date, o.closed_at,
	COALESCE(o.plan_id, 0), COALESCE(o.plan_period_id, 0), o.switch_type, COALESCE(o.async_task_id, ''),
	o.plan_currency, o.currency_rate, o.created_at, o.updated_at`

// orderFields maps the API's filter and sort fields of orders to columns; each has
// an index led by reseller_id (migration 0015). type is the order's kind.
var orderFields = map[string]column{
	"id":                {expr: "o.id"},
	"created_at":        {expr: "o.created_at"},
	"updated_at":        {expr: "o.updated_at"},
	"closed_at":         {expr: "o.closed_at"},
	"expiration_date":   {expr: "o.expiration_date", text: true},
	"provisioning_date": {expr: "o.provisioning_date", text: true},
	"account_id":        {expr: "o.account_id"},
	"reseller_id":       {expr: "o.reseller_id"},
	"type":              {expr: "o.kind", text: true},
	"status":            {expr: "o.status", text: true},
}

func scanOrder(sc scanner) (*domain.Order, error) {
	var (
		o                            domain.Order
		kind, status, model, switch_ string
		total, closed                int64
		expiration, provisioning     string
		rate                         string
		created, updated             int64
	)
	err := sc.Scan(&o.ID, &o.ResellerID, &o.AccountID, &o.SubscriptionID, &kind, &status, &o.DocumentID,
		&model, &total, &o.Currency, &o.PaymentID, &o.ManagerID, &o.CreatedBy,
		&o.RequesterIP, &o.PromoCode, &o.CustomPrice, &expiration, &provisioning, &closed,
		&o.PlanID, &o.PlanPeriodID, &switch_, &o.AsyncTaskID, &o.PlanCurrency, &rate, &created, &updated)
	if err != nil {
		return nil, err
	}
	if o.CurrencyRate, err = domain.ParseStoredRate(rate); err != nil {
		return nil, fmt.Errorf("order %d: currency rate %q: %w", o.ID, rate, err)
	}
	o.Kind, o.Status, o.PaymentModel = domain.OrderKind(kind), domain.OrderStatus(status), domain.PaymentModel(model)
	o.SwitchType, o.Total, o.ClosedAt = domain.SwitchType(switch_), domain.Amount(total), microsMoment(closed)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	err = datesFrom([]*domain.Date{&o.ExpirationDate, &o.ProvisioningDate}, []string{expiration, provisioning})
	return &o, err
}

// FindOrderByID returns order id of reseller resellerID with its lines; one of
// another reseller is not found like a missing one. A resellerID of 0 finds it
// whatever its reseller, for the service's own jobs.
func (c *Conn) FindOrderByID(ctx context.Context, resellerID, id int64) (*domain.Order, error) {
	return c.findOrder(ctx, resellerID, id, "")
}

// FindOrderForUpdate is FindOrderByID holding the order's row until the write
// transaction ends (see lock.go), for an update built on it.
func (c *Conn) FindOrderForUpdate(ctx context.Context, resellerID, id int64) (*domain.Order, error) {
	o, err := readLocked(ctx, c, forUpdate, "orders", "o", id,
		func(ctx context.Context, id int64, lock string) (*domain.Order, error) {
			return c.findOrder(ctx, resellerID, id, lock)
		})
	if err == nil {
		c.rememberOrder(o)
	}
	return o, err
}

// FindOrderRowForUpdate is FindOrderForUpdate without the order's lines (nil): for
// a caller that has them already, since an order's lines never change once written.
func (c *Conn) FindOrderRowForUpdate(ctx context.Context, id int64) (*domain.Order, error) {
	o, err := readLocked(ctx, c, forUpdate, "orders", "o", id,
		func(ctx context.Context, id int64, lock string) (*domain.Order, error) {
			return one(ctx, c, domain.NotFound(domain.MsgOrderNotFound), fmt.Sprintf("find order %d", id),
				scanOrder, "SELECT "+orderColumns+" FROM orders o WHERE o.id = $1"+lock, id)
		})
	if err == nil {
		c.rememberOrder(o)
	}
	return o, err
}

// orderRow is the read of order id's row, taken with lock ("" for none), into
// *dest: nil when there is none.
func orderRow(id int64, lock string, dest **domain.Order) readPart {
	return readPart{query: "SELECT " + orderColumns + " FROM orders o WHERE o.id = $1" + lock, args: []any{id},
		each: func(sc scanner) (err error) {
			*dest, err = scanOrder(sc)
			return err
		}}
}

func (c *Conn) findOrder(ctx context.Context, resellerID, id int64, lock string) (*domain.Order, error) {
	q, args := "SELECT "+orderColumns+" FROM orders o WHERE o.id = $1", []any{id}
	if resellerID != 0 {
		q, args = q+" AND o.reseller_id = $2", append(args, resellerID)
	}
	var o *domain.Order
	held := &domain.Order{ID: id} // takes the lines until the order is read
	// The lines go in the order's round trip on PostgreSQL (readTogether): the
	// server reads them once the order's row is held, when it is locked.
	err := c.readTogether(ctx, readPart{query: q + lock, args: args, each: func(sc scanner) (err error) {
		o, err = scanOrder(sc)
		return err
	}}, orderLines(c.db.engine, []*domain.Order{held}))
	if err != nil {
		return nil, fmt.Errorf("find order %d: %w", id, err)
	}
	if o == nil {
		return nil, domain.NotFound(domain.MsgOrderNotFound)
	}
	o.Lines, o.QuoteLines = held.Lines, held.QuoteLines
	return o, nil
}

// FindInFlightOrder returns the order of the subscription that is in flight
// (domain.OrderStatus.InFlight), or a not-found error when there is none.
func (c *Conn) FindInFlightOrder(ctx context.Context, subscriptionID int64) (*domain.Order, error) {
	return one(ctx, c, domain.NotFound(domain.MsgOrderNotFound),
		fmt.Sprintf("find the order in flight of subscription %d", subscriptionID),
		scanOrder, findInFlightOrderSQL, subscriptionID)
}

// findInFlightOrderSQL is FindInFlightOrder's query: one probe of the partial index
// on orders in flight, however many orders the subscription had.
var findInFlightOrderSQL = "SELECT " + orderColumns + " FROM orders o WHERE o.subscription_id = $1 AND " +
	inFlightCondition

// FindInFlightOrders returns the orders in flight of the given subscriptions, by
// subscription id, without their lines: one query for a page of subscriptions.
func (c *Conn) FindInFlightOrders(ctx context.Context, subscriptionIDs []int64) (map[int64]*domain.Order, error) {
	out := make(map[int64]*domain.Order, len(subscriptionIDs))
	if len(subscriptionIDs) == 0 {
		return out, nil
	}
	read := inFlightOrdersRead(c.db.engine, subscriptionIDs, out)
	if err := eachRow(ctx, c, read.query, read.args, read.each); err != nil {
		return nil, fmt.Errorf("find the orders in flight of subscriptions %v: %w", subscriptionIDs, err)
	}
	return out, nil
}

// inFlightOrdersRead is the read of the orders in flight of the subscriptions ids
// into out, by subscription id. The statuses are written out as the index's
// predicate is, so both engines answer from the partial index
// orders_subscription_in_flight rather than read every order of each subscription
// to test its status.
func inFlightOrdersRead(e Engine, ids []int64, out map[int64]*domain.Order) readPart {
	in, arg := oneOf(e, "o.subscription_id", 1, ids)
	return readPart{query: "SELECT " + orderColumns + " FROM orders o WHERE " + in + " AND " + inFlightCondition,
		args: []any{arg}, each: func(sc scanner) error {
			o, err := scanOrder(sc)
			if err == nil {
				out[o.SubscriptionID] = o
			}
			return err
		}}
}

// inFlightCondition is the condition on o.status that the order is in flight
// (domain.OrderStatus.InFlight), with the statuses written out as literals as the
// predicate of OrderInFlightIndex has them: an engine matches it to that partial
// index, as it cannot bound values.
var inFlightCondition = func() string {
	var quoted []string
	for _, s := range domain.OrderStatuses {
		if s.InFlight() {
			quoted = append(quoted, "'"+string(s)+"'")
		}
	}
	return "o.status IN (" + strings.Join(quoted, ", ") + ")"
}()

// FindOrdersByIDs returns the orders with the given ids and their lines, in that
// order; ids that match none are left out.
func (c *Conn) FindOrdersByIDs(ctx context.Context, ids []int64) ([]*domain.Order, error) {
	out, err := byIDs(ctx, c, "SELECT "+orderColumns+" FROM orders o WHERE ", "o.id", ids,
		scanOrder, func(o *domain.Order) int64 { return o.ID })
	if err == nil {
		err = c.loadOrderLines(ctx, out)
	}
	if err != nil {
		return nil, fmt.Errorf("find orders by id: %w", err)
	}
	return out, nil
}

// The kinds of order_lines rows.
const (
	orderLineRequest = "request"
	orderLineQuote   = "quote"
)

// loadOrderLines reads the lines of orders, one query for all.
func (c *Conn) loadOrderLines(ctx context.Context, orders []*domain.Order) error {
	if len(orders) == 0 {
		return nil
	}
	part := orderLines(c.db.engine, orders)
	return eachRow(ctx, c, part.query, part.args, part.each)
}

// orderLines is loadOrderLines's read of the lines of orders, which its each
// sets on them.
func orderLines(e Engine, orders []*domain.Order) readPart {
	byID := make(map[int64]*domain.Order, len(orders))
	ids := make([]int64, len(orders))
	for i, o := range orders {
		byID[o.ID], ids[i] = o, o.ID
		o.Lines, o.QuoteLines = nil, nil
	}
	in, arg := oneOf(e, "ol.order_id", 1, ids)
	return readPart{query: `SELECT ol.order_id, ol.kind, ol.plan_resource_id, ol.subscription_resource_id,
		ol.quantity, ol.fee, ol.plan_id, ol.unit_price, ol.months_num, ol.months_den, ol.amount
		FROM order_lines ol WHERE ` + in + ` ORDER BY ol.order_id, ol.kind, ol.position`, args: []any{arg},
		each: func(sc scanner) error {
			var (
				orderID, planResourceID, subResourceID, qty, planID, unit, num, den, amount int64
				kind, fee                                                                   string
			)
			if err := sc.Scan(&orderID, &kind, &planResourceID, &subResourceID, &qty, &fee, &planID, &unit,
				&num, &den, &amount); err != nil {
				return err
			}
			o := byID[orderID]
			if kind == orderLineRequest {
				o.Lines = append(o.Lines, domain.OrderLine{PlanResourceID: planResourceID,
					SubscriptionResourceID: subResourceID, Quantity: qty})
				return nil
			}
			months, err := domain.MonthsFraction(num, den)
			if err != nil {
				return fmt.Errorf("line of order %d: %w", orderID, err)
			}
			o.QuoteLines = append(o.QuoteLines, domain.QuoteLine{Fee: domain.FeeKind(fee), PlanID: planID,
				PlanResourceID: planResourceID, Quantity: qty, UnitPrice: domain.Amount(unit), Months: months,
				Amount: domain.Amount(amount)})
			return nil
		}}
}

// OrderFilter selects the orders of one reseller (ResellerID) or of a reseller and
// every reseller below it (Within) matching Query.
type OrderFilter struct {
	ResellerID int64
	Within     Subtree
	Query      domain.ListQuery
}

// FindOrders returns one page of a reseller's orders with their lines, the number of
// all that match and the cursor of the next page.
func (c *Conn) FindOrders(ctx context.Context, f OrderFilter) ([]*domain.Order, domain.PageInfo, error) {
	l, b := orderListing(c.db.engine, f.Within, f.ResellerID)
	out, info, err := listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Order, error) {
		return c.FindOrdersByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find orders: %w", err)
	}
	return out, info, nil
}

// CreateOrder inserts o and its lines and sets its id. A subscription that has an
// order in flight already refuses it with an ErrUnique naming OrderInFlightIndex.
func (c *Conn) CreateOrder(ctx context.Context, o *domain.Order) error {
	err := c.row(ctx, `INSERT INTO orders (`+orderInsertColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26) RETURNING id`,
		append([]any{o.ResellerID, o.AccountID, o.SubscriptionID, string(o.Kind)}, orderState(o, micros(o.CreatedAt))...),
		&o.ID)
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	return c.orderCreated(ctx, o)
}

// orderCreated does what follows the INSERT of o: its lines and the orders'
// counter, with the commit.
func (c *Conn) orderCreated(ctx context.Context, o *domain.Order) error {
	return c.orderWritten(ctx, o, true)
}

// orderWritten is orderCreated for an order whose lines were written with it
// unless withLines.
func (c *Conn) orderWritten(ctx context.Context, o *domain.Order, withLines bool) error {
	c.lockedForUpdate("orders", o.ID) // the transaction's own new row
	if withLines {
		if err := c.insertOrderLines(ctx, o); err != nil {
			return err
		}
	}
	if err := c.touchSubscriptionChanged(ctx, o.ResellerID, o.SubscriptionID); err != nil {
		return err
	}
	return c.count(ctx, tallyOrders, o.ResellerID, 1)
}

// insertOrderLines writes the lines of o, a new order, requested and priced, just
// before the commit: nothing reads them before, and they cannot clash.
func (c *Conn) insertOrderLines(ctx context.Context, o *domain.Order) error {
	err := c.insertMany(ctx, "order_lines", orderLineColumnList, orderLineRows(o), "", nil, true)
	if err != nil {
		return fmt.Errorf("lines of order %d: %w", o.ID, err)
	}
	return nil
}

// orderLineColumnList are the columns of an order line, both kinds: a request line
// leaves the quote's columns at their defaults.
const orderLineColumnList = `order_id, position, kind, plan_resource_id, subscription_resource_id, quantity, fee,
	plan_id, unit_price, months_num, months_den, amount`

// orderLineRows are the rows of o's lines, as CreateOrder writes them.
func orderLineRows(o *domain.Order) [][]any {
	rows := make([][]any, 0, len(o.Lines)+len(o.QuoteLines))
	for i, l := range o.Lines {
		rows = append(rows, []any{o.ID, i, orderLineRequest, l.PlanResourceID, l.SubscriptionResourceID, l.Quantity,
			"", int64(0), int64(0), int64(0), int64(0), int64(0)})
	}
	for i, l := range o.QuoteLines {
		num, den := l.Months.Fraction()
		rows = append(rows, []any{o.ID, i, orderLineQuote, l.PlanResourceID, int64(0), l.Quantity, string(l.Fee),
			l.PlanID, int64(l.UnitPrice), num, den, int64(l.Amount)})
	}
	return rows
}

// SetOrderPayment records payment paymentID on order o, which the transaction
// created, just before the commit: the order is written before the payment that
// refers to it, and nothing reads the link before the commit.
func (c *Conn) SetOrderPayment(o *domain.Order) error {
	if err := c.needLock("orders", o.ID); err != nil {
		return err
	}
	return c.execLater(`UPDATE orders SET payment_id = $1 WHERE id = $2`, o.PaymentID, o.ID)
}

// orderInsertColumns are the columns CreateOrder writes, in the order of its values.
const orderInsertColumns = `reseller_id, account_id, subscription_id, kind, status, document_id,
	payment_model, total, currency, payment_id, manager_id, created_by, requester_ip, promo_code,
	custom_price, expiration_date, provisioning_date, closed_at, plan_id, plan_period_id, switch_type,
	async_task_id, plan_currency, currency_rate, updated_at, created_at`

// orderState lists the columns of o from status to updated_at, in the order of
// CreateOrder's INSERT, then more.
func orderState(o *domain.Order, more ...any) []any {
	return append([]any{string(o.Status), o.DocumentID, string(o.PaymentModel), int64(o.Total), o.Currency,
		nullable(o.PaymentID), nullable(o.ManagerID), o.CreatedBy, o.RequesterIP, o.PromoCode, o.CustomPrice,
		dateText(o.ExpirationDate), dateText(o.ProvisioningDate), momentMicros(o.ClosedAt), nullable(o.PlanID),
		nullable(o.PlanPeriodID), string(o.SwitchType), nullString(o.AsyncTaskID), o.PlanCurrency,
		o.CurrencyRate.String(), micros(o.UpdatedAt)}, more...)
}

// orderUpdates are the columns UpdateOrder writes, in orderState's order.
var orderUpdates = newUpdatableColumns("orders", "status", "document_id", "payment_model", "total", "currency",
	"payment_id", "manager_id", "created_by", "requester_ip", "promo_code", "custom_price", "expiration_date",
	"provisioning_date", "closed_at", "plan_id", "plan_period_id", "switch_type", "async_task_id", "plan_currency",
	"currency_rate", "updated_at")

// rememberOrder records o as the transaction read it under its lock.
func (c *Conn) rememberOrder(o *domain.Order) { c.rememberRow("orders", o.ID, orderState(o)) }

// UpdateOrder writes the mutable fields of o, which the transaction read with
// FindOrderForUpdate: its status, payment, total and dates; of those only the ones
// that changed since that read (or the transaction's last update of o), and no
// statement when none did (see row_changes.go). Its lines stay as they were written.
// The row is held and nothing waits for the update's answer, so on PostgreSQL it
// goes in the round trip of the transaction's next statement (Conn.along).
func (c *Conn) UpdateOrder(ctx context.Context, o *domain.Order) error {
	if err := c.needLock("orders", o.ID); err != nil {
		return err
	}
	now := orderState(o)
	if mask := orderUpdates.changed(c.readRows[lockedRow{"orders", o.ID}], now); mask != 0 {
		q, args := orderUpdates.update(mask, 0, now, o.ID, noTail)
		if err := c.along(ctx, statement{query: q, args: args}); err != nil {
			return fmt.Errorf("update order %d: %w", o.ID, err)
		}
		c.rememberRow("orders", o.ID, now)
	}
	return c.touchSubscriptionChanged(ctx, o.ResellerID, o.SubscriptionID)
}

// orderListing declares the list of the orders of a subtree or of one reseller.
func orderListing(e Engine, t Subtree, resellerID int64) (listing, *sqlBuilder) {
	b := &sqlBuilder{engine: e}
	l := listing{from: "FROM orders o", id: "o.id", cols: orderFields}
	l.scopeTo(b, "o", tallyOrders, t, resellerID, "")
	return l, b
}

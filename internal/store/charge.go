package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Charges: the account ledger's priced items (migration 0027_ledger, docs/billing.md).

const chargeColumns = `ch.id, ch.reseller_id, ch.account_id, ch.subscription_id, COALESCE(ch.order_id, 0),
	COALESCE(ch.invoice_id, 0), COALESCE(ch.subscription_resource_id, 0), COALESCE(ch.plan_resource_id, 0),
	ch.billing_key, ch.type, ch.status, ch.payment_model, ch.description, ch.quantity, ch.unit_price, ch.currency,
	ch.amount, ch.reseller_currency, ch.currency_rate, ch.discount_amount, ch.duration_num, ch.duration_den,
	ch.operate_from, ch.operate_to, ch.close_date, ch.created_at, ch.updated_at`

// chargeInsertColumns are the columns CreateCharges writes, in chargeRow's order.
const chargeInsertColumns = `reseller_id, account_id, subscription_id, order_id, invoice_id, subscription_resource_id,
	plan_resource_id, billing_key, type, status, payment_model, description, quantity, unit_price, currency, amount,
	reseller_currency, currency_rate, discount_amount, duration_num, duration_den, operate_from, operate_to,
	close_date, created_at, updated_at`

// chargeFields maps the API's filters and sorts of charges to columns; each has an
// index led by reseller_id and one not (migration 0031), as the payments' have.
var chargeFields = map[string]column{
	"id":              {expr: "ch.id"},
	"created_at":      {expr: "ch.created_at"},
	"updated_at":      {expr: "ch.updated_at"},
	"close_date":      {expr: "ch.close_date", text: true},
	"status":          {expr: "ch.status", text: true},
	"subscription_id": {expr: "ch.subscription_id"},
}

func scanCharge(sc scanner) (*domain.Charge, error) {
	var (
		c                                domain.Charge
		typ, status, model, rate         string
		unit, amount, discount, num, den int64
		from, to, closed                 string
		created, updated                 int64
	)
	err := sc.Scan(&c.ID, &c.ResellerID, &c.AccountID, &c.SubscriptionID, &c.OrderID, &c.InvoiceID,
		&c.SubscriptionResourceID, &c.PlanResourceID, &c.BillingKey, &typ, &status, &model, &c.Description,
		&c.Quantity, &unit, &c.Currency, &amount, &c.ResellerCurrency, &rate, &discount, &num, &den,
		&from, &to, &closed, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.Type, c.Status, c.PaymentModel = domain.ChargeType(typ), domain.ChargeStatus(status), domain.PaymentModel(model)
	c.UnitPrice, c.Amount, c.DiscountAmount = domain.Amount(unit), domain.Amount(amount), domain.Amount(discount)
	if c.CurrencyRate, err = domain.ParseStoredRate(rate); err != nil {
		return nil, fmt.Errorf("charge %d: rate %q: %w", c.ID, rate, err)
	}
	if den != 0 {
		if c.Duration, err = domain.MonthsFraction(num, den); err != nil {
			return nil, fmt.Errorf("charge %d: duration: %w", c.ID, err)
		}
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, datesFrom([]*domain.Date{&c.OperateFrom, &c.OperateTo, &c.CloseDate}, []string{from, to, closed})
}

// chargeRow is the values of c's INSERT, in chargeInsertColumns' order.
func chargeRow(c *domain.Charge) []any {
	num, den := c.Duration.Fraction()
	return []any{c.ResellerID, c.AccountID, c.SubscriptionID, nullable(c.OrderID), nullable(c.InvoiceID),
		nullable(c.SubscriptionResourceID), nullable(c.PlanResourceID), c.BillingKey, string(c.Type), string(c.Status),
		string(c.PaymentModel), c.Description, c.Quantity, int64(c.UnitPrice), c.Currency, int64(c.Amount),
		c.ResellerCurrency, c.CurrencyRate.String(), int64(c.DiscountAmount), num, den, dateText(c.OperateFrom),
		dateText(c.OperateTo), dateText(c.CloseDate), micros(c.CreatedAt), micros(c.UpdatedAt)}
}

// CreateCharges inserts charges in multi-row INSERTs sent with the commit, after
// the orders the transaction writes (an order a sale writes with the commit
// included), so that a charge's order exists when the charge is written. Their ids
// stay unset. A charge whose subscription has one of its billing key already fails
// the commit on the unique index ChargeBillingKeyIndex: a repeated pass or request
// cannot charge twice.
func (c *Conn) CreateCharges(ctx context.Context, charges []*domain.Charge) error {
	if len(charges) == 0 {
		return nil
	}
	rows := make([][]any, len(charges))
	for i, ch := range charges {
		rows[i] = chargeRow(ch)
	}
	return c.insertMany(ctx, "charges", chargeInsertColumns, rows, "", nil, true)
}

// InsertCharges inserts charges as they are, at once, and sets their ids: the
// seeding of tests and benchmarks of the billing pass, which is given the charges it
// bills. It moves no money: the caller keeps the ledger.
func (c *Conn) InsertCharges(ctx context.Context, charges []*domain.Charge) error {
	rows := make([][]any, len(charges))
	for i, ch := range charges {
		rows[i] = chargeRow(ch)
	}
	i := 0
	err := c.insertMany(ctx, "charges", chargeInsertColumns, rows, "id", func(sc scanner) error {
		err := sc.Scan(&charges[i].ID)
		i++
		return err
	}, false)
	if err != nil {
		return fmt.Errorf("insert charges: %w", err)
	}
	return nil
}

// ChargeBillingKeyIndex is the unique index that makes a charge once per
// subscription and billing key.
const ChargeBillingKeyIndex = "charges_subscription_billing_key"

// FindChargeByID returns charge id, of whatever reseller.
func (c *Conn) FindChargeByID(ctx context.Context, id int64) (*domain.Charge, error) {
	return one(ctx, c, domain.NotFound(domain.MsgChargeNotFound), fmt.Sprintf("find charge %d", id),
		scanCharge, "SELECT "+chargeColumns+" FROM charges ch WHERE ch.id = $1", id)
}

// FindChargesByIDs returns the charges with the given ids, in that order.
func (c *Conn) FindChargesByIDs(ctx context.Context, ids []int64) ([]*domain.Charge, error) {
	out, err := byIDs(ctx, c, "SELECT "+chargeColumns+" FROM charges ch WHERE ", "ch.id", ids,
		scanCharge, func(ch *domain.Charge) int64 { return ch.ID })
	if err != nil {
		return nil, fmt.Errorf("find charges by id: %w", err)
	}
	return out, nil
}

// FindChargesOfOrders returns the charges of the orders ids, by id.
func (c *Conn) FindChargesOfOrders(ctx context.Context, ids []int64) ([]*domain.Charge, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, arg := oneOf(c.db.engine, "ch.order_id", 1, ids)
	out, err := collect(ctx, c, "SELECT "+chargeColumns+" FROM charges ch WHERE "+in+" ORDER BY ch.id", []any{arg}, scanCharge)
	if err != nil {
		return nil, fmt.Errorf("find charges of orders: %w", err)
	}
	return out, nil
}

// FindOrderChargesForUpdate returns the charges of order id in statuses, by id,
// holding their rows until the transaction ends: the caller moves them.
func (c *Conn) FindOrderChargesForUpdate(ctx context.Context, orderID int64, statuses ...domain.ChargeStatus) ([]*domain.Charge, error) {
	lock, err := c.lockClause(forUpdate, "ch")
	if err != nil {
		return nil, err
	}
	in, arg := oneOf(c.db.engine, "ch.status", 2, enumTexts(statuses))
	out, err := collect(ctx, c, "SELECT "+chargeColumns+" FROM charges ch WHERE ch.order_id = $1 AND "+in+
		" ORDER BY ch.id"+lock, []any{orderID, arg}, scanCharge)
	if err != nil {
		return nil, fmt.Errorf("charges of order %d: %w", orderID, err)
	}
	for _, ch := range out {
		c.lockedForUpdate("charges", ch.ID)
	}
	return out, nil
}

// MoveCharges sets the status of charges, which the transaction read for update,
// to status at at; closeDate (zero for none) is set on those it closes. Each
// charge is updated in memory too.
func (c *Conn) MoveCharges(ctx context.Context, charges []*domain.Charge, status domain.ChargeStatus,
	closeDate domain.Date, at time.Time) error {
	if len(charges) == 0 {
		return nil
	}
	ids := make([]int64, len(charges))
	for i, ch := range charges {
		if err := c.needLock("charges", ch.ID); err != nil {
			return err
		}
		ids[i] = ch.ID
	}
	in, arg := oneOf(c.db.engine, "id", 4, ids)
	_, err := c.exec(ctx, `UPDATE charges SET status = $1, close_date = $2, updated_at = $3 WHERE `+in,
		string(status), dateText(closeDate), micros(at), arg)
	if err != nil {
		return fmt.Errorf("move charges to %s: %w", status, err)
	}
	for _, ch := range charges {
		ch.Status, ch.CloseDate, ch.UpdatedAt = status, closeDate, at
	}
	return nil
}

// ChargeFilter selects the charges of a reseller and every reseller below it
// (Within) matching Query.
type ChargeFilter struct {
	Within Subtree
	Query  domain.ListQuery
}

// FindCharges returns one page of the charges of a subtree, the number of all that
// match and the cursor of the next page.
func (c *Conn) FindCharges(ctx context.Context, f ChargeFilter) ([]*domain.Charge, domain.PageInfo, error) {
	b := &sqlBuilder{engine: c.db.engine}
	l := listing{from: "FROM charges ch", id: "ch.id", cols: chargeFields}
	l.scopeTo(b, "ch", "", f.Within, 0, "")
	out, info, err := listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Charge, error) {
		return c.FindChargesByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find charges: %w", err)
	}
	return out, info, nil
}

// enumTexts is a list of string enums as plain strings, for oneOf.
func enumTexts[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

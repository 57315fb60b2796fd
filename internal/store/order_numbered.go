package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// CreateNumberedOrder numbers o in the reseller's series with prefix (see
// NextDocumentNumber) and writes it, with p, its payment, when not nil: p is
// numbered in the payments' series and written as o's (OrderID), and o's link to it
// is sent with the commit. It sets the ids and document ids of both.
//
// The series' rows stay locked from the numbering to the commit, so every document
// of a series waits for the transaction before it to end. On PostgreSQL the
// numbering, the order and the payment are therefore one statement, which a sales
// order sends last before its commit: the rows are held for two round trips rather
// than four. SQLite has one writer at a time and needs no such care.
func (c *Conn) CreateNumberedOrder(ctx context.Context, o *domain.Order, prefix string, p *domain.Payment) error {
	if c.db.engine != Postgres {
		return c.createNumberedOrderApart(ctx, o, prefix, p)
	}
	if c.tx == nil {
		return errLockOutsideTx
	}
	q, args := numberedOrderSQL(o, prefix, p, false)
	var (
		paymentID sql.NullInt64
		paymentNo sql.NullString
	)
	if err := c.row(ctx, q, args, &o.ID, &o.DocumentID, &paymentID, &paymentNo); err != nil {
		return fmt.Errorf("create order %q of reseller %d: %w", prefix, o.ResellerID, err)
	}
	if err := c.orderCreated(ctx, o); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	p.ID, p.DocumentID, p.OrderID = paymentID.Int64, paymentNo.String, o.ID
	return c.paymentCreated(ctx, o, p)
}

// orderIDSequence and paymentIDSequence are the sequences of the identity columns
// orders.id and payments.id (migration 0015), as PostgreSQL names them.
const (
	orderIDSequence   = "orders_id_seq"
	paymentIDSequence = "payments_id_seq"
)

// saleIDs are the ids ReserveSaleIDs took for a sale's rows; 0 (nil) for none.
type saleIDs struct {
	subscription, order, payment int64
	resources                    []int64
}

// subscriptionResourceIDSequence is the sequence of subscription_resources.id.
const subscriptionResourceIDSequence = "subscription_resources_id_seq"

// ReserveSaleIDs takes, on PostgreSQL, the ids of the rows a sale writes from their
// sequences, in the round trip of the transaction's next statement, typically the
// read of the account: the ids of its subscription and of the subscription's
// resources (as many as given), for CreateSubscription, and when asked those of its
// order and its payment, for ReserveOrderIDs. Nothing then waits for the answers of
// the subscription's and its resources' INSERTs: they go with the commit. An id not
// used by the time the transaction ends (the sale was refused, the order needs no
// payment, the subscription has another number of resources, or a row was written
// before the server answered) stays unused, as a rolled back transaction leaves its
// ids. Elsewhere it does nothing.
func (c *Conn) ReserveSaleIDs(ctx context.Context, resources int, order, payment bool) error {
	if c.db.engine != Postgres {
		return nil
	}
	c.sale = saleIDs{}
	// The sequences are named, not looked up with pg_get_serial_sequence: the name
	// becomes a constant when the statement is planned, where the lookup scanned the
	// catalogue on every call.
	q, dest := `SELECT nextval('`+subscriptionIDSequence+`')`, []any{&c.sale.subscription}
	if order {
		q, dest = q+`, nextval('`+orderIDSequence+`')`, append(dest, &c.sale.order)
	}
	if order && payment {
		q, dest = q+`, nextval('`+paymentIDSequence+`')`, append(dest, &c.sale.payment)
	}
	var args []any
	if resources > 0 {
		// One text for every count: an id for each element of an array of as many
		// zeros. Not generate_series(1, $1), whose rows PostgreSQL counts from the
		// value, so that it planned the statement again on every call, its generic
		// plan costed at a thousand rows; an array parameter is costed at ten
		// (TestReservedSaleIDsKeepTheirPlan).
		q = q + `, ARRAY(SELECT nextval('` + subscriptionResourceIDSequence + `') FROM unnest(CAST($1 AS INTEGER[])))`
		dest, args = append(dest, &c.sale.resources), []any{make([]int32, resources)}
	}
	if err := c.along(ctx, statement{query: q, args: args, dest: dest}); err != nil {
		return fmt.Errorf("ids of a sale: %w", err)
	}
	return nil
}

// ReserveOrderIDs takes the ids of o, a new order, and of p, its payment (nil for
// none), from their sequences on PostgreSQL, in the round trip of the
// transaction's next statement, which sets them; CreateNumberedOrderAtCommit then
// writes the rows with them. Ids ReserveSaleIDs took serve when it took them all.
// Elsewhere it does nothing.
func (c *Conn) ReserveOrderIDs(ctx context.Context, o *domain.Order, p *domain.Payment) error {
	if c.db.engine != Postgres {
		return nil
	}
	if c.sale.order != 0 && (p == nil || c.sale.payment != 0) {
		o.ID = c.sale.order
		if p != nil {
			p.ID = c.sale.payment
		}
		c.sale.order, c.sale.payment = 0, 0
		return nil
	}
	// Named sequences, as in ReserveSaleIDs: looking them up scanned the catalogue
	// on every call (a tenth of a millisecond of the server's time, a twentieth of
	// what an order's own statements cost it at one client).
	q, dest := `SELECT nextval('`+orderIDSequence+`')`, []any{&o.ID}
	if p != nil {
		q, dest = q+`, nextval('`+paymentIDSequence+`')`, append(dest, &p.ID)
	}
	if err := c.along(ctx, statement{query: q, dest: dest}); err != nil {
		return fmt.Errorf("ids of an order of reseller %d: %w", o.ResellerID, err)
	}
	return nil
}

// CreateNumberedOrderAtCommit is CreateNumberedOrder for an order that nobody
// reads the numbers of before the transaction commits, and of a subscription the
// transaction created, which no other order can be in flight for, whose ids
// ReserveOrderIDs took before a statement since. On PostgreSQL it sends the
// numbering, the order and the payment first with the commit, in its round
// trip: the rows of the series, which every order of the reseller waits for, are
// then held while the server runs the commit's statements and no longer, with no
// round trip to the client in between; and the order is written with its link to
// the payment, which needs no statement of its own. The numbers are set on o and p
// once the commit has returned. Elsewhere it is CreateNumberedOrder.
func (c *Conn) CreateNumberedOrderAtCommit(ctx context.Context, o *domain.Order, prefix string, p *domain.Payment) error {
	if c.db.engine != Postgres || !c.madeSubscriptions[o.SubscriptionID] || o.ID == 0 || (p != nil && p.ID == 0) {
		return c.CreateNumberedOrder(ctx, o, prefix, p)
	}
	numbers := []any{&o.DocumentID}
	if p != nil {
		// The order is written linked to its payment: payment_id has no foreign key.
		o.PaymentID, p.OrderID = p.ID, o.ID
		numbers = append(numbers, &p.DocumentID)
	}
	q, args := numberedOrderSQL(o, prefix, p, true)
	q, args, withLines := withOrderLines(q, args, orderLineRows(o))
	c.first = append(c.first, statement{query: q, args: args, dest: numbers})
	if err := c.orderWritten(ctx, o, !withLines); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	c.lockedForUpdate("payments", p.ID) // the transaction's own new row
	return c.count(ctx, tallyPayments, p.ResellerID, 1)
}

// numberedOrderAnswer begins the query that follows the WITH queries of
// numberedOrderSQL's statement, in each of its forms.
const numberedOrderAnswer = ` SELECT o.`

// maxLinesWithNumbering bounds the lines written in the numbering statement: each
// count of lines is a text of its own, prepared on every connection, and a sale has
// a line per resource and fee, a handful; more are written apart.
const maxLinesWithNumbering = 16

// withOrderLines adds to q, CreateNumberedOrderAtCommit's statement with args, the
// INSERT of lines (orderLineRows) as one more of its WITH queries, and reports
// whether it did: the order's lines then need no statement of their own in the
// commit's round trip, where the series' rows are held. Their foreign key to the
// order is checked at the end of the statement, once the order is written. No
// lines, or more than maxLinesWithNumbering, are left to the caller.
func withOrderLines(q string, args []any, lines [][]any) (string, []any, bool) {
	at := strings.LastIndex(q, numberedOrderAnswer)
	if len(lines) == 0 || len(lines) > maxLinesWithNumbering || at < 0 {
		return q, args, false
	}
	var sb strings.Builder
	sb.WriteString(`, l AS (INSERT INTO order_lines (` + orderLineColumnList + `) VALUES `)
	for i, r := range lines {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(selectListTuple(&args, r))
	}
	sb.WriteString(`)`)
	return q[:at] + sb.String() + q[at:], args, true
}

// selectListTuple is selectList as a parenthesised tuple of parameters.
func selectListTuple(args *[]any, values []any) string {
	return "(" + selectList(args, values, nil) + ")"
}

// createNumberedOrderApart is CreateNumberedOrder as three statements: the numbers,
// the order and the payment.
func (c *Conn) createNumberedOrderApart(ctx context.Context, o *domain.Order, prefix string, p *domain.Payment) error {
	series := []string{prefix}
	if p != nil {
		series = append(series, PaymentDocumentPrefix)
	}
	numbers, err := c.NextDocumentNumbers(ctx, o.ResellerID, series...)
	if err != nil {
		return err
	}
	o.DocumentID = domain.DocumentNumber(prefix, numbers[0])
	if err := c.CreateOrder(ctx, o); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	p.DocumentID, p.OrderID = domain.DocumentNumber(PaymentDocumentPrefix, numbers[1]), o.ID
	if err := c.CreatePayment(ctx, p); err != nil {
		return err
	}
	o.PaymentID = p.ID
	return c.SetOrderPayment(o)
}

// paymentCreated does what follows the INSERT of p, o's payment: the payments'
// counter and o's link to it, with the commit.
func (c *Conn) paymentCreated(ctx context.Context, o *domain.Order, p *domain.Payment) error {
	c.lockedForUpdate("payments", p.ID) // the transaction's own new row
	if err := c.count(ctx, tallyPayments, p.ResellerID, 1); err != nil {
		return err
	}
	o.PaymentID = p.ID
	return c.SetOrderPayment(o)
}

// numberedOrderSQL is CreateNumberedOrder's statement on PostgreSQL: it bumps the
// series' counters (the order's before the payments', the order in which every
// writer takes them), inserts the order with its number and the payment with its
// own and the order's id, and returns the order's id and number and the payment's
// (NULL without one). With withIDs the rows are written with the ids o and p hold,
// and it returns the numbers alone: the order's, and the payment's with one.
func numberedOrderSQL(o *domain.Order, prefix string, p *domain.Payment, withIDs bool) (string, []any) {
	args, series := []any{o.ResellerID, prefix}, []string{"$2"}
	if p != nil {
		args, series = append(args, PaymentDocumentPrefix), append(series, "$3")
	}
	// insert is the start of an INSERT … SELECT into table of values, but for
	// the places in exprs, with the row's id first when withIDs.
	insert := func(table, cols string, id int64, values []any, exprs map[int]string) string {
		if withIDs {
			cols, values = "id, "+cols, append([]any{id}, values...)
			shifted := make(map[int]string, len(exprs))
			for i, e := range exprs {
				shifted[i+1] = e
			}
			exprs = shifted
		}
		return `INSERT INTO ` + table + ` (` + cols + `) SELECT ` + selectList(&args, values, exprs)
	}
	number := func(prefixArg string) string {
		return fmt.Sprintf("%s || lpad(n.last::text, greatest(%d, length(n.last::text)), '0')", prefixArg,
			domain.DocumentDigits)
	}
	var q strings.Builder
	q.WriteString(`WITH n AS (` + bumpCountersSQL("1", series...) + `), o AS (`)
	orderArgs := append([]any{o.ResellerID, o.AccountID, o.SubscriptionID, string(o.Kind)}, orderState(o, micros(o.CreatedAt))...)
	const orderDocument = 5 // document_id's place among orderInsertColumns
	q.WriteString(insert("orders", orderInsertColumns, o.ID, orderArgs, map[int]string{orderDocument: number("$2")}))
	q.WriteString(` FROM n WHERE n.prefix = $2 RETURNING id, document_id)`)
	if p == nil {
		if withIDs {
			q.WriteString(numberedOrderAnswer + `document_id FROM o`)
		} else {
			q.WriteString(numberedOrderAnswer + `id, o.document_id, NULL::bigint, NULL::text FROM o`)
		}
		return q.String(), args
	}
	q.WriteString(`, p AS (`)
	paymentArgs := append([]any{p.ResellerID, p.AccountID, string(p.Purpose), nil, nullable(p.InvoiceID)},
		paymentState(p, micros(p.CreatedAt))...)
	const paymentOrder, paymentDocument = 3, 5 // order_id's and document_id's places among paymentInsertColumns
	q.WriteString(insert("payments", paymentInsertColumns, p.ID, paymentArgs,
		map[int]string{paymentOrder: "o.id", paymentDocument: number("$3")}))
	q.WriteString(` FROM o, n WHERE n.prefix = $3 RETURNING id, document_id)`)
	if withIDs {
		q.WriteString(numberedOrderAnswer + `document_id, p.document_id FROM o, p`)
	} else {
		q.WriteString(numberedOrderAnswer + `id, o.document_id, p.id, p.document_id FROM o, p`)
	}
	return q.String(), args
}

// selectList appends values to args as parameters and returns them as a select
// list, but for the places in exprs, which take those expressions instead.
func selectList(args *[]any, values []any, exprs map[int]string) string {
	items := make([]string, len(values))
	for i, v := range values {
		if e, ok := exprs[i]; ok {
			items[i] = e
			continue
		}
		*args = append(*args, v)
		items[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(items, ", ")
}

package benchseed

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// seedWriters is how many transactions write the pieces of subscriptions at once on
// PostgreSQL: the server maintains each table's indexes for the rows it copies, its
// work, and two backends keep both of the machine's processors on it. SQLite has
// one writer.
const seedWriters = 2

// writeRanges writes n subscriptions in pieces of subTxRows, each made by prepare
// (in a transaction of its own, which takes the ids and numbers) and written in one
// transaction by store.Conn.InsertSeededSubscriptions. On SQLite a piece is made and
// written in the same transaction, one after another: its ids follow the largest
// in the tables. On PostgreSQL the pieces are made one after another (the ids come
// from the tables' sequences, the numbers from their series, taken for good at
// once) and seedWriters transactions write them side by side; at most one piece
// waits for a writer, so the memory stays that of a few pieces. A failure leaves
// the pieces already committed in place (and, on PostgreSQL, gaps in the series).
func writeRanges(ctx context.Context, db *store.DB, resellerID int64, n int,
	prepare func(tx *store.Conn, start, end int) ([]store.SeededSubscription, error)) error {
	if db.Engine() == store.SQLite {
		for start := 0; start < n; start += subTxRows {
			end := min(start+subTxRows, n)
			err := db.InTx(ctx, func(tx *store.Conn) error {
				rows, err := prepare(tx, start, end)
				if err != nil {
					return err
				}
				return tx.InsertSeededSubscriptions(ctx, resellerID, rows)
			})
			if err != nil {
				return fmt.Errorf("subscriptions %d to %d: %w", start, end, err)
			}
		}
		return nil
	}
	type piece struct {
		start, end int
		rows       []store.SeededSubscription
	}
	g, gctx := errgroup.WithContext(ctx)
	pieces := make(chan piece)
	for range seedWriters {
		g.Go(func() error {
			for p := range pieces {
				err := db.InTx(gctx, func(tx *store.Conn) error { return tx.InsertSeededSubscriptions(gctx, resellerID, p.rows) })
				if err != nil {
					return fmt.Errorf("subscriptions %d to %d: %w", p.start, p.end, err)
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(pieces)
		for start := 0; start < n; start += subTxRows {
			p := piece{start: start, end: min(start+subTxRows, n)}
			err := db.InTx(gctx, func(tx *store.Conn) (err error) {
				p.rows, err = prepare(tx, p.start, p.end)
				return err
			})
			if err != nil {
				return fmt.Errorf("subscriptions %d to %d: %w", p.start, p.end, err)
			}
			select {
			case pieces <- p:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	return g.Wait()
}

// prepareRange makes subscriptions start to end (excluded) of subscribeAll, with
// their orders, payments and charges, for the store's bulk path: their ids, their
// resources', orders' and payments' ids and the documents' numbers are taken in tx
// once for all of them, so nothing is read back row by row.
func prepareRange(ctx context.Context, tx *store.Conn, resellerID int64, plans []subscriptionPlan, accounts []int64,
	start, end int, shape func(i, round int, p subscriptionPlan) subscriptionShape) ([]store.SeededSubscription, error) {
	count := end - start
	rows := make([]store.SeededSubscription, 0, count)
	shapes := make([]subscriptionShape, 0, count)
	resources, paid := 0, 0
	for i := start; i < end; i++ {
		p := plans[i%len(plans)]
		sh := shape(i, i/len(accounts), p)
		sub := p.subscription(resellerID, accounts[i%len(accounts)], sh)
		resources += len(sub.Resources)
		if sh.paid {
			paid++
		}
		rows, shapes = append(rows, store.SeededSubscription{Sub: sub}), append(shapes, sh)
	}
	subID, err := tx.ReserveIDs(ctx, "subscriptions", count)
	if err != nil {
		return nil, err
	}
	resID, err := tx.ReserveIDs(ctx, "subscription_resources", resources)
	if err != nil {
		return nil, err
	}
	orderID, err := tx.ReserveIDs(ctx, "orders", count)
	if err != nil {
		return nil, err
	}
	num, err := tx.NextDocumentRange(ctx, resellerID, domain.SalesOrder.DocumentPrefix(), count)
	if err != nil {
		return nil, err
	}
	var paymentID, paymentNum int64 // the payments' series after the orders', as sales take them
	if paid > 0 {
		if paymentID, err = tx.ReserveIDs(ctx, "payments", paid); err != nil {
			return nil, err
		}
		if paymentNum, err = tx.NextDocumentRange(ctx, resellerID, store.PaymentDocumentPrefix, paid); err != nil {
			return nil, err
		}
	}
	for k := range rows {
		sub, p := rows[k].Sub, plans[(start+k)%len(plans)]
		sub.ID = subID + int64(k)
		for j := range sub.Resources {
			sub.Resources[j].ID = resID
			resID++
		}
		o := p.order(sub, shapes[k], orderID+int64(k), num+int64(k))
		rows[k].Order = o
		if shapes[k].paid {
			o.PaymentID = paymentID
			rows[k].Payment = orderPayment(o, paymentNum)
			paymentID, paymentNum = paymentID+1, paymentNum+1
		}
		if shapes[k].charged {
			rows[k].Charges = domain.ChargesOfOrder(o, sub, shapes[k].created, time.UTC)
			for _, c := range rows[k].Charges { // what the postpaid charges owe, as charging the order moves it
				if shapes[k].paid { // provisioned: a prepaid charge closes on the order's day
					c.Status, c.CloseDate = domain.ChargeClosed, sub.StartDate
				}
				sub.CurrentDebt += domain.ChargeDebt(c)
			}
		}
	}
	return rows, nil
}

// orderPayment is the completed payment of o's total, number num in the reseller's
// series of payments (six digits at least, as the service numbers them): o was paid
// when it was made.
func orderPayment(o *domain.Order, num int64) *domain.Payment {
	return &domain.Payment{ID: o.PaymentID, ResellerID: o.ResellerID, AccountID: o.AccountID,
		Purpose: domain.PaymentForOrder, OrderID: o.ID, DocumentID: fmt.Sprintf("%06d", num), Total: o.Total,
		InitialTotal: o.Total, Currency: o.Currency, Status: domain.PaymentStatusCompleted,
		ExpirationDate: o.ExpirationDate, ClosedAt: o.ClosedAt, Timestamps: o.Timestamps}
}

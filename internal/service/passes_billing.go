package service

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// The billing pass (docs/billing.md, "Invoices"): on each billing day it issues the
// invoices of the billing period that ended the day before. A postpaid invoice
// gathers its account's blocked postpaid charges whose period started before the
// billing day, closes them (postpaid charges never touch the balance) and gets a
// payment waiting for payment; a prepaid one lists the prepaid charges closed before
// the billing day and has no payment.
//
// It walks the accounts with charges to invoice (the index charges_to_invoice) in
// batches of billingBatch, one transaction each, holding the accounts' rows: every
// change of an account's charges happens under that lock. A period that has its
// invoice already is left alone (the unique index invoices_account_period makes
// sure), and its late charges wait for the next period; so a second run for a day
// makes nothing, and a run killed between batches is finished by the next.

// billingBatch is how many accounts one transaction of the billing pass bills.
const billingBatch = 200

// billingCharges bounds the charges one transaction of the billing pass holds, as
// counted when the walk read its accounts: a batch takes accounts while their
// charges fit (and at least one account, all of whose charges go in its one
// invoice). So the pass's memory and the time its
// transactions hold the writer stay the same however many subscriptions an account
// has. It is kept well below what a transaction could hold: a smaller transaction
// keeps less alive for the garbage collector to mark while API requests run, grows
// the SQLite WAL less before its checkpoint, and gives way (passPause) more often,
// for a few more commits. (A variable, so tests can cross it cheaply.)
var billingCharges = 2_500

// billingPass is the scheduler's billing pass.
type billingPass struct {
	s     *Service
	batch int
	// onBatch, when set, is told the accounts of each transaction before it runs
	// (tests watch the batches with it).
	onBatch func(ids []int64)

	// done is this process's last complete run: a charge made late for a billed
	// period waits for the next one anyway.
	done dayDone
}

// billingPasses returns the billing pass.
func (s *Service) billingPasses() []jobs.Pass {
	return []jobs.Pass{&billingPass{s: s, batch: billingBatch}}
}

// Name implements jobs.Pass.
func (p *billingPass) Name() string { return "bill_accounts" }

// NextDue implements jobs.Pass: the local midnight of the next billing day of a
// service term (or the first of the month), while charges wait for an invoice.
func (p *billingPass) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	days, err := p.s.db.Reader().BillingDays(ctx)
	if err != nil || len(days) == 0 {
		return time.Time{}, false, err
	}
	return p.s.nextBillingMidnight(after, days), true, nil
}

// Run implements jobs.Pass: it bills every account with charges to invoice, as of
// the local day of now.
func (p *billingPass) Run(ctx context.Context, now time.Time) error {
	today := p.s.today(now)
	if p.done.is(today) {
		return nil
	}
	days, err := p.s.db.Reader().BillingDays(ctx)
	if err != nil || len(days) == 0 {
		return err
	}
	// No charge is due unless it started (or, prepaid, was closed) before the
	// latest billing day reached: the walk reads only those.
	var latest domain.Date
	for _, d := range days {
		if _, _, billed := domain.BillingPeriod(today, d); billed.After(latest) {
			latest = billed
		}
	}
	var (
		after int64
		found int
		start = time.Now() // the machine's time: how long the run takes
	)
	// A run that billed accounts logs how many and how long it took, as the other
	// passes do (bench/billing.sh reads the line).
	defer func() {
		if found > 0 {
			p.s.log.Info("scheduler pass ran", "pass", p.Name(), "at", now, "due", found,
				"seconds", time.Since(start).Seconds())
		}
	}()
	for {
		accounts, err := p.s.db.Reader().AccountsToInvoice(ctx, latest, after, p.batch)
		if err != nil {
			return err
		}
		// The accounts read are billed in as many transactions as their charges
		// need, before the walk reads on: each charge is counted once.
		for rest := accounts; len(rest) > 0; {
			ids := fitCharges(rest, billingCharges)
			rest = rest[len(ids):]
			if found > 0 {
				if err := p.s.passPause(ctx); err != nil {
					return err
				}
			}
			found += len(ids)
			if err := p.runBatch(ctx, now, ids); err != nil {
				return fmt.Errorf("bill accounts at %s: %w", now, err)
			}
		}
		if len(accounts) < p.batch {
			break
		}
		after = accounts[len(accounts)-1].ID
	}
	p.done.set(today)
	return nil
}

// nextBillingMidnight is the local midnight of the first of days (days of the month)
// after the local day of after.
func (s *Service) nextBillingMidnight(after time.Time, days []int) time.Time {
	today := s.today(after)
	var next domain.Date
	for _, d := range days {
		c := domain.Date{Year: today.Year, Month: today.Month, Day: d}
		if !c.After(today) {
			c = c.AddMonths(1)
		}
		if next.IsZero() || c.Before(next) {
			next = c
		}
	}
	return next.Start(s.opts.Location)
}

// passPause waits Options.BillingPause, or until ctx ends, between two transactions
// of a billing pass. A pass is one goroutine that keeps a processor busy for its
// whole run, and its allocations start garbage collections whose marking takes
// processor time too and taxes the requests that allocate meanwhile: on a machine
// of two cores an API request can wait for a processor behind them. The pause after
// each transaction lets queued requests and the collector's work run without the
// pass, and bounds its share of the processors. It paces the work on the machine's
// time, not the installation's clock (a test clock's advance must still take real
// time to pause), and decides nothing.
func (s *Service) passPause(ctx context.Context) error {
	if s.opts.BillingPause <= 0 {
		return nil
	}
	t := time.NewTimer(s.opts.BillingPause)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dayDone remembers the local day a daily pass last finished in this process: the
// scheduler runs the pass every minute, and once a day's work is done the next runs
// of that day have nothing to do.
type dayDone struct {
	mu  sync.Mutex
	day domain.Date
}

// is reports whether today's run finished.
func (d *dayDone) is(today domain.Date) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.day == today
}

// set records that today's run finished.
func (d *dayDone) set(today domain.Date) {
	d.mu.Lock()
	d.day = today
	d.mu.Unlock()
}

// fitCharges returns the ids of the first accounts whose charges add up to at most
// limit, or of the first account alone when its own exceed it.
func fitCharges(accounts []store.AccountToInvoice, limit int) []int64 {
	ids := []int64{accounts[0].ID}
	held := accounts[0].Charges
	for _, a := range accounts[1:] {
		if held += a.Charges; held > limit {
			break
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// runBatch bills accounts ids in one transaction, again when the database broke a
// deadlock with another writer by failing it.
func (p *billingPass) runBatch(ctx context.Context, now time.Time, ids []int64) error {
	if p.onBatch != nil {
		p.onBatch(ids)
	}
	for retries := 0; ; retries++ {
		err := p.s.inTx(ctx, func(tx *store.Conn) error { return p.s.billAccounts(ctx, tx, ids, now) })
		if !store.IsDeadlock(err) || retries >= maxDeadlockRetries {
			return err
		}
	}
}

// invoiceDraft is an invoice the pass is about to write, with its charges.
type invoiceDraft struct {
	inv         *domain.Invoice
	billed      domain.Date // the billing day
	charges     []int64
	corrections []int64
}

// billAccounts issues the due invoices of accounts ids in tx.
func (s *Service) billAccounts(ctx context.Context, tx *store.Conn, ids []int64, now time.Time) error {
	if err := tx.LockAccounts(ctx, ids); err != nil {
		return err
	}
	charges, err := tx.ChargesToInvoice(ctx, ids)
	if err != nil {
		return err
	}
	invoiced, err := tx.InvoicedPeriods(ctx, ids, periodStarts(charges, s.today(now)))
	if err != nil {
		return err
	}
	drafts := draftInvoices(charges, invoiced, s.today(now), now)
	if len(drafts) == 0 {
		return nil
	}
	if err := s.addInvoiceCorrections(ctx, tx, drafts); err != nil {
		return err
	}
	payments, err := s.numberInvoices(ctx, tx, drafts, now)
	if err != nil {
		return err
	}
	invoices := make([]*domain.Invoice, len(drafts))
	for i, d := range drafts {
		invoices[i] = d.inv
	}
	if err := tx.CreateInvoices(ctx, invoices); err != nil {
		return err
	}
	for _, d := range drafts {
		if pay := payments[d.inv]; pay != nil {
			pay.InvoiceID = d.inv.ID
		}
		var closeOn domain.Date
		if d.inv.PaymentModel == domain.PaymentModelPostpay {
			closeOn = d.billed
		}
		if err := tx.GatherCharges(ctx, d.inv.ID, d.charges, closeOn, now); err != nil {
			return err
		}
		if err := tx.LinkCorrections(ctx, d.inv.ID, d.corrections, now); err != nil {
			return err
		}
	}
	if err := s.carryInvoiceCredits(ctx, tx, drafts, now); err != nil {
		return err
	}
	if err := enqueueInvoiceSettling(tx, drafts, payments, now); err != nil {
		return err
	}
	list := make([]*domain.Payment, 0, len(payments))
	for _, d := range drafts {
		if pay := payments[d.inv]; pay != nil {
			list = append(list, pay)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return tx.CreateOrderPayments(ctx, list)
}

// periodStarts returns the first days of the periods charges can be invoiced in on
// local day today, one per billing day among them: the only periods whose invoices
// the pass needs to know of.
func periodStarts(charges []store.ChargeToInvoice, today domain.Date) []domain.Date {
	seen := map[int]bool{}
	var out []domain.Date
	for _, ch := range charges {
		if !seen[ch.BillingDay] {
			seen[ch.BillingDay] = true
			from, _, _ := domain.BillingPeriod(today, ch.BillingDay)
			out = append(out, from)
		}
	}
	return out
}

// draftInvoices groups charges into the invoices due on local day today: one per
// account, payment model and billing period, the periods that have an invoice
// (invoiced) left out. A postpaid charge is due when its period started before its
// billing day, a prepaid one when it was closed before it. The drafts come in the
// order of account, payment model and period.
func draftInvoices(charges []store.ChargeToInvoice, invoiced map[store.InvoicePeriod]bool, today domain.Date,
	now time.Time) []*invoiceDraft {
	byPeriod := map[store.InvoicePeriod]*invoiceDraft{}
	var out []*invoiceDraft
	for _, ch := range charges {
		from, to, billed := domain.BillingPeriod(today, ch.BillingDay)
		due := ch.OperateFrom.Before(billed)
		if ch.PaymentModel == domain.PaymentModelPrepay {
			due = !ch.CloseDate.IsZero() && ch.CloseDate.Before(billed)
		}
		key := store.InvoicePeriod{AccountID: ch.AccountID, PaymentModel: ch.PaymentModel, From: from}
		if !due || invoiced[key] {
			continue
		}
		d := byPeriod[key]
		if d == nil {
			d = &invoiceDraft{billed: billed, inv: &domain.Invoice{ResellerID: ch.ResellerID, AccountID: ch.AccountID,
				Status: domain.InvoiceClosed, PaymentModel: ch.PaymentModel, FromDate: from, ToDate: to,
				Currency: ch.Currency, Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}}
			byPeriod[key] = d
			out = append(out, d)
		}
		if ch.Refund {
			d.inv.Total -= ch.Amount
		} else {
			d.inv.Total += ch.Amount
		}
		d.charges = append(d.charges, ch.ID)
	}
	slices.SortFunc(out, func(a, b *invoiceDraft) int {
		switch {
		case a.inv.AccountID != b.inv.AccountID:
			return int(a.inv.AccountID - b.inv.AccountID)
		case a.inv.PaymentModel != b.inv.PaymentModel:
			if a.inv.PaymentModel < b.inv.PaymentModel {
				return -1
			}
			return 1
		case a.inv.FromDate.Before(b.inv.FromDate):
			return -1
		}
		return 1
	})
	return out
}

// addInvoiceCorrections adds to each postpaid draft the approved corrections of its
// account that go to an invoice and were approved before its billing day (in its
// period, or in an earlier one that had no invoice): their totals join the draft's.
func (s *Service) addInvoiceCorrections(ctx context.Context, tx *store.Conn, drafts []*invoiceDraft) error {
	byAccount := map[int64]*invoiceDraft{}
	var ids []int64
	var before time.Time
	for _, d := range drafts {
		if d.inv.PaymentModel != domain.PaymentModelPostpay {
			continue
		}
		// A late draft of an earlier period comes first; the latest period takes
		// what was approved up to its billing day.
		if prev := byAccount[d.inv.AccountID]; prev == nil || prev.billed.Before(d.billed) {
			if prev == nil {
				ids = append(ids, d.inv.AccountID)
			}
			byAccount[d.inv.AccountID] = d
		}
		if at := d.billed.Start(s.opts.Location); at.After(before) {
			before = at
		}
	}
	corrections, err := tx.CorrectionsToInvoice(ctx, ids, before)
	if err != nil {
		return err
	}
	for _, k := range corrections {
		d := byAccount[k.AccountID]
		if !k.ApprovedAt.Before(d.billed.Start(s.opts.Location)) {
			continue
		}
		d.inv.Total += k.Total
		d.corrections = append(d.corrections, k.ID)
	}
	return nil
}

// numberInvoices numbers drafts in their resellers' series of invoices and makes
// the payments of the postpaid ones with a total above zero, numbered in the series
// of payments: due InvoiceDueDays after the billing day, or with no due date when
// an external system manages the reseller's invoices (the ERP's approval sets it).
// The series are taken per reseller in id order, invoices before payments.
func (s *Service) numberInvoices(ctx context.Context, tx *store.Conn, drafts []*invoiceDraft,
	now time.Time) (map[*domain.Invoice]*domain.Payment, error) {
	perReseller := map[int64][]*invoiceDraft{}
	var resellers []int64
	for _, d := range drafts {
		rid := d.inv.ResellerID
		if perReseller[rid] == nil {
			resellers = append(resellers, rid)
		}
		perReseller[rid] = append(perReseller[rid], d)
	}
	slices.Sort(resellers)
	payments := map[*domain.Invoice]*domain.Payment{}
	var paid []*domain.Payment
	for _, rid := range resellers {
		ds := perReseller[rid]
		first, err := tx.NextDocumentRange(ctx, rid, domain.InvoiceDocumentPrefix, len(ds))
		if err != nil {
			return nil, err
		}
		var owed []*invoiceDraft
		for i, d := range ds {
			d.inv.OwnDocumentID = domain.DocumentNumber(domain.InvoiceDocumentPrefix, first+int64(i))
			d.inv.DocumentID = d.inv.OwnDocumentID
			if d.inv.PaymentModel == domain.PaymentModelPostpay && d.inv.Total > 0 {
				owed = append(owed, d)
			}
		}
		if len(owed) == 0 {
			continue
		}
		path, err := tx.ResellerPathByID(ctx, rid)
		if err != nil {
			return nil, err
		}
		external, err := tx.InvoicesManagedExternally(ctx, path)
		if err != nil {
			return nil, err
		}
		n, err := tx.NextDocumentRange(ctx, rid, store.PaymentDocumentPrefix, len(owed))
		if err != nil {
			return nil, err
		}
		for i, d := range owed {
			p := &domain.Payment{ResellerID: rid, AccountID: d.inv.AccountID, Purpose: domain.PaymentForInvoice,
				DocumentID: formatPaymentNumber(n + int64(i)), Total: d.inv.Total, InitialTotal: d.inv.Total,
				Currency: d.inv.Currency, Description: d.inv.OwnDocumentID,
				Status: domain.PaymentStatusWaitingForPayment, Timestamps: d.inv.Timestamps}
			if !external {
				p.DueDate = d.billed.AddDays(domain.InvoiceDueDays)
			}
			payments[d.inv] = p
			paid = append(paid, p)
		}
	}
	ids, err := tx.NewPaymentIDs(ctx, len(paid))
	if err != nil {
		return nil, err
	}
	for i, p := range paid {
		p.ID = ids[i]
	}
	for inv, p := range payments {
		inv.PaymentID = p.ID
	}
	return payments, nil
}

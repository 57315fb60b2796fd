package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// The jobs that move postpaid debts and blocks where the transaction causing the move
// may not lock subscriptions (docs/billing.md, "Postpaid debt and blocking"): the
// billing pass and an account's update lock the account first, and subscriptions
// come before accounts in the lock order. Each is written in that transaction (the
// outbox), so it exists exactly when the change commits, and each is idempotent:
// a run after a crash, or a second run, moves nothing more.

// JobSettleInvoiceDebt settles the subscriptions' debts of an invoice that gets no
// payment (a total of 0 or below), as a payment's completion does for one that has.
const JobSettleInvoiceDebt = "settle_invoice_debt"

// JobReviewAccountDebts blocks or unblocks an account's postpaid subscriptions that
// use its credit limit, after the limit changed.
const JobReviewAccountDebts = "review_account_debts"

// postpaidDebtAttempts bounds the runs of the two jobs; a failed run (a deadlock, a
// database restart) is tried again.
const postpaidDebtAttempts = 10

// settleInvoicePayload is the payload of a JobSettleInvoiceDebt job.
type settleInvoicePayload struct {
	InvoiceID int64 `json:"invoice_id"`
}

// reviewAccountPayload is the payload of a JobReviewAccountDebts job.
type reviewAccountPayload struct {
	AccountID int64 `json:"account_id"`
}

// enqueueDebtJob writes, in tx, a postpaid debt job of kind for the reseller.
func enqueueDebtJob(tx *store.Conn, kind string, resellerID int64, payload any, now time.Time) error {
	return enqueueLater(tx, kind, resellerID, payload, postpaidDebtAttempts, now)
}

// enqueueInvoiceSettling writes, in the billing pass's tx, the job settling each
// postpaid invoice of drafts that gets no payment (payments); only postpaid
// invoices hold debt or gather corrections.
func enqueueInvoiceSettling(tx *store.Conn, drafts []*invoiceDraft, payments map[*domain.Invoice]*domain.Payment,
	now time.Time) error {
	for _, d := range drafts {
		if payments[d.inv] != nil || d.inv.PaymentModel != domain.PaymentModelPostpay {
			continue
		}
		err := enqueueDebtJob(tx, JobSettleInvoiceDebt, d.inv.ResellerID, settleInvoicePayload{InvoiceID: d.inv.ID}, now)
		if err != nil {
			return err
		}
	}
	return nil
}

// runSettleInvoiceDebt is the handler of JobSettleInvoiceDebt: one transaction
// locks the invoice, then its subscriptions in id order, moves their debts and
// marks the invoice settled; an invoice settled already is skipped.
func (s *Service) runSettleInvoiceDebt(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p settleInvoicePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("settle invoice debt job %s: %w", job.ID, err))
	}
	err := s.inTx(ctx, func(tx *store.Conn) error { return s.settleInvoice(ctx, tx, p.InvoiceID, s.clock.Now()) })
	if err != nil {
		return nil, fmt.Errorf("settle the debt of invoice %d: %w", p.InvoiceID, err)
	}
	return json.Marshal(map[string]int64{"invoice_id": p.InvoiceID})
}

// runReviewAccountDebts is the handler of JobReviewAccountDebts.
func (s *Service) runReviewAccountDebts(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p reviewAccountPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("review account debts job %s: %w", job.ID, err))
	}
	if err := s.reviewAccountDebts(ctx, p.AccountID); err != nil {
		return nil, fmt.Errorf("review the postpaid debts of account %d: %w", p.AccountID, err)
	}
	return json.Marshal(map[string]int64{"account_id": p.AccountID})
}

package service

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// A change of an account class's credit limit in the operator's catalogue file
// moves the limit of every account of the class that takes the class's limit
// (credit_limit_use_system), so each may go on credit hold or come off it
// (docs/billing.md, "Credit hold"). The apply's transaction holds the catalogue
// lock and cannot lock thousands of accounts, so it writes a
// JobAccountClassLimit job (the outbox); the job walks the class's accounts by id
// (index accounts_class_id), classLimitBatch at a time, each batch in a
// transaction of its own that locks each account and re-checks its hold as a
// money move would (applyCreditHold, which writes the subscriptions' job), then
// blocks or unblocks their postpaid subscriptions that take the account's limit
// (reviewAccountDebts). A run that fails starts the walk again: an account or a
// subscription already moved does not move twice.

// JobAccountClassLimit re-checks the credit hold of the accounts of a class whose
// credit limit changed.
const JobAccountClassLimit = "account_class_limit"

// classLimitBatch is how many accounts one transaction of the job takes.
const classLimitBatch = 200

// classLimitPayload is the payload of a JobAccountClassLimit job.
type classLimitPayload struct {
	ClassKey string `json:"class_key"`
	// Subzero is set when the class's subzero period changed: it binds every
	// account of the class, not only those that take the class's credit limit.
	Subzero bool `json:"subzero,omitempty"`
}

// enqueueClassLimitJob writes, in tx, the job for class key.
func enqueueClassLimitJob(tx *store.Conn, key string, subzero bool, now time.Time) error {
	return enqueueLater(tx, JobAccountClassLimit, domain.OperatorID, classLimitPayload{ClassKey: key, Subzero: subzero},
		0, now)
}

// runAccountClassLimit is the handler of JobAccountClassLimit.
func (s *Service) runAccountClassLimit(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p classLimitPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("account class limit job %s: %w", job.ID, err))
	}
	var after int64
	moved, seen := 0, 0
	for {
		refs, err := s.db.Reader().ClassLimitAccounts(ctx, p.ClassKey, p.Subzero, after, classLimitBatch)
		if err != nil || len(refs) == 0 {
			if err != nil {
				return nil, err
			}
			break
		}
		n, err := s.recheckCreditHolds(ctx, refs)
		if err != nil {
			return nil, fmt.Errorf("class %q: %w", p.ClassKey, err)
		}
		// The limit is also the postpaid subscriptions' that take their account's.
		for _, r := range refs {
			if err := s.reviewAccountDebts(ctx, r.ID); err != nil {
				return nil, fmt.Errorf("class %q: review the postpaid debts of account %d: %w", p.ClassKey, r.ID, err)
			}
		}
		moved, seen, after = moved+n, seen+len(refs), refs[len(refs)-1].ID
	}
	return json.Marshal(map[string]int{"accounts": seen, "moved": moved})
}

// recheckCreditHolds locks each account of refs, in one transaction, and sets or
// lifts its credit hold as its money says at the clock's now; it returns how many
// moved. The accounts are locked in the order of their ids, as every batch locks
// them (store.LockAccounts): the subzero pass hands them over by negative_since,
// and another order would let two batches that share accounts deadlock.
func (s *Service) recheckCreditHolds(ctx context.Context, refs []store.AccountRef) (int, error) {
	refs = slices.Clone(refs)
	slices.SortFunc(refs, func(a, b store.AccountRef) int { return cmp.Compare(a.ID, b.ID) })
	moved := 0
	err := s.inTx(ctx, func(tx *store.Conn) error {
		moved = 0
		now := s.clock.Now()
		for _, r := range refs {
			acc, err := tx.FindAccountForUpdate(ctx, r.ID)
			if err != nil {
				return err
			}
			// The account shows its class's limit as its credit_limit.
			tx.TouchAccounts(r.ResellerID)
			was := acc.Status
			if err := applyCreditHold(ctx, tx, acc, now); err != nil {
				return err
			}
			if acc.Status != was {
				moved++
			}
		}
		return nil
	})
	return moved, err
}

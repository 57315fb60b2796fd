package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
)

// The subzero pass (docs/billing.md, "Subzero period"): an account may stay below
// zero, within its credit limit, for its class's subzero period; once that has
// passed it goes on credit hold, though no money moved. The pass reads, class by
// class with a period, the active accounts whose period has ended, by when they
// went below zero (index accounts_subzero), PassBatch at a time, and re-checks each with its row
// locked (recheckCreditHolds, domain.Account.CreditHoldMove), so a top-up that came
// meanwhile wins and a second run changes nothing.

// subzeroPass is the jobs.Pass of the subzero period.
type subzeroPass struct{ s *Service }

func (s *Service) subzeroPasses() []jobs.Pass { return []jobs.Pass{&subzeroPass{s: s}} }

// Name implements jobs.Pass.
func (p *subzeroPass) Name() string { return "end_subzero_periods" }

// NextDue implements jobs.Pass: the first instant after after at which the subzero
// period of an active account below zero has passed.
func (p *subzeroPass) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	return p.s.db.Reader().NextSubzeroEnd(ctx, after)
}

// Run implements jobs.Pass: class by class, the accounts whose period has ended.
func (p *subzeroPass) Run(ctx context.Context, now time.Time) error {
	classes, err := p.s.db.Reader().SubzeroClasses(ctx)
	if err != nil {
		return err
	}
	for _, k := range classes {
		var cursor store.SubzeroCursor
		for {
			refs, next, err := p.s.db.Reader().SubzeroAccounts(ctx, k, now, cursor, PassBatch)
			if err != nil || len(refs) == 0 {
				if err != nil {
					return err
				}
				break
			}
			if _, err := p.s.recheckCreditHolds(ctx, refs); err != nil {
				return err
			}
			cursor = next
		}
	}
	return nil
}

// Package benchseed fills a database with synthetic data for load tests and the
// benchmarks of bench/: a catalogue of plans and any number of accounts. It is a
// tool, not a use case: it checks no permission, and `cascade seed` runs it.
package benchseed

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
)

// Sizes is how much to seed; zero seeds none of a kind.
type Sizes struct {
	Plans    int
	Accounts int
	// Subscriptions are spread over the plans and accounts (see Subscriptions).
	Subscriptions int
	// RenewalDay, when set, makes the subscriptions auto-renewing ones whose
	// automatic renewal falls due on that day (RenewingSubscriptions), and the plans
	// those of RenewalCatalog.
	RenewalDay domain.Date
	// BillingDay, when set, makes the subscriptions postpaid ones whose period's
	// charges the billing pass invoices on that day (BillingSubscriptions), and the
	// plans those of BillingCatalog. It takes the place of RenewalDay.
	BillingDay domain.Date
	// PrepaidPercent is the share of BillingDay's subscriptions that are prepaid
	// and paid, their charges closed (BillingSubscriptions); the rest are postpaid.
	PrepaidPercent int
}

// Seed fills the operator with sizes.Plans plans, sizes.Accounts accounts and
// sizes.Subscriptions subscriptions, and writes to w how long each part took. The
// plans go through the catalogue file, as an operator's would; the accounts are
// streamed in bulk (see Accounts), the subscriptions with their orders in pieces
// (see Subscriptions).
func Seed(ctx context.Context, w io.Writer, svc *service.Service, db *store.DB, sizes Sizes) error {
	if sizes.Plans > 0 {
		start := time.Now()
		actor, err := svc.OperatorActor(ctx)
		if err != nil {
			return err
		}
		catalog := Catalog(sizes.Plans)
		switch {
		case !sizes.BillingDay.IsZero():
			catalog = BillingCatalog(sizes.Plans, sizes.BillingDay.Day)
		case !sizes.RenewalDay.IsZero():
			catalog = RenewalCatalog(sizes.Plans)
		}
		res, err := svc.ApplyCatalog(ctx, actor, domain.OperatorID, catalog, false)
		if err != nil {
			return fmt.Errorf("bench catalogue: %w", err)
		}
		fmt.Fprintf(w, "seeded %d plans (%d catalogue changes) in %.2fs\n", sizes.Plans, len(res.Changes),
			time.Since(start).Seconds())
	}
	if sizes.Accounts > 0 {
		start := time.Now()
		if err := Accounts(ctx, db, svc.Clock().Now(), domain.OperatorID, sizes.Accounts); err != nil {
			return fmt.Errorf("bench accounts: %w", err)
		}
		fmt.Fprintf(w, "seeded %d accounts in %.2fs\n", sizes.Accounts, time.Since(start).Seconds())
	}
	if sizes.Subscriptions > 0 {
		start := time.Now()
		var err error
		due := ""
		switch {
		case !sizes.BillingDay.IsZero():
			err = BillingSubscriptions(ctx, db, svc.Clock().Now(), domain.OperatorID, sizes.Subscriptions, sizes.BillingDay,
				sizes.PrepaidPercent)
			due = fmt.Sprintf(", charged for billing on %s,", sizes.BillingDay)
			if sizes.PrepaidPercent > 0 {
				due = fmt.Sprintf(", charged for billing on %s (%d%% prepaid),", sizes.BillingDay, sizes.PrepaidPercent)
			}
		case sizes.RenewalDay.IsZero():
			err = Subscriptions(ctx, db, svc.Clock().Now(), domain.OperatorID, sizes.Subscriptions)
		default:
			err = RenewingSubscriptions(ctx, db, svc.Clock().Now(), domain.OperatorID, sizes.Subscriptions, sizes.RenewalDay)
			due = fmt.Sprintf(", renewing on %s,", sizes.RenewalDay)
		}
		if err != nil {
			return fmt.Errorf("bench subscriptions: %w", err)
		}
		fmt.Fprintf(w, "seeded %d subscriptions%s in %.2fs\n", sizes.Subscriptions, due, time.Since(start).Seconds())
	}
	return nil
}

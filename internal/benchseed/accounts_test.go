package benchseed

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	// Small pieces, so 10,000 rows cross several batches and transactions, the last
	// of each partial.
	batchRows, txRows = 700, 3_000
	t.Cleanup(func() { batchRows, txRows = 1_000, 50_000 })
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock, db, s := bootstrapped(t, e, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), "EUR")
		admin, err := s.OperatorActor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const n = 10_000
		var out bytes.Buffer
		if err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: n}); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.Contains(got, "seeded 3 plans") || !strings.Contains(got, "seeded 10000 accounts in") {
			t.Errorf("output = %q", got)
		}
		if _, info, err := s.FindPlans(ctx, admin, domain.OperatorID, domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}); err != nil || info.Total != 3 {
			t.Errorf("seeded %d plans (%v), want 3", info.Total, err)
		}
		all := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}
		if _, info, err := s.FindAccounts(ctx, admin, domain.OperatorID, all); err != nil || info.Total != n {
			t.Fatalf("seeded %d accounts (%v), want %d", info.Total, err, n)
		}
		// Row i has a known e-mail, INN and creation time, in every batch.
		for _, tc := range []struct {
			email, inn, name string
			i                int
		}{{"bench0@example.com", "770000000000", "Bench Customer 0", 0},
			{"bench4321@example.com", "770000004321", "Bench Customer 4321", 4321},
			{"bench9999@example.com", "770000009999", "Bench Customer 9999", 9999}} {
			got, info, err := s.FindAccounts(ctx, admin, domain.OperatorID, all.Where("email", domain.OpIn, tc.email))
			if err != nil || info.Total != 1 {
				t.Fatalf("%s: %d found, %v", tc.email, info.Total, err)
			}
			a := got[0]
			if a.INN != tc.inn || !a.CreatedAt.Equal(clock.Now().Add(-time.Duration(tc.i)*time.Minute)) || a.Name != tc.name ||
				a.Currency != "EUR" || a.Class.Key != "default" || a.Status != domain.AccountStatusActive {
				t.Errorf("%s = %+v", tc.email, a)
			}
			// Its owner is the user of its e-mail, linked, as a created account's is.
			owner, err := db.Reader().FindUserByID(ctx, a.OwnerID)
			if err != nil || owner.Email != tc.email || owner.ResellerID != a.ResellerID {
				t.Errorf("%s: owner %d = %+v (%v)", tc.email, a.OwnerID, owner, err)
			}
			if linked, err := db.Reader().IsAccountUser(ctx, a.ID, a.OwnerID); err != nil || !linked {
				t.Errorf("%s: owner linked %v (%v)", tc.email, linked, err)
			}
		}
		// The last hour holds rows 0 to 59.
		q := all.Where("created_at", domain.OpGt, clock.Now().Add(-time.Hour))
		if _, info, err := s.FindAccounts(ctx, admin, domain.OperatorID, q); err != nil || info.Total != 60 {
			t.Errorf("created in the last hour: %d (%v), want 60", info.Total, err)
		}
	})
}

package service

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func TestSeedBenchAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
		s, admin := mgNewService(t, storetest.Open(t, e), clock)
		const n = 10_000
		if err := s.SeedBenchAccounts(ctx, domain.OperatorID, n); err != nil {
			t.Fatal(err)
		}
		all := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}
		if _, total, err := s.FindAccounts(ctx, admin, domain.OperatorID, all); err != nil || total != n {
			t.Fatalf("seeded %d accounts (%v), want %d", total, err, n)
		}
		// Row i has a known e-mail, INN and creation time.
		q := all.Where("email", domain.OpIn, "bench4321@example.com")
		got, total, err := s.FindAccounts(ctx, admin, domain.OperatorID, q)
		if err != nil || total != 1 {
			t.Fatalf("bench4321: %d found, %v", total, err)
		}
		a := got[0]
		if a.INN != "770000004321" || !a.CreatedAt.Equal(clock.Now().Add(-4321*time.Minute)) || a.Name != "Bench Customer 4321" ||
			a.Currency != "EUR" || a.Class.Key != "default" || a.OwnerID != 0 || a.Status != domain.AccountStatusActive {
			t.Errorf("bench4321 = %+v", a)
		}
		// The last hour holds rows 0 to 59.
		q = all.Where("created_at", domain.OpGt, clock.Now().Add(-time.Hour))
		if _, total, err = s.FindAccounts(ctx, admin, domain.OperatorID, q); err != nil || total != 60 {
			t.Errorf("created in the last hour: %d (%v), want 60", total, err)
		}
	})
}

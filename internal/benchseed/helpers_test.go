package benchseed

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// bootstrapped opens e's database and bootstraps an operator in currency on it,
// with a test clock at now, as `cascade seed` finds a new installation.
func bootstrapped(t *testing.T, e storetest.Engine, now time.Time, currency string) (*domain.TestClock, *store.DB,
	*service.Service) {
	t.Helper()
	clock := domain.NewTestClock(now)
	db := storetest.Open(t, e)
	s := service.New(db, clock, service.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := s.Bootstrap(context.Background(), service.Operator{Name: "Operator", Domain: "operator.example.com",
		Currency: currency, AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
		t.Fatal(err)
	}
	return clock, db, s
}

package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// BenchmarkAccountCreate creates accounts through the service, each in a write
// transaction of its own, on every engine. On SQLite it runs twice side by side:
// "text" runs each SQL text of the transaction unprepared, as the store did before
// it kept write statements prepared on the write connection; "prepared" is the store
// as it is. On PostgreSQL pgx keeps them prepared per connection.
//
//	go test -run '^$' -bench AccountCreate -benchtime 2000x ./internal/store
func BenchmarkAccountCreate(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		modes := []string{"prepared"}
		if e.Name == "sqlite" {
			modes = []string{"text", "prepared"}
		}
		for _, mode := range modes {
			b.Run(e.Name+"/"+mode, func(b *testing.B) {
				db := storetest.Open(b, freshEngine(b, e.Name))
				if mode == "text" {
					store.RunTextInTransactions(db)
				}
				benchAccountCreate(b, db)
			})
		}
	}
}

// freshEngine returns a new, empty database of the named engine.
func freshEngine(b *testing.B, name string) storetest.Engine {
	for _, e := range storetest.Engines(b) {
		if e.Name == name {
			return e
		}
	}
	b.Fatalf("no %s database", name)
	return storetest.Engine{}
}

func benchAccountCreate(b *testing.B, db *store.DB) {
	ctx := context.Background()
	clock := domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
	s := service.New(db, clock, service.Options{PasswordCost: bcrypt.MinCost,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	token, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com",
		Currency: "EUR", AdminName: "Administrator", AdminEmail: "admin@operator.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	admin, err := s.Authenticate(ctx, token)
	if err != nil {
		b.Fatal(err)
	}
	typeID, first := int64(2), "Bench"
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		last, email := fmt.Sprintf("Customer %d", i), fmt.Sprintf("bench%d@example.com", i)
		_, err := s.CreateAccount(ctx, admin, domain.OperatorID, domain.AccountChange{AccountTypeID: &typeID,
			FirstName: &first, LastName: &last, Email: &email})
		if err != nil {
			b.Fatalf("create account %d: %v", i, err)
		}
	}
}

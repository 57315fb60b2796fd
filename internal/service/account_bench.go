package service

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// SeedBenchAccounts adds n synthetic accounts to a reseller in one transaction, for
// benchmarks and load tests. Row i has the e-mail bench<i>@example.com, the INN
// 77<i, ten digits> and was created i minutes before the clock's time, so e-mail, INN and
// date filters each select known rows. The rows have no users (store.InsertAccountsBulk),
// so they cannot be signed in to. It checks no permission: it is a tool, not an API.
func (s *Service) SeedBenchAccounts(ctx context.Context, resellerID int64, n int) error {
	return s.inTx(ctx, func(tx *store.Conn) error {
		r, err := tx.FindResellerByID(ctx, resellerID)
		if err != nil {
			return err
		}
		types, err := tx.FindAccountTypes(ctx)
		if err != nil {
			return err
		}
		// Bench customers are people: a type named by first and last name.
		typ := types[0]
		for _, t := range types {
			if !t.UsesPrimaryName() {
				typ = t
				break
			}
		}
		classes, err := tx.FindAccountClasses(ctx)
		if err != nil {
			return err
		}
		var class domain.AccountClass
		for _, c := range classes {
			if c.Default {
				class = *c
			}
		}
		now := s.clock.Now()
		accounts := make([]*domain.Account, n)
		for i := range accounts {
			created := now.Add(-time.Duration(i) * time.Minute)
			a := &domain.Account{ResellerID: resellerID, AccountTypeID: typ.ID, Class: class,
				FirstName: "Bench", LastName: fmt.Sprintf("Customer %d", i),
				Email: fmt.Sprintf("bench%d@example.com", i), Country: "DE", City: "Berlin",
				INN: fmt.Sprintf("77%010d", i), Status: domain.AccountStatusActive, Currency: r.General.Currency,
				CreditLimitUseSystem: true, Timestamps: domain.Timestamps{CreatedAt: created, UpdatedAt: created}}
			a.Name = typ.BuildName(a)
			accounts[i] = a
		}
		return tx.InsertAccountsBulk(ctx, accounts)
	})
}

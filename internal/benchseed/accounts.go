package benchseed

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Accounts are generated and written in pieces, so memory stays the same whatever
// their number: batchRows accounts are built at a time, reusing the same structs, and
// each transaction writes txRows of them. A failure leaves the transactions already
// committed in place. (Variables, so tests can cross the boundaries cheaply.)
var (
	batchRows = 1_000
	txRows    = 50_000
)

// Accounts adds n synthetic accounts to a reseller, for benchmarks and load tests.
// Row i has the e-mail bench<i>@example.com, the INN 77<i, ten digits> and was
// created i minutes before now, so e-mail, INN and date filters each select known
// rows. Each has its owner, a user of the same e-mail, as a created account has,
// without a login: a seeded database holds the users its accounts would have, and
// PostgreSQL plans the statements that read them for a table of that size.
func Accounts(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int) error {
	return accounts(ctx, db, now, resellerID, n, true)
}

// OwnerlessAccounts adds n accounts as Accounts does but without users, as accounts
// imported without their people are: no one can sign in to them.
func OwnerlessAccounts(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int) error {
	return accounts(ctx, db, now, resellerID, n, false)
}

func accounts(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int, owners bool) error {
	var (
		proto domain.Account
		typ   *domain.AccountType
	)
	err := db.InTx(ctx, func(tx *store.Conn) (err error) {
		proto, typ, err = prototype(ctx, tx, resellerID)
		return err
	})
	if err != nil {
		return err
	}
	rows := make([]domain.Account, batchRows)
	batch := make([]*domain.Account, batchRows)
	for i := range rows {
		batch[i] = &rows[i]
	}
	for start := 0; start < n; start += txRows {
		end := min(start+txRows, n)
		err := db.InTx(ctx, func(tx *store.Conn) error {
			for from := start; from < end; from += batchRows {
				part := batch[:min(batchRows, end-from)]
				for j, a := range part {
					fill(a, &proto, typ, from+j, now)
				}
				if owners {
					if err := tx.InsertOwnersBulk(ctx, part); err != nil {
						return err
					}
				}
				if err := tx.InsertAccountsBulk(ctx, part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("accounts %d to %d: %w", start, end, err)
		}
	}
	return nil
}

// prototype is what every seeded account of the reseller shares: its currency, the
// default class and a type named by first and last name (bench customers are
// people), which it returns too.
func prototype(ctx context.Context, tx *store.Conn, resellerID int64) (domain.Account, *domain.AccountType, error) {
	r, err := tx.FindResellerByID(ctx, resellerID)
	if err != nil {
		return domain.Account{}, nil, err
	}
	types, err := tx.FindAccountTypes(ctx)
	if err != nil {
		return domain.Account{}, nil, err
	}
	typ := types[0]
	for _, t := range types {
		if !t.UsesPrimaryName() {
			typ = t
			break
		}
	}
	class, err := tx.FindAccountClass(ctx, "")
	if err != nil {
		return domain.Account{}, nil, err
	}
	return domain.Account{ResellerID: resellerID, AccountTypeID: typ.ID, Class: *class, FirstName: "Bench",
		Country: "DE", City: "Berlin", Status: domain.AccountStatusActive, Currency: r.General.Currency,
		CreditLimitUseSystem: true}, typ, nil
}

// fill makes a the seed's row i: proto with its own names, e-mail, INN and times.
func fill(a, proto *domain.Account, typ *domain.AccountType, i int, now time.Time) {
	created := now.Add(-time.Duration(i) * time.Minute)
	*a = *proto
	num := strconv.Itoa(i)
	a.LastName = "Customer " + num
	a.Email = "bench" + num + "@example.com"
	a.INN = fmt.Sprintf("77%010d", i)
	a.CreatedAt, a.UpdatedAt = created, created
	a.Name = typ.BuildName(a)
}

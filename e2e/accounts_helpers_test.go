package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// The account types and classes every installation starts with.
const (
	acBusiness int64 = 1 // name pattern "%primary_name"
	acPersonal int64 = 2 // name pattern "%first_name %last_name"
)

// acEachEngineClocked runs f on every engine against a server whose clock stands still
// until the test moves it.
func acEachEngineClocked(t *testing.T, f func(t *testing.T, s *server, clock *domain.TestClock)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		clock := domain.NewTestClock(time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC))
		f(t, mgStartClocked(t, e, clock), clock)
	})
}

// acPerson is the smallest valid input: a personal account of a contract person
// whose e-mail is unique.
func acPerson(first, last string) client.AccountInput {
	return client.AccountInput{AccountTypeID: client.Int(acPersonal), FirstName: client.String(first),
		LastName: client.String(last), Email: client.String(unique(strings.ToLower(first)+".") + "@example.com")}
}

// acPostpaid is acPerson of the postpaid account class.
func acPostpaid(first, last string) client.AccountInput {
	in := acPerson(first, last)
	in.AccountClassKey = client.String("postpay")
	return in
}

// acCompany is a valid business account input.
func acCompany(company string) client.AccountInput {
	in := acPerson("Ann", "Lee")
	in.AccountTypeID, in.PrimaryName = client.Int(acBusiness), client.String(company)
	return in
}

// acMustCreate creates an account at reseller rid through c.
func acMustCreate(t testing.TB, c *client.Client, rid int64, in client.AccountInput) *client.Account {
	t.Helper()
	a, err := c.CreateAccount(context.Background(), rid, in)
	if err != nil {
		t.Fatalf("create account at %d: %v", rid, err)
	}
	return a
}

// acIDs returns the ids of a page of accounts, in order.
func acIDs(p *client.Page[client.Account]) []int64 {
	out := make([]int64, len(p.Items))
	for i, a := range p.Items {
		out[i] = a.ID
	}
	return out
}

// acList lists the accounts of rid with the given filters (field -> value) and sort,
// failing the test on error.
func acList(t testing.TB, c *client.Client, rid int64, filter map[string]string, sort string) *client.Page[client.Account] {
	t.Helper()
	p, err := c.ListAccounts(context.Background(), rid, &client.ListOptions{Filter: filter, Sort: sort, PageSize: 1000})
	if err != nil {
		t.Fatalf("list accounts of %d with %v sort %q: %v", rid, filter, sort, err)
	}
	return p
}

// acHasError reports whether e has an entry with the code at the pointer.
func acHasError(e *client.Error, pointer, code string) bool {
	for _, o := range e.Errors {
		if o.Source != nil && o.Source.Pointer == pointer && o.Code == code {
			return true
		}
	}
	return false
}

// acWantErrors checks that err is a 422 carrying exactly the given pointer -> code
// problems.
func acWantErrors(t testing.TB, err error, want map[string]string) {
	t.Helper()
	e := apiError(t, err, 422)
	for ptr, code := range want {
		if !acHasError(e, "/data/attributes/"+ptr, code) {
			t.Errorf("no %s error at %s in %+v", code, ptr, e.Errors)
		}
	}
	if len(e.Errors) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(e.Errors), len(want), e)
	}
}

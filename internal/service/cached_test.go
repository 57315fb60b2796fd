package service

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// chNewAccount creates an account of the reseller through the service.
func chNewAccount(t *testing.T, s *Service, a domain.Actor, resellerID int64, name string) *domain.Account {
	t.Helper()
	typeID, first, last, email := int64(1), "Ann", "Lee", fmt.Sprintf("%s@example.com", name)
	country := "DE"
	acc, err := s.CreateAccount(context.Background(), a, resellerID, domain.AccountChange{AccountTypeID: &typeID,
		PrimaryName: &name, FirstName: &first, LastName: &last, Email: &email, Country: &country,
		CustomAttributes: map[string]*string{"crm": &name}})
	if err != nil {
		t.Fatalf("create account %s of reseller %d: %v", name, resellerID, err)
	}
	return acc
}

// chLoads returns how many loads each of s's caches ran.
func chLoads(s *Service) map[string]int64 {
	return map[string]int64{
		"resellers": s.caches.resellers.Stats().Loads, "account pages": s.caches.accountPages.Stats().Loads,
		"plans": s.caches.plans.Stats().Loads, "plan pages": s.caches.planPages.Stats().Loads,
	}
}

// TestAccountWriteKeepsOtherCaches checks the scope of invalidation: an account
// created in one reseller reloads that reseller's account pages only, and leaves the
// plans, the reseller itself and another reseller's account pages in memory.
func TestAccountWriteKeepsOtherCaches(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		if _, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, caPlans(2), false); err != nil {
			t.Fatalf("apply catalogue: %v", err)
		}
		other, err := s.CreateReseller(ctx, admin, domain.OperatorID, mgResellerChange("other.example.com"))
		if err != nil {
			t.Fatalf("create reseller: %v", err)
		}
		chNewAccount(t, s, admin, domain.OperatorID, "first")
		chNewAccount(t, s, admin, other.ID, "elsewhere")
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}
		readAll := func() (ours, theirs int) {
			t.Helper()
			_, mine, err := s.FindAccounts(ctx, admin, domain.OperatorID, page)
			if err != nil {
				t.Fatal(err)
			}
			_, elsewhere, err := s.FindAccounts(ctx, admin, other.ID, page)
			if err != nil {
				t.Fatal(err)
			}
			ours, theirs = mine.Total, elsewhere.Total
			plans, _, err := s.FindPlans(ctx, admin, domain.OperatorID, page)
			if err != nil || len(plans) != 2 {
				t.Fatalf("plans: %d, %v; want 2", len(plans), err)
			}
			if _, err := s.FindPlanByID(ctx, admin, domain.OperatorID, plans[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FindResellerByID(ctx, admin, other.ID); err != nil {
				t.Fatal(err)
			}
			return ours, theirs
		}
		readAll()
		warm := chLoads(s)
		if ours, theirs := readAll(); ours != 1 || theirs != 1 || !reflect.DeepEqual(chLoads(s), warm) {
			t.Fatalf("second read: totals %d and %d, loads %v after %v; want 1, 1 and no load", ours, theirs, chLoads(s), warm)
		}
		chNewAccount(t, s, admin, domain.OperatorID, "second")
		ours, theirs := readAll()
		if ours != 2 || theirs != 1 {
			t.Fatalf("after a create: totals %d and %d, want 2 and 1", ours, theirs)
		}
		want := map[string]int64{"resellers": warm["resellers"], "account pages": warm["account pages"] + 1,
			"plans": warm["plans"], "plan pages": warm["plan pages"]}
		if got := chLoads(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("loads after one account create: %v, want %v (only our account page again)", got, want)
		}
	})
}

// TestConcurrentReadersAfterWriteLoadOnce checks single flight: many readers of one
// page right after a write that changed it run one page query between them.
func TestConcurrentReadersAfterWriteLoadOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		chNewAccount(t, s, admin, domain.OperatorID, "first")
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}
		if _, _, err := s.FindAccounts(ctx, admin, domain.OperatorID, page); err != nil {
			t.Fatal(err)
		}
		chNewAccount(t, s, admin, domain.OperatorID, "second")
		before := s.caches.accountPages.Stats().Loads
		const readers = 16
		var wg sync.WaitGroup
		totals := make([]int, readers)
		start := make(chan struct{})
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, info, _ := s.FindAccounts(ctx, admin, domain.OperatorID, page)
				totals[i] = info.Total
			}()
		}
		close(start)
		wg.Wait()
		for i, n := range totals {
			if n != 2 {
				t.Fatalf("reader %d: total %d, want 2", i, n)
			}
		}
		if loads := s.caches.accountPages.Stats().Loads - before; loads != 1 {
			t.Fatalf("%d page queries for %d readers after a write, want 1", loads, readers)
		}
	})
}

// TestCachedObjectsAreCopies checks that a caller changing what a cached read gave
// it (an account's name and custom attributes, a plan's periods, a reseller's name)
// does not change what the next caller gets.
func TestCachedObjectsAreCopies(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		if _, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, caPlans(1), false); err != nil {
			t.Fatalf("apply catalogue: %v", err)
		}
		chNewAccount(t, s, admin, domain.OperatorID, "copied")
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}
		for range 2 { // the first read files, the second changes what came from memory
			got, _, err := s.FindAccounts(ctx, admin, domain.OperatorID, page)
			if err != nil || len(got) != 1 || got[0].Name != "copied" || got[0].CustomAttributes["crm"] != "copied" {
				t.Fatalf("accounts: %+v, %v", got, err)
			}
			got[0].Name, got[0].CustomAttributes["crm"] = "changed", "changed"
			plans, _, err := s.FindPlans(ctx, admin, domain.OperatorID, page)
			if err != nil || len(plans) != 1 || len(plans[0].Periods) != 1 || plans[0].Periods[0].Key != "m" {
				t.Fatalf("plans: %+v, %v", plans, err)
			}
			plans[0].Periods[0].Key, plans[0].Name = "changed", "changed"
			p, err := s.FindPlanByID(ctx, admin, domain.OperatorID, plans[0].ID)
			if err != nil || p.Periods[0].Key != "m" || p.Name != "P" {
				t.Fatalf("plan by id: %+v, %v", p, err)
			}
			p.Periods = append(p.Periods[:0], domain.PlanPeriod{Key: "changed"})
			r, err := s.FindResellerByID(ctx, admin, domain.OperatorID)
			if err != nil || r.General.Name != "Operator" {
				t.Fatalf("reseller: %+v, %v", r, err)
			}
			r.General.Name = "changed"
		}
	})
}

// TestPageKeysCoverEveryField fills every field of the list filters, one at a time,
// and checks that each changes the cache key: a field added to a filter or to
// domain.ListQuery (a cursor, say) can never make two different pages share a key.
func TestPageKeysCoverEveryField(t *testing.T) {
	for _, f := range []any{store.AccountFilter{}, store.PlanFilter{}} {
		base := readcache.Key(f)
		seen := map[string]string{base: "the empty filter"}
		for _, path := range chLeaves(reflect.TypeOf(f), "") {
			v := reflect.New(reflect.TypeOf(f)).Elem()
			chSet(v, path)
			k := readcache.Key(v.Interface())
			if prev, ok := seen[k]; ok {
				t.Fatalf("%T: setting %s gives the key of %s", f, path, prev)
			}
			seen[k] = path
		}
		if len(seen) < 6 {
			t.Fatalf("%T: only %d fields found", f, len(seen)-1)
		}
	}
}

// chLeaves lists the paths of the fields of t that hold a value, reaching into
// structs, slices (as one element) and the values of any.
func chLeaves(t reflect.Type, prefix string) []string {
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return []string{prefix}
		}
		var out []string
		for i := range t.NumField() {
			out = append(out, chLeaves(t.Field(i).Type, prefix+"."+t.Field(i).Name)...)
		}
		return out
	case reflect.Slice:
		return append([]string{prefix + "[]"}, chLeaves(t.Elem(), prefix+"[0]")...)
	case reflect.Pointer:
		return chLeaves(t.Elem(), prefix+"*")
	}
	return []string{prefix}
}

// chSet sets the field at path in v to a value other than its zero value, making
// the slices and pointers on the way.
func chSet(v reflect.Value, path string) {
	for path != "" {
		switch {
		case path == "[]":
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		case len(path) >= 3 && path[:3] == "[0]":
			if v.Len() == 0 {
				v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			}
			v, path = v.Index(0), path[3:]
		case path[0] == '*':
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v, path = v.Elem(), path[1:]
		case path[0] == '.':
			name := path[1:]
			for i, c := range name {
				if c == '.' || c == '[' || c == '*' {
					name = name[:i]
					break
				}
			}
			v, path = v.FieldByName(name), path[1+len(name):]
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(3)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Interface:
		v.Set(reflect.ValueOf(int64(3)))
	case reflect.Struct: // time.Time
		v.Set(reflect.ValueOf(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
	default:
		panic("chSet: no value for " + v.Type().String())
	}
}

// TestAccountCreateRereadsMovedReference checks that an account create, which
// validates against the account types and classes held in memory without reading
// their generation, still never writes with data older than the database's: when
// another process has changed them and moved their generation (here: the data held
// is marked with a generation the database is not at), the create reads them again
// and uses what the database holds.
func TestAccountCreateRereadsMovedReference(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		first := chNewAccount(t, s, admin, domain.OperatorID, "first")
		held := s.caches.referenceAt.Load()
		if held == nil {
			t.Fatal("no reference data held after a create")
		}
		stale := cloneReference(held.ref)
		for _, cl := range stale.classes {
			cl.CreditLimit = first.Class.CreditLimit + 999
		}
		s.caches.referenceAt.Store(&referenceAt{ref: stale, gen: held.gen + 1})
		acc := chNewAccount(t, s, admin, domain.OperatorID, "second")
		if acc.Class.CreditLimit != first.Class.CreditLimit {
			t.Fatalf("class credit limit=%v, want the database's %v", acc.Class.CreditLimit, first.Class.CreditLimit)
		}
		if now := s.caches.referenceAt.Load(); now.gen != held.gen {
			t.Fatalf("reference held at generation %d, want the database's %d", now.gen, held.gen)
		}
	})
}

package domain

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestCloneSharesNothing fills every field of each shared type, clones it, changes
// every value reachable from the clone in place, and checks that the original did not
// change: a new pointer, slice or map field that Clone forgets fails here.
func TestCloneSharesNothing(t *testing.T) {
	cases := []struct {
		name  string
		fresh func() any // a filled object, the same every call
		clone func(any) any
		equal func(a, b any) bool
	}{
		{"account", func() any { return fill(new(Account)) }, func(v any) any { return v.(*Account).Clone() },
			func(a, b any) bool { return a.(*Account).Equal(b.(*Account)) }},
		{"plan", func() any { return fill(new(Plan)) }, func(v any) any { return v.(*Plan).Clone() },
			func(a, b any) bool { return a.(*Plan).Equal(b.(*Plan)) }},
		{"reseller", func() any { return fill(new(Reseller)) }, func(v any) any { return v.(*Reseller).Clone() },
			func(a, b any) bool { return reflect.DeepEqual(a, b) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orig, want := tc.fresh(), tc.fresh()
			c := tc.clone(orig)
			if !tc.equal(c, orig) {
				t.Fatal("a clone is not equal to its original")
			}
			change(reflect.ValueOf(c).Elem())
			if !reflect.DeepEqual(orig, want) {
				t.Fatalf("changing the clone changed the original:\n got %+v\nwant %+v", orig, want)
			}
			if tc.equal(c, orig) {
				t.Fatal("a changed clone is still equal to its original")
			}
		})
	}
}

var filledTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fill sets every field reachable from the pointer p to a value other than zero.
func fill[T any](p *T) *T {
	fillValue(reflect.ValueOf(p).Elem())
	return p
}

func fillValue(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(filledTime))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Uint8:
		v.SetUint(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillValue(v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillValue(k)
		fillValue(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			fillValue(v.Field(i))
		}
	default:
		panic("fill: no value for " + v.Type().String())
	}
}

// change changes every value reachable from v in place: through pointers, slice
// elements and map entries, which a shallow copy would share.
func change(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1)
	case reflect.Uint8:
		v.SetUint(v.Uint() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		change(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			change(v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			change(e)
			v.SetMapIndex(it.Key(), e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			change(v.Field(i))
		}
	}
}

// TestEqualSeesEveryField changes one field at a time, down to the fields of nested
// structs and slice elements, and checks that Equal tells the changed clone from its
// original: a field added to Account or Plan that Equal leaves out fails here.
func TestEqualSeesEveryField(t *testing.T) {
	check := func(t *testing.T, fresh func() any, clone func(any) any, equal func(a, b any) bool) {
		orig := fresh()
		for _, path := range leafPaths(reflect.ValueOf(orig).Elem(), nil) {
			c := clone(orig)
			leaf := reflect.ValueOf(c).Elem()
			for _, i := range path {
				if leaf.Kind() == reflect.Slice {
					leaf = leaf.Index(i)
				} else {
					leaf = leaf.Field(i)
				}
			}
			change(leaf)
			if equal(c, orig) {
				t.Errorf("a clone changed at %v is still equal to its original", path)
			}
		}
	}
	t.Run("account", func(t *testing.T) {
		check(t, func() any { return fill(new(Account)) }, func(v any) any { return v.(*Account).Clone() },
			func(a, b any) bool { return a.(*Account).Equal(b.(*Account)) })
	})
	t.Run("plan", func(t *testing.T) {
		check(t, func() any { return fill(new(Plan)) }, func(v any) any { return v.(*Plan).Clone() },
			func(a, b any) bool { return a.(*Plan).Equal(b.(*Plan)) })
	})
}

// leafPaths lists the index paths from v to every value change treats as one:
// fields of structs other than time.Time, and the first element of slices, are
// walked into; everything else is a leaf.
func leafPaths(v reflect.Value, at []int) [][]int {
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
	case v.Kind() == reflect.Struct:
		var out [][]int
		for i := range v.NumField() {
			out = append(out, leafPaths(v.Field(i), append(slices.Clone(at), i))...)
		}
		return out
	case v.Kind() == reflect.Slice && v.Len() > 0:
		return leafPaths(v.Index(0), append(slices.Clone(at), 0))
	}
	return [][]int{at}
}

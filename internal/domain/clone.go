package domain

import (
	"maps"
	"reflect"
	"slices"
)

// Objects kept in memory and shared between requests are handed out as clones, so
// a caller that changes what it got changes nobody else's copy. Equal tells whether
// two objects hold the same values, for caches of what was derived from one (its
// encoded JSON, say), field by field. A field added to one of these types that holds
// a pointer, slice or map needs its own line in Clone: TestCloneSharesNothing fills
// every field and fails until it has one.

// Clone returns a copy of a that shares nothing with it.
func (a *Account) Clone() *Account {
	out := *a
	out.CustomAttributes = maps.Clone(a.CustomAttributes)
	return &out
}

// Equal reports whether a and b hold the same values.
func (a *Account) Equal(b *Account) bool { return reflect.DeepEqual(a, b) }

// Clone returns a copy of p that shares nothing with it.
func (p *Plan) Clone() *Plan {
	out := *p
	out.Periods = slices.Clone(p.Periods)
	out.Resources = slices.Clone(p.Resources)
	return &out
}

// Equal reports whether p and q hold the same values.
func (p *Plan) Equal(q *Plan) bool { return reflect.DeepEqual(p, q) }

// Clone returns a copy of r, with its upstream manager, that shares nothing with it.
func (r *Reseller) Clone() *Reseller {
	out := *r
	out.CustomAttributes = maps.Clone(r.CustomAttributes)
	if r.Manager != nil {
		m := *r.Manager
		m.CustomAttributes = maps.Clone(m.CustomAttributes)
		m.TokenHash = slices.Clone(m.TokenHash)
		if m.AccessLevel != nil {
			al := *m.AccessLevel
			m.AccessLevel = &al
		}
		out.Manager = &m
	}
	return &out
}

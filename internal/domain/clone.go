package domain

import (
	"maps"
	"slices"
	"time"
)

// Objects kept in memory and shared between requests are handed out as clones, so
// a caller that changes what it got changes nobody else's copy. Equal tells whether
// two objects hold the same values, for caches of what was derived from one (its
// encoded JSON, say), field by field. A field added to one of these types that holds
// a pointer, slice or map needs its own line in Clone: TestCloneSharesNothing fills
// every field and fails until it has one. Equal compares field by field, being on
// the path of every cached page (reflect.DeepEqual cost a tenth of such a request);
// TestEqualSeesEveryField changes each field in turn and fails when one is left out.

// Clone returns a copy of a that shares nothing with it.
func (a *Account) Clone() *Account {
	out := new(Account)
	a.CloneInto(out)
	return out
}

// CloneInto sets *dst to a copy of a that shares nothing with it, so that a page of
// copies can live in one allocation.
func (a *Account) CloneInto(dst *Account) {
	*dst = *a
	dst.CustomAttributes = maps.Clone(a.CustomAttributes)
	if a.NegativeSince != nil {
		at := *a.NegativeSince
		dst.NegativeSince = &at
	}
}

// Equal reports whether a and b hold the same values.
func (a *Account) Equal(b *Account) bool {
	return a.ID == b.ID && a.ResellerID == b.ResellerID && a.AccountTypeID == b.AccountTypeID &&
		a.Class == b.Class && a.Name == b.Name && a.PrimaryName == b.PrimaryName &&
		a.FirstName == b.FirstName && a.MiddleName == b.MiddleName && a.LastName == b.LastName &&
		a.Email == b.Email && a.Country == b.Country && a.Region == b.Region && a.City == b.City &&
		a.Street == b.Street && a.Building == b.Building && a.Office == b.Office && a.Zip == b.Zip &&
		a.Phone == b.Phone && a.INN == b.INN && a.Status == b.Status && a.ManagerID == b.ManagerID &&
		a.OwnerID == b.OwnerID && a.TechUserID == b.TechUserID && a.Currency == b.Currency &&
		a.Balance == b.Balance && a.Blocked == b.Blocked && a.CreditLimit == b.CreditLimit &&
		a.CreditLimitUseSystem == b.CreditLimitUseSystem && a.ExternalKey == b.ExternalKey &&
		a.Timestamps == b.Timestamps && maps.Equal(a.CustomAttributes, b.CustomAttributes) &&
		sameTime(a.NegativeSince, b.NegativeSince)
}

// sameTime reports whether two optional instants are both absent or equal.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Clone returns a copy of p that shares nothing with it.
func (p *Plan) Clone() *Plan {
	out := new(Plan)
	p.CloneInto(out)
	return out
}

// CloneInto sets *dst to a copy of p that shares nothing with it.
func (p *Plan) CloneInto(dst *Plan) {
	*dst = *p
	dst.Periods = slices.Clone(p.Periods)
	dst.Resources = slices.Clone(p.Resources)
}

// Equal reports whether p and q hold the same values.
func (p *Plan) Equal(q *Plan) bool {
	return p.ID == q.ID && p.ResellerID == q.ResellerID && p.ProductID == q.ProductID && p.Key == q.Key &&
		p.Name == q.Name && p.Description == q.Description && p.Status == q.Status && p.Public == q.Public &&
		p.ServiceTermID == q.ServiceTermID && p.BillingType == q.BillingType && p.Currency == q.Currency &&
		p.SKU == q.SKU && p.FixedPrice == q.FixedPrice && p.ParentID == q.ParentID && p.Ancestry == q.Ancestry &&
		slices.Equal(p.Periods, q.Periods) && slices.Equal(p.Resources, q.Resources) && p.Timestamps == q.Timestamps
}

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

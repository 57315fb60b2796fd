package store

import "context"

// StateRead is a scope's state read with its shards' added columns, from which
// what changed since an older state is told without reading them again.
type StateRead struct {
	State ScopeState
	Found bool // the scope has a generation
	lists map[int]string
}

// ChangedSince is what StateChangedSince would tell of old, from r.
func (r StateRead) ChangedSince(old ScopeState) (added, changed []int64, ok bool) {
	if !r.Found {
		return nil, nil, false
	}
	return changedBetween(old, r.State, r.lists)
}

// StateWithSums reads scope's state with its added columns (as StateChangedSince
// does) and GenerationSums of groups, in one round trip: asked is true on
// PostgreSQL outside a transaction that moved no scope, and false elsewhere, where
// nothing was read and the caller reads them its usual way. A reader that expects
// the scope to have moved (a page refreshed moments ago, under a stream of writes)
// saves the round trip its refresh would take.
func (c *Conn) StateWithSums(ctx context.Context, scope Scope, groups ...[]Scope) (r StateRead, sums []int64,
	oks []bool, asked bool, err error) {
	if c.db.engine != Postgres || !c.generationsAsked() {
		return r, nil, nil, false, nil
	}
	r.lists = map[int]string{}
	gens := map[Scope]int64{}
	if err := c.readTogether(c.lookupCtx(ctx), scopeStatePart(scope, &r.State, r.lists),
		generationsRead(c.db.engine, scopesOf(groups), gens)); err != nil {
		return StateRead{}, nil, nil, true, err
	}
	r.Found = len(r.State.shards) > 0
	sums, oks = make([]int64, len(groups)), make([]bool, len(groups))
	sumGroups(gens, groups, sums, oks)
	return r, sums, oks, true, nil
}

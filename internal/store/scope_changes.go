package store

// What a reader learns from a scope's state about what changed since an older state
// it holds: the ids its shards' declared moves added and changed (scope.go writes
// them with each move).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// AddedSince returns the ids of the rows added to scope between states old and st,
// when that is all that changed: every move of every shard in between declared what
// it changed, which was only additions, and the shard still holds those
// declarations. Otherwise it returns false, and a value read at old must be read
// again.
func (c *Conn) AddedSince(ctx context.Context, scope Scope, old, st ScopeState) ([]int64, bool, error) {
	added, changed, ok, err := c.ChangedSince(ctx, scope, old, st)
	if err != nil || !ok || len(changed) > 0 {
		return nil, false, err
	}
	return added, true, nil
}

// ChangedSince returns the ids of the rows added to scope between states old and
// st, and of the rows of it changed (subscriptions, whose writes declare which
// they change; see touchSubscriptionChanged), when every move of every shard in
// between declared what it did and the shard still holds those declarations.
// Otherwise it returns false, and a value read at old must be read again.
func (c *Conn) ChangedSince(ctx context.Context, scope Scope, old, st ScopeState) (added, changed []int64, ok bool,
	err error) {
	moved, ok := movedShards(old, st)
	if !ok || len(moved) == 0 {
		return nil, nil, ok, nil
	}
	lists := make(map[int]string, len(moved))
	err = eachRow(c.lookupCtx(ctx), c, `SELECT shard, added FROM cache_scopes WHERE scope = $1`, []any{string(scope)},
		func(s scanner) error {
			var (
				shard int
				list  nullText
			)
			if err := s.Scan(&shard, &list); err != nil {
				return err
			}
			lists[shard] = list.String
			return nil
		})
	if err != nil {
		return nil, nil, false, fmt.Errorf("read what %s added: %w", scope, err)
	}
	added, changed, ok = declaredBetween(old, moved, lists)
	return added, changed, ok, nil
}

// StateChangedSince is ScopeState and ChangedSince from the state it returns, in
// one read of the scope's rows: the scope's state now, and what was added and
// changed since old when every move since declared it (ok).
func (c *Conn) StateChangedSince(ctx context.Context, scope Scope, old ScopeState) (st ScopeState, added,
	changed []int64, ok bool, err error) {
	if _, touched := c.touched[scope]; touched || c.db.version != nil {
		// A transaction's own view, or SQLite, where the state is mostly in memory.
		if st, ok, err = c.ScopeState(ctx, scope); err != nil || !ok {
			return st, nil, nil, false, err
		}
		added, changed, ok, err = c.ChangedSince(ctx, scope, old, st)
		return st, added, changed, ok, err
	}
	lists := map[int]string{}
	if st, ok, err = c.readScopeState(c.lookupCtx(ctx), scope, lists); err != nil || !ok {
		return st, nil, nil, false, err
	}
	added, changed, ok = changedBetween(old, st, lists)
	return st, added, changed, ok, nil
}

// changedBetween is what StateChangedSince tells from the state st it read, with
// the shards' added columns in lists.
func changedBetween(old, st ScopeState, lists map[int]string) (added, changed []int64, ok bool) {
	moved, ok := movedShards(old, st)
	if !ok {
		return nil, nil, false
	}
	return declaredBetween(old, moved, lists)
}

// movedShards returns the shards of st that moved since old, and false when one of
// them went back or its last move did not declare what it did.
func movedShards(old, st ScopeState) (map[int]shardMove, bool) {
	was := make(map[int]int64, len(old.shards))
	for _, m := range old.shards {
		was[m.shard] = m.gen
	}
	moved := map[int]shardMove{}
	for _, m := range st.shards {
		switch w := was[m.shard]; {
		case m.gen == w:
		case m.gen < w || !m.declared:
			return nil, false
		default:
			moved[m.shard] = m
		}
	}
	return moved, true
}

// declaredBetween returns the ids the moves of the shards moved since old declared
// added and (negated in the columns) changed, read from each shard's column added
// (lists), and false when a column no longer reaches back to old.
func declaredBetween(old ScopeState, moved map[int]shardMove, lists map[int]string) (added, changed []int64,
	ok bool) {
	was := make(map[int]int64, len(old.shards))
	for _, m := range old.shards {
		was[m.shard] = m.gen
	}
	var ids []int64
	for shard, m := range moved {
		list, found := lists[shard]
		if !found {
			return nil, nil, false
		}
		if ids, ok = addedBetween(list, was[shard], m.gen, ids); !ok {
			return nil, nil, false
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if id < 0 {
			changed = append(changed, -id)
		} else {
			added = append(added, id)
		}
	}
	return added, changed, true
}

// addedBetween appends to ids the ids that a shard's moves after generation was,
// up to and including generation upto, added, read from its column added
// (segments "generation:ids", oldest first, perhaps with newer moves' after them),
// and reports whether the column still reaches back to the move right after was.
func addedBetween(added string, was, upto int64, ids []int64) ([]int64, bool) {
	rest, want := added, upto
	for want > was {
		if rest == "" {
			return nil, false
		}
		seg := rest
		if k := strings.LastIndexByte(rest, ';'); k >= 0 {
			seg, rest = rest[k+1:], rest[:k]
		} else {
			rest = ""
		}
		genText, list, found := strings.Cut(seg, ":")
		gen, err := strconv.ParseInt(genText, 10, 64)
		switch {
		case !found || err != nil || gen < want:
			return nil, false
		case gen > want:
			continue // a move made after the state asked about
		}
		for list != "" {
			var f string
			f, list, _ = strings.Cut(list, ",")
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, false
			}
			ids = append(ids, id)
		}
		want--
	}
	return ids, true
}

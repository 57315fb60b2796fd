package store

import (
	"context"
	"slices"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// AddedPlaces says where each account added to a scope since a state falls in a
// page of a list: AccountsAddedToPage's answer for every one of them, read in the
// round trip that read the scope's state (AccountsStateAdded).
type AddedPlaces struct {
	places map[int64]addedPlace
	gen    int64 // the scope's generation, as the statement that placed them saw it
}

// addedPlace is one added account's: whether the list selects it, and whether it
// may then fall inside the page.
type addedPlace struct{ matching, within bool }

// Count returns what AccountsAddedToPage answers for ids, and false unless every
// one of them was placed.
func (p AddedPlaces) Count(ids []int64) (AddedToPage, bool) {
	out := AddedToPage{ScopeRead: true, ScopeGen: p.gen}
	if len(p.places) == 0 {
		return out, false
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		place, ok := p.places[id]
		if !ok {
			return out, false
		}
		if place.matching {
			out.Matching++
			if place.within {
				out.Within++
			}
		}
	}
	return out, true
}

// AccountsStateAdded is StateChangedSince of the accounts scope of f's reseller,
// with, on PostgreSQL outside a transaction, where every account its columns say
// was added since old falls in the page of f's list whose last row is last: what
// AccountsAddedToPage would then be asked, answered in the same round trip. The
// ids are read from the columns by the second statement, which may see later
// moves, so places may hold more ids than added, or (when a column was cut
// meanwhile) fewer; Count tells. A list addedByID answers is not placed: its
// counts come from the ids and the creation times this process remembers, and
// only an id it does not know (an account another process created) costs
// AccountsAddedToPage a statement of its own.
func (c *Conn) AccountsStateAdded(ctx context.Context, f AccountFilter, scope Scope, old ScopeState,
	last *domain.Cursor) (st ScopeState, added, changed []int64, ok bool, places AddedPlaces, err error) {
	_, touched := c.touched[scope]
	if _, byID := listedByID(f, scope); c.db.engine != Postgres || c.tx != nil || touched || byID || f.Below != "" {
		st, added, changed, ok, err = c.StateChangedSince(ctx, scope, old)
		return st, added, changed, ok, places, err
	}
	lists := map[int]string{}
	placing, err := accountPlaces(f, scope, old, last, &places)
	if err != nil {
		return st, nil, nil, false, places, err
	}
	if err = c.readTogether(c.lookupCtx(ctx), scopeStatePart(scope, &st, lists), placing); err != nil {
		return ScopeState{}, nil, nil, false, AddedPlaces{}, err
	}
	if len(st.shards) == 0 {
		return st, nil, nil, false, places, nil
	}
	added, changed, ok = changedBetween(old, st, lists)
	return st, added, changed, ok, places, nil
}

// accountPlaces is the read that fills places: for each id the columns of scope's
// shards hold in segments of moves past old's generation of their shard, whether
// f's list selects the account and whether it may fall inside the page whose last
// row is last, with the scope's generation, all in one statement.
func accountPlaces(f AccountFilter, scope Scope, old ScopeState, last *domain.Cursor, places *AddedPlaces) (readPart, error) {
	l, b, q := accountListing(Postgres, f)
	if err := b.apply(l.cols, q.Conditions); err != nil {
		return readPart{}, err
	}
	within, err := withinPage(b, l, q, last)
	if err != nil {
		return readPart{}, err
	}
	matching := "1"
	if len(b.where) > 0 {
		matching = "CASE WHEN " + strings.Join(b.where, " AND ") + " THEN 1 ELSE 0 END"
	}
	was := make([]int64, scopeShards)
	for _, m := range old.shards {
		if m.shard >= 0 && m.shard < scopeShards {
			was[m.shard] = m.gen
		}
	}
	// Each segment of a column is "generation:id,id,…" (see scopeMove). Only
	// scopeMove writes the column; should anything else leave text that is not a
	// number where one belongs, it is passed over (the ids then go unplaced, and
	// Count says so) rather than failing the read.
	number := func(text string) string {
		return "CASE WHEN " + text + " ~ '^-?[0-9]{1,18}$' THEN CAST(" + text + " AS BIGINT) END"
	}
	// A shard that has not moved since old added nothing since, so its segments are
	// not parsed at all: the shard's generation is compared first, as a row of its
	// own. In a scope moved by one create, that leaves one row of the 16 to parse.
	since := `(CAST(` + b.arg(was) + ` AS BIGINT[]))[s.shard + 1]`
	ids := `(SELECT DISTINCT id FROM (SELECT ` + number("added_id") + ` AS id FROM cache_scopes s
		CROSS JOIN LATERAL unnest(string_to_array(s.added, ';')) AS segment
		CROSS JOIN LATERAL unnest(string_to_array(split_part(segment, ':', 2), ',')) AS added_id
		WHERE s.scope = ` + b.arg(string(scope)) + ` AND s.generation > ` + since + `
		AND ` + number("split_part(segment, ':', 1)") + ` > ` + since + `) segments
		WHERE id IS NOT NULL)`
	query := "SELECT added.id, " + matching + ", " + within + ", " + generationOf(b.arg(string(scope))) + " " +
		rowsByID(l, "accounts a", ids)
	places.places = map[int64]addedPlace{}
	return readPart{query: query, args: b.args, each: func(s scanner) error {
		var id, matching, within int64
		if err := s.Scan(&id, &matching, &within, &places.gen); err != nil {
			return err
		}
		places.places[id] = addedPlace{matching: matching == 1, within: within == 1}
		return nil
	}}, nil
}

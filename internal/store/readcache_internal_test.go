package store

import (
	"errors"
	"slices"
	"testing"
)

// TestCachedByIDs checks that cachedByIDs answers in the order asked, takes what the
// cache holds at the version, reads only the rest (and files it), and leaves out ids
// that match nothing.
func TestCachedByIDs(t *testing.T) {
	type row struct{ id int64 }
	idOf := func(r *row) int64 { return r.id }
	var cache readCache[int64, *row]
	cache.put(2, 7, &row{2})
	cache.put(4, 7, &row{4})
	var asked [][]int64
	read := func(ids []int64) ([]*row, error) {
		asked = append(asked, slices.Clone(ids))
		var out []*row
		for _, id := range slices.Backward(ids) { // the store reads in no particular order
			if id != 5 { // id 5 matches no row
				out = append(out, &row{id})
			}
		}
		return out, nil
	}
	got, err := cachedByIDs(&cache, []int64{3, 2, 5, 4, 1}, 7, idOf, read)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.id)
	}
	if !slices.Equal(ids, []int64{3, 2, 4, 1}) {
		t.Fatalf("ids %v, want [3 2 4 1]", ids)
	}
	if len(asked) != 1 || !slices.Equal(asked[0], []int64{3, 5, 1}) {
		t.Fatalf("read %v, want one read of [3 5 1]", asked)
	}
	if _, ok := cache.get(3, 7); !ok {
		t.Fatal("row 3, read at version 7, is not cached")
	}
	if _, err := cachedByIDs(&cache, []int64{2, 3, 1}, 7, idOf, read); err != nil || len(asked) != 1 {
		t.Fatalf("all cached: err %v, %d reads, want no new read", err, len(asked))
	}
	if _, err := cachedByIDs(&cache, []int64{2}, 8, idOf, read); err != nil || len(asked) != 2 {
		t.Fatalf("new version: err %v, %d reads, want a new read", err, len(asked))
	}
	failed := errors.New("read failed")
	_, err = cachedByIDs(&cache, []int64{9}, 8, idOf, func([]int64) ([]*row, error) { return nil, failed })
	if !errors.Is(err, failed) {
		t.Fatalf("err %v, want %v", err, failed)
	}
}

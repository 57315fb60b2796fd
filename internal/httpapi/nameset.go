package httpapi

import (
	"bytes"
	"hash/maphash"
)

// nameSet indexes the member names of one large object: an open-addressing hash
// table of positions in the object's names, which grows as they do. It costs far less
// than a map of strings, which would copy every name.
type nameSet struct {
	seed   maphash.Seed
	slots  []int32 // 1 + the position of a name; 0 is free
	filled int     // how many of names are in slots
}

// has reports whether name is in names, whose members it indexes first; afterwards
// name counts as indexed, as the next member of names.
func (t *nameSet) has(names [][]byte, name []byte) bool {
	if t.slots == nil {
		t.seed = maphash.MakeSeed()
	}
	if 2*(len(names)+1) > len(t.slots) {
		size := 64
		for size < 4*(len(names)+1) {
			size *= 2 // a power of two, so a mask picks the slot
		}
		t.slots, t.filled = make([]int32, size), 0
	}
	for ; t.filled < len(names); t.filled++ {
		t.find(names, names[t.filled])
	}
	if t.find(names, name) {
		return true
	}
	t.filled++ // the caller appends name to names next
	return false
}

// find looks name up, taking the free slot it ends on for the position filled.
func (t *nameSet) find(names [][]byte, name []byte) bool {
	mask := uint64(len(t.slots) - 1)
	for i := maphash.Bytes(t.seed, name) & mask; ; i = (i + 1) & mask {
		p := t.slots[i]
		if p == 0 {
			t.slots[i] = int32(t.filled) + 1
			return false
		}
		if bytes.Equal(names[p-1], name) {
			return true
		}
	}
}

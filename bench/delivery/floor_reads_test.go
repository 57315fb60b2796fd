package main

import (
	"strings"
	"testing"
)

// TestFloorReadsTakeArrays checks that each of the batched floor's reads takes its
// one id where arrayOf can make it an array, and reads no placeholder but $1.
func TestFloorReadsTakeArrays(t *testing.T) {
	for name, q := range map[string]string{"subjects": floorReadSQL.subjects, "resources": floorReadSQL.resources,
		"locked": floorReadSQL.locked} {
		if strings.Count(q, "$") != 1 || strings.Count(q, "= $1") != 1 {
			t.Errorf("%s takes other than one id as \"= $1\": %s", name, q)
		}
		if a := arrayOf(q); !strings.Contains(a, "= ANY(CAST($1 AS BIGINT[]))") || strings.Contains(a, "= $1") {
			t.Errorf("arrayOf(%s) = %s", name, a)
		}
	}
	sqlite := (&floor{sqlite: true}).text(floorReadSQL.locked)
	if strings.Contains(sqlite, "FOR UPDATE") || strings.Contains(sqlite, "$") {
		t.Errorf("the locked read on SQLite = %s, want no row lock and ? placeholders", sqlite)
	}
}

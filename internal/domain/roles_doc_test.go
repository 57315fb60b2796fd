package domain

import (
	"os"
	"strings"
	"testing"
)

// TestRolesDocMatchesTable keeps docs/roles.md and the permission table in step.
func TestRolesDocMatchesTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/roles.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[Action][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 7 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if _, ok := permissions[Action(name)]; !ok {
			continue
		}
		var vals []string
		for _, c := range cells[3:7] {
			vals = append(vals, strings.TrimSpace(c))
		}
		rows[Action(name)] = vals
	}
	for _, a := range Actions() {
		got, ok := rows[a]
		if !ok {
			t.Errorf("docs/roles.md has no row for %s", a)
			continue
		}
		for i, r := range []Role{RoleAdmin, RoleOwner, RoleSales, RoleMarketing} {
			want := "no"
			if Permitted(r, a) {
				want = "yes"
			}
			if got[i] != want {
				t.Errorf("docs/roles.md: %s for %s says %q, the code says %q", a, r, got[i], want)
			}
		}
	}
}

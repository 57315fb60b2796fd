package store

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"OK", "SELECT a FROM t WHERE x = $1 AND y = $2", "SELECT a FROM t WHERE x = ?1 AND y = ?2"},
		{"Reused", "UPDATE t SET a = $1 WHERE b = $1", "UPDATE t SET a = ?1 WHERE b = ?1"},
		{"TwoDigits", "VALUES ($9, $10, $11)", "VALUES (?9, ?10, ?11)"},
		{"InString", "SELECT '$1' || $1", "SELECT '$1' || ?1"},
		{"DollarAlone", "SELECT $ FROM t", "SELECT $ FROM t"},
		{"NoParams", "SELECT 1", "SELECT 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rebind(tt.in); got != tt.want {
				t.Fatalf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUniqueColumns(t *testing.T) {
	tests := []struct{ in, want string }{
		{"constraint failed: UNIQUE constraint failed: managers.email (2067)", "managers_email"},
		{"UNIQUE constraint failed: manager_roles.reseller_id, manager_roles.name (2067)", "manager_roles_reseller_name"},
		{"UNIQUE constraint failed: other.col (2067)", "other.col"},
	}
	for _, tt := range tests {
		if got := uniqueColumns(tt.in); got != tt.want {
			t.Errorf("uniqueColumns(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package domain

import (
	"slices"
	"testing"
)

func TestParentPath(t *testing.T) {
	for path, want := range map[string]string{"/1/": "", "/1/7/": "/1/", "/1/7/12/": "/1/7/", "": ""} {
		if got := ParentPath(path); got != want {
			t.Errorf("ParentPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestSeesUpstreamManager checks who sees the whole manager of reseller 12
// (/1/7/12/), which a manager of its parent 7 looks after.
func TestSeesUpstreamManager(t *testing.T) {
	r := &Reseller{ID: 12, ParentID: 7, Path: "/1/7/12/", Manager: &Manager{ID: 3, ResellerID: 7}}
	for _, tt := range []struct {
		name string
		path string
		want bool
	}{
		{"the operator", "/1/", true},
		{"the manager's reseller", "/1/7/", true},
		{"the reseller itself", "/1/7/12/", false},
		{"a reseller below it", "/1/7/12/40/", false},
		{"a sibling of the parent", "/1/8/", false},
		{"a reseller whose id extends the parent's", "/1/70/", false},
	} {
		if got := (Actor{ResellerPath: tt.path}).SeesUpstreamManager(r); got != tt.want {
			t.Errorf("%s (%s): %v, want %v", tt.name, tt.path, got, tt.want)
		}
	}
	// A manager that is not the parent's (never stored, but never shown whole).
	other := *r
	other.Manager = &Manager{ID: 4, ResellerID: 1}
	if (Actor{ResellerPath: "/1/"}).SeesUpstreamManager(&other) {
		t.Error("a manager of another reseller than the parent is shown whole")
	}
	if (Actor{ResellerPath: "/1/"}).SeesUpstreamManager(&Reseller{ParentID: 7, Path: "/1/7/12/"}) {
		t.Error("a reseller without a manager reports one to see")
	}
}

func TestPathIDs(t *testing.T) {
	for path, want := range map[string][]int64{"/1/": {1}, "/1/7/12/": {1, 7, 12}, "": nil} {
		if got := PathIDs(path); !slices.Equal(got, want) {
			t.Errorf("PathIDs(%q) = %v, want %v", path, got, want)
		}
	}
}

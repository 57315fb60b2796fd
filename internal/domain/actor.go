package domain

import (
	"strconv"
	"strings"
)

// Actor is the manager behind a request, as its API token resolves: the manager, its
// role and its reseller's place in the tree.
type Actor struct {
	ManagerID    int64
	ResellerID   int64
	ResellerPath string
	Role         Role
}

// Can reports whether the actor's role allows action a.
func (a Actor) Can(act Action) bool { return Permitted(a.Role, act) }

// Covers reports whether the reseller at path is the actor's reseller or below it.
func (a Actor) Covers(path string) bool {
	return a.ResellerPath != "" && strings.HasPrefix(path, a.ResellerPath)
}

// StrictlyBelow reports whether the reseller at path sits below the one at ancestor,
// not being it.
func StrictlyBelow(path, ancestor string) bool {
	return path != ancestor && strings.HasPrefix(path, ancestor)
}

// ResellerPath is the materialised path of the reseller with the given id under the
// parent path: "/1/" for the operator, "/1/5/" for its child 5. Every reseller's path
// starts with its ancestors' paths, so a subtree is one prefix.
func ResellerPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// PathIDs returns the ids of the resellers on path, the operator first and the
// reseller at path last ("/1/7/12/" gives 1, 7, 12).
func PathIDs(path string) []int64 {
	var out []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// ParentPath returns the path of the parent of the reseller at path ("/1/7/" for
// "/1/7/12/"), or "" for the operator, which has none.
func ParentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(trimmed, "/")
	if i <= 0 {
		return ""
	}
	return trimmed[:i+1]
}

// SeesUpstreamManager reports whether the actor sees the whole upstream manager
// attached to r (its key, custom attributes, role, status and reseller) or only a
// contact card. The manager works for r's parent: an actor whose reseller covers the
// parent sees the manager as it sees the parent's other managers, while r itself and
// the resellers below it, which cannot see the parent, learn only whom to contact.
func (a Actor) SeesUpstreamManager(r *Reseller) bool {
	m := r.Manager
	return m != nil && m.ResellerID == r.ParentID && a.Covers(ParentPath(r.Path))
}

// PathRange returns the half-open string range [lo, hi) holding path and every path
// below it. Paths contain only digits and '/', and '/' sorts just before '0', so
// replacing the trailing '/' by '0' bounds the prefix.
func PathRange(path string) (lo, hi string) {
	return path, path[:len(path)-1] + "0"
}

// SeesInstallation reports whether the actor sees the installation's identity
// towards vendors (ap_guid) on r: only on the operator's reseller, and only to the
// operator's own managers, who run the installation.
func (a Actor) SeesInstallation(r *Reseller) bool {
	return r.ID == OperatorID && a.ResellerID == OperatorID
}

package store

import (
	"fmt"
	"strings"
	"sync"
)

// Updates of orders and subscriptions write only the columns whose values changed
// since the transaction read the row under its lock (UpdateOrder,
// UpdateSubscription). SQLite rewrites the entries of every index that holds a
// column an UPDATE's SET names, whatever the value, and the whole record whatever
// changed: a SET of every column rewrote every index of the table on each update,
// which was most of the CPU of a provisioning outcome. PostgreSQL compares values
// for its HOT updates, but is sent fewer bytes all the same.
//
// Each distinct set of changed columns is one SQL text. The sets that occur are
// those the service's operations make (a provisioning outcome: status and
// updated_at; a payment: payment and status; ...), a few dozen at most, however many
// rows they touch; the texts are kept per table, at most maxUpdateTexts of them, and
// a set beyond that writes every column with the one full text, so no combination
// of changes can grow the statement caches without bound.

// maxUpdateTexts bounds the texts kept per table besides the full one.
const maxUpdateTexts = 64

// updatableColumns names the columns of a table's updatable state in the order of
// the values its state function lists (orderState, subscriptionState), and keeps
// the texts of the UPDATEs of the sets of them that changed.
type updatableColumns struct {
	table string
	names []string
	mu    sync.Mutex
	texts map[updateKey]string
}

// updateKey names one UPDATE text: the changed columns, as a bit per column of
// names, and the caller's variant of what follows them (see update).
type updateKey struct {
	mask    uint64
	variant int
}

func newUpdatableColumns(table string, names ...string) *updatableColumns {
	if len(names) > 64 {
		panic("store: more updatable columns than a mask holds")
	}
	return &updatableColumns{table: table, names: names, texts: make(map[updateKey]string)}
}

// all is the mask of every column.
func (u *updatableColumns) all() uint64 { return 1<<len(u.names) - 1 }

// changed returns the mask of the values of now that differ from was, both lists of
// the state function; every column when was is nil (the row was not read).
func (u *updatableColumns) changed(was, now []any) uint64 {
	if was == nil {
		return u.all()
	}
	var mask uint64
	for i := range u.names {
		if was[i] != now[i] {
			mask |= 1 << i
		}
	}
	return mask
}

// update returns the UPDATE of the columns of mask from the values of now, and its
// arguments: those values, the row's id, then extra. tail(k) gives what follows the
// changed columns, with the id as $k and extra from $k+1 on: more assignments
// (", col = ..." each) and the WHERE's further conditions (" AND ..."), as
// variant names it; the tail must be the same for the same variant.
func (u *updatableColumns) update(mask uint64, variant int, now []any, id int64,
	tail func(k int) (sets, where string), extra ...any) (string, []any) {
	mask, text := u.text(mask, variant, tail)
	args := make([]any, 0, len(now)+1+len(extra))
	for i := range u.names {
		if mask&(1<<i) != 0 {
			args = append(args, now[i])
		}
	}
	return text, append(append(args, id), extra...)
}

// text returns the text of mask and variant, and the mask it writes: every column
// when the table has maxUpdateTexts texts already and none for mask.
func (u *updatableColumns) text(mask uint64, variant int, tail func(k int) (sets, where string)) (uint64, string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	key := updateKey{mask, variant}
	if t, ok := u.texts[key]; ok {
		return mask, t
	}
	if len(u.texts) >= maxUpdateTexts {
		mask = u.all()
		if key = (updateKey{mask, variant}); u.texts[key] != "" {
			return mask, u.texts[key]
		}
	}
	var set []string
	for i, name := range u.names {
		if mask&(1<<i) != 0 {
			set = append(set, fmt.Sprintf("%s = $%d", name, len(set)+1))
		}
	}
	k := len(set) + 1
	sets, where := tail(k)
	t := "UPDATE " + u.table + " SET " + strings.TrimPrefix(strings.Join(set, ", ")+sets, ", ") +
		fmt.Sprintf(" WHERE id = $%d", k) + where
	u.texts[key] = t
	return mask, t
}

// noTail is the tail of an update of the changed columns alone.
func noTail(int) (string, string) { return "", "" }

// rememberRow records the state of row id of table as the transaction read it under
// its lock or last wrote it (the values of the table's state function), so that its
// update writes only what changed.
func (c *Conn) rememberRow(table string, id int64, state []any) {
	if c.readRows == nil {
		c.readRows = make(map[lockedRow][]any, 2)
	}
	c.readRows[lockedRow{table, id}] = state
}

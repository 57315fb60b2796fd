package catalogfile

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The node readers below check the shape of the document strictly: a field of the
// wrong type, an unknown field or a field given twice is a problem at that node, and
// reading goes on so that one pass reports everything.

// reader reads one document, collecting problems. It stops early, leaving the file
// unread, when the document passes a limit, when it has more problems than are worth
// listing, or when the request it serves is cancelled.
type reader struct {
	problems
	ctx     context.Context
	lim     Limits
	entries int  // counted towards lim.Entries so far
	stopped bool // a limit was passed or ctx ended
	steps   int  // calls of halted, to look at ctx now and then
}

func posOf(n *yaml.Node, p path) Pos { return Pos{Path: p, Line: n.Line, Column: n.Column} }

func (r *reader) fail(n *yaml.Node, p path, msg domain.Message, args ...any) {
	r.add(posOf(n, p), msg, args...)
}

// halted reports whether reading should stop. The context is looked at every so
// many steps: a step is cheap, and looking takes a lock.
func (r *reader) halted() bool {
	if r.steps++; r.steps%256 == 0 && r.ctx.Err() != nil {
		r.stopped = true
	}
	return r.stopped || r.overflowed()
}

// count adds n entries towards the limit of entries, and stops reading at the object
// where the file passes it.
func (r *reader) count(n int, at Pos) {
	r.entries += n
	if r.entries > r.lim.Entries && !r.stopped {
		r.add(at, domain.MsgCatalogEntries, r.lim.Entries, LimitEntries)
		r.stopped = true
	}
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// object is a mapping node read against a list of known fields.
type object struct {
	r      *reader
	node   *yaml.Node
	path   path
	values map[string]*yaml.Node
}

// object reads n as a mapping with the given fields. It returns nil (after adding a
// problem) when n is not a mapping.
func (r *reader) object(n *yaml.Node, p path, known ...string) *object {
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil {
			r.fail(n, p, domain.MsgMustBeObject)
		}
		return nil
	}
	o := &object{r: r, node: n, path: p, values: make(map[string]*yaml.Node, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := o.values[k.Value]; dup {
			r.fail(k, p.field(k.Value), domain.MsgDuplicate, k.Value)
			continue
		}
		if !slices.Contains(known, k.Value) {
			r.fail(k, p.field(k.Value), domain.MsgUnknownField, strings.Join(known, ", "))
			continue
		}
		o.values[k.Value] = v
	}
	return o
}

// pos returns where field stands, or the object itself when the field is absent.
func (o *object) pos(field string) Pos {
	if v, ok := o.values[field]; ok {
		return posOf(v, o.path.field(field))
	}
	return Pos{Path: o.path.field(field), Line: o.node.Line, Column: o.node.Column}
}

// at is where the object itself stands.
func (o *object) at() Pos { return posOf(o.node, o.path) }

// value returns the field's node, nil when absent or null.
func (o *object) value(field string) *yaml.Node {
	v := o.values[field]
	if isNull(v) {
		return nil
	}
	return v
}

func (o *object) fail(field string, msg domain.Message, args ...any) {
	o.r.add(o.pos(field), msg, args...)
}

// text reads a string field. Numbers and dates are taken as written, so "sku: 1001"
// is the string "1001"; booleans, lists and mappings are refused.
func (o *object) text(field string, required bool, max int) string {
	v := o.value(field)
	if v == nil {
		if required {
			o.fail(field, domain.MsgRequired)
		}
		return ""
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!bool" || v.ShortTag() == "!!binary" {
		o.fail(field, domain.MsgMustBeString)
		return ""
	}
	s := strings.TrimSpace(v.Value)
	switch {
	case required && s == "":
		o.fail(field, domain.MsgBlank)
	case utf8.RuneCountInString(s) > max:
		o.fail(field, domain.MsgTooLong, max)
	}
	return s
}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// key reads a required key field: letters, digits, '_', '.' and '-'.
func (o *object) key(field string) string {
	k := o.text(field, true, 1<<20)
	if k != "" && !keyPattern.MatchString(k) {
		o.fail(field, domain.MsgInvalidKey)
	}
	return k
}

// ref reads a required or optional reference to another object's key.
func (o *object) ref(field string, required bool) string {
	return o.text(field, required, 1<<20)
}

// integer reads an integer field, def when absent.
func (o *object) integer(field string, required bool, def int64) int64 {
	v := o.value(field)
	if v == nil {
		if required {
			o.fail(field, domain.MsgRequired)
		}
		return def
	}
	var n int64
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&n) != nil {
		o.fail(field, domain.MsgMustBeInteger)
		return def
	}
	return n
}

// has reports whether the field is given (and not null).
func (o *object) has(field string) bool { return o.value(field) != nil }

// boolean reads a true/false field, def when absent.
func (o *object) boolean(field string, def bool) bool {
	v := o.value(field)
	if v == nil {
		return def
	}
	var b bool
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" || v.Decode(&b) != nil {
		o.fail(field, domain.MsgMustBeBoolean)
		return def
	}
	return b
}

// money reads an amount, exactly as written: from the literal text of a number or a
// string, never through a float. It returns nil when the field is absent.
func (o *object) money(field string) *domain.Amount {
	v := o.value(field)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.ScalarNode {
		o.fail(field, domain.MsgInvalidAmount)
		return nil
	}
	switch v.ShortTag() {
	case "!!int", "!!float", "!!str":
	default:
		o.fail(field, domain.MsgInvalidAmount)
		return nil
	}
	a, err := domain.ParseAmount(v.Value)
	if err != nil || a < 0 || strings.TrimSpace(v.Value) == "" {
		o.fail(field, domain.MsgInvalidAmount)
		return nil
	}
	return &a
}

// fee reads a fee that defaults to zero.
func (o *object) fee(field string) domain.Amount {
	if a := o.money(field); a != nil {
		return *a
	}
	return 0
}

// list reads a sequence field; absent is an empty list. A list longer than max (the
// limit called name) is a problem, and the file is read no further.
func (o *object) list(field, name string, max int) []*yaml.Node {
	v := o.value(field)
	if v == nil || o.r.halted() {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		o.fail(field, domain.MsgMustBeArray)
		return nil
	}
	if !o.withinLimit(field, len(v.Content), name, max) {
		return nil
	}
	return v.Content
}

// withinLimit reports whether a field's n entries are within the limit called name,
// failing the field and stopping the reader when they are not.
func (o *object) withinLimit(field string, n int, name string, max int) bool {
	if n <= max {
		return true
	}
	o.fail(field, domain.MsgCatalogLimit, n, name, max)
	o.r.stopped = true
	return false
}

// oneOf reads a string field that must be one of allowed; def when absent.
func (o *object) oneOf(field string, required bool, def string, allowed ...string) string {
	if !o.has(field) && !required {
		return def
	}
	s := o.text(field, required, 64)
	if s != "" && !slices.Contains(allowed, s) {
		o.fail(field, domain.MsgOneOf, strings.Join(allowed, ", "))
		return def
	}
	return s
}

// entries reads a mapping field whose keys are names (such as period keys), in
// document order; more than max entries (the limit called name) are a problem.
func (o *object) entries(field, name string, max int) []entry {
	v := o.value(field)
	if v == nil || o.r.halted() {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		o.fail(field, domain.MsgMustBeObject)
		return nil
	}
	if !o.withinLimit(field, len(v.Content)/2, name, max) {
		return nil
	}
	p := o.pos(field).Path
	seen := map[string]bool{}
	var out []entry
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if seen[k.Value] {
			o.r.fail(k, p.field(k.Value), domain.MsgDuplicate, k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, entry{name: k.Value, keyPos: posOf(k, p.field(k.Value)), node: val})
	}
	return out
}

// entry is one member of a mapping read by entries.
type entry struct {
	name   string
	keyPos Pos
	node   *yaml.Node
}

// checked runs read, a reader of one of o's fields, and reports whether it found
// the field sound: a field it refused keeps its default, which later checks must not
// judge as if the file had said it.
func checked[T any](o *object, read func() T) (T, bool) {
	before := len(o.r.list) + o.r.dropped
	v := read()
	return v, len(o.r.list)+o.r.dropped == before
}

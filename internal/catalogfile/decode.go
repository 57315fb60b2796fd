package catalogfile

import (
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

// reader reads one document, collecting problems.
type reader struct{ problems }

func posOf(n *yaml.Node, p path) Pos { return Pos{Path: p, Line: n.Line, Column: n.Column} }

func (r *reader) fail(n *yaml.Node, p path, msg domain.Message, args ...any) {
	r.add(posOf(n, p), msg, args...)
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
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
	at     map[string]Pos // where each field's value stands
}

// object reads n as a mapping with the given fields. It returns nil (after adding a
// problem) when n is not a mapping. A "<<" merge key brings in the fields of another
// mapping that are not given here.
func (r *reader) object(n *yaml.Node, p path, known ...string) *object {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil {
			r.fail(n, p, domain.MsgMustBeObject)
		}
		return nil
	}
	o := &object{r: r, node: n, path: p, values: map[string]*yaml.Node{}, at: map[string]Pos{}}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		fp := p.field(k.Value)
		if _, dup := o.values[k.Value]; dup {
			r.fail(k, fp, domain.MsgDuplicate, k.Value)
			continue
		}
		if !slices.Contains(known, k.Value) {
			r.fail(k, fp, domain.MsgUnknownField, strings.Join(known, ", "))
			continue
		}
		o.values[k.Value] = resolve(v)
		o.at[k.Value] = posOf(resolve(v), fp)
	}
	for _, m := range merges {
		m = resolve(m)
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			if src = resolve(src); src.Kind != yaml.MappingNode {
				r.fail(src, p, domain.MsgMustBeObject)
				continue
			}
			for i := 0; i+1 < len(src.Content); i += 2 {
				k, v := src.Content[i], src.Content[i+1]
				if _, set := o.values[k.Value]; set || !slices.Contains(known, k.Value) {
					continue
				}
				o.values[k.Value] = resolve(v)
				o.at[k.Value] = posOf(resolve(v), p.field(k.Value))
			}
		}
	}
	return o
}

// pos returns where field stands, or the object itself when the field is absent.
func (o *object) pos(field string) Pos {
	if at, ok := o.at[field]; ok {
		return at
	}
	return Pos{Path: o.path.field(field), Line: o.node.Line, Column: o.node.Column}
}

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

// list reads a sequence field; absent is an empty list.
func (o *object) list(field string) []*yaml.Node {
	v := o.value(field)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		o.fail(field, domain.MsgMustBeArray)
		return nil
	}
	out := make([]*yaml.Node, len(v.Content))
	for i, n := range v.Content {
		out[i] = resolve(n)
	}
	return out
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
// document order.
func (o *object) entries(field string) []entry {
	v := o.value(field)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		o.fail(field, domain.MsgMustBeObject)
		return nil
	}
	p := o.pos(field).Path
	seen := map[string]bool{}
	var out []entry
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], resolve(v.Content[i+1])
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

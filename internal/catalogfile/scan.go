package catalogfile

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/cascade-billing/cascade/internal/domain"
)

// A catalogue is data, so a file says everything explicitly:
//
//   - No YAML aliases or merge keys. An alias makes a few bytes stand for a whole
//     subtree, so a short file could describe a catalogue of any size (and one
//     problem inside the subtree would be reported once per use). Without them the
//     size of a file bounds the work it asks for, and the line of a problem is the
//     line that holds it.
//   - Text is UTF-8 without control characters (tab, line feed and carriage return
//     aside). Names and descriptions are shown to people and stored by both engines
//     alike; PostgreSQL refuses a NUL in text that SQLite would store.
//
// scan checks the whole document for both before anything is read from it.

// replacement stands in for each byte of the document that is not UTF-8 text or is
// a control character: the YAML parser refuses such bytes without saying where, so
// they are swapped for a character it takes, and scan reports the text that holds
// one at its line, column and path.
const replacement = "\uFFFD"

// sanitize returns doc with every byte that is not UTF-8 or is a control character
// replaced (and true), or doc itself when it has none. A document in UTF-16, which
// the YAML parser reads by its byte order mark, is left to the parser.
func sanitize(doc []byte) ([]byte, bool) {
	if bytes.HasPrefix(doc, []byte{0xFF, 0xFE}) || bytes.HasPrefix(doc, []byte{0xFE, 0xFF}) {
		return doc, false
	}
	if utf8.Valid(doc) && !bytes.ContainsFunc(doc, domain.IsControl) {
		return doc, false
	}
	out := make([]byte, 0, len(doc)+64)
	for len(doc) > 0 {
		r, size := utf8.DecodeRune(doc)
		if (r == utf8.RuneError && size == 1) || domain.IsControl(r) {
			out = append(out, replacement...)
		} else {
			out = append(out, doc[:size]...)
		}
		doc = doc[size:]
	}
	return out, true
}

// plainText reports whether s is text a catalogue may hold. When the document had
// bytes replaced, a replacement character marks where one was.
func plainText(s string, replaced bool) bool {
	return domain.PlainText(s) && !(replaced && strings.Contains(s, replacement))
}

// scan walks n and everything below it, p being n's path, reporting aliases, merge
// keys and text that is not plain. p's backing array is shared along the walk, so
// that a path costs nothing until a problem keeps a copy of it.
func (r *reader) scan(n *yaml.Node, p path, replaced bool) {
	if r.halted() {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		r.fail(n, slices.Clone(p), domain.MsgCatalogAlias)
	case yaml.ScalarNode:
		if !plainText(n.Value, replaced) {
			r.fail(n, slices.Clone(p), domain.MsgControlCharacter)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := append(p, segment{name: k.Value, index: -1})
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
				r.fail(k, slices.Clone(kp), domain.MsgCatalogMergeKey)
				continue
			}
			r.scan(k, kp, replaced)
			r.scan(v, kp, replaced)
		}
	default: // documents and sequences
		for i, c := range n.Content {
			r.scan(c, append(p, segment{index: i}), replaced)
		}
	}
}

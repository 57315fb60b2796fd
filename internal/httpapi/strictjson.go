package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Limits of the strict body reader.
const (
	// maxBodyDepth is how deeply objects and arrays may nest in a request body. The
	// API's own documents need five levels; the cap keeps a hostile body from costing
	// stack or time.
	maxBodyDepth = 64
	// maxBodyProblems is how many validation problems one answer lists; the rest of a
	// body that has more is still checked, but not reported.
	maxBodyProblems = 20
	// indexNamesAt is the member count from which an object's names are kept in a map
	// to find a duplicate, rather than compared with each earlier one.
	indexNamesAt = 16
)

// checkBody reads a JSON body once, before encoding/json decodes it, for what
// decoding lets through: invalid UTF-8 (which it turns into U+FFFD), duplicate
// members (it keeps the last), members that differ from a known one only in case (it
// fills the known one), control characters in text (domain.IsControl) and nesting
// without end. sh is the shape of the destination type.
//
// It answers a 400 for a body that is not one unambiguous JSON document, and the
// validation problems (422) otherwise. A body that is not JSON at all gets nil, so
// encoding/json reports the syntax error as it always has: the reader accepts
// exactly the grammar encoding/json does (RFC 8259), token by token in the same
// order, so a syntax error ends it at the same place as it ends encoding/json's
// tokenizer.
func checkBody(body []byte, sh *jsonShape) error {
	if !utf8.Valid(body) {
		return domain.Errorf(domain.ErrBadRequest, domain.MsgInvalidUTF8, invalidUTF8At(body))
	}
	s := bodyScan{body: body}
	if !s.value(sh) {
		return s.stop // nil after a syntax error
	}
	if s.skipSpace(); s.pos != len(body) {
		return nil // trailing data: a syntax error
	}
	return errors.Join(s.problems...)
}

// bodyScan is one pass of checkBody over a body: a tokenizer over its bytes, which
// allocates nothing for a member name or a text without escapes beyond the names it
// keeps.
type bodyScan struct {
	body     []byte
	pos      int // the next byte to read
	depth    int
	path     []pathSegment // where the value being read sits
	names    []string      // the member names of the objects being read, innermost last
	problems []error       // validation problems, in the order of the body
	stop     error         // the 400 that ended the pass; nil for a syntax error
}

// pathSegment is one step of a JSON pointer: a member name or an array index.
type pathSegment struct {
	key     string
	index   int
	isIndex bool
}

// skipSpace steps over JSON whitespace.
func (s *bodyScan) skipSpace() {
	for s.pos < len(s.body) {
		switch s.body[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the byte there, or 0 at the end of the body.
func (s *bodyScan) next() byte {
	s.skipSpace()
	if s.pos == len(s.body) {
		return 0
	}
	return s.body[s.pos]
}

// value reads one JSON value of shape sh and reports whether the pass may go on.
func (s *bodyScan) value(sh *jsonShape) bool {
	switch c := s.next(); {
	case c == '{' || c == '[':
		s.pos++
		if !s.enter() {
			return false
		}
		if c == '{' {
			return s.object(sh)
		}
		return s.array(sh.element())
	case c == '"':
		start := s.pos
		control, escaped, ok := s.text()
		if !ok {
			return false
		}
		if escaped {
			// Only an escape can make a control character the checks below did not
			// see; decoding the text tells.
			control = strings.ContainsFunc(unquote(s.body[start:s.pos]), domain.IsControl)
		}
		if control {
			s.problem(domain.FieldError(s.pointer(), domain.MsgControlCharacter))
		}
		return true
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

// object reads the members of an object whose '{' was just read.
func (s *bodyScan) object(sh *jsonShape) bool {
	first := len(s.names)
	var index map[string]bool // the names so far, once there are many
	if s.next() == '}' {
		s.pos++
		return s.leave()
	}
	for {
		if s.next() != '"' {
			return false
		}
		start := s.pos
		_, escaped, ok := s.text()
		if !ok {
			return false
		}
		var name string
		if escaped {
			name = unquote(s.body[start:s.pos])
		} else {
			name = string(s.body[start+1 : s.pos-1])
		}
		s.path = append(s.path, pathSegment{key: name})
		if s.duplicate(name, first, &index) {
			s.stop = &domain.Error{Code: domain.ErrBadRequest, Message: domain.MsgDuplicateMember,
				Args: []any{name}, Pointer: s.pointer()}
			return false
		}
		member, known := sh.member(name)
		switch {
		case strings.ContainsFunc(name, domain.IsControl):
			s.problem(domain.FieldError(s.pointer(), domain.MsgControlCharacterKey))
		case known != "":
			s.problem(domain.FieldError(s.pointer(), domain.MsgMemberCase, known))
		}
		if s.next() != ':' {
			return false
		}
		s.pos++
		if !s.value(member) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
		switch s.next() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.names = s.names[:first]
			return s.leave()
		default:
			return false
		}
	}
}

// duplicate reports whether name is among the names of the object being read, which
// start at s.names[first], and adds it to them (see duplicateName).
func (s *bodyScan) duplicate(name string, first int, index *map[string]bool) bool {
	return duplicateName(&s.names, name, first, index)
}

// duplicateName reports whether name is among (*names)[first:], the names of the
// object being read, and appends it to them. From indexNamesAt names on, index holds
// them all, so an object of many names is not searched name by name.
func duplicateName(names *[]string, name string, first int, index *map[string]bool) bool {
	own := (*names)[first:]
	switch {
	case *index != nil:
		if (*index)[name] {
			return true
		}
		(*index)[name] = true
	case len(own) < indexNamesAt:
		for _, n := range own {
			if n == name {
				return true
			}
		}
	default:
		*index = make(map[string]bool, 2*len(own))
		for _, n := range own {
			(*index)[n] = true
		}
		if (*index)[name] {
			return true
		}
		(*index)[name] = true
	}
	*names = append(*names, name)
	return false
}

// array reads the elements, of shape elem, of an array whose '[' was just read.
func (s *bodyScan) array(elem *jsonShape) bool {
	if s.next() == ']' {
		s.pos++
		return s.leave()
	}
	for i := 0; ; i++ {
		s.path = append(s.path, pathSegment{index: i, isIndex: true})
		if !s.value(elem) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
		switch s.next() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return s.leave()
		default:
			return false
		}
	}
}

// enter counts one more level of nesting, refusing the body past maxBodyDepth.
func (s *bodyScan) enter() bool {
	if s.depth++; s.depth > maxBodyDepth {
		s.stop = domain.Errorf(domain.ErrBadRequest, domain.MsgTooDeep, maxBodyDepth)
		return false
	}
	return true
}

// leave ends an object or array whose closing bracket was just read, one level up.
func (s *bodyScan) leave() bool {
	s.depth--
	return true
}

// text steps over the string that starts at s.pos, its quotes included. It reports
// whether the string holds a control character as it is written (only DEL can be:
// the others are a syntax error unescaped), whether it holds escapes, and false for
// a string that is not valid JSON.
func (s *bodyScan) text() (control, escaped, ok bool) {
	b := s.body
	for i := s.pos + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			return control, escaped, true
		case c == '\\':
			escaped = true
			if i++; i == len(b) {
				return false, false, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return false, false, false
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return false, false, false
					}
				}
				i += 4
			default:
				return false, false, false
			}
		case c < 0x20:
			return false, false, false
		case c == 0x7f:
			control = true
		}
	}
	return false, false, false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unquote decodes a JSON string that text found valid, quotes included, as
// encoding/json decodes it (a lone surrogate becomes U+FFFD).
func unquote(quoted []byte) string {
	var out string
	json.Unmarshal(quoted, &out) // valid: text checked it
	return out
}

// literal steps over the literal word.
func (s *bodyScan) literal(word string) bool {
	if !bytes.HasPrefix(s.body[s.pos:], []byte(word)) {
		return false
	}
	s.pos += len(word)
	return true
}

// number steps over a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
// What follows it is the caller's to check.
func (s *bodyScan) number() bool {
	b, i := s.body, s.pos
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if i++; i == len(b) || !isDigit(b[i]) {
			return false
		}
		i = digits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) || !isDigit(b[i]) {
			return false
		}
		i = digits(b, i)
	}
	s.pos = i
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits returns the index of the first byte at or after i that is not a digit.
func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

func (s *bodyScan) problem(err error) {
	if len(s.problems) < maxBodyProblems {
		s.problems = append(s.problems, err)
	}
}

// pointer is the JSON pointer of the value being read.
func (s *bodyScan) pointer() string {
	if len(s.path) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, seg := range s.path {
		b.WriteByte('/')
		if seg.isIndex {
			b.WriteString(strconv.Itoa(seg.index))
			continue
		}
		b.WriteString(pointerEscaper.Replace(seg.key))
	}
	return b.String()
}

// pointerEscaper escapes a member name for a JSON pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// invalidUTF8At is the offset of the first byte of body that is not UTF-8.
func invalidUTF8At(body []byte) int {
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(body)
}

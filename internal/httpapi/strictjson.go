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
	// indexNamesAt is the member count from which duplicates are found with a hash
	// table (nameSet) rather than by comparing with each earlier member.
	indexNamesAt = 16
)

// checkBody reads a JSON body once, before encoding/json does, for what encoding/json
// lets through: invalid UTF-8 (which it turns into U+FFFD), duplicate members (it
// keeps the last), members that differ from a known one only in case (it fills the
// known one), control characters in text (which PostgreSQL refuses and no API text
// needs) and nesting without end. sh is the shape of the destination type.
//
// It answers a 400 for a body that is not one unambiguous JSON document, and the
// validation problems (422) otherwise. A body that is not JSON at all gets nil, so
// encoding/json reports the syntax error as it always has.
func checkBody(body []byte, sh *jsonShape) error {
	if !utf8.Valid(body) {
		return domain.Errorf(domain.ErrBadRequest, domain.MsgInvalidUTF8, invalidUTF8At(body))
	}
	// Room for the path and member names of a usual body, allocated once.
	s := bodyScan{data: body, path: make([]pathSegment, 0, 8), keys: make([][]byte, 0, 32)}
	if !s.value(sh) {
		return s.stop // nil after a syntax error
	}
	if s.skipSpace(); s.pos < len(s.data) {
		return nil // trailing data: a syntax error
	}
	return errors.Join(s.problems...)
}

// bodyScan is one pass of checkBody over a body.
type bodyScan struct {
	data     []byte
	pos      int
	depth    int
	path     []pathSegment // where the value being read sits
	keys     [][]byte      // the member names of the objects being read, innermost last
	problems []error       // validation problems, in the order of the body
	stop     error         // the 400 that ended the pass; nil for a syntax error
}

// pathSegment is one step of a JSON pointer: a member name or an array index.
type pathSegment struct {
	key     []byte
	index   int
	isIndex bool
}

// value reads one JSON value of shape sh and reports whether the pass may go on.
func (s *bodyScan) value(sh *jsonShape) bool {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(sh)
	case c == '[':
		return s.array(sh)
	case c == '"':
		_, _, ctrl, ok := s.str()
		if ctrl {
			s.problem(domain.FieldError(s.pointer(), domain.MsgControlCharacter))
		}
		return ok
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *bodyScan) object(sh *jsonShape) bool {
	if !s.enter() {
		return false
	}
	first := len(s.keys)
	var seen nameSet // the names so far, once there are many
	if s.skipSpace(); s.peek() == '}' {
		return s.leave(first)
	}
	for {
		if s.skipSpace(); s.peek() != '"' {
			return false
		}
		start := s.pos
		raw, escaped, ctrl, ok := s.str()
		if !ok {
			return false
		}
		name := raw
		if escaped {
			var decoded string
			if json.Unmarshal(s.data[start:s.pos], &decoded) != nil {
				return false
			}
			name = []byte(decoded)
		}
		s.path = append(s.path, pathSegment{key: name})
		if s.duplicate(name, first, &seen) {
			s.stop = &domain.Error{Code: domain.ErrBadRequest, Message: domain.MsgDuplicateMember,
				Args: []any{string(name)}, Pointer: s.pointer()}
			return false
		}
		s.keys = append(s.keys, name)
		member, known := sh.member(name)
		switch {
		case ctrl:
			s.problem(domain.FieldError(s.pointer(), domain.MsgControlCharacterKey))
		case known != "":
			s.problem(domain.FieldError(s.pointer(), domain.MsgMemberCase, known))
		}
		if s.skipSpace(); s.peek() != ':' {
			return false
		}
		s.pos++
		if !s.value(member) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
		switch s.skipSpace(); s.peek() {
		case ',':
			s.pos++
		case '}':
			return s.leave(first)
		default:
			return false
		}
	}
}

// duplicate reports whether name is among the names of the object being read, which
// start at s.keys[first]; from indexNamesAt names on, set indexes them.
func (s *bodyScan) duplicate(name []byte, first int, set *nameSet) bool {
	names := s.keys[first:]
	if len(names) < indexNamesAt {
		for _, n := range names {
			if bytes.Equal(n, name) {
				return true
			}
		}
		return false
	}
	return set.has(names, name)
}

func (s *bodyScan) array(sh *jsonShape) bool {
	if !s.enter() {
		return false
	}
	if s.skipSpace(); s.peek() == ']' {
		return s.leave(len(s.keys))
	}
	for i := 0; ; i++ {
		s.path = append(s.path, pathSegment{index: i, isIndex: true})
		if !s.value(sh.element()) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
		switch s.skipSpace(); s.peek() {
		case ',':
			s.pos++
		case ']':
			return s.leave(len(s.keys))
		default:
			return false
		}
	}
}

// enter steps over the opening bracket of an object or array, one level deeper.
func (s *bodyScan) enter() bool {
	s.pos++
	if s.depth++; s.depth > maxBodyDepth {
		s.stop = domain.Errorf(domain.ErrBadRequest, domain.MsgTooDeep, maxBodyDepth)
		return false
	}
	return true
}

// leave steps over the closing bracket and forgets the member names from first on.
func (s *bodyScan) leave(first int) bool {
	s.pos++
	s.depth--
	s.keys = s.keys[:first]
	return true
}

// str reads a string and returns its bytes between the quotes, whether it holds
// escapes and whether it holds a control character, raw (DEL) or escaped.
func (s *bodyScan) str() (raw []byte, escaped, ctrl, ok bool) {
	start := s.pos + 1
	for i := start; i < len(s.data); {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], escaped, ctrl, true
		case c == '\\':
			escaped = true
			if i+1 >= len(s.data) {
				return nil, false, false, false
			}
			switch s.data[i+1] {
			case '"', '\\', '/', 'n', 'r', 't':
				i += 2
			case 'b', 'f':
				ctrl, i = true, i+2
			case 'u':
				if i+6 > len(s.data) {
					return nil, false, false, false
				}
				r, ok := hex4(s.data[i+2 : i+6])
				if !ok {
					return nil, false, false, false
				}
				ctrl, i = ctrl || isControl(r), i+6
			default:
				return nil, false, false, false
			}
		case c < 0x20:
			return nil, false, false, false // JSON forbids them raw
		case c == 0x7f:
			ctrl, i = true, i+1
		default:
			i++
		}
	}
	return nil, false, false, false
}

// hex4 reads the four hexadecimal digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// isControl reports whether r is a control character the API refuses in text: the C0
// controls other than tab, line feed and carriage return, and DEL.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f
}

// number reads a number as JSON's grammar has it.
func (s *bodyScan) number() bool {
	i := s.pos
	if s.at(i) == '-' {
		i++
	}
	switch c := s.at(i); {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i = s.digits(i)
	default:
		return false
	}
	if s.at(i) == '.' {
		if j := s.digits(i + 1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if c := s.at(i); c == 'e' || c == 'E' {
		i++
		if c := s.at(i); c == '+' || c == '-' {
			i++
		}
		j := s.digits(i)
		if j == i {
			return false
		}
		i = j
	}
	s.pos = i
	return true
}

// digits returns the index after the digits that start at i.
func (s *bodyScan) digits(i int) int {
	for c := s.at(i); c >= '0' && c <= '9'; c = s.at(i) {
		i++
	}
	return i
}

func (s *bodyScan) literal(word string) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	return true
}

// at is the byte at i, or 0 past the end.
func (s *bodyScan) at(i int) byte {
	if i < len(s.data) {
		return s.data[i]
	}
	return 0
}

func (s *bodyScan) peek() byte { return s.at(s.pos) }

func (s *bodyScan) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
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
		for _, c := range seg.key {
			switch c {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

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

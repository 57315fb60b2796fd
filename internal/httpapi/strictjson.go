package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
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

// checkBody reads a JSON body once, with encoding/json's tokenizer, before
// encoding/json decodes it, for what decoding lets through: invalid UTF-8 (which it
// turns into U+FFFD), duplicate members (it keeps the last), members that differ from
// a known one only in case (it fills the known one), control characters in text
// (domain.IsControl) and nesting without end. sh is the shape of the destination
// type.
//
// It answers a 400 for a body that is not one unambiguous JSON document, and the
// validation problems (422) otherwise. A body that is not JSON at all gets nil, so
// encoding/json reports the syntax error as it always has.
func checkBody(body []byte, sh *jsonShape) error {
	if !utf8.Valid(body) {
		return domain.Errorf(domain.ErrBadRequest, domain.MsgInvalidUTF8, invalidUTF8At(body))
	}
	s := bodyScan{dec: json.NewDecoder(bytes.NewReader(body))}
	s.dec.UseNumber() // numbers are only stepped over: no float conversion
	if !s.value(sh) {
		return s.stop // nil after a syntax error
	}
	if _, err := s.dec.Token(); err != io.EOF {
		return nil // trailing data: a syntax error
	}
	return errors.Join(s.problems...)
}

// bodyScan is one pass of checkBody over a body.
type bodyScan struct {
	dec      *json.Decoder
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

// value reads one JSON value of shape sh and reports whether the pass may go on.
func (s *bodyScan) value(sh *jsonShape) bool {
	tok, err := s.dec.Token()
	if err != nil {
		return false
	}
	switch t := tok.(type) {
	case json.Delim: // only an opening one: a closing one here is a syntax error
		if !s.enter() {
			return false
		}
		if t == '{' {
			return s.object(sh)
		}
		return s.array(sh.element())
	case string:
		if strings.ContainsFunc(t, domain.IsControl) {
			s.problem(domain.FieldError(s.pointer(), domain.MsgControlCharacter))
		}
	}
	return true
}

// object reads the members of an object whose '{' was just read.
func (s *bodyScan) object(sh *jsonShape) bool {
	first := len(s.names)
	var index map[string]bool // the names so far, once there are many
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return false
		}
		name, ok := tok.(string)
		if !ok {
			return false
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
		if !s.value(member) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
	}
	s.names = s.names[:first]
	return s.leave()
}

// duplicate reports whether name is among the names of the object being read, which
// start at s.names[first], and adds it to them. From indexNamesAt names on, index
// holds them all.
func (s *bodyScan) duplicate(name string, first int, index *map[string]bool) bool {
	names := s.names[first:]
	switch {
	case *index != nil:
		if (*index)[name] {
			return true
		}
		(*index)[name] = true
	case len(names) < indexNamesAt:
		for _, n := range names {
			if n == name {
				return true
			}
		}
	default:
		*index = make(map[string]bool, 2*len(names))
		for _, n := range names {
			(*index)[n] = true
		}
		if (*index)[name] {
			return true
		}
		(*index)[name] = true
	}
	s.names = append(s.names, name)
	return false
}

// array reads the elements, of shape elem, of an array whose '[' was just read.
func (s *bodyScan) array(elem *jsonShape) bool {
	for i := 0; s.dec.More(); i++ {
		s.path = append(s.path, pathSegment{index: i, isIndex: true})
		if !s.value(elem) {
			return false
		}
		s.path = s.path[:len(s.path)-1]
	}
	return s.leave()
}

// enter counts one more level of nesting, refusing the body past maxBodyDepth.
func (s *bodyScan) enter() bool {
	if s.depth++; s.depth > maxBodyDepth {
		s.stop = domain.Errorf(domain.ErrBadRequest, domain.MsgTooDeep, maxBodyDepth)
		return false
	}
	return true
}

// leave reads the closing bracket of an object or array, one level up.
func (s *bodyScan) leave() bool {
	s.depth--
	_, err := s.dec.Token()
	return err == nil
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

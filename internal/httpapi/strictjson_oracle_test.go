package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The strict body reader as it was first written, over encoding/json's tokenizer:
// the oracle TestCheckBodyMatchesTokenizer and FuzzCheckBodyMatchesTokenizer hold
// checkBody's own tokenizer to, answer for answer.

// checkBodyTokens reads a JSON body once, with encoding/json's tokenizer, before
// encoding/json decodes it, for what decoding lets through: invalid UTF-8 (which it
// turns into U+FFFD), duplicate members (it keeps the last), members that differ from
// a known one only in case (it fills the known one), control characters in text
// (domain.IsControl) and nesting without end. sh is the shape of the destination
// type.
//
// It answers a 400 for a body that is not one unambiguous JSON document, and the
// validation problems (422) otherwise. A body that is not JSON at all gets nil, so
// encoding/json reports the syntax error as it always has.
func checkBodyTokens(body []byte, sh *jsonShape) error {
	if !utf8.Valid(body) {
		return domain.Errorf(domain.ErrBadRequest, domain.MsgInvalidUTF8, invalidUTF8At(body))
	}
	s := tokenScan{dec: json.NewDecoder(bytes.NewReader(body))}
	s.dec.UseNumber() // numbers are only stepped over: no float conversion
	if !s.value(sh) {
		return s.stop // nil after a syntax error
	}
	if _, err := s.dec.Token(); err != io.EOF {
		return nil // trailing data: a syntax error
	}
	return errors.Join(s.problems...)
}

// tokenScan is one pass of checkBodyTokens over a body.
type tokenScan struct {
	dec      *json.Decoder
	depth    int
	path     []pathSegment // where the value being read sits
	names    []string      // the member names of the objects being read, innermost last
	problems []error       // validation problems, in the order of the body
	stop     error         // the 400 that ended the pass; nil for a syntax error
}

// value reads one JSON value of shape sh and reports whether the pass may go on.
func (s *tokenScan) value(sh *jsonShape) bool {
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
func (s *tokenScan) object(sh *jsonShape) bool {
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

// duplicate is bodyScan's: see duplicateName.
func (s *tokenScan) duplicate(name string, first int, index *map[string]bool) bool {
	return duplicateName(&s.names, name, first, index)
}

// array reads the elements, of shape elem, of an array whose '[' was just read.
func (s *tokenScan) array(elem *jsonShape) bool {
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
func (s *tokenScan) enter() bool {
	if s.depth++; s.depth > maxBodyDepth {
		s.stop = domain.Errorf(domain.ErrBadRequest, domain.MsgTooDeep, maxBodyDepth)
		return false
	}
	return true
}

// leave reads the closing bracket of an object or array, one level up.
func (s *tokenScan) leave() bool {
	s.depth--
	_, err := s.dec.Token()
	return err == nil
}

func (s *tokenScan) problem(err error) {
	if len(s.problems) < maxBodyProblems {
		s.problems = append(s.problems, err)
	}
}

func (s *tokenScan) pointer() string { return (&bodyScan{path: s.path}).pointer() }

// oracleSeeds are bodies whose every small mutation the two readers must answer
// alike.
var oracleSeeds = []string{
	`{"data":{"type":"accounts","attributes":{"account_type_id":2,"first_name":"Bench","email":"a@b.c"}}}`,
	`{"data":{"attributes":{"name":"a\u0000","Name":"x","tags":[{"key":"a","KEY":"\b"}],"extra":{"x":[1,-2.5e+3,true,false,null]}}}}`,
	`{"data":{"attributes":{"name":"a","n\u0061me":"b","custom_attributes":{"data":[{"key":"k","value":"\u007f"}]}}}}`,
	`[[[{"a":1,"b":[],"c":{}}]]] `,
	" \t\r\n{\"meta\":{\"note\":\"\\ud800\\\"\\\\\\/\"}}\n",
	`"text"`, `-0.5E-7`, `0`, `null`,
}

// oracleAlphabet is what the mutations insert or write over a byte with.
const oracleAlphabet = "{}[]:,\" \\u0a1-.eE+tfnlx\x00\x7f"

// TestCheckBodyMatchesTokenizer checks that checkBody answers exactly as the reader
// over encoding/json's tokenizer did, for every body of the strict tests and every
// body one deletion, insertion or replacement away from a seed.
func TestCheckBodyMatchesTokenizer(t *testing.T) {
	shape := shapeOf(reflect.TypeFor[*strictTarget]())
	bodies := append([]string{nested(maxBodyDepth), nested(maxBodyDepth + 1), strings.Repeat("[", 200),
		`{"extra":{` + manyMembers(40) + `,"k7":0}}`}, oracleSeeds...)
	for _, seed := range oracleSeeds {
		for i := 0; i <= len(seed); i++ {
			if i < len(seed) {
				bodies = append(bodies, seed[:i]+seed[i+1:])
			}
			for _, c := range []byte(oracleAlphabet) {
				bodies = append(bodies, seed[:i]+string(c)+seed[i:])
				if i < len(seed) {
					bodies = append(bodies, seed[:i]+string(c)+seed[i+1:])
				}
			}
		}
	}
	for _, body := range bodies {
		if got, want := checkBody([]byte(body), shape), checkBodyTokens([]byte(body), shape); !sameAnswer(got, want) {
			t.Fatalf("body %q: checkBody=%v, want %v", body, got, want)
		}
	}
}

// FuzzCheckBodyMatchesTokenizer is TestCheckBodyMatchesTokenizer for any body:
//
//	go test -run '^$' -fuzz FuzzCheckBodyMatchesTokenizer -fuzztime 60s ./internal/httpapi
func FuzzCheckBodyMatchesTokenizer(f *testing.F) {
	for _, seed := range oracleSeeds {
		f.Add([]byte(seed))
	}
	shape := shapeOf(reflect.TypeFor[*strictTarget]())
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, want := checkBody(body, shape), checkBodyTokens(body, shape); !sameAnswer(got, want) {
			t.Fatalf("body %q: checkBody=%v, want %v", body, got, want)
		}
	})
}

// sameAnswer reports whether two answers of the strict reader are the same errors.
func sameAnswer(a, b error) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	return reflect.DeepEqual(domain.Errors(a), domain.Errors(b))
}

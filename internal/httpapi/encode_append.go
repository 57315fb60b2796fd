package httpapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Hand-written JSON for the hot parts of list pages: the bytes are those
// encoding/json gives (compact, HTML left as it is), without its reflection. Tests
// compare the two (encode_append_test.go).

// appendString appends s as a JSON string. Printable ASCII without a quote or a
// backslash is copied between quotes; anything else goes through encoding/json,
// whose escapes (control characters, invalid UTF-8, U+2028 and U+2029) it keeps.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendKey appends "key": for a key that needs no escaping.
func appendKey(b []byte, key string) []byte {
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendOptionalString appends s as a string, or null for nil.
func appendOptionalString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendRelationships appends rels as encoding/json writes the map: keys in order,
// each {"data":...} with an identifier, null or a list of identifiers.
func appendRelationships(b []byte, rels map[string]relationship) ([]byte, bool) {
	keys := slices.Sorted(maps.Keys(rels))
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, `:{"data":`...)
		switch d := rels[k].Data.(type) {
		case nil:
			b = append(b, "null"...)
		case *identifier:
			if d == nil {
				b = append(b, "null"...)
			} else {
				b = appendIdentifier(b, *d)
			}
		case []identifier:
			b = append(b, '[')
			for j, x := range d {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendIdentifier(b, x)
			}
			b = append(b, ']')
		default:
			return b, false
		}
		b = append(b, '}')
	}
	return append(b, '}'), true
}

func appendIdentifier(b []byte, x identifier) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, x.Type)
	b = append(b, `,"id":`...)
	b = appendString(b, x.ID)
	return append(b, '}')
}

// appendBool appends true or false.
func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

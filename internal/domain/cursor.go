package domain

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// Cursor is a position in a list: the sort key values of one row, in the order of
// the list's sort, and the row's id. The page after a cursor starts with the first
// row that sorts past it, so a client walking a list by cursor sees every row once
// however many rows come or go before its position, and the store finds the page
// through the sort's index without counting the rows before it.
type Cursor struct {
	// Keys hold one value per sort key before the id, as the store compares them:
	// strings (folded text) and int64 (integers, times in microseconds).
	Keys []any
	ID   int64
}

// MaxCursorLength is the longest page[after] token Cascade reads. Tokens hold
// folded names, which are at most a few hundred bytes; anything much longer is not
// a token Cascade wrote.
const MaxCursorLength = 4096

// ErrCursor is the error of a page[after] token that is malformed, was altered, or
// was made for another list, sort or set of filters.
var ErrCursor = errors.New("invalid cursor")

// cursorToken is the JSON inside a token: the fingerprint of the list it belongs
// to, the keys and the id.
type cursorToken struct {
	F string            `json:"f"`
	K []json.RawMessage `json:"k"`
	I int64             `json:"i"`
}

// Token encodes c for the list whose fingerprint is fp (see ListQuery.Fingerprint)
// as URL-safe text.
func (c Cursor) Token(fp string) string {
	t := cursorToken{F: fp, K: make([]json.RawMessage, len(c.Keys)), I: c.ID}
	for i, k := range c.Keys {
		t.K[i], _ = json.Marshal(k) // strings, integers and booleans always marshal
	}
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a token that Token made for the list whose fingerprint is fp.
// A token that is malformed, or whose fingerprint differs, is ErrCursor.
func ParseCursor(token, fp string) (Cursor, error) {
	if len(token) == 0 || len(token) > MaxCursorLength {
		return Cursor{}, ErrCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return Cursor{}, ErrCursor
	}
	var t cursorToken
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || dec.More() || t.F != fp || t.I <= 0 {
		return Cursor{}, ErrCursor
	}
	c := Cursor{ID: t.I, Keys: make([]any, len(t.K))}
	for i, k := range t.K {
		v, err := cursorKey(k)
		if err != nil {
			return Cursor{}, ErrCursor
		}
		c.Keys[i] = v
	}
	return c, nil
}

// cursorKey reads one key of a token: a JSON string or integer; booleans and
// fractions are no sort key Cascade has.
func cursorKey(raw json.RawMessage) (any, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || !PlainText(s) {
			return nil, ErrCursor
		}
		return s, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return nil, ErrCursor
	}
	return n, nil
}

// Fingerprint identifies the list q reads within scope (say, the request path): its
// conditions and sort, not its page. A cursor carries the fingerprint of the list
// it was made for, so one used with another sort or other filters, whose order or
// rows differ, is refused instead of answering a page of the wrong list.
func (q ListQuery) Fingerprint(scope string) string {
	var sb strings.Builder
	sb.WriteString(scope)
	sb.WriteByte('\n')
	for _, c := range q.Conditions {
		fmt.Fprintf(&sb, "%q %d", c.Field, c.Op)
		for _, v := range c.Values {
			switch v := v.(type) {
			case time.Time:
				fmt.Fprintf(&sb, " t%d", v.UnixMicro())
			case string:
				fmt.Fprintf(&sb, " %q", v)
			default:
				fmt.Fprintf(&sb, " %T:%v", v, v)
			}
		}
		sb.WriteByte(';')
	}
	sb.WriteByte('\n')
	for _, k := range q.Sort {
		fmt.Fprintf(&sb, "%q %t;", k.Field, k.Desc)
	}
	h := fnv.New64a()
	h.Write([]byte(sb.String()))
	return strconv.FormatUint(h.Sum64(), 36)
}

// PageInfo is what the store tells of a list page besides its rows: how many rows
// match in all, and the cursor of the page after it (nil when none follows).
type PageInfo struct {
	Total int
	Next  *Cursor
}

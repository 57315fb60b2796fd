package domain

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []Cursor{
		{ID: 1},
		{Keys: []any{"alpha beta"}, ID: 7},
		{Keys: []any{int64(-1_700_000_000_000_000), "ümlaut \"quoted\""}, ID: 1 << 40},
	} {
		tok := c.Token("fp")
		if strings.ContainsAny(tok, "+/=%&") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := ParseCursor(tok, "fp")
		if err != nil {
			t.Fatalf("parse %q: %v", tok, err)
		}
		if !reflect.DeepEqual(got.Keys, c.Keys) && len(c.Keys) > 0 || got.ID != c.ID {
			t.Fatalf("cursor %+v, want %+v", got, c)
		}
	}
}

func TestParseCursorRefuses(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, tok := range map[string]string{
		"ErrOtherFingerprint": Cursor{ID: 1}.Token("other"),
		"ErrNotBase64":        "!!",
		"ErrNotJSON":          enc("hello"),
		"ErrUnknownMember":    enc(`{"f":"fp","k":[],"i":1,"x":1}`),
		"ErrTrailing":         enc(`{"f":"fp","k":[],"i":1} {}`),
		"ErrZeroID":           enc(`{"f":"fp","k":[],"i":0}`),
		"ErrFraction":         enc(`{"f":"fp","k":[1.5],"i":1}`),
		"ErrBoolean":          enc(`{"f":"fp","k":[true],"i":1}`),
		"ErrControl":          enc(`{"f":"fp","k":["a\u0000b"],"i":1}`),
		"ErrNestedArray":      enc(`{"f":"fp","k":[[1]],"i":1}`),
		"ErrNestedObject":     enc(`{"f":"fp","k":[{"a":1}],"i":1}`),
		"ErrNull":             enc(`{"f":"fp","k":[null],"i":1}`),
		"ErrOverflow":         enc(`{"f":"fp","k":[9223372036854775808],"i":1}`),
		"ErrIDAsString":       enc(`{"f":"fp","k":[],"i":"1"}`),
		"ErrEmpty":            "",
		"ErrTooLong":          strings.Repeat("A", MaxCursorLength+1),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseCursor(tok, "fp"); !errors.Is(err, ErrCursor) {
				t.Fatalf("ParseCursor(%q) = %v, want ErrCursor", tok, err)
			}
		})
	}
}

func TestFingerprintFollowsFiltersAndSort(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	base := ListQuery{Sort: []SortKey{{Field: "name"}}}.Where("created_at", OpGt, at)
	same := base
	same.Page = Page{Number: 3, Size: 7}
	if base.Fingerprint("/a") != same.Fingerprint("/a") {
		t.Error("the page changed the fingerprint")
	}
	for name, other := range map[string]string{
		"scope":     base.Fingerprint("/b"),
		"direction": ListQuery{Sort: []SortKey{{Field: "name", Desc: true}}, Conditions: base.Conditions}.Fingerprint("/a"),
		"value":     ListQuery{Sort: base.Sort}.Where("created_at", OpGt, at.Add(time.Microsecond)).Fingerprint("/a"),
		"operator":  ListQuery{Sort: base.Sort}.Where("created_at", OpLt, at).Fingerprint("/a"),
	} {
		if other == base.Fingerprint("/a") {
			t.Errorf("another %s, the same fingerprint", name)
		}
	}
}

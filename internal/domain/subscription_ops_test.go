package domain

import (
	"strings"
	"testing"
)

func TestOperationNoteValidate(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name string
		in   OperationNoteInput
		want map[string]Message // pointer -> message
	}{
		{"OK", OperationNoteInput{s(" paid "), s("resume")}, nil},
		{"ErrMissing", OperationNoteInput{}, map[string]Message{PtrOperationReason: MsgRequired, PtrOperationComment: MsgRequired}},
		{"ErrBlank", OperationNoteInput{s(" "), s("")}, map[string]Message{PtrOperationReason: MsgBlank, PtrOperationComment: MsgBlank}},
		{"ErrTooLong", OperationNoteInput{s(strings.Repeat("é", MaxOperationReason+1)), s(strings.Repeat("x", MaxOperationComment))},
			map[string]Message{PtrOperationReason: MsgTooLong}},
		{"ErrControl", OperationNoteInput{s("a\x00b"), s("ok")}, map[string]Message{PtrOperationReason: MsgControlCharacter}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			note, err := tc.in.Validate()
			got := map[string]Message{}
			for _, e := range Errors(err) {
				got[e.Pointer] = e.Message
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors = %v, want %v", got, tc.want)
			}
			for p, m := range tc.want {
				if got[p] != m {
					t.Errorf("%s: %s, want %s", p, got[p], m)
				}
			}
			if tc.want == nil && (note.Reason != "paid" || note.Comment != "resume") {
				t.Errorf("note = %+v, want trimmed values", note)
			}
		})
	}
}

func TestSetAutorenew(t *testing.T) {
	sub := &Subscription{Autorenew: true}
	if err := sub.SetAutorenew(true); CodeOf(err) != ErrInvalid {
		t.Fatalf("same value: err = %v, want invalid", err)
	}
	if err := sub.SetAutorenew(false); err != nil || sub.Autorenew {
		t.Fatalf("switch off: %v, autorenew %v", err, sub.Autorenew)
	}
	if _, err := (AutorenewInput{}).Validate(); CodeOf(err) != ErrInvalid {
		t.Errorf("missing autorenew: err = %v", err)
	}
}

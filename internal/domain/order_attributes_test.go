package domain_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

func TestCheckOrderAttributes(t *testing.T) {
	attr := func(key string, typ domain.OrderAttributeType, required bool, values ...string) domain.OrderAttribute {
		return domain.OrderAttribute{Key: key, Label: key, Type: typ, Required: required, Values: values}
	}
	long := func(n int) string { return `"` + strings.Repeat("é", n) + `"` }
	for _, c := range []struct {
		name string
		attr domain.OrderAttribute
		raw  string // "" leaves the key out
		want any    // the normal form; nil when omitted
		msg  domain.Message
		args []any
	}{
		{name: "StringOK", attr: attr("d", domain.AttrString, true), raw: `"  contoso "`, want: "contoso"},
		{name: "StringNumberAsText", attr: attr("d", domain.AttrString, true), raw: `12345`, want: "12345"},
		{name: "ErrStringBlank", attr: attr("d", domain.AttrString, true), raw: `"   "`, msg: domain.MsgBlank},
		{name: "ErrStringMissing", attr: attr("d", domain.AttrString, true), msg: domain.MsgBlank},
		{name: "ErrStringNull", attr: attr("d", domain.AttrString, true), raw: `null`, msg: domain.MsgBlank},
		{name: "StringOptionalMissing", attr: attr("d", domain.AttrString, false)},
		{name: "StringOptionalBlank", attr: attr("d", domain.AttrString, false), raw: `""`},
		{name: "ErrStringObject", attr: attr("d", domain.AttrString, false), raw: `{"a":1}`, msg: domain.MsgMustBeString},
		{name: "ErrStringBoolean", attr: attr("d", domain.AttrString, false), raw: `true`, msg: domain.MsgMustBeString},
		{name: "StringLongest", attr: attr("d", domain.AttrString, false), raw: long(255), want: strings.Repeat("é", 255)},
		{name: "ErrStringTooLong", attr: attr("d", domain.AttrString, false), raw: long(256), msg: domain.MsgTooLong, args: []any{255}},
		{name: "TextOK", attr: attr("t", domain.AttrText, true), raw: `"line one\nline two"`, want: "line one\nline two"},
		{name: "ErrTextTooLong", attr: attr("t", domain.AttrText, false), raw: long(10_001), msg: domain.MsgTooLong, args: []any{10_000}},
		{name: "NumberOK", attr: attr("n", domain.AttrNumber, true), raw: `-12.50`, want: json.Number("-12.50")},
		{name: "NumberFromString", attr: attr("n", domain.AttrNumber, true), raw: `" 7 "`, want: json.Number("7")},
		{name: "NumberExponent", attr: attr("n", domain.AttrNumber, true), raw: `1e3`, want: json.Number("1e3")},
		{name: "ErrNumberWord", attr: attr("n", domain.AttrNumber, true), raw: `"seven"`, msg: domain.MsgMustBeNumber},
		{name: "ErrNumberLeadingZero", attr: attr("n", domain.AttrNumber, true), raw: `"007"`, msg: domain.MsgMustBeNumber},
		{name: "ErrNumberBoolean", attr: attr("n", domain.AttrNumber, true), raw: `false`, msg: domain.MsgMustBeNumber},
		{name: "CheckboxTrue", attr: attr("c", domain.AttrCheckbox, true), raw: `true`, want: true},
		{name: "CheckboxOne", attr: attr("c", domain.AttrCheckbox, true), raw: `1`, want: true},
		{name: "CheckboxOneString", attr: attr("c", domain.AttrCheckbox, true), raw: `"1"`, want: true},
		{name: "CheckboxOptionalZero", attr: attr("c", domain.AttrCheckbox, false), raw: `0`, want: false},
		{name: "CheckboxOptionalFalseString", attr: attr("c", domain.AttrCheckbox, false), raw: `"false"`, want: false},
		{name: "ErrCheckboxRequiredFalse", attr: attr("c", domain.AttrCheckbox, true), raw: `false`, msg: domain.MsgMustBeAccepted},
		{name: "ErrCheckboxRequiredMissing", attr: attr("c", domain.AttrCheckbox, true), msg: domain.MsgMustBeAccepted},
		{name: "ErrCheckboxTwo", attr: attr("c", domain.AttrCheckbox, false), raw: `2`, msg: domain.MsgMustBeBoolean},
		{name: "ErrCheckboxYes", attr: attr("c", domain.AttrCheckbox, false), raw: `"yes"`, msg: domain.MsgMustBeBoolean},
		{name: "DateOK", attr: attr("s", domain.AttrDate, true), raw: `"2026-02-28"`, want: "2026-02-28"},
		{name: "ErrDateImpossible", attr: attr("s", domain.AttrDate, true), raw: `"2026-02-30"`, msg: domain.MsgMustBeDate},
		{name: "ErrDateTime", attr: attr("s", domain.AttrDate, true), raw: `"2026-02-01T10:00:00Z"`, msg: domain.MsgMustBeDate},
		{name: "ErrDateShort", attr: attr("s", domain.AttrDate, true), raw: `"2026-2-1"`, msg: domain.MsgMustBeDate},
		{name: "EmailOK", attr: attr("e", domain.AttrEmail, true), raw: `" Admin@Contoso.COM "`, want: "admin@contoso.com"},
		{name: "ErrEmail", attr: attr("e", domain.AttrEmail, true), raw: `"admin@"`, msg: domain.MsgInvalidEmail},
		{name: "ErrEmailNumber", attr: attr("e", domain.AttrEmail, true), raw: `5`, msg: domain.MsgInvalidEmail},
		{name: "ListOK", attr: attr("l", domain.AttrList, true, "small", "large"), raw: `"large"`, want: "large"},
		{name: "ListNumber", attr: attr("l", domain.AttrList, true, "10", "20"), raw: `20`, want: "20"},
		{name: "ErrListOther", attr: attr("l", domain.AttrList, true, "small", "large"), raw: `"Large"`,
			msg: domain.MsgOneOf, args: []any{"small, large"}},
		{name: "ErrListArray", attr: attr("l", domain.AttrList, true, "small"), raw: `["small"]`, msg: domain.MsgMustBeString},
	} {
		t.Run(c.name, func(t *testing.T) {
			values := map[string]json.RawMessage{"unrelated_key": json.RawMessage(`"ignored"`)}
			if c.raw != "" {
				values[c.attr.Key] = json.RawMessage(c.raw)
			}
			got, problems := domain.CheckOrderAttributes([]domain.OrderAttribute{c.attr}, values)
			if c.msg != "" {
				want := []domain.AttributeProblem{{Key: c.attr.Key, Message: c.msg, Args: c.args}}
				if !reflect.DeepEqual(problems, want) || len(got) != 0 {
					t.Fatalf("problems=%+v values=%v, want %+v and no values", problems, got, want)
				}
				return
			}
			if len(problems) != 0 {
				t.Fatalf("problems=%+v, want none", problems)
			}
			want := map[string]any{}
			if c.want != nil {
				want[c.attr.Key] = c.want
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("values=%#v, want %#v (undeclared keys ignored)", got, want)
			}
		})
	}
}

// TestCheckOrderAttributesReportsAll checks that every problem is reported, in the
// plan's order, and that the valid values are still normalised.
func TestCheckOrderAttributesReportsAll(t *testing.T) {
	attrs := []domain.OrderAttribute{
		{Key: "domain_name", Type: domain.AttrString, Required: true},
		{Key: "admin_email", Type: domain.AttrEmail, Required: true},
		{Key: "seats", Type: domain.AttrNumber},
		{Key: "agreement", Type: domain.AttrCheckbox, Required: true},
	}
	got, problems := domain.CheckOrderAttributes(attrs, map[string]json.RawMessage{
		"admin_email": json.RawMessage(`"not-an-address"`), "seats": json.RawMessage(`"25"`),
	})
	want := []domain.AttributeProblem{
		{Key: "domain_name", Message: domain.MsgBlank},
		{Key: "admin_email", Message: domain.MsgInvalidEmail},
		{Key: "agreement", Message: domain.MsgMustBeAccepted},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("problems=%+v, want %+v", problems, want)
	}
	if !reflect.DeepEqual(got, map[string]any{"seats": json.Number("25")}) {
		t.Fatalf("values=%v", got)
	}
	if got, problems := domain.CheckOrderAttributes(nil, map[string]json.RawMessage{"x": json.RawMessage(`1`)}); len(got) != 0 || problems != nil {
		t.Fatalf("no attributes: values=%v problems=%v, want none", got, problems)
	}
}

package httpapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// strictBase is embedded in strictTarget: its members are promoted, as encoding/json
// promotes them.
type strictBase struct {
	Key string `json:"key"`
}

// strictTarget exercises every shape the strict reader walks: nested structs, slices
// of structs, maps, raw messages, custom unmarshalers and embedded structs.
type strictTarget struct {
	Data *struct {
		Attributes *struct {
			Name  *string  `json:"name"`
			Count *flexInt `json:"count"`
			Tags  []struct {
				Key string `json:"key"`
			} `json:"tags"`
			Extra  map[string]any             `json:"extra"`
			Nested map[string]struct{ A int } `json:"nested"`
			Raw    []byte                     `json:"raw"`
			Custom customAttributes           `json:"custom_attributes"`
			strictBase
		} `json:"attributes"`
	} `json:"data"`
}

// bodyProblem is one error the strict reader should answer.
type bodyProblem struct {
	code    domain.ErrorCode
	msg     domain.Message
	pointer string
}

func TestDecodeJSONStrict(t *testing.T) {
	dup := func(pointer string) bodyProblem {
		return bodyProblem{domain.ErrBadRequest, domain.MsgDuplicateMember, pointer}
	}
	caseOf := func(pointer string) bodyProblem {
		return bodyProblem{domain.ErrInvalid, domain.MsgMemberCase, pointer}
	}
	ctrl := func(pointer string) bodyProblem {
		return bodyProblem{domain.ErrInvalid, domain.MsgControlCharacter, pointer}
	}
	ctrlKey := func(pointer string) bodyProblem {
		return bodyProblem{domain.ErrInvalid, domain.MsgControlCharacterKey, pointer}
	}
	malformed := bodyProblem{domain.ErrBadRequest, domain.MsgMalformedJSON, ""}
	badUTF8 := bodyProblem{domain.ErrBadRequest, domain.MsgInvalidUTF8, ""}
	tooDeep := bodyProblem{domain.ErrBadRequest, domain.MsgTooDeep, ""}
	attrs := func(members string) string { return `{"data":{"attributes":{` + members + `}}}` }

	cases := []struct {
		name string
		body string
		want []bodyProblem
	}{
		{"OK", attrs(`"name":"Ann\tLee\r\n","tags":[{"key":"a"},{"key":"b"}],"extra":{"x":{"y":[1,2]}},"count":"3"`), nil},
		{"OKEscapes", attrs(`"name":"\u00e9\"\\\/\n\t\r\ud83d\ude00"`), nil},
		{"OKUnknownMembers", `{"data":{"attributes":{"whatever":{"Deep":[true,null]}}},"meta":{"Name":1}}`, nil},
		{"OKCaseInMaps", attrs(`"extra":{"x":1,"X":2},"custom_attributes":{"Data":"d","data":"e"}`), nil},
		{"OKSameKeyInSiblings", attrs(`"tags":[{"key":"a"},{"key":"a"}],"extra":{"a":{"a":{"a":1}}}`), nil},

		{"ErrDuplicateTop", `{"data":{},"data":{}}`, []bodyProblem{dup("/data")}},
		{"ErrDuplicateAttribute", attrs(`"name":"a","count":1,"name":"b"`), []bodyProblem{dup("/data/attributes/name")}},
		{"ErrDuplicateInArray", attrs(`"tags":[{"key":"a"},{"key":"a","key":"b"}]`), []bodyProblem{dup("/data/attributes/tags/1/key")}},
		{"ErrDuplicateInMap", attrs(`"extra":{"x":{"y":1,"y":2}}`), []bodyProblem{dup("/data/attributes/extra/x/y")}},
		{"ErrDuplicateInUnknown", `{"data":{"unknown":[[{"a":1,"b":2,"a":3}]]}}`, []bodyProblem{dup("/data/unknown/0/0/a")}},
		{"ErrDuplicateEscaped", attrs(`"name":"a","n\u0061me":"b"`), []bodyProblem{dup("/data/attributes/name")}},
		{"ErrDuplicateEscapedPointer", attrs(`"extra":{"a/b~c":1,"a\/b~c":2}`), []bodyProblem{dup("/data/attributes/extra/a~1b~0c")}},
		{"ErrDuplicateInManyKeys", attrs(`"extra":{` + manyMembers(40) + `,"k7":0}`), []bodyProblem{dup("/data/attributes/extra/k7")}},
		{"OKManyKeys", attrs(`"extra":{` + manyMembers(5000) + `}`), nil},
		{"ErrDuplicateAfterGrowth", attrs(`"extra":{` + manyMembers(5000) + `,"k4999":1}`), []bodyProblem{dup("/data/attributes/extra/k4999")}},
		{"ErrDuplicateBeatsInvalid", attrs(`"Name":"a\u0000","name":"b","name":"c"`), []bodyProblem{dup("/data/attributes/name")}},

		{"ErrCaseTop", `{"DATA":{"attributes":{"name":"x"}}}`, []bodyProblem{caseOf("/DATA")}},
		{"ErrCaseAttribute", attrs(`"Name":"x"`), []bodyProblem{caseOf("/data/attributes/Name")}},
		{"ErrCaseNextToExact", attrs(`"name":"x","NAME":"y"`), []bodyProblem{caseOf("/data/attributes/NAME")}},
		{"ErrCaseInSliceOfStructs", attrs(`"tags":[{"key":"a"},{"KEY":"b"}]`), []bodyProblem{caseOf("/data/attributes/tags/1/KEY")}},
		{"ErrCaseUnicodeFold", attrs(`"tags":[{"\u212aey":"kelvin"}]`), []bodyProblem{caseOf("/data/attributes/tags/0/\u212aey")}},
		{"ErrCaseInMapOfStructs", attrs(`"nested":{"x":{"a":1}}`), []bodyProblem{caseOf("/data/attributes/nested/x/a")}},
		{"ErrCasePromoted", attrs(`"Key":"k"`), []bodyProblem{caseOf("/data/attributes/Key")}},
		{"ErrCaseEveryOne", attrs(`"Name":"x","Count":1`), []bodyProblem{caseOf("/data/attributes/Name"), caseOf("/data/attributes/Count")}},

		{"ErrNUL", attrs(`"name":"a\u0000b"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrBackspaceEscape", attrs(`"name":"a\bb"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrFormFeedEscape", attrs(`"name":"a\fb"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrVerticalTab", attrs(`"name":"\u000B"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrUnitSeparator", attrs(`"name":"\u001f"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrDELEscape", attrs(`"name":"\u007F"`), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrDELRaw", attrs("\"name\":\"a\x7fb\""), []bodyProblem{ctrl("/data/attributes/name")}},
		{"ErrInArray", attrs(`"extra":{"list":["ok","\u0001"]}`), []bodyProblem{ctrl("/data/attributes/extra/list/1")}},
		{"ErrInUnknownMember", `{"meta":{"note":"\u0000"}}`, []bodyProblem{ctrl("/meta/note")}},
		{"ErrInCustomAttribute", attrs(`"custom_attributes":{"data":[{"key":"k","value":"\u0000"}]}`),
			[]bodyProblem{ctrl("/data/attributes/custom_attributes/data/0/value")}},
		{"ErrInNumberString", attrs(`"count":"1\u0000"`), []bodyProblem{ctrl("/data/attributes/count")}},
		{"ErrInKey", attrs(`"na\u0000me":"x"`), []bodyProblem{ctrlKey("/data/attributes/na\x00me")}},
		{"ErrInMapKey", attrs(`"extra":{"a\u007f":1}`), []bodyProblem{ctrlKey("/data/attributes/extra/a\x7f")}},
		{"ErrEveryValue", attrs(`"name":"\u0000","extra":{"a":"\u0002"}`),
			[]bodyProblem{ctrl("/data/attributes/name"), ctrl("/data/attributes/extra/a")}},
		{"ErrCaseAndControl", attrs(`"Name":"\u0000"`), []bodyProblem{caseOf("/data/attributes/Name"), ctrl("/data/attributes/Name")}},

		{"OKDepthAtCap", nested(maxBodyDepth), nil},
		{"ErrDepthOverCap", nested(maxBodyDepth + 1), []bodyProblem{tooDeep}},
		{"ErrDepthFarOverCap", strings.Repeat("[", 100000), []bodyProblem{tooDeep}},
		{"ErrDepthInObjects", strings.Repeat(`{"a":`, maxBodyDepth+1) + "1" + strings.Repeat("}", maxBodyDepth+1), []bodyProblem{tooDeep}},

		{"ErrUTF8InValue", attrs("\"name\":\"a\xffb\""), []bodyProblem{badUTF8}},
		{"ErrUTF8InKey", attrs("\"n\xc3\":1"), []bodyProblem{badUTF8}},
		{"ErrUTF8Surrogate", attrs("\"name\":\"\xed\xa0\x80\""), []bodyProblem{badUTF8}},

		// A body that is not JSON at all answers as before, whatever else is wrong with it.
		{"ErrSyntaxAfterProblem", attrs(`"name":"\u0000"`) + `x`, []bodyProblem{malformed}},
		{"ErrSyntaxAfterCase", `{"DATA":1,}`, []bodyProblem{malformed}},
		{"ErrSyntaxRawControl", attrs("\"name\":\"a\x01\""), []bodyProblem{malformed}},
		{"ErrSyntaxBadEscape", attrs(`"name":"\x"`), []bodyProblem{malformed}},
		{"ErrSyntaxNumber", attrs(`"count":01`), []bodyProblem{malformed}},
		{"ErrSyntaxTruncated", attrs(`"name":"\u0000`), []bodyProblem{malformed}},
		{"ErrSyntaxTwoValues", `{} {}`, []bodyProblem{malformed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var dst strictTarget
			got := bodyProblems(decodeJSON([]byte(c.body), &dst))
			if len(got) != len(c.want) {
				t.Fatalf("errors=%+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("error %d=%+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestDecodeJSONCaseNeverFills checks that a member differing only in case from a
// known one is refused rather than read into it, in the envelope and in the list
// form of custom attributes.
func TestDecodeJSONCaseNeverFills(t *testing.T) {
	var dst strictTarget
	if err := decodeJSON([]byte(`{"data":{"attributes":{"Name":"x"}}}`), &dst); err == nil {
		t.Fatalf("Name was accepted; data=%+v", dst.Data)
	}
	var custom struct {
		Custom customAttributes `json:"custom_attributes"`
	}
	body := `{"custom_attributes":{"DATA":[{"key":"a","value":"b"}]}}`
	if err := decodeJSON([]byte(body), &custom); err == nil && custom.Custom["a"] != nil {
		t.Fatalf("DATA filled the list form of custom attributes: %v", custom.Custom)
	}
	body = `{"custom_attributes":{"data":[{"Key":"a","VALUE":"b"}]}}`
	if err := decodeJSON([]byte(body), &custom); err == nil && custom.Custom["a"] != nil {
		t.Fatalf("Key/VALUE filled a custom attribute: %v", custom.Custom)
	}
	body = `{"custom_attributes":{"data":[{"key":"a","value":"b"}]}}`
	if err := decodeJSON([]byte(body), &custom); err != nil || custom.Custom["a"] == nil || *custom.Custom["a"] != "b" {
		t.Fatalf("list form: err=%v, custom=%v", err, custom.Custom)
	}
}

// bodyProblems flattens err into what TestDecodeJSONStrict compares.
func bodyProblems(err error) []bodyProblem {
	var out []bodyProblem
	for _, e := range domain.Errors(err) {
		out = append(out, bodyProblem{e.Code, e.Message, e.Pointer})
	}
	return out
}

// nested is an object body whose member meta holds arrays inside each other, depth
// levels deep in all.
func nested(depth int) string {
	return `{"meta":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
}

// manyMembers is an object body of n distinct members k0 ... k<n-1>.
func manyMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":0`)
	}
	return b.String()
}

// TestDecodeJSONProblemCap lists at most maxBodyProblems problems of one body.
func TestDecodeJSONProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"meta":[`)
	for i := range maxBodyProblems + 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"\u0000"`)
	}
	b.WriteString(`]}`)
	var dst strictTarget
	got := bodyProblems(decodeJSON([]byte(b.String()), &dst))
	if len(got) != maxBodyProblems {
		t.Fatalf("got %d problems, want %d", len(got), maxBodyProblems)
	}
	if last := got[len(got)-1]; last.pointer != "/meta/"+strconv.Itoa(maxBodyProblems-1) {
		t.Fatalf("last problem at %s, want the %dth element", last.pointer, maxBodyProblems)
	}
}

// FuzzCheckBody checks that the strict reader never panics, and that it answers a
// body encoding/json finds malformed either not at all (encoding/json reports it) or
// with a 400, never with a validation problem.
func FuzzCheckBody(f *testing.F) {
	for _, seed := range []string{`{"data":{"attributes":{"name":"a\u0000"}}}`, `{"a":1,"a":2}`, `{"Data":[1,2.5e3,-0]}`,
		`[[[[]]]]`, `"\ud800"`, `{"data":{"attributes":{"tags":[{"KEY":"\b"}]}}}`, `{"a":"\u00"}`, "\"\x7f\"", `{}x`} {
		f.Add([]byte(seed))
	}
	shape := shapeOf(reflect.TypeFor[*strictTarget]())
	f.Fuzz(func(t *testing.T, body []byte) {
		err := checkBody(body, shape)
		if err == nil || json.Valid(body) {
			return
		}
		for _, e := range domain.Errors(err) {
			if e.Code != domain.ErrBadRequest {
				t.Fatalf("malformed body %q answered %v", body, err)
			}
		}
	})
}

package catalogfile

import (
	"slices"
	"strings"
	"testing"
)

func TestScanRefusesAliasesAndMergeKeys(t *testing.T) {
	doc := plan(`    periods:
      - &monthly {key: m, duration: 1, unit: months, recurring_fee: 3}
      - {<<: *monthly, key: m2, recurring_fee: 4}
    resources: *monthly
`)
	f, err := parse(doc)
	want := []string{"10:10 plans[0].periods[1].<< catalog_merge_key", "11:16 plans[0].resources catalog_alias"}
	if got := problemLines(t, err); f != nil || !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
	// An anchor nobody refers to is harmless; a quoted "<<" is a field like any other.
	wantProblems(t, plan("    periods: [&m {key: m, duration: 1, unit: months}]\n    \"<<\": x\n"),
		"9:5 plans[0].<< unknown_field")
}

func TestScanRefusesControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		name, fields, want string
	}{
		{"NUL", `    description: "a\0b"`, "9:18 plans[0].description control_character"},
		{"unicode NUL", `    description: "a\u0000b"`, "9:18 plans[0].description control_character"},
		{"bell", `    description: "\a"`, "9:18 plans[0].description control_character"},
		{"vertical tab", `    description: "\v"`, "9:18 plans[0].description control_character"},
		{"form feed", `    description: "\f"`, "9:18 plans[0].description control_character"},
		{"unit separator", `    description: "\x1f"`, "9:18 plans[0].description control_character"},
		{"DEL", `    description: "\x7f"`, "9:18 plans[0].description control_character"},
		{"in a list value", `    order_attributes: [{key: a, label: A, type: list, values: [ok, "b\x01"]}]`,
			"9:68 plans[0].order_attributes[0].values[1] control_character"},
		{"in a key", `    "de\x02": x`, "9:5 plans[0].de\x02 control_character"},
		{"raw byte", "    description: a\x03b", "9:18 plans[0].description control_character"},
		{"raw byte in a block", "    description: |\n      line\n      a\x0cb", "9:18 plans[0].description control_character"},
		{"invalid UTF-8", "    description: caf\xe9", "9:18 plans[0].description control_character"},
		{"UTF-8 cut short", "    description: \"caf\xc3\"", "9:18 plans[0].description control_character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parse(plan(monthly + tc.fields + "\n"))
			if got := problemLines(t, err); f != nil || !slices.Equal(got, []string{tc.want}) {
				t.Errorf("problems = %q, want %q", got, tc.want)
			}
		})
	}
	// Tabs, line breaks and any other character are text, a replacement character
	// the file holds too; a bad byte in a comment is no text at all.
	for doc, want := range map[string]string{
		plan(monthly + "    description: \"tab\\there\\r\\nand \uFFFD, ünïcödé 漢字 🙂\"\n"): "tab\there\r\nand \uFFFD, ünïcödé 漢字 🙂",
		plan(monthly+"    description: fine\n") + "# caf\xe9\x01\n":                       "fine",
	} {
		f, err := parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Plans[0].Description; got != want {
			t.Errorf("description = %q, want %q", got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain: text\n":   "plain: text\n",
		"a\x00b\x7fc":     "a\uFFFDb\uFFFDc",
		"caf\xe9 \xc3":    "caf\uFFFD \uFFFD",
		"tab\tcr\rlf\n":   "tab\tcr\rlf\n",
		"ok \u00e9\u4e2d": "ok \u00e9\u4e2d",
	} {
		out, replaced := sanitize([]byte(in))
		if string(out) != want || replaced != (in != want) {
			t.Errorf("sanitize(%q) = %q, %v; want %q", in, out, replaced, want)
		}
	}
	utf16 := []byte{0xFF, 0xFE, 'a', 0}
	if out, replaced := sanitize(utf16); replaced || !slices.Equal(out, utf16) {
		t.Errorf("a UTF-16 document was changed: %q", out)
	}
	if strings.Contains(replacement, "\x00") {
		t.Error("the replacement must be text")
	}
}

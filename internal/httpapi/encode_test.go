package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestEncodeDocumentMatchesEncodingJSON checks that the document writer gives the
// bytes encoding/json gives for the same document, whether attributes are kept as
// rawJSON or not, with every optional member present and absent.
func TestEncodeDocumentMatchesEncodingJSON(t *testing.T) {
	type attrs struct {
		Name  string   `json:"name"`
		Price string   `json:"price"`
		Tags  []string `json:"tags"`
	}
	a := attrs{Name: `Mail <"Pro"> & more`, Price: "10.5", Tags: []string{"x"}}
	raw, err := encodeCompact(a)
	if err != nil {
		t.Fatal(err)
	}
	rel := map[string]relationship{"plan_category": toOne("product_categories", 7), "b": {}}
	next := "http://h/p?page[number]=2"
	docs := func(attributes any) []document {
		r1 := resource{ID: "1", Type: "plans", Attributes: attributes}
		r2 := resource{ID: "2", Type: "plans", Attributes: attributes, Relationships: rel}
		return []document{
			{Data: r1},
			{Data: r2, Included: []resource{r1}},
			{Data: []resource{r1, r2}, Included: []resource{r2},
				Links: &links{Self: "s", First: "f", Next: &next, Last: "l"}, Meta: &listMeta{TotalCount: 2}},
			{Data: []resource{}, Meta: &listMeta{}},
			{Data: nil},
		}
	}
	plain, kept := docs(a), docs(raw)
	for i := range plain {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(plain[i]); err != nil {
			t.Fatal(err)
		}
		for _, d := range []document{plain[i], kept[i]} {
			got, err := encode(d)
			if err != nil {
				t.Fatalf("document %d: %v", i, err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("document %d:\n got %s\nwant %s", i, got, want.Bytes())
			}
		}
	}
}

// encPlan is an object for TestEncodedCacheEncodesEachObjectOnce.
type encPlan struct{ Name string }

func (p *encPlan) Clone() *encPlan       { c := *p; return &c }
func (p *encPlan) Equal(q *encPlan) bool { return *p == *q }

// TestEncodedCacheEncodesEachObjectOnce checks that attributes are encoded once per
// object content: again for a changed object under the same id, not for an equal
// copy, and not from bytes of an object its holder changed after it was encoded.
func TestEncodedCacheEncodesEachObjectOnce(t *testing.T) {
	type plan = encPlan
	var (
		c     encodedCache[plan, *plan]
		calls int
	)
	get := func(p *plan) string {
		t.Helper()
		b, err := c.get(1, p, func() any { calls++; return p })
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	old := &plan{Name: "old"}
	if get(old) != `{"Name":"old"}` || get(old) != `{"Name":"old"}` || calls != 1 {
		t.Fatalf("first object: %d encodings, want 1", calls)
	}
	if get(&plan{Name: "old"}) != `{"Name":"old"}` || calls != 1 {
		t.Fatalf("an equal copy: %d encodings, want 1", calls)
	}
	renamed := &plan{Name: "new"}
	if got := get(renamed); got != `{"Name":"new"}` || calls != 2 {
		t.Fatalf("new object under the same id: %s after %d encodings", got, calls)
	}
	renamed.Name = "changed in place"
	if got := get(renamed); got != `{"Name":"changed in place"}` || calls != 3 {
		t.Fatalf("object changed in place: %s after %d encodings", got, calls)
	}
}

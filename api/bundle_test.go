package api

import (
	"bytes"
	"os"
	"testing"
	"testing/fstest"

	"github.com/cascade-billing/cascade/internal/apibundle"
	"gopkg.in/yaml.v3"
)

// TestBundleUpToDate fails when api/openapi.yaml is not what its sources in api/src
// bundle to: a source edited without `go generate ./api`, or the bundle edited by hand.
func TestBundleUpToDate(t *testing.T) {
	want, err := apibundle.Bundle(os.DirFS("src"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(OpenAPI, want) {
		line := 1 + bytes.Count(want[:commonPrefix(OpenAPI, want)], []byte("\n"))
		t.Fatalf("api/openapi.yaml differs from the bundle of api/src from line %d on: edit api/src and run `go generate ./api`", line)
	}
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// TestBundleRefusesBrokenPieces checks that a piece that would run into the next one
// is refused, and that pieces join in the order of their names.
func TestBundleRefusesBrokenPieces(t *testing.T) {
	got, err := apibundle.Bundle(fstest.MapFS{"b.yaml": {Data: []byte("b\n")}, "a.yaml": {Data: []byte("a\n")},
		"notes.txt": {Data: []byte("x")}})
	if err != nil || string(got) != "a\nb\n" {
		t.Errorf("bundle = %q, %v; want \"a\\nb\\n\"", got, err)
	}
	for name, data := range map[string]string{"no newline": "a", "empty": ""} {
		if _, err := apibundle.Bundle(fstest.MapFS{"a.yaml": {Data: []byte(data)}}); err == nil {
			t.Errorf("%s: bundled", name)
		}
	}
	if _, err := apibundle.Bundle(fstest.MapFS{}); err == nil {
		t.Error("no pieces: bundled")
	}
}

// TestBundleHasNoRepeatedKeys parses the bundle strictly: two pieces that define the
// same schema or path would otherwise be joined silently, and the later one would win
// in some readers and fail in others.
func TestBundleHasNoRepeatedKeys(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
}

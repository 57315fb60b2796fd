package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestListColumnsComplete checks that listColumns, which ListFields and the search
// index tests read, holds every column map the package declares (each once), and
// that every folded free-text column names its search table.
func TestListColumnsComplete(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var declared []string
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, v := range vs.Values {
				if lit, ok := v.(*ast.CompositeLit); ok && isColumnMap(lit.Type) {
					declared = append(declared, vs.Names[i].Name)
				}
			}
			return false
		})
	}
	distinct := map[uintptr]bool{}
	for _, cols := range listColumns {
		distinct[reflect.ValueOf(cols).Pointer()] = true
	}
	if len(declared) != len(distinct) {
		t.Errorf("the package declares %d column maps %v, listColumns holds %d distinct ones: register each list's map",
			len(declared), declared, len(distinct))
	}
	for list, cols := range listColumns {
		for field, col := range cols {
			if col.folded != "" && col.search == "" {
				t.Errorf("%s.%s has a folded column but no search table", list, field)
			}
		}
	}
}

// isColumnMap reports whether e is the type map[string]column.
func isColumnMap(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	if !ok {
		return false
	}
	k, kok := m.Key.(*ast.Ident)
	v, vok := m.Value.(*ast.Ident)
	return kok && vok && k.Name == "string" && v.Name == "column"
}

package service

import (
	"context"
	"database/sql"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// uniquePointers are the maps that turn unique-index violations into field errors,
// by the name of their variable.
var uniquePointers = map[string]map[string]string{
	"accountUnique":  accountUnique,
	"managerUnique":  managerUnique,
	"resellerUnique": resellerUnique,
}

// TestUniquePointersNameIndexes checks that every index name the service turns into
// a field error is a unique index the migrations create on every engine (the store
// reports SQLite's violations under the same names, see store/errors.go), and that
// uniquePointers holds every map handed to uniqueField.
func TestUniquePointersNameIndexes(t *testing.T) {
	used := uniqueFieldMaps(t)
	for _, name := range used {
		if _, ok := uniquePointers[name]; !ok {
			t.Errorf("uniqueField is handed %s, which uniquePointers does not hold", name)
		}
	}
	if len(used) != len(uniquePointers) {
		t.Errorf("uniqueField is handed %v, uniquePointers holds %d maps", used, len(uniquePointers))
	}
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		storetest.Open(t, e)
		indexes := uniqueIndexNames(t, e)
		for mapName, pointers := range uniquePointers {
			for index, ptr := range pointers {
				if !indexes[index] {
					t.Errorf("%s maps %s to %s, but the schema has no unique index of that name", mapName, index, ptr)
				}
			}
		}
	})
}

// uniqueFieldMaps returns the names of the variables the package hands to
// uniqueField.
func uniqueFieldMaps(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "uniqueField" && len(call.Args) == 2 {
				if id, ok := call.Args[1].(*ast.Ident); ok {
					seen[id.Name] = true
				} else {
					t.Errorf("%s: uniqueField's pointers are no variable", fset.Position(call.Pos()))
				}
			}
			return true
		})
	}
	var out []string
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// uniqueIndexNames returns the names of the unique indexes of the migrated schema of
// e, primary keys included.
func uniqueIndexNames(t *testing.T, e storetest.Engine) map[string]bool {
	t.Helper()
	driver, dsn := "sqlite", strings.TrimPrefix(e.URL, "sqlite:")
	query := `SELECT il.name FROM pragma_table_list t JOIN pragma_index_list(t.name) il
		WHERE t.schema = 'main' AND t.type = 'table' AND il."unique"`
	if e.Name == "postgres" {
		driver, dsn = "pgx", e.URL
		query = `SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			WHERE x.indisunique AND i.relnamespace = current_schema()::regnamespace`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out[name] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

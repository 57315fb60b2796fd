package httpapi

import (
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// pathReaders are the calls that read a path parameter named by their first argument.
var pathReaders = map[string]bool{"pathID": true, "pathUUID": true, "PathValue": true}

// TestPathIDsMatchRoutes holds the path parameters each handler reads against the
// pattern of every route that serves it, from the package's source: a handler
// reads (directly or through the package's functions it uses) exactly the
// parameters its route's pattern defines, so no handler asks for an id its path does
// not carry (which would answer every request 404) and no route carries one its
// handler ignores. Every id read with pathID has its not-found message in pathIDs.
func TestPathIDsMatchRoutes(t *testing.T) {
	files := parsePackage(t)
	reads := pathReads(files)
	routes := routeHandlers(t, files)

	var patterns []string
	for _, r := range routes {
		patterns = append(patterns, r.pattern)
	}
	registered := New(nil, Config{TestClock: true}).Patterns()
	sort.Strings(patterns)
	sort.Strings(registered)
	if !slices.Equal(patterns, registered) {
		t.Fatalf("routes found in the source:\n%s\nroutes the server registers:\n%s",
			strings.Join(patterns, "\n"), strings.Join(registered, "\n"))
	}

	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	for _, r := range routes {
		var want []string
		for _, m := range param.FindAllStringSubmatch(r.pattern, -1) {
			want = append(want, m[1])
		}
		got := map[string]bool{}
		for _, fn := range r.uses {
			for name := range reads.of(fn) {
				got[name] = true
			}
		}
		for _, name := range want {
			if !got[name] {
				t.Errorf("%s: the handler never reads {%s}", r.pattern, name)
			}
		}
		for name := range got {
			if !slices.Contains(want, name) {
				t.Errorf("%s: the handler reads path parameter %q, which the pattern does not define", r.pattern, name)
			}
		}
	}
	for name := range reads.byPathID {
		if _, ok := pathIDs[name]; !ok {
			t.Errorf("pathID(%q) has no not-found message in pathIDs", name)
		}
	}
	for name := range pathIDs {
		if !reads.byPathID[name] {
			t.Errorf("pathIDs has %q, which no handler reads with pathID", name)
		}
	}
}

// pathReadIndex is what the package's functions read of the path.
type pathReadIndex struct {
	direct   map[string]map[string]bool // function or method name -> parameters read in its body
	calls    map[string][]string        // function or method name -> package functions it names
	byPathID map[string]bool            // parameters read with pathID anywhere
}

// of returns the parameters fn reads itself or through the functions it names.
func (x pathReadIndex) of(fn string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(f string) {
		if seen[f] {
			return
		}
		seen[f] = true
		for name := range x.direct[f] {
			out[name] = true
		}
		for _, g := range x.calls[f] {
			walk(g)
		}
	}
	walk(fn)
	return out
}

// pathReads indexes every function and method of files. Methods are known by name
// alone, so methods of different types sharing a name count as one: that can only
// add reads, never hide one.
func pathReads(files []*ast.File) pathReadIndex {
	x := pathReadIndex{direct: map[string]map[string]bool{}, calls: map[string][]string{}, byPathID: map[string]bool{}}
	funcs := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = true
			}
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if x.direct[name] == nil {
				x.direct[name] = map[string]bool{}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if reader, param := pathRead(call); param != "" {
						x.direct[name][param] = true
						if reader == "pathID" {
							x.byPathID[param] = true
						}
					}
				}
				x.calls[name] = append(x.calls[name], referenced(n, funcs)...)
				return true
			})
		}
	}
	return x
}

// pathRead returns the reader and the parameter a call like c.pathID("plan_id")
// reads, or "" for any other call.
func pathRead(call *ast.CallExpr) (string, string) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !pathReaders[sel.Sel.Name] || len(call.Args) == 0 {
		return "", ""
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", ""
	}
	v, _ := strconv.Unquote(lit.Value)
	return sel.Sel.Name, v
}

// referenced returns the package functions node n names itself (an identifier or
// the selected name of a selector), not looking inside it.
func referenced(n ast.Node, funcs map[string]bool) []string {
	switch n := n.(type) {
	case *ast.Ident:
		if funcs[n.Name] {
			return []string{n.Name}
		}
	case *ast.SelectorExpr:
		if funcs[n.Sel.Name] {
			return []string{n.Sel.Name}
		}
	}
	return nil
}

// route is one s.route or s.plain call of Server.routes: its pattern and the package
// functions its handler expression names.
type route struct {
	pattern string
	uses    []string
}

// routeHandlers reads the routes Server.routes registers. Patterns are sums of
// string literals and constants; a handler built into a local variable first is
// followed to that variable's value.
func routeHandlers(t *testing.T, files []*ast.File) []route {
	t.Helper()
	funcs := map[string]bool{}
	consts := map[string]string{}
	var body *ast.BlockStmt
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = true
				if fd.Name.Name == "routes" && fd.Recv != nil {
					body = fd.Body
				}
			}
		}
	}
	if body == nil {
		t.Fatal("no Server.routes in the package")
	}
	names := func(e ast.Node) []string {
		var out []string
		ast.Inspect(e, func(n ast.Node) bool {
			out = append(out, referenced(n, funcs)...)
			return true
		})
		return out
	}
	locals := map[string][]string{}
	var out []route
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl: // const v3 = "/api/v3"
			for _, s := range n.Specs {
				if vs, ok := s.(*ast.ValueSpec); ok && n.Tok == token.CONST {
					for i, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok {
							consts[vs.Names[i].Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && i < len(n.Rhs) {
					locals[id.Name] = names(n.Rhs[i])
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "route" && sel.Sel.Name != "plain") || len(n.Args) < 2 {
				return true
			}
			r := route{pattern: constString(t, n.Args[0], consts), uses: names(n.Args[1])}
			ast.Inspect(n.Args[1], func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					r.uses = append(r.uses, locals[id.Name]...)
				}
				return true
			})
			out = append(out, r)
			return false
		}
		return true
	})
	return out
}

// constString evaluates a sum of string literals and the constants in consts.
func constString(t *testing.T, e ast.Expr, consts map[string]string) string {
	t.Helper()
	switch e := e.(type) {
	case *ast.BasicLit:
		v, err := strconv.Unquote(e.Value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	case *ast.Ident:
		v, ok := consts[e.Name]
		if !ok {
			t.Fatalf("route pattern uses %s, which is no constant of routes", e.Name)
		}
		return v
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return constString(t, e.X, consts) + constString(t, e.Y, consts)
		}
	case *ast.ParenExpr:
		return constString(t, e.X, consts)
	}
	t.Fatalf("route pattern %T is not a sum of strings", e)
	return ""
}

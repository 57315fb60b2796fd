package domain

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// messageConstants parses the package's Go files and returns every constant of type
// Message with its value, so a message added without texts cannot slip through.
func messageConstants(t *testing.T) map[string]Message {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Message{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, _ := vs.Type.(*ast.Ident)
				for i, id := range vs.Names {
					var value ast.Expr
					if i < len(vs.Values) {
						value = vs.Values[i]
					}
					if call, ok := value.(*ast.CallExpr); ok && isIdent(call.Fun, "Message") && len(call.Args) == 1 {
						value = call.Args[0]
					} else if typ == nil || typ.Name != "Message" {
						continue
					}
					lit, ok := value.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: constant %s is not a string literal", fset.Position(id.Pos()), id.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[id.Name] = Message(v)
				}
			}
		}
	}
	return out
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func TestMessageConstantsHaveTexts(t *testing.T) {
	consts := messageConstants(t)
	if len(consts) < 50 {
		t.Fatalf("found %d Message constants, want the whole catalogue: is the parser looking at the right files?", len(consts))
	}
	seen := map[Message]string{}
	for name, m := range consts {
		if !m.Known() {
			t.Errorf("%s (%q) lacks an English or Russian text", name, m)
		}
		if other, dup := seen[m]; dup {
			t.Errorf("%s and %s share the code %q", name, other, m)
		}
		seen[m] = name
	}
	// Nor does the catalogue hold texts no constant names.
	for m := range catalogue {
		if _, ok := seen[m]; !ok {
			t.Errorf("catalogue entry %q has no constant", m)
		}
	}
}

// fmtVerb matches one fmt verb of a text.
var fmtVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestMessageTranslationsAgree: both texts of a message take the same arguments, in
// the same order, so neither renders %!d(MISSING).
func TestMessageTranslationsAgree(t *testing.T) {
	for m, tx := range catalogue {
		en, ru := fmtVerb.FindAllString(tx.en, -1), fmtVerb.FindAllString(tx.ru, -1)
		if !slices.Equal(en, ru) {
			t.Errorf("%s: English verbs %v, Russian verbs %v", m, en, ru)
		}
		if strings.TrimSpace(tx.en) != tx.en || strings.TrimSpace(tx.ru) != tx.ru {
			t.Errorf("%s: texts have surrounding spaces", m)
		}
	}
}

// TestMessagesUsedAnywhereHaveTexts finds every Message("...") conversion of a
// literal in the module's code: a text made up on the spot must be in the catalogue
// too, or it reaches clients as its bare code.
func TestMessagesUsedAnywhereHaveTexts(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			isMessage := isIdent(call.Fun, "Message")
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Message" && isIdent(sel.X, "domain") {
				isMessage = true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !isMessage || !ok || lit.Kind != token.STRING {
				return true
			}
			if v, _ := strconv.Unquote(lit.Value); !Message(v).Known() {
				t.Errorf("%s: Message(%s) has no texts", fset.Position(call.Pos()), lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMessageText(t *testing.T) {
	cases := []struct {
		name   string
		m      Message
		locale Locale
		args   []any
		want   string
	}{
		{"English", MsgForbidden, LocaleEN, nil, "This action is forbidden"},
		{"Russian", MsgForbidden, LocaleRU, nil, "Это действие запрещено"},
		{"EnglishArgs", MsgPageSize, LocaleEN, []any{1000}, "must be an integer from 1 to 1000"},
		{"RussianArgs", MsgPageSize, LocaleRU, []any{1000}, "должно быть целым числом от 1 до 1000"},
		{"UnknownLocale", MsgForbidden, Locale("de"), nil, "This action is forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.Text(c.locale, c.args...); got != c.want {
				t.Fatalf("Text=%q, want %q", got, c.want)
			}
		})
	}
}

func TestParseLocale(t *testing.T) {
	cases := map[string]Locale{"": LocaleEN, "en": LocaleEN, "ru": LocaleRU, "RU": LocaleRU, " ru ": LocaleRU,
		"ru-RU": LocaleRU, "de": LocaleEN, "en-US": LocaleEN, "english": LocaleEN}
	for in, want := range cases {
		if got := ParseLocale(in); got != want {
			t.Errorf("ParseLocale(%q)=%q, want %q", in, got, want)
		}
	}
}

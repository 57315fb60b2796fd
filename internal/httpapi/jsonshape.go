package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// jsonShape is what the strict body reader knows of the Go type a JSON value is
// decoded into: a struct's members by their JSON names, or the shape of a slice's or
// map's elements. A nil or empty shape stands for any value, read without matching
// member names: the shape of interfaces, scalars and types with their own
// UnmarshalJSON.
type jsonShape struct {
	members map[string]*jsonShape // a struct's members; nil for anything else
	list    bool                  // a slice or array, whose elements are elem
	dict    bool                  // a map, whose values are elem
	elem    *jsonShape
}

// member returns the shape of the member name and, when name is not a member but
// differs from one only in case, that member's name: encoding/json would fill it.
func (sh *jsonShape) member(name string) (*jsonShape, string) {
	switch {
	case sh == nil:
		return nil, ""
	case sh.dict:
		return sh.elem, ""
	case sh.members == nil:
		return nil, ""
	}
	if m, ok := sh.members[name]; ok {
		return m, ""
	}
	for known := range sh.members {
		if strings.EqualFold(known, name) {
			return nil, known
		}
	}
	return nil, ""
}

// element returns the shape of the elements of an array.
func (sh *jsonShape) element() *jsonShape {
	if sh == nil || !sh.list {
		return nil
	}
	return sh.elem
}

// jsonShapes caches the shape of each decoded type: request types are few and fixed.
var jsonShapes sync.Map // reflect.Type -> *jsonShape

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// shapeOf returns the shape of t.
func shapeOf(t reflect.Type) *jsonShape {
	if sh, ok := jsonShapes.Load(t); ok {
		return sh.(*jsonShape)
	}
	sh := buildShape(t, map[reflect.Type]*jsonShape{})
	jsonShapes.Store(t, sh)
	return sh
}

// buildShape builds the shape of t; seen holds the shapes under construction, so a
// recursive type refers to itself rather than recursing for ever.
func buildShape(t reflect.Type, seen map[reflect.Type]*jsonShape) *jsonShape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return nil // the type reads its own JSON
	}
	if sh, ok := seen[t]; ok {
		return sh
	}
	sh := &jsonShape{}
	seen[t] = sh
	switch t.Kind() {
	case reflect.Struct:
		sh.members = map[string]*jsonShape{}
		addMembers(sh, t, 0, map[string]int{}, seen)
	case reflect.Slice, reflect.Array:
		sh.list, sh.elem = true, buildShape(t.Elem(), seen)
	case reflect.Map:
		sh.dict, sh.elem = true, buildShape(t.Elem(), seen)
	}
	return sh
}

// addMembers adds the JSON members of struct t, found depth embeddings down, to sh.
// As in encoding/json, an embedded struct without a JSON name lends its members,
// and a member nearer the top hides a deeper one of the same name (at records the
// depth each name was found at).
func addMembers(sh *jsonShape, t reflect.Type, depth int, at map[string]int, seen map[reflect.Type]*jsonShape) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if d, ok := at[name]; ok && d <= depth {
			continue
		}
		at[name] = depth
		sh.members[name] = buildShape(f.Type, seen)
	}
	for _, et := range embedded {
		addMembers(sh, et, depth+1, at, seen)
	}
}

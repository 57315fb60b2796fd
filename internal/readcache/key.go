package readcache

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Key returns a string that identifies the values given, by every field they hold:
// struct fields (exported or not), slice and array elements, map entries in key
// order, the values pointers and interfaces point at. Two calls return the same key
// exactly when their values are of the same types and equal field by field, so a
// query type that gains a field changes its keys without anyone remembering to.
// Each value's type is written once, and the type of whatever an interface holds:
// below that the static types fix the layout, and fields are written by position
// (a key is built on every cached read, so it spells out no names). Times compare
// by instant and zone name (unexported ones field by field); functions and channels
// are refused.
func Key(values ...any) string {
	var sb strings.Builder
	for _, v := range values {
		rv := reflect.ValueOf(v)
		if rv.IsValid() {
			sb.WriteString(rv.Type().String())
		}
		writeKey(&sb, rv)
		sb.WriteByte(';')
	}
	return sb.String()
}

var timeType = reflect.TypeFor[time.Time]()

func writeKey(sb *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		sb.WriteString("nil")
		return
	}
	if v.Type() == timeType && v.CanInterface() {
		t := v.Interface().(time.Time)
		fmt.Fprintf(sb, "time(%d %s)", t.UnixNano(), t.Location())
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		sb.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sb.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		sb.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		sb.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.String:
		sb.WriteString(strconv.Quote(v.String()))
	case reflect.Pointer:
		if v.IsNil() {
			sb.WriteString("nil")
			return
		}
		sb.WriteByte('&')
		writeKey(sb, v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			sb.WriteString("nil")
			return
		}
		sb.WriteString(v.Elem().Type().String()) // what it holds: 5 and "5" differ
		sb.WriteByte('(')
		writeKey(sb, v.Elem())
		sb.WriteByte(')')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			sb.WriteString("nil")
			return
		}
		sb.WriteByte('[')
		for i := range v.Len() {
			writeKey(sb, v.Index(i))
			sb.WriteByte(',')
		}
		sb.WriteByte(']')
	case reflect.Map:
		if v.IsNil() {
			sb.WriteString("nil")
			return
		}
		keys := make([]string, 0, v.Len())
		vals := make(map[string]reflect.Value, v.Len())
		for it := v.MapRange(); it.Next(); {
			var kb strings.Builder
			writeKey(&kb, it.Key())
			keys = append(keys, kb.String())
			vals[kb.String()] = it.Value()
		}
		slices.Sort(keys)
		sb.WriteByte('{')
		for _, k := range keys {
			sb.WriteString(k)
			sb.WriteByte(':')
			writeKey(sb, vals[k])
			sb.WriteByte(',')
		}
		sb.WriteByte('}')
	case reflect.Struct:
		sb.WriteByte('{')
		for i := range v.NumField() {
			writeKey(sb, v.Field(i))
			sb.WriteByte(',')
		}
		sb.WriteByte('}')
	default:
		panic(fmt.Sprintf("readcache: no key for a %s", v.Type()))
	}
}

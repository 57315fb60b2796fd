package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// oneOf returns the condition "expr equals one of values" with every value bound as
// the single parameter $n, and that parameter's value. A list of any length is the
// same SQL text, so one prepared statement serves every length and a client cannot
// grow the statement cache by varying them; nor does a long list run into the
// engines' caps on bound parameters (32,766 on SQLite, 65,535 on PostgreSQL).
//
// PostgreSQL binds a typed array and compares with = ANY, which an index on expr
// serves like an IN list. SQLite binds the values as a JSON array and reads them
// back with json_each; the planner turns the subquery into lookups in an index on
// expr when one exists (see TestOneOfUsesIndex). An empty list matches nothing.
//
// A list of one value is compared with = on PostgreSQL, the one other text a
// condition has. Its generic plan prices = ANY for an array of some length, so the
// plan for the array at hand always looked cheaper and was made afresh on every
// call: the reads of one subscription's resources, one order's lines and one account
// were each planned 3,000 times in 3,000 deliveries, at more than their execution
// cost (TestOneValueKeepsItsPlan). SQLite keeps json_each for one value: a bound id
// compared with = in a join is one SQLite plans with its value (see opaqueInt).
//
// A list of several ids ([]int64) has the same trouble: for two or three ids the plan
// for the array at hand is priced below the generic one, so a refresh's count of the
// accounts added to a page was planned on every call, for longer than it ran. The
// array reaches such a condition through a one-row subquery, which the planner
// cannot look into, so both plans are priced alike and the generic one is kept. It
// is an index's array condition either way. Lists of other values (the filters'
// enumerations) keep the plan for their values, which may pick another index.
func oneOf[T any](e Engine, expr string, n int, values []T) (string, any) {
	ph := "$" + strconv.Itoa(n)
	if e == Postgres {
		if len(values) == 1 {
			return expr + " = " + ph, pgValue(values[0])
		}
		if ids, ok := any(values).([]int64); ok {
			return expr + " = ANY(CAST((SELECT CAST(" + ph + " AS BIGINT[])) AS BIGINT[]))", ids
		}
		return expr + " = ANY(" + ph + ")", pgArray(values)
	}
	return expr + " IN (SELECT value FROM json_each(" + ph + "))", jsonArray(values)
}

// pgArray returns values as a slice pgx sends as a typed array. The values of one
// list share a type (domain.Condition: string, int64, bool or time.Time), and a
// slice of that type tells pgx the element type; a []any would not.
func pgArray[T any](values []T) any {
	vs, ok := any(values).([]any)
	if !ok {
		return values // already typed: []int64, []string
	}
	if len(vs) == 0 {
		return []string{} // matches nothing whatever the column's type
	}
	switch vs[0].(type) {
	case string:
		return typed[string](vs)
	case bool:
		return typed[bool](vs)
	case time.Time:
		out := make([]int64, len(vs))
		for i, v := range vs {
			out[i] = v.(time.Time).UnixMicro()
		}
		return out
	default:
		out := make([]int64, len(vs))
		for i, v := range vs {
			out[i] = toInt64(v)
		}
		return out
	}
}

// pgValue is v bound as pgArray binds each value of a list: times as microseconds,
// other integers as int64.
func pgValue[T any](v T) any {
	switch x := any(v).(type) {
	case string, bool, int64:
		return x
	case time.Time:
		return x.UnixMicro()
	default:
		return toInt64(x)
	}
}

func typed[E any](vs []any) []E {
	out := make([]E, len(vs))
	for i, v := range vs {
		out[i] = v.(E)
	}
	return out
}

// toInt64 returns an integer value of a list as int64; a value of any other type is
// a bug of the caller.
func toInt64(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case int32:
		return int64(v)
	}
	panic(fmt.Sprintf("store: list value %v of type %T", v, v))
}

// jsonArray returns values as the JSON array SQLite's json_each reads: strings as
// text, integers as integers, booleans as 1 and 0 (as SQLite stores them), times as
// microseconds (as the store keeps them).
func jsonArray[T any](values []T) string {
	out := make([]any, len(values))
	for i, v := range values {
		switch v := any(v).(type) {
		case time.Time:
			out[i] = v.UnixMicro()
		case bool:
			out[i] = 0
			if v {
				out[i] = 1
			}
		default:
			out[i] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("store: list values %v: %v", values, err)) // strings and numbers always marshal
	}
	return string(b)
}

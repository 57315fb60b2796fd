package httpapi

import (
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// filterKind says how a filter's value is parsed and compared.
type filterKind int

const (
	kindExact    filterKind = iota // comma list of strings, equality
	kindLower                      // comma list of strings compared lower-cased (e-mails, domains)
	kindUpper                      // comma list of strings compared upper-cased (codes)
	kindContains                   // one string, case-insensitive substring
	kindInt                        // comma list of integers, or [gt]/[lt]
	kindTime                       // a date or time, or [gt]/[lt]
	kindEnum                       // comma list of allowed values
	kindBool                       // true or false (a comma list of them is allowed)
	kindDate                       // a date (YYYY-MM-DD) of a date column, or [gt]/[lt]
	kindDays                       // comma list of dates (YYYY-MM-DD), equality
)

// filterSpec declares one filter of a list.
type filterSpec struct {
	kind   filterKind
	values []string // allowed values of kindEnum
}

// listSpec declares what a list endpoint accepts.
type listSpec struct {
	filters  map[string]filterSpec
	sorts    []string
	includes []string
	// legacy accepts the Customer Store catalogue's page/per_page, sorting[field],
	// sorting[reversed] and filters[x] besides the standard parameters.
	legacy bool
}

// listParams is a parsed list request.
type listParams struct {
	query    domain.ListQuery
	includes []string
	// fingerprint identifies the list, its filters and its sort, for the cursors of
	// its pages (see domain.ListQuery.Fingerprint).
	fingerprint string
}

// parseList reads paging, filters, sort and include from q against spec, for the
// list at scope (the request's path, and anything else that picks its rows). Times
// without a zone are read in loc. Every problem is reported, each naming its
// parameter, and all before the database is asked anything.
func parseList(q url.Values, spec listSpec, loc *time.Location, scope string) (listParams, error) {
	var (
		out  = listParams{query: domain.ListQuery{Page: domain.Page{Number: 1, Size: domain.DefaultPageSize}}}
		errs []error
	)
	fail := func(param string, msg domain.Message, args ...any) {
		errs = append(errs, domain.ParamError(param, msg, args...))
	}
	// param returns the value of a parameter the list reads; one given twice or
	// holding control characters is reported and then treated as absent.
	param := func(name string) (string, bool) {
		v, ok, err := queryValue(q, name)
		if err != nil {
			errs = append(errs, err)
			return "", false
		}
		return v, ok
	}
	intParam := func(name string, dst *int, lo, hi int, msg domain.Message, args ...any) {
		if v, ok := param(name); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				fail(name, msg, args...)
				return
			}
			*dst = n
		}
	}
	if spec.legacy {
		intParam("page", &out.query.Page.Number, 1, 1<<30, domain.MsgPageNumber)
		intParam("per_page", &out.query.Page.Size, 1, domain.MaxPageSize, domain.MsgPageSize, domain.MaxPageSize)
	}
	intParam("page[number]", &out.query.Page.Number, 1, 1<<30, domain.MsgPageNumber)
	intParam("page[size]", &out.query.Page.Size, 1, domain.MaxPageSize, domain.MsgPageSize, domain.MaxPageSize)

	for _, name := range sortedKeys(q) {
		prefix, _, _ := strings.Cut(name, "[")
		switch {
		case prefix == "page" && name != "page":
			if name != "page[number]" && name != "page[size]" && name != "page[after]" {
				fail(name, domain.MsgUnknownParameter)
			}
		case prefix == "filter" && name != "filter", spec.legacy && prefix == "filters" && name != "filters":
			if value, ok := param(name); ok {
				conds, err := parseFilter(name, prefix+"[", value, spec, loc)
				out.query.Conditions = append(out.query.Conditions, conds...)
				errs = append(errs, err)
			}
		}
	}

	if v, ok := param("sort"); ok {
		keys, err := parseSort(v, spec.sorts)
		out.query.Sort = keys
		errs = append(errs, err)
	}
	if spec.legacy {
		// sorting[reversed] alone turns the default order, by id, around.
		key := domain.SortKey{Field: "id"}
		switch v, _ := param("sorting[reversed]"); v {
		case "", "false":
		case "true":
			key.Desc = true
		default:
			fail("sorting[reversed]", domain.MsgInvalidBoolean)
		}
		if f, ok := param("sorting[field]"); ok {
			key.Field = f
			switch {
			case !contains(spec.sorts, key.Field):
				fail("sorting[field]", domain.MsgUnknownSort, key.Field, strings.Join(spec.sorts, ", "))
			case sortsBy(out.query.Sort, key.Field):
				fail("sorting[field]", domain.MsgDuplicateSortField, key.Field)
			default:
				out.query.Sort = append(out.query.Sort, key)
			}
		} else if key.Desc && len(out.query.Sort) == 0 {
			out.query.Sort = append(out.query.Sort, key)
		}
	}
	includes, err := parseInclude(q, spec.includes)
	out.includes = includes
	errs = append(errs, err)
	out.fingerprint = out.query.Fingerprint(scope)
	if token, ok := param("page[after]"); ok {
		_, number := q["page[number]"]
		_, legacy := q["page"]
		switch {
		case number || spec.legacy && legacy:
			fail("page[after]", domain.MsgCursorWithNumber)
		case errors.Join(errs...) == nil:
			// A cursor is checked against the list it names once the list is known.
			after, err := domain.ParseCursor(token, out.fingerprint)
			if err != nil {
				fail("page[after]", domain.MsgInvalidCursor)
			}
			out.query.Page.After = &after
		}
	}
	return out, firstProblems(errors.Join(errs...))
}

// maxQueryProblems is how many problems of one query string an answer lists, as many
// as of a body: thousands of unknown parameters are not answered with thousands of
// entries.
const maxQueryProblems = maxBodyProblems

// firstProblems keeps the first maxQueryProblems problems of err.
func firstProblems(err error) error {
	all := domain.Errors(err)
	if len(all) <= maxQueryProblems {
		return err
	}
	kept := make([]error, maxQueryProblems)
	for i, e := range all[:maxQueryProblems] {
		kept[i] = e
	}
	return errors.Join(kept...)
}

// queryValue returns the value of query parameter name and whether it was given.
// A parameter given twice is refused rather than read by its first value, and a
// value must be UTF-8 text without control characters: PostgreSQL refuses a NUL
// byte or malformed UTF-8 in text, and no list value has a use for them.
func queryValue(q url.Values, name string) (string, bool, error) {
	vs, ok := q[name]
	switch {
	case !ok:
		return "", false, nil
	case len(vs) > 1:
		return "", true, domain.ParamError(name, domain.MsgRepeatedParameter)
	case !plainText(vs[0]):
		return "", true, domain.ParamError(name, domain.MsgInvalidCharacters)
	}
	return vs[0], true, nil
}

// plainText reports whether s is text a list parameter may hold: domain.PlainText,
// and on one line, since no filter, sort or page value has a use for a tab or a
// line break.
func plainText(s string) bool {
	return domain.PlainText(s) && !strings.ContainsAny(s, "\t\n\r")
}

// parseSort reads the value of the sort parameter: at most domain.MaxSortFields
// fields of allowed, each named once, each optionally reversed by a leading '-'.
func parseSort(value string, allowed []string) ([]domain.SortKey, error) {
	// Counting the commas refuses thousands of terms without splitting them.
	if strings.Count(value, ",") >= domain.MaxSortFields {
		return nil, domain.ParamError("sort", domain.MsgTooManySortFields, domain.MaxSortFields)
	}
	var (
		keys  []domain.SortKey
		twice []string // fields already reported as named twice
		errs  []error
	)
	for _, f := range strings.Split(value, ",") {
		key := domain.SortKey{Field: strings.TrimSpace(f)}
		if strings.HasPrefix(key.Field, "-") {
			key.Field, key.Desc = key.Field[1:], true
		}
		switch {
		case !contains(allowed, key.Field):
			errs = append(errs, domain.ParamError("sort", domain.MsgUnknownSort, key.Field, strings.Join(allowed, ", ")))
		case !sortsBy(keys, key.Field):
			keys = append(keys, key)
		case !contains(twice, key.Field):
			twice = append(twice, key.Field)
			errs = append(errs, domain.ParamError("sort", domain.MsgDuplicateSortField, key.Field))
		}
	}
	return keys, errors.Join(errs...)
}

// sortsBy reports whether keys name field.
func sortsBy(keys []domain.SortKey, field string) bool {
	for _, k := range keys {
		if k.Field == field {
			return true
		}
	}
	return false
}

// parseInclude reads the include parameter against the allowed names; it is all a
// single-object GET reads of its query.
func parseInclude(q url.Values, allowed []string) ([]string, error) {
	v, ok, err := queryValue(q, "include")
	if err != nil || !ok || v == "" {
		return nil, err
	}
	if strings.Count(v, ",") >= domain.MaxIncludes {
		return nil, domain.ParamError("include", domain.MsgTooManyValues, domain.MaxIncludes)
	}
	var (
		out  []string
		errs []error
	)
	for _, inc := range strings.Split(v, ",") {
		inc = strings.TrimSpace(inc)
		switch {
		case !contains(allowed, inc):
			errs = append(errs, domain.ParamError("include", domain.MsgUnknownInclude, inc, strings.Join(allowed, ", ")))
		case !contains(out, inc):
			out = append(out, inc)
		}
	}
	return out, errors.Join(errs...)
}

// parseFilter reads one filter parameter such as filter[email] or filter[created_at][gt].
func parseFilter(name, prefix, value string, spec listSpec, loc *time.Location) ([]domain.Condition, error) {
	field, op, ok := splitFilter(name[len(prefix):])
	if !ok {
		return nil, domain.ParamError(name, domain.MsgUnknownFilter, strings.Join(filterNames(spec), ", "))
	}
	fs, known := spec.filters[field]
	if !known {
		return nil, domain.ParamError(name, domain.MsgUnknownFilter, strings.Join(filterNames(spec), ", "))
	}
	if op != "" && fs.kind != kindInt && fs.kind != kindTime && fs.kind != kindDate {
		return nil, domain.ParamError(name, domain.MsgRangeNotSupported)
	}
	values := splitList(value)
	if len(values) == 0 {
		return nil, domain.ParamError(name, domain.MsgBlank)
	}
	if op == "" && len(values) > domain.MaxFilterValues && fs.kind != kindContains && fs.kind != kindTime {
		return nil, domain.ParamError(name, domain.MsgTooManyValues, domain.MaxFilterValues)
	}
	switch fs.kind {
	case kindContains:
		return []domain.Condition{{Field: field, Op: domain.OpContains, Values: []any{value}}}, nil
	case kindExact, kindLower, kindUpper, kindEnum:
		var vals []any
		for _, v := range values {
			switch fs.kind {
			case kindLower:
				v = strings.ToLower(v)
			case kindUpper:
				v = strings.ToUpper(v)
			}
			if fs.kind == kindEnum && !contains(fs.values, v) {
				return nil, domain.ParamError(name, domain.MsgOneOf, strings.Join(fs.values, ", "))
			}
			vals = append(vals, v)
		}
		return []domain.Condition{{Field: field, Op: domain.OpIn, Values: vals}}, nil
	case kindDays:
		// Each day is checked, so a value that can never match a day is refused
		// rather than answered with an empty page.
		var vals []any
		for _, v := range values {
			d, err := domain.ParseDate(v)
			if err != nil {
				return nil, domain.ParamError(name, domain.MsgInvalidDate)
			}
			vals = append(vals, d.String())
		}
		return []domain.Condition{{Field: field, Op: domain.OpIn, Values: vals}}, nil
	case kindBool:
		var vals []any
		for _, v := range values {
			if v != "true" && v != "false" {
				return nil, domain.ParamError(name, domain.MsgInvalidBoolean)
			}
			vals = append(vals, v == "true")
		}
		return []domain.Condition{{Field: field, Op: domain.OpIn, Values: vals}}, nil
	case kindInt:
		var vals []any
		for _, v := range values {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, domain.ParamError(name, domain.MsgInvalidInteger)
			}
			vals = append(vals, n)
		}
		if op != "" {
			if len(vals) != 1 {
				return nil, domain.ParamError(name, domain.MsgInvalidInteger)
			}
			return []domain.Condition{{Field: field, Op: rangeOp(op), Values: vals}}, nil
		}
		return []domain.Condition{{Field: field, Op: domain.OpIn, Values: vals}}, nil
	case kindDate:
		d, err := domain.ParseDate(value)
		if err != nil {
			return nil, domain.ParamError(name, domain.MsgInvalidDate)
		}
		switch op {
		case "":
			return []domain.Condition{{Field: field, Op: domain.OpIn, Values: []any{d.String()}}}, nil
		case "lt":
			// A date column holds '' while unset, which sorts before every date.
			return []domain.Condition{{Field: field, Op: domain.OpLt, Values: []any{d.String()}},
				{Field: field, Op: domain.OpGt, Values: []any{""}}}, nil
		}
		return []domain.Condition{{Field: field, Op: domain.OpGt, Values: []any{d.String()}}}, nil
	case kindTime:
		t, span, err := parseTime(value, loc)
		if err != nil {
			return nil, domain.ParamError(name, domain.MsgInvalidDate)
		}
		if op != "" {
			return []domain.Condition{{Field: field, Op: rangeOp(op), Values: []any{t}}}, nil
		}
		return []domain.Condition{
			{Field: field, Op: domain.OpGe, Values: []any{t}},
			{Field: field, Op: domain.OpLt, Values: []any{t.Add(span)}},
		}, nil
	}
	return nil, domain.ParamError(name, domain.MsgUnknownFilter, strings.Join(filterNames(spec), ", "))
}

// splitFilter splits "created_at][gt]" (what follows "filter[") into its field and
// range operator.
func splitFilter(rest string) (field, op string, ok bool) {
	field, rest, ok = strings.Cut(rest, "]")
	if !ok || field == "" {
		return "", "", false
	}
	switch rest {
	case "":
		return field, "", true
	case "[gt]", "[lt]":
		return field, rest[1:3], true
	}
	return "", "", false
}

func rangeOp(op string) domain.Op {
	if op == "gt" {
		return domain.OpGt
	}
	return domain.OpLt
}

// parseTime reads the three documented forms: a date (midnight in loc, spanning to
// the next midnight, which is 23 or 25 hours away on the days daylight saving time
// changes), a local date-time (in loc, spanning a second) and an RFC 3339 time
// (spanning a second, or a millisecond when it has a fraction). Query strings turn
// '+' into a space, so a space before the offset is read as '+'.
func parseTime(v string, loc *time.Location) (time.Time, time.Duration, error) {
	if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		return t, t.AddDate(0, 0, 1).Sub(t), nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", v, loc); err == nil {
		return t, time.Second, nil
	}
	if i := strings.LastIndexByte(v, ' '); i > 0 {
		v = v[:i] + "+" + v[i+1:]
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, 0, err
	}
	if strings.Contains(v, ".") {
		return t, time.Millisecond, nil
	}
	return t, time.Second, nil
}

func splitList(v string) []string {
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func filterNames(spec listSpec) []string {
	out := make([]string, 0, len(spec.filters))
	for k := range spec.filters {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(q url.Values) []string {
	out := make([]string, 0, len(q))
	for k := range q {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// requiredIDParam reads the id in query parameter name, which must be given.
func requiredIDParam(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, domain.ParamError(name, domain.MsgRequired)
	}
	return positiveParam(v, name)
}

// positiveParam reads v, a value of query parameter name, as an id.
func positiveParam(v, name string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.ParamError(name, domain.MsgInvalidID)
	}
	return id, nil
}

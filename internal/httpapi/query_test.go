package httpapi

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone tests must not depend on the machine's zoneinfo

	"github.com/cascade-billing/cascade/internal/domain"
)

// testList has a filter of every kind.
var testList = listSpec{
	filters: map[string]filterSpec{
		"id":         {kind: kindInt},
		"key":        {kind: kindExact},
		"email":      {kind: kindLower},
		"code":       {kind: kindUpper},
		"name":       {kind: kindContains},
		"status":     {kind: kindEnum, values: []string{"active", "inactive"}},
		"created_at": {kind: kindTime},
	},
	sorts:    []string{"id", "name", "created_at"},
	includes: []string{"parent", "reseller"},
}

var testLegacyList = func() listSpec {
	l := testList
	l.legacy = true
	return l
}()

// msk is UTC+3 all year, the installation zone of these tests.
var msk = time.FixedZone("MSK", 3*60*60)

// describe renders parsed list parameters one line per part, so a failure reads
// like the query.
func describe(p listParams) []string {
	out := []string{fmt.Sprintf("page %d size %d", p.query.Page.Number, p.query.Page.Size)}
	ops := map[domain.Op]string{domain.OpIn: "in", domain.OpGt: ">", domain.OpGe: ">=", domain.OpLt: "<",
		domain.OpContains: "contains"}
	for _, c := range p.query.Conditions {
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			switch v := v.(type) {
			case time.Time:
				vals[i] = v.UTC().Format(time.RFC3339Nano)
			case string:
				vals[i] = fmt.Sprintf("%q", v)
			default:
				vals[i] = fmt.Sprintf("%v", v)
			}
		}
		out = append(out, c.Field+" "+ops[c.Op]+" "+strings.Join(vals, ","))
	}
	for _, k := range p.query.Sort {
		dir := "asc"
		if k.Desc {
			dir = "desc"
		}
		out = append(out, "sort "+k.Field+" "+dir)
	}
	for _, inc := range p.includes {
		out = append(out, "include "+inc)
	}
	return out
}

func TestParseList(t *testing.T) {
	cases := []struct {
		name   string
		query  string // as it arrives: url.ParseQuery turns '+' into a space
		legacy bool
		want   []string
	}{
		{"Defaults", "", false, []string{"page 1 size 50"}},
		{"Page", "page[number]=3&page[size]=20", false, []string{"page 3 size 20"}},
		{"SmallestPage", "page[size]=1", false, []string{"page 1 size 1"}},
		{"LargestPage", "page[size]=1000", false, []string{"page 1 size 1000"}},
		{"OtherParametersIgnored", "foo=bar&filterx=1&sorting[field]=name&filters[email]=a", false, []string{"page 1 size 50"}},
		{"LegacyIgnoredOnStandardLists", "page=2&per_page=10", false, []string{"page 1 size 50"}},
		{"Exact", "filter[key]=A,b", false, []string{"page 1 size 50", `key in "A","b"`}},
		{"ExactTrimsAndSkipsEmpty", "filter[key]= a ,,b", false, []string{"page 1 size 50", `key in "a","b"`}},
		{"Lower", "filter[email]=A@X.com,b@y.COM", false, []string{"page 1 size 50", `email in "a@x.com","b@y.com"`}},
		{"Upper", "filter[code]=eur,Usd", false, []string{"page 1 size 50", `code in "EUR","USD"`}},
		{"ContainsIsOneValue", "filter[name]=Foo,Bar", false, []string{"page 1 size 50", `name contains "Foo,Bar"`}},
		{"Enum", "filter[status]=active,inactive", false, []string{"page 1 size 50", `status in "active","inactive"`}},
		{"IntList", "filter[id]=1,2,3", false, []string{"page 1 size 50", "id in 1,2,3"}},
		{"IntGt", "filter[id][gt]=5", false, []string{"page 1 size 50", "id > 5"}},
		{"IntLt", "filter[id][lt]=5", false, []string{"page 1 size 50", "id < 5"}},
		{"IntRange", "filter[id][lt]=9&filter[id][gt]=1", false, []string{"page 1 size 50", "id > 1", "id < 9"}},
		{"IntAndRange", "filter[id]=4&filter[id][gt]=1", false, []string{"page 1 size 50", "id in 4", "id > 1"}},
		{"Date", "filter[created_at]=2024-03-01", false,
			[]string{"page 1 size 50", "created_at >= 2024-02-29T21:00:00Z", "created_at < 2024-03-01T21:00:00Z"}},
		{"LocalDateTime", "filter[created_at]=2024-03-01T10:00:00", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T07:00:00Z", "created_at < 2024-03-01T07:00:01Z"}},
		{"RFC3339Z", "filter[created_at]=2024-03-01T10:00:00Z", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T10:00:00Z", "created_at < 2024-03-01T10:00:01Z"}},
		{"RFC3339Offset", "filter[created_at]=2024-03-01T10:00:00%2B03:00", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T07:00:00Z", "created_at < 2024-03-01T07:00:01Z"}},
		{"RFC3339PlusAsSpace", "filter[created_at]=2024-03-01T10:00:00+03:00", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T07:00:00Z", "created_at < 2024-03-01T07:00:01Z"}},
		{"RFC3339NegativeOffset", "filter[created_at]=2024-03-01T10:00:00-05:00", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T15:00:00Z", "created_at < 2024-03-01T15:00:01Z"}},
		{"RFC3339Fraction", "filter[created_at]=2024-03-01T10:00:00.250Z", false,
			[]string{"page 1 size 50", "created_at >= 2024-03-01T10:00:00.25Z", "created_at < 2024-03-01T10:00:00.251Z"}},
		{"DateGt", "filter[created_at][gt]=2024-03-01", false, []string{"page 1 size 50", "created_at > 2024-02-29T21:00:00Z"}},
		{"LocalLt", "filter[created_at][lt]=2024-03-01T10:00:00", false, []string{"page 1 size 50", "created_at < 2024-03-01T07:00:00Z"}},
		{"RFC3339Range", "filter[created_at][gt]=2024-03-01T00:00:00Z&filter[created_at][lt]=2024-03-02T00:00:00+01:00", false,
			[]string{"page 1 size 50", "created_at > 2024-03-01T00:00:00Z", "created_at < 2024-03-01T23:00:00Z"}},
		{"Sort", "sort=name,-created_at", false, []string{"page 1 size 50", "sort name asc", "sort created_at desc"}},
		{"SortWithSpaces", "sort=id,+-name", false, []string{"page 1 size 50", "sort id asc", "sort name desc"}},
		{"Include", "include=parent,reseller,parent", false, []string{"page 1 size 50", "include parent", "include reseller"}},
		{"EmptyInclude", "include=", false, []string{"page 1 size 50"}},
		{"Everything", "page[size]=5&page[number]=2&filter[email]=A@b.co&sort=-id&include=parent", false,
			[]string{"page 2 size 5", `email in "a@b.co"`, "sort id desc", "include parent"}},
		{"LegacyPage", "page=2&per_page=10", true, []string{"page 2 size 10"}},
		{"LegacyStandardWins", "page=2&page[number]=3&per_page=10&page[size]=20", true, []string{"page 3 size 20"}},
		{"LegacySorting", "sorting[field]=name&sorting[reversed]=true", true, []string{"page 1 size 50", "sort name desc"}},
		{"LegacySortingNotReversed", "sorting[field]=name&sorting[reversed]=false", true, []string{"page 1 size 50", "sort name asc"}},
		{"LegacySortingDefault", "sorting[field]=id", true, []string{"page 1 size 50", "sort id asc"}},
		{"LegacyFilters", "filters[email]=A@b.co&filters[id][gt]=3", true,
			[]string{"page 1 size 50", `email in "a@b.co"`, "id > 3"}},
		{"LegacyAndStandardSort", "sort=id&sorting[field]=name", true, []string{"page 1 size 50", "sort id asc", "sort name asc"}},
		{"NonASCII", "filter[name]=%D0%81%C3%BC%E6%97%A5&filter[key]=%EF%BF%BD", false,
			[]string{"page 1 size 50", "key in \"\ufffd\"", `name contains "Ёü日"`}},
		{"RepeatedIgnoredParameter", "foo=1&foo=2&filter=1&filter=2&filters[x]=1&filters[x]=2", false, []string{"page 1 size 50"}},
		{"ControlInIgnoredParameter", "foo=%00&sorting[field]=%00", false, []string{"page 1 size 50"}},
		{"MostSortFields", "sort=id,-name,created_at", false, []string{"page 1 size 50", "sort id asc", "sort name desc", "sort created_at asc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			spec := testList
			if c.legacy {
				spec = testLegacyList
			}
			p, err := parseList(q, spec, msk, "")
			if err != nil {
				t.Fatalf("parseList(%q): %v", c.query, err)
			}
			if got := describe(p); !slices.Equal(got, c.want) {
				t.Fatalf("parseList(%q)\n got %q\nwant %q", c.query, got, c.want)
			}
		})
	}
}

func TestParseListErrors(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		legacy bool
		want   []string // "parameter code", in order
	}{
		{"ErrPageSizeZero", "page[size]=0", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageSizeNegative", "page[size]=-1", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageSizeTooLarge", "page[size]=1001", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageSizeNotInteger", "page[size]=ten", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageSizeFraction", "page[size]=1.5", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageSizeEmpty", "page[size]=", false, []string{"page[size] invalid_page_size"}},
		{"ErrPageNumberZero", "page[number]=0", false, []string{"page[number] invalid_page_number"}},
		{"ErrPageNumberNegative", "page[number]=-3", false, []string{"page[number] invalid_page_number"}},
		{"ErrPageNumberNotInteger", "page[number]=last", false, []string{"page[number] invalid_page_number"}},
		{"ErrPageUnknown", "page[offset]=10", false, []string{"page[offset] unknown_parameter"}},
		{"ErrCursorGarbage", "page[after]=nope", false, []string{"page[after] invalid_cursor"}},
		{"ErrCursorEmpty", "page[after]=", false, []string{"page[after] invalid_cursor"}},
		{"ErrCursorOfAnotherSort", "sort=-id&page[after]=" + domain.Cursor{ID: 3}.Token(domain.ListQuery{}.Fingerprint("")), false,
			[]string{"page[after] invalid_cursor"}},
		{"ErrCursorWithNumber", "page[number]=2&page[after]=" + domain.Cursor{ID: 3}.Token(domain.ListQuery{}.Fingerprint("")), false,
			[]string{"page[after] cursor_with_page_number"}},
		{"ErrCursorWithLegacyPage", "page=2&page[after]=x", true, []string{"page[after] cursor_with_page_number"}},
		{"ErrCursorRepeated", "page[after]=a&page[after]=b", false, []string{"page[after] repeated_parameter"}},
		{"ErrLegacyPerPageZero", "per_page=0", true, []string{"per_page invalid_page_size"}},
		{"ErrLegacyPerPageTooLarge", "per_page=5000", true, []string{"per_page invalid_page_size"}},
		{"ErrLegacyPageZero", "page=0", true, []string{"page invalid_page_number"}},
		{"ErrUnknownFilter", "filter[nope]=1", false, []string{"filter[nope] unknown_filter"}},
		{"ErrLegacyUnknownFilter", "filters[nope]=1", true, []string{"filters[nope] unknown_filter"}},
		{"ErrEmptyFilterField", "filter[]=1", false, []string{"filter[] unknown_filter"}},
		{"ErrUnknownRange", "filter[id][ge]=1", false, []string{"filter[id][ge] unknown_filter"}},
		{"ErrTextAfterField", "filter[id]x=1", false, []string{"filter[id]x unknown_filter"}},
		{"ErrUnclosedField", "filter[id=1", false, []string{"filter[id unknown_filter"}},
		{"ErrRangeOnContains", "filter[name][gt]=a", false, []string{"filter[name][gt] range_not_supported"}},
		{"ErrRangeOnEnum", "filter[status][lt]=active", false, []string{"filter[status][lt] range_not_supported"}},
		{"ErrRangeOnExact", "filter[key][gt]=a", false, []string{"filter[key][gt] range_not_supported"}},
		{"ErrEmptyValue", "filter[name]=", false, []string{"filter[name] blank"}},
		{"ErrBlankValue", "filter[email]=+", false, []string{"filter[email] blank"}},
		{"ErrOnlyCommas", "filter[id]=,+,", false, []string{"filter[id] blank"}},
		{"ErrEmptyRange", "filter[created_at][gt]=", false, []string{"filter[created_at][gt] blank"}},
		{"ErrEnumValue", "filter[status]=deleted", false, []string{"filter[status] not_in_list"}},
		{"ErrEnumOneOfMany", "filter[status]=active,deleted", false, []string{"filter[status] not_in_list"}},
		{"ErrEnumCase", "filter[status]=Active", false, []string{"filter[status] not_in_list"}},
		{"ErrIntList", "filter[id]=1,x", false, []string{"filter[id] invalid_integer"}},
		{"ErrIntFraction", "filter[id]=1.5", false, []string{"filter[id] invalid_integer"}},
		{"ErrIntRangeList", "filter[id][gt]=1,2", false, []string{"filter[id][gt] invalid_integer"}},
		{"ErrDate", "filter[created_at]=2024-02-30", false, []string{"filter[created_at] invalid_date"}},
		{"ErrDateWord", "filter[created_at]=tomorrow", false, []string{"filter[created_at] invalid_date"}},
		{"ErrDateRange", "filter[created_at][lt]=03/01/2024", false, []string{"filter[created_at][lt] invalid_date"}},
		{"ErrUnknownSort", "sort=email", false, []string{"sort unknown_sort"}},
		{"ErrUnknownSortDesc", "sort=-email", false, []string{"sort unknown_sort"}},
		{"ErrEmptySort", "sort=", false, []string{"sort unknown_sort"}},
		{"ErrOneOfSeveralSorts", "sort=id,bogus", false, []string{"sort unknown_sort"}},
		{"ErrLegacySortingField", "sorting[field]=email", true, []string{"sorting[field] unknown_sort"}},
		{"ErrLegacySortingReversed", "sorting[field]=name&sorting[reversed]=yes", true,
			[]string{"sorting[reversed] invalid_boolean"}},
		{"ErrUnknownInclude", "include=children", false, []string{"include unknown_include"}},
		{"ErrOneOfSeveralIncludes", "include=parent,children", false, []string{"include unknown_include"}},
		{"ErrElevenIncludes", "include=" + strings.Repeat("parent,", 10) + "parent", false, []string{"include too_many_values"}},
		{"ErrThousandsOfIncludes", "include=" + strings.Repeat("x,", 2000), false, []string{"include too_many_values"}},
		{"ErrTooManyValues", "filter[id]=" + strings.Repeat("1,", 1001), false, []string{"filter[id] too_many_values"}},
		{"ErrTooManyStrings", "filter[key]=" + strings.Repeat("a,", 1001), false, []string{"filter[key] too_many_values"}},
		{"ErrTooManyEnum", "filter[status]=" + strings.Repeat("active,", 1001), false, []string{"filter[status] too_many_values"}},
		{"ErrTooManyLegacy", "filters[email]=" + strings.Repeat("a@b.c,", 65536), true, []string{"filters[email] too_many_values"}},
		{"ErrManyValuesInRange", "filter[id][gt]=" + strings.Repeat("1,", 1001), false, []string{"filter[id][gt] invalid_integer"}},
		{"ErrElevenSortFields", "sort=" + strings.Repeat("id,", 10) + "id", false, []string{"sort too_many_sort_fields"}},
		{"ErrThousandsOfSortFields", "sort=" + strings.Repeat("x,", 2000), false, []string{"sort too_many_sort_fields"}},
		{"ErrDuplicateSort", "sort=name,-name", false, []string{"sort duplicate_sort_field"}},
		{"ErrDuplicateSortOnce", "sort=id,id,id,name,name", false, []string{"sort duplicate_sort_field", "sort duplicate_sort_field"}},
		{"ErrLegacyDuplicateSort", "sort=-name&sorting[field]=name", true, []string{"sorting[field] duplicate_sort_field"}},
		{"ErrRepeatedFilter", "filter[id]=1&filter[id]=2", false, []string{"filter[id] repeated_parameter"}},
		{"ErrRepeatedSameValue", "filter[key]=a&filter%5Bkey%5D=a", false, []string{"filter[key] repeated_parameter"}},
		{"ErrRepeatedSort", "sort=id&sort=name", false, []string{"sort repeated_parameter"}},
		{"ErrRepeatedInclude", "include=parent&include=reseller", false, []string{"include repeated_parameter"}},
		{"ErrRepeatedPageSize", "page[size]=1&page[size]=1", false, []string{"page[size] repeated_parameter"}},
		{"ErrRepeatedLegacy", "per_page=1&per_page=2&page=1&page=1&sorting[field]=id&sorting[field]=id&sorting[reversed]=true&sorting[reversed]=true&filters[id]=1&filters[id]=2",
			true, []string{"page repeated_parameter", "per_page repeated_parameter", "filters[id] repeated_parameter",
				"sorting[reversed] repeated_parameter", "sorting[field] repeated_parameter"}},
		{"ErrNUL", "filter[name]=a%00", false, []string{"filter[name] invalid_characters"}},
		{"ErrControl", "filter[key]=%1F", false, []string{"filter[key] invalid_characters"}},
		{"ErrNewline", "filter[email]=a%0A", false, []string{"filter[email] invalid_characters"}},
		{"ErrDEL", "sort=id%7F", false, []string{"sort invalid_characters"}},
		{"ErrInvalidUTF8", "filter[name]=%FF", false, []string{"filter[name] invalid_characters"}},
		{"ErrTruncatedUTF8", "filter[name]=%D0", false, []string{"filter[name] invalid_characters"}},
		{"ErrControlInPage", "page[number]=%00", false, []string{"page[number] invalid_characters"}},
		{"ErrControlInInclude", "include=%00", false, []string{"include invalid_characters"}},
		{"ErrControlLegacy", "filters[key]=%00&sorting[field]=%7F&sorting[reversed]=%FF&per_page=%01", true, []string{
			"per_page invalid_characters", "filters[key] invalid_characters", "sorting[reversed] invalid_characters",
			"sorting[field] invalid_characters"}},
		{"ErrEverything", "page[size]=0&page[number]=0&filter[x]=1&filter[id]=a&sort=y&include=z", false, []string{
			"page[number] invalid_page_number", "page[size] invalid_page_size", "filter[id] invalid_integer",
			"filter[x] unknown_filter", "sort unknown_sort", "include unknown_include"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			spec := testList
			if c.legacy {
				spec = testLegacyList
			}
			_, err = parseList(q, spec, msk, "")
			if err == nil {
				t.Fatalf("parseList(%q) succeeded, want %v", c.query, c.want)
			}
			var got []string
			for _, e := range domain.Errors(err) {
				if e.Code != domain.ErrBadRequest {
					t.Errorf("%s: code=%q, want %q", e.Parameter, e.Code, domain.ErrBadRequest)
				}
				if e.Pointer != "" || e.Header != "" {
					t.Errorf("%s: pointer=%q header=%q, want only a parameter", e.Parameter, e.Pointer, e.Header)
				}
				got = append(got, e.Parameter+" "+e.Reason)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("parseList(%q)\n got %q\nwant %q", c.query, got, c.want)
			}
		})
	}
}

// TestParseListProblemCap lists at most maxQueryProblems problems of one query.
func TestParseListProblemCap(t *testing.T) {
	q := url.Values{}
	for i := range 5000 {
		q.Set(fmt.Sprintf("filter[f%d]", i), "1")
		q.Set(fmt.Sprintf("page[p%d]", i), "1")
	}
	_, err := parseList(q, testList, msk, "")
	if got := len(domain.Errors(err)); got != maxQueryProblems {
		t.Fatalf("got %d problems, want %d", got, maxQueryProblems)
	}
}

// TestParseListMessages checks the texts that tell a caller what is allowed.
func TestParseListMessages(t *testing.T) {
	cases := []struct{ query, want string }{
		{"filter[nope]=1", "is not a filter of this list; known filters: code, created_at, email, id, key, name, status"},
		{"sort=email", `does not allow sorting by "email"; sortable fields: id, name, created_at`},
		{"include=children", `does not allow including "children"; includable: parent, reseller`},
		{"filter[status]=x", "must be one of: active, inactive"},
		{"page[size]=0", "must be an integer from 1 to 1000"},
		{"filter[id]=" + strings.Repeat("7,", 1001), "must list at most 1000 values"},
		{"sort=" + strings.Repeat("id,", 11), "must name at most 10 fields"},
		{"sort=name,-name", `names the field "name" more than once`},
		{"sort=id&sort=id", "must be given at most once"},
		{"filter[name]=%00", "must be UTF-8 text without control characters"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			q, _ := url.ParseQuery(c.query)
			_, err := parseList(q, testList, msk, "")
			errs := domain.Errors(err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), err)
			}
			if got := errs[0].Message.Text(domain.LocaleEN, errs[0].Args...); got != c.want {
				t.Fatalf("text=%q, want %q", got, c.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		value string
		loc   *time.Location
		want  string // UTC
		span  time.Duration
	}{
		{"Date", "2024-03-01", msk, "2024-02-29T21:00:00Z", 24 * time.Hour},
		{"DateUTC", "2024-03-01", time.UTC, "2024-03-01T00:00:00Z", 24 * time.Hour},
		{"DateSpringForward", "2024-03-10", newYork, "2024-03-10T05:00:00Z", 23 * time.Hour},
		{"DateFallBack", "2024-11-03", newYork, "2024-11-03T04:00:00Z", 25 * time.Hour},
		{"LocalDateTime", "2024-03-01T10:00:00", msk, "2024-03-01T07:00:00Z", time.Second},
		{"LocalDateTimeDST", "2024-07-01T10:00:00", newYork, "2024-07-01T14:00:00Z", time.Second},
		{"RFC3339Z", "2024-03-01T10:00:00Z", msk, "2024-03-01T10:00:00Z", time.Second},
		{"RFC3339Offset", "2024-03-01T10:00:00+03:00", time.UTC, "2024-03-01T07:00:00Z", time.Second},
		{"RFC3339PlusAsSpace", "2024-03-01T10:00:00 03:00", time.UTC, "2024-03-01T07:00:00Z", time.Second},
		{"RFC3339NegativeOffset", "2024-03-01T10:00:00-05:30", time.UTC, "2024-03-01T15:30:00Z", time.Second},
		{"RFC3339Millis", "2024-03-01T10:00:00.123Z", time.UTC, "2024-03-01T10:00:00.123Z", time.Millisecond},
		{"RFC3339MillisPlusAsSpace", "2024-03-01T10:00:00.123 03:00", time.UTC, "2024-03-01T07:00:00.123Z", time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, span, err := parseTime(c.value, c.loc)
			if err != nil {
				t.Fatalf("parseTime(%q): %v", c.value, err)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != c.want || span != c.span {
				t.Fatalf("parseTime(%q)=%s, %v; want %s, %v", c.value, s, span, c.want, c.span)
			}
		})
	}
	for _, bad := range []string{"", "now", "2024-02-30", "2024-3-1", "01.03.2024", "2024-03-01 10:00:00",
		"2024-03-01T10:00", "2024-03-01T25:00:00", "2024-03-01T10:00:00+3", "2024-03-01T10:00:00 ", "20240301"} {
		t.Run("Err"+bad, func(t *testing.T) {
			if got, _, err := parseTime(bad, msk); err == nil {
				t.Fatalf("parseTime(%q)=%v, want an error", bad, got)
			}
		})
	}
}

func TestSplitFilter(t *testing.T) {
	cases := []struct {
		rest, field, op string
		ok              bool
	}{
		{"name]", "name", "", true},
		{"created_at][gt]", "created_at", "gt", true},
		{"created_at][lt]", "created_at", "lt", true},
		{"id][ge]", "", "", false},
		{"id][gt", "", "", false},
		{"id][gt][lt]", "", "", false},
		{"id]x", "", "", false},
		{"]", "", "", false},
		{"][gt]", "", "", false},
		{"name", "", "", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.rest, func(t *testing.T) {
			field, op, ok := splitFilter(c.rest)
			if field != c.field || op != c.op || ok != c.ok {
				t.Fatalf("splitFilter(%q)=%q, %q, %v; want %q, %q, %v", c.rest, field, op, ok, c.field, c.op, c.ok)
			}
		})
	}
}

// TestParseListCursor checks that a cursor made for a list's filters and sort is read
// back with its keys and id.
func TestParseListCursor(t *testing.T) {
	q, _ := url.ParseQuery("sort=-name&filter[id]=1,2")
	p, err := parseList(q, testList, msk, "/x")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Cursor{Keys: []any{"zoë"}, ID: 42}
	q.Set("page[after]", want.Token(p.fingerprint))
	p, err = parseList(q, testList, msk, "/x")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.query.Page.After; got == nil || got.ID != 42 || len(got.Keys) != 1 || got.Keys[0] != "zoë" {
		t.Fatalf("cursor %+v, want %+v", got, want)
	}
	if _, err := parseList(q, testList, msk, "/y"); err == nil {
		t.Fatal("the cursor of /x was accepted on /y")
	}
}

package catalogfile

import (
	"strconv"
	"strings"
)

// path names a place in the document, both ways it is shown: dotted for people
// (plans[2].periods[0].recurring_fee) and as a JSON pointer for the API
// (/plans/2/periods/0/recurring_fee).
type path []segment

// segment is a field name, or an index when index >= 0.
type segment struct {
	name  string
	index int
}

func (p path) field(name string) path {
	return append(p[:len(p):len(p)], segment{name: name, index: -1})
}

func (p path) item(i int) path {
	return append(p[:len(p):len(p)], segment{index: i})
}

// Dotted renders p for people.
func (p path) Dotted() string {
	var sb strings.Builder
	for _, s := range p {
		if s.index >= 0 {
			sb.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(s.name)
	}
	return sb.String()
}

// Pointer renders p as a JSON pointer (RFC 6901); the whole document is "".
func (p path) Pointer() string {
	var sb strings.Builder
	for _, s := range p {
		sb.WriteByte('/')
		if s.index >= 0 {
			sb.WriteString(strconv.Itoa(s.index))
			continue
		}
		sb.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s.name))
	}
	return sb.String()
}

// Pos is where something stands in the document.
type Pos struct {
	Path         path
	Line, Column int
}

package store

import (
	"strconv"
	"strings"
)

// writeTuple writes the placeholders of one row of a multi-row VALUES list to sb:
// "($first, ..., $first+n-1)", after a comma unless it is the first row (the rows
// being the statement's only parameters, the first starts at $1).
func writeTuple(sb *strings.Builder, first, n int) {
	if first > 1 {
		sb.WriteString(", ")
	}
	sb.WriteByte('(')
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(first + i))
	}
	sb.WriteByte(')')
}

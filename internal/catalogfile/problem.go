package catalogfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Problem is one thing wrong with a catalogue file.
type Problem struct {
	Line, Column int    // 1-based; Column 0 when unknown
	Path         string // dotted, e.g. plans[2].periods[0].recurring_fee; "" for the document
	Pointer      string // the same place as a JSON pointer
	Message      domain.Message
	Args         []any
	// Syntax marks a document that is not YAML at all: there is nothing to point into.
	Syntax bool
}

// Text renders the problem's reason in locale l.
func (p Problem) Text(l domain.Locale) string { return p.Message.Text(l, p.Args...) }

// String renders "LINE:COL: path: reason" in English.
func (p Problem) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d:", p.Line)
	if p.Column > 0 {
		fmt.Fprintf(&sb, "%d:", p.Column)
	}
	sb.WriteByte(' ')
	if p.Path != "" {
		sb.WriteString(p.Path + ": ")
	}
	sb.WriteString(p.Text(domain.LocaleEN))
	return sb.String()
}

// Invalid is a refused catalogue file with every problem found in it, in document
// order. It unwraps to one *domain.Error per problem, so the API renders each with its
// pointer, line and column.
type Invalid struct{ Problems []Problem }

func (e *Invalid) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid catalogue:\n" + strings.Join(lines, "\n")
}

// Unwrap returns the problems as domain errors.
func (e *Invalid) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		var de *domain.Error
		if p.Syntax {
			de = domain.Errorf(domain.ErrBadRequest, p.Message, p.Args...)
			de.Reason = p.Message.Reason()
		} else {
			de = domain.FieldError(p.Pointer, p.Message, p.Args...)
			if p.Pointer == "" {
				de.Pointer = "/"
			}
		}
		de.Line, de.Column = p.Line, p.Column
		out[i] = de
	}
	return out
}

// maxProblems is the most problems listed for one file. Past it the first ones are
// what to fix first, and the answer stays small however broken the file is.
const maxProblems = 1000

// problems collects the problems of one file, up to maxProblems.
type problems struct {
	list    []Problem
	dropped int // problems found past maxProblems
}

func (ps *problems) add(at Pos, msg domain.Message, args ...any) {
	ps.push(Problem{Line: at.Line, Column: at.Column, Path: at.Path.Dotted(), Pointer: at.Path.Pointer(),
		Message: msg, Args: args})
}

func (ps *problems) push(p Problem) {
	if len(ps.list) >= maxProblems {
		ps.dropped++
		return
	}
	ps.list = append(ps.list, p)
}

// overflowed reports whether more problems were found than are listed.
func (ps *problems) overflowed() bool { return ps.dropped > 0 }

// err returns the problems in document order as one *Invalid, or nil. When some
// were dropped, a last problem says so.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	if ps.dropped > 0 {
		last := list[len(list)-1]
		list = append(list, Problem{Line: last.Line, Column: last.Column, Message: domain.MsgTooManyProblems,
			Args: []any{maxProblems}})
	}
	return &Invalid{Problems: list}
}

// Join merges the problems of several *Invalid errors (nil ones are skipped) into
// one, in document order and up to maxProblems. An error that is not *Invalid is
// returned as it is.
func Join(errs ...error) error {
	var ps problems
	for _, err := range errs {
		if err == nil {
			continue
		}
		inv, ok := err.(*Invalid)
		if !ok {
			return err
		}
		for _, p := range inv.Problems {
			if p.Message == domain.MsgTooManyProblems {
				ps.dropped++
				continue
			}
			ps.push(p)
		}
	}
	return ps.err()
}

package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// cwWriters is how many requests change one object at the same moment in the
// concurrency tests, and cwRounds how many times they do.
const (
	cwWriters = 16
	cwRounds  = 3
)

// atOnce calls f(0) ... f(n-1) on n goroutines released together and returns their
// errors by index. f must not call t.Fatal: it runs off the test's goroutine.
func atOnce(n int, f func(i int) error) []error {
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// cwField is one plain field of an object: how a patch In sets it and how the object
// Out shows it.
type cwField[In, Out any] struct {
	name string
	// value is what writer round r sets; nil means a text naming the field and round.
	value func(round int) string
	set   func(in *In, v string)
	get   func(o *Out) string
}

func (f cwField[In, Out]) valueAt(round int) string {
	if f.value != nil {
		return f.value(round)
	}
	return fmt.Sprintf("%s %d", f.name, round)
}

// cwTarget is one object that concurrent patches change.
type cwTarget[In, Out any] struct {
	// fields are the plain fields; writer i sets fields[i] when there is one.
	fields  []cwField[In, Out]
	setAttr func(in *In, key, value string)
	attrs   func(o *Out) map[string]string
	patch   func(ctx context.Context, in In) error
	get     func(ctx context.Context) (*Out, error)
}

// cwPatchRace sends cwWriters patches of one object at once, cwRounds times. Writer i
// sets its own custom attribute and, while there are fields left, its own plain field,
// all to values of the round; each patch must succeed, and a read after each round
// must show every writer's change: none may be lost to another that read the object
// before it.
func cwPatchRace[In, Out any](t *testing.T, o cwTarget[In, Out]) {
	t.Helper()
	ctx := context.Background()
	for round := 1; round <= cwRounds; round++ {
		errs := atOnce(cwWriters, func(i int) error {
			var in In
			o.setAttr(&in, fmt.Sprintf("w%d", i), fmt.Sprintf("round %d", round))
			if i < len(o.fields) {
				o.fields[i].set(&in, o.fields[i].valueAt(round))
			}
			return o.patch(ctx, in)
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: writer %d: %v", round, i, err)
			}
		}
		got, err := o.get(ctx)
		if err != nil {
			t.Fatalf("round %d: read back: %v", round, err)
		}
		var lost []string
		attrs := o.attrs(got)
		for i := range cwWriters {
			key, want := fmt.Sprintf("w%d", i), fmt.Sprintf("round %d", round)
			if attrs[key] != want {
				lost = append(lost, fmt.Sprintf("custom_attributes.%s = %q, want %q", key, attrs[key], want))
			}
		}
		for _, f := range o.fields {
			if got, want := f.get(got), f.valueAt(round); got != want {
				lost = append(lost, fmt.Sprintf("%s = %q, want %q", f.name, got, want))
			}
		}
		if len(lost) > 0 {
			t.Fatalf("round %d: %d of %d changes lost: %v", round, len(lost), cwWriters+len(o.fields), lost)
		}
	}
}

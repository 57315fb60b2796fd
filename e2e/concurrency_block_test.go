package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// cwBlockRounds is how many managers the block-while-editing test blocks per engine.
const cwBlockRounds = 100

// A manager blocked while it keeps changing itself stays blocked: the block answers
// 200, and from then on a read shows the manager inactive and every token it ever had
// is refused, on this node at once. Odd rounds edit the name, even ones rotate the
// token, both with the manager's own token; neither may write back the status it read
// before the block, nor commit after it.
func TestBlockWhileEditingSticks(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Blocking")
		for round := range cwBlockRounds {
			m := mustCreateManager(t, s.Admin, r.ID, "sales")
			ed := cwStartEditor(s, r.ID, m, round%2 == 0)
			<-ed.started
			blocked, err := s.Admin.UpdateManager(ctx, r.ID, m.ID, client.ManagerInput{Status: client.String("inactive")})
			if err != nil {
				ed.stop()
				t.Fatalf("round %d: block manager %d: %v", round, m.ID, err)
			}
			// The token the editor holds right after the answer is already refused.
			cwWantRefused(t, s, r.ID, m.ID, ed.token(), fmt.Sprintf("round %d, right after the block", round))
			tokens, err := ed.stop()
			if err != nil {
				t.Fatalf("round %d: editor of manager %d: %v", round, m.ID, err)
			}
			got, err := s.Admin.GetManager(ctx, r.ID, m.ID)
			if err != nil {
				t.Fatalf("round %d: get manager %d: %v", round, m.ID, err)
			}
			if got.Status != "inactive" {
				t.Fatalf("round %d: manager %d status = %q after the block, want inactive", round, m.ID, got.Status)
			}
			// An edit sent before the block but not yet committed is refused too: the
			// manager is still as the block's answer showed it.
			if got.Name != blocked.Name || !got.UpdatedAt.Equal(blocked.UpdatedAt) {
				t.Fatalf("round %d: blocked manager %d changed after the block: name %q, updated_at %v; the block left %q, %v",
					round, m.ID, got.Name, got.UpdatedAt, blocked.Name, blocked.UpdatedAt)
			}
			for _, token := range tokens {
				cwWantRefused(t, s, r.ID, m.ID, token, fmt.Sprintf("round %d, after the editor stopped", round))
			}
		}
	})
}

// cwEditor is a manager changing itself in a loop with its own token, until it is
// refused or stopped.
type cwEditor struct {
	started chan struct{} // closed after the first change, or when the loop ends
	once    sync.Once
	quit    chan struct{}
	done    chan struct{}

	mu      sync.Mutex
	changes int      // how many changes succeeded
	tokens  []string // every token the manager had, the current one last
	err     error    // the first answer that was neither a success nor a 401
}

// cwStartEditor starts a loop in which manager m renames itself, or (rotate) rotates
// its own token and goes on with the new one.
func cwStartEditor(s *server, rid int64, m *client.Manager, rotate bool) *cwEditor {
	ed := &cwEditor{started: make(chan struct{}), quit: make(chan struct{}), done: make(chan struct{}),
		tokens: []string{m.APIToken}}
	go func() {
		defer close(ed.done)
		defer ed.once.Do(func() { close(ed.started) })
		ctx := context.Background()
		for n := 0; ; n++ {
			select {
			case <-ed.quit:
				return
			default:
			}
			c := s.client(ed.token())
			var err error
			if rotate {
				var got *client.Manager
				if got, err = c.RotateManagerToken(ctx, rid, m.ID); err == nil {
					ed.mu.Lock()
					ed.tokens = append(ed.tokens, got.APIToken)
					ed.mu.Unlock()
				}
			} else {
				_, err = c.UpdateManager(ctx, rid, m.ID, client.ManagerInput{Name: client.String(fmt.Sprintf("Editor %d", n))})
			}
			var ae *client.Error
			switch {
			case err == nil:
			case errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized:
				return // blocked: nothing more to try
			default:
				ed.mu.Lock()
				ed.err = fmt.Errorf("change %d: %w", n, err)
				ed.mu.Unlock()
				return
			}
			ed.mu.Lock()
			ed.changes++
			ed.mu.Unlock()
			ed.once.Do(func() { close(ed.started) })
		}
	}()
	return ed
}

// token returns the manager's current token as the editor knows it.
func (ed *cwEditor) token() string {
	ed.mu.Lock()
	defer ed.mu.Unlock()
	return ed.tokens[len(ed.tokens)-1]
}

// stop ends the loop and returns every token the manager had and the loop's error.
func (ed *cwEditor) stop() ([]string, error) {
	close(ed.quit)
	<-ed.done
	if ed.err == nil && ed.changes == 0 {
		ed.err = errors.New("refused before its first change")
	}
	return ed.tokens, ed.err
}

// cwWantRefused asserts that token no longer authenticates: reading the manager with
// it answers 401.
func cwWantRefused(t *testing.T, s *server, rid, mid int64, token, when string) {
	t.Helper()
	_, err := s.client(token).GetManager(context.Background(), rid, mid)
	if err == nil {
		t.Fatalf("%s: manager %d's token still works", when, mid)
	}
	apiError(t, err, http.StatusUnauthorized)
}

package store

import (
	"context"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// createdAccounts remembers when the accounts this process created lately were
// created, by id, so that a page of a list filtered by creation time alone can tell
// where the accounts added since it was read fall without reading them (addedByID):
// in a mix of reads and creates, that is a statement less for every refresh of a
// day's page. An account's creation time never changes, so what is remembered stays
// true; only accounts whose transaction committed are remembered, and at most
// createdAccountsKept of them, the oldest forgotten first. An account another process
// created is not known here, and its page is counted by a statement as before. An
// id names one account for good: PostgreSQL takes ids from a sequence, and Cascade
// deletes no account (SQLite would give a new row the id of the highest one
// deleted).
type createdAccounts struct {
	mu   sync.Mutex
	at   map[int64]int64 // id → created_at in microseconds, as the column holds it
	ring []int64         // the ids in the order remembered, as a ring
	next int             // the slot of ring the next id takes
	// out holds a ticket for each commit of this process that creates accounts
	// and has not returned yet; tickets counts those ever given. settled is
	// closed, and replaced, whenever one returns.
	out     map[uint64]bool
	tickets uint64
	settled chan struct{}
}

// createdAccountsKept bounds createdAccounts: far more than a refresh is ever
// behind (a scope's moves reach back about 70 creates on SQLite and 220 on
// PostgreSQL, see maxAddedLength), in about 100 kB.
const createdAccountsKept = 4096

// createdWait bounds how long a count waits for this process's commits to return
// before it reads instead (see awaitCreated).
const createdWait = 5 * time.Millisecond

// createdRow is an account a transaction wrote, whose id may be set only by the
// commit, with its created_at in microseconds as the statement wrote it.
type createdRow struct {
	account *domain.Account
	micros  int64
}

// committingCreated tells the DB that the transaction, which created accounts, is
// about to commit, and returns what to call once the commit has returned, with
// whether it committed: the accounts are then remembered. Only then are the ids of
// those sent with the commit known (CreateAccountWithOwnerAtCommit); a reader may
// see the commit sooner, and awaitCreated has it wait for the return.
func (c *Conn) committingCreated() (returned func(committed bool)) {
	if len(c.created) == 0 {
		return func(bool) {}
	}
	r := &c.db.created
	r.mu.Lock()
	r.tickets++
	ticket := r.tickets
	if r.out == nil {
		r.out = make(map[uint64]bool)
	}
	r.out[ticket] = true
	r.mu.Unlock()
	return func(committed bool) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if committed {
			r.remember(c.created)
		}
		delete(r.out, ticket)
		if r.settled != nil {
			close(r.settled)
			r.settled = nil
		}
	}
}

// remember records made, accounts of a transaction that committed. The caller
// holds r.mu.
func (r *createdAccounts) remember(made []createdRow) {
	if r.at == nil {
		r.at = make(map[int64]int64, createdAccountsKept)
		r.ring = make([]int64, 0, createdAccountsKept)
	}
	for _, row := range made {
		id := row.account.ID
		if _, ok := r.at[id]; !ok {
			if len(r.ring) < createdAccountsKept {
				r.ring = append(r.ring, id)
			} else {
				delete(r.at, r.ring[r.next])
				r.ring[r.next] = id
			}
			r.next = (r.next + 1) % createdAccountsKept
		}
		r.at[id] = row.micros
	}
}

// createdAt returns when account id was created, in microseconds, and false when
// this process does not know.
func (r *createdAccounts) createdAt(id int64) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	micros, ok := r.at[id]
	return micros, ok
}

// awaitCreated reports whether this process knows when every one of ids was
// created, waiting while commits of accounts it started before the call have not
// returned (one of them may have made an id a reader already saw), for at most
// createdWait. It reports false at once when none is out: an unknown id is then
// another process's.
func (r *createdAccounts) awaitCreated(ctx context.Context, ids []int64) bool {
	r.mu.Lock()
	mark := r.tickets
	r.mu.Unlock()
	var deadline <-chan time.Time
	for {
		known, settled := r.knownOrOut(ids, mark)
		if known || settled == nil {
			return known
		}
		if deadline == nil {
			timer := time.NewTimer(createdWait)
			defer timer.Stop()
			deadline = timer.C
		}
		select {
		case <-settled:
		case <-deadline:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// knownOrOut reports whether every one of ids is known, and when not, while a
// commit given a ticket up to mark has not returned, the channel closed when the
// next commit returns (nil when none is out).
func (r *createdAccounts) knownOrOut(ids []int64, mark uint64) (known bool, settled <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	known = true
	for _, id := range ids {
		if _, ok := r.at[id]; !ok {
			known = false
			break
		}
	}
	if known {
		return true, nil
	}
	for t := range r.out {
		if t <= mark {
			if r.settled == nil {
				r.settled = make(chan struct{})
			}
			return false, r.settled
		}
	}
	return false, nil
}

// creationConditions reports whether every one of conds is a bound on an
// account's creation time that creationMatches can test: created_at after, from
// or before a time, as filter[created_at] and its ranges give them.
func creationConditions(conds []domain.Condition) bool {
	for _, c := range conds {
		if c.Field != "created_at" || len(c.Values) != 1 {
			return false
		}
		if _, ok := c.Values[0].(time.Time); !ok {
			return false
		}
		switch c.Op {
		case domain.OpGt, domain.OpGe, domain.OpLt:
		default:
			return false
		}
	}
	return true
}

// creationMatches reports whether an account created at micros passes conds, which
// creationConditions accepted: the comparisons the list's SQL makes on the column,
// made on the same microseconds (sqlBuilder.arg).
func creationMatches(conds []domain.Condition, micros int64) bool {
	for _, c := range conds {
		bound := c.Values[0].(time.Time).UnixMicro()
		switch c.Op {
		case domain.OpGt:
			if micros <= bound {
				return false
			}
		case domain.OpGe:
			if micros < bound {
				return false
			}
		case domain.OpLt:
			if micros >= bound {
				return false
			}
		}
	}
	return true
}

package domain

import (
	"testing"
	"time"
)

// TestCreditHoldMove covers every combination of the rules: over the limit or
// not, below zero for longer than the subzero period or not (none, unlimited,
// within, just at, past), and each status.
func TestCreditHoldMove(t *testing.T) {
	now := time.Date(2031, 6, 10, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { at := now.Add(-d); return &at }
	day := 24 * time.Hour
	cases := []struct {
		name    string
		balance Amount
		since   *time.Time
		subzero int
		status  AccountStatus
		want    AccountStatus
		moves   bool
	}{
		{"within, positive", 10, nil, 3, AccountStatusActive, AccountStatusActive, false},
		{"within, negative, unlimited", -5_000000, ago(400 * day), SubzeroUnlimited, AccountStatusActive, AccountStatusActive, false},
		{"within, negative, inside the period", -5_000000, ago(2 * day), 3, AccountStatusActive, AccountStatusActive, false},
		{"within, negative, exactly the period", -5_000000, ago(3 * day), 3, AccountStatusActive, AccountStatusActive, false},
		{"within, negative, past the period", -5_000000, ago(3*day + time.Microsecond), 3, AccountStatusActive, AccountStatusCreditHold, true},
		{"period 0: any time below zero", -1, ago(time.Second), 0, AccountStatusActive, AccountStatusCreditHold, true},
		{"over the limit", -60_000000, ago(time.Second), SubzeroUnlimited, AccountStatusActive, AccountStatusCreditHold, true},
		{"held, past the period", -5_000000, ago(4 * day), 3, AccountStatusCreditHold, AccountStatusCreditHold, false},
		{"held, back at zero", 0, nil, 3, AccountStatusCreditHold, AccountStatusActive, true},
		{"held, negative again inside the period", -5_000000, ago(day), 3, AccountStatusCreditHold, AccountStatusActive, true},
		{"held, over the limit", -60_000000, nil, 3, AccountStatusCreditHold, AccountStatusCreditHold, false},
		{"administrative hold past the period", -5_000000, ago(4 * day), 3, AccountStatusAdministrativeHold, AccountStatusAdministrativeHold, false},
		{"administrative hold within", 0, nil, 3, AccountStatusAdministrativeHold, AccountStatusAdministrativeHold, false},
	}
	for _, c := range cases {
		a := &Account{Balance: c.balance, NegativeSince: c.since, Status: c.status, CreditLimitUseSystem: true,
			Class: AccountClass{CreditLimit: 50_000000, SubzeroPeriod: c.subzero}}
		got, moves := a.CreditHoldMove(now)
		if got != c.want || moves != c.moves {
			t.Errorf("%s: CreditHoldMove = %s, %v; want %s, %v", c.name, got, moves, c.want, c.moves)
		}
	}
}

// TestNegativeSinceAfter: the stretch below zero starts with the move that goes
// below, is kept while it stays below, and ends at zero.
func TestNegativeSinceAfter(t *testing.T) {
	now := time.Date(2031, 6, 10, 12, 0, 0, 0, time.UTC)
	earlier := now.Add(-time.Hour)
	cases := []struct {
		name             string
		balance, blocked Amount
		since, want      *time.Time
	}{
		{"positive", 5, 0, nil, nil},
		{"zero ends it", 0, 0, &earlier, nil},
		{"goes below", -1, 0, nil, &now},
		{"blocked takes it below", 5, 6, nil, &now},
		{"stays below", -3, 0, &earlier, &earlier},
	}
	for _, c := range cases {
		a := &Account{Balance: c.balance, Blocked: c.blocked, NegativeSince: c.since}
		got := a.NegativeSinceAfter(now)
		if (got == nil) != (c.want == nil) || got != nil && !got.Equal(*c.want) {
			t.Errorf("%s: NegativeSinceAfter = %v, want %v", c.name, got, c.want)
		}
	}
}

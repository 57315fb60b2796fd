package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The ledger's invariant (docs/billing.md, "Balance and the invariant"), checked on
// the database as it is: by `cascade ledger check`, and by the tests after every
// scenario.

// ledgerTerm is one term of what an account's balance must be: a query answering
// (account_id, v) rows, v the term's signed sum for the account.
type ledgerTerm struct {
	name  string
	query string
}

// ledgerBalanceTerms add up to every account's balance. A new source of money on
// the balance (approved corrections, say) is one more term here.
var ledgerBalanceTerms = []ledgerTerm{
	{"completed payments", `SELECT account_id, SUM(total) AS v FROM payments
		WHERE status = 'completed' AND COALESCE(invoice_id, 0) = 0 GROUP BY account_id`},
	{"approved balance corrections", `SELECT account_id, SUM(total) AS v FROM corrections
		WHERE status = 'approved' AND applies_to = 'balance' GROUP BY account_id`},
	{"closed prepaid charges", `SELECT account_id, -SUM(amount) AS v FROM charges
		WHERE status = 'closed' AND payment_model = 'prepay' GROUP BY account_id`},
	{"refunded prepaid refunds", `SELECT account_id, SUM(amount) AS v FROM charges
		WHERE status = 'refunded' AND payment_model = 'prepay' GROUP BY account_id`},
}

// ledgerBlockedTerm is what every account's blocked funds must be.
var ledgerBlockedTerm = ledgerTerm{"blocked prepaid charges", `SELECT account_id, SUM(amount) AS v FROM charges
	WHERE status = 'blocked' AND payment_model = 'prepay' GROUP BY account_id`}

// LedgerViolation is one broken rule of the ledger.
type LedgerViolation struct {
	AccountID int64 // 0 for a rule of no one account
	Text      string
}

// CheckLedger returns every violation of the ledger's invariant: an account whose
// balance or blocked funds are not what its payments, corrections and charges make
// them, a charge made twice for one subscription and billing key, and an invoice
// whose total is not its charges' (refunds taken off) and corrections', or whose
// negative total was not carried (checkInvoiceCredits), and a subscription whose
// current debt is not what it owes unpaid. Each rule is one
// statement, so it reads one consistent state of a live database.
func (c *Conn) CheckLedger(ctx context.Context) ([]LedgerViolation, error) {
	var (
		joins []string
		sum   []string
	)
	for i, t := range append(append([]ledgerTerm{}, ledgerBalanceTerms...), ledgerBlockedTerm) {
		alias := fmt.Sprintf("t%d", i)
		joins = append(joins, fmt.Sprintf("LEFT JOIN (%s) %s ON %s.account_id = a.id", t.query, alias, alias))
		if i < len(ledgerBalanceTerms) {
			sum = append(sum, "COALESCE("+alias+".v, 0)")
		}
	}
	blocked := fmt.Sprintf("COALESCE(t%d.v, 0)", len(ledgerBalanceTerms))
	expected := strings.Join(sum, " + ")
	q := `SELECT a.id, a.balance, ` + expected + `, a.blocked, ` + blocked + ` FROM accounts a ` +
		strings.Join(joins, " ") + ` WHERE a.balance <> ` + expected + ` OR a.blocked <> ` + blocked + ` ORDER BY a.id`
	var out []LedgerViolation
	err := eachRow(ctx, c, q, nil, func(sc scanner) error {
		var id, balance, wantBalance, blocked, wantBlocked int64
		if err := sc.Scan(&id, &balance, &wantBalance, &blocked, &wantBlocked); err != nil {
			return err
		}
		if balance != wantBalance {
			out = append(out, LedgerViolation{AccountID: id, Text: fmt.Sprintf(
				"account %d: balance %s, but its %s make %s", id, domain.Amount(balance), termNames(ledgerBalanceTerms),
				domain.Amount(wantBalance))})
		}
		if blocked != wantBlocked {
			out = append(out, LedgerViolation{AccountID: id, Text: fmt.Sprintf(
				"account %d: blocked %s, but its %s make %s", id, domain.Amount(blocked), ledgerBlockedTerm.name,
				domain.Amount(wantBlocked))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check the ledger's balances: %w", err)
	}
	err = eachRow(ctx, c, `SELECT subscription_id, billing_key, COUNT(*) FROM charges
		GROUP BY subscription_id, billing_key HAVING COUNT(*) > 1 ORDER BY subscription_id, billing_key`, nil,
		func(sc scanner) error {
			var (
				sub int64
				key string
				n   int64
			)
			if err := sc.Scan(&sub, &key, &n); err != nil {
				return err
			}
			out = append(out, LedgerViolation{Text: fmt.Sprintf("subscription %d: %d charges for %s", sub, n, key)})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("check the ledger's charges: %w", err)
	}
	err = eachRow(ctx, c, `SELECT i.account_id, i.id, i.total, COALESCE(ch.v, 0) + COALESCE(k.v, 0) FROM invoices i
		LEFT JOIN (SELECT invoice_id, SUM(CASE WHEN type = 'Charge::Refund' THEN -amount ELSE amount END) AS v
			FROM charges WHERE invoice_id IS NOT NULL GROUP BY invoice_id) ch ON ch.invoice_id = i.id
		LEFT JOIN (SELECT invoice_id, SUM(total) AS v FROM corrections WHERE invoice_id IS NOT NULL
			GROUP BY invoice_id) k ON k.invoice_id = i.id
		WHERE i.total <> COALESCE(ch.v, 0) + COALESCE(k.v, 0) ORDER BY i.id`, nil,
		func(sc scanner) error {
			var account, id, total, want int64
			if err := sc.Scan(&account, &id, &total, &want); err != nil {
				return err
			}
			out = append(out, LedgerViolation{AccountID: account, Text: fmt.Sprintf(
				"invoice %d: total %s, but its charges and corrections make %s", id, domain.Amount(total),
				domain.Amount(want))})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("check the ledger's invoices: %w", err)
	}
	credits, err := c.checkInvoiceCredits(ctx)
	if err != nil {
		return nil, err
	}
	debts, err := c.checkDebts(ctx)
	return append(append(out, credits...), debts...), err
}

func termNames(terms []ledgerTerm) string {
	names := make([]string, len(terms))
	for i, t := range terms {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

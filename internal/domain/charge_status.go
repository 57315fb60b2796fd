package domain

import "fmt"

// chargeMoves are the moves a charge's status may make (docs/billing.md, "Charges"):
// a prepaid charge is new until its order is paid, blocked (reserving funds) until
// its order is provisioned, then closed; a postpaid one is blocked from creation
// until the billing pass closes it; a refund waits until its order is provisioned and
// is then refunded. An order that ends unprovisioned deletes what is still open.
var chargeMoves = map[ChargeStatus][]ChargeStatus{
	ChargeNew:              {ChargeBlocked, ChargeOpened, ChargeDeleted},
	ChargeOpened:           {ChargeBlocked, ChargeDeleted},
	ChargeBlocked:          {ChargeClosed, ChargeDeleted},
	ChargeWaitingForRefund: {ChargeRefunded, ChargeDeleted},
}

// ChargeStatuses lists every charge status.
var ChargeStatuses = []ChargeStatus{ChargeNew, ChargeOpened, ChargeBlocked, ChargeWaitingForRefund,
	ChargeClosed, ChargeDeleted, ChargeRefunded}

// Valid reports whether s is one of ChargeStatuses.
func (s ChargeStatus) Valid() bool {
	for _, x := range ChargeStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether a charge in status s may still move: closed, deleted and
// refunded charges are final.
func (s ChargeStatus) Open() bool { return len(chargeMoves[s]) > 0 }

// CheckChargeMove refuses a move of a charge's status from one status to another
// that the ledger does not allow; a move to the same status is refused too, so a
// step can never be taken twice.
func CheckChargeMove(from, to ChargeStatus) error {
	for _, x := range chargeMoves[from] {
		if x == to {
			return nil
		}
	}
	return fmt.Errorf("charge %s cannot become %s: %w", from, to, Forbidden())
}

// LedgerMove is what moving a charge from one status to another does to its
// account: balance and blocked deltas. Only prepaid charges move money; a refund
// charge is positive and raises the balance when refunded.
func LedgerMove(c *Charge, to ChargeStatus) (balance, blocked Amount) {
	if c.PaymentModel != PaymentModelPrepay {
		return 0, 0
	}
	switch {
	case c.Status == ChargeBlocked && to == ChargeClosed:
		return -c.Amount, -c.Amount
	case c.Status == ChargeBlocked && to == ChargeDeleted:
		return 0, -c.Amount
	case to == ChargeBlocked:
		return 0, c.Amount
	case c.Status == ChargeWaitingForRefund && to == ChargeRefunded:
		return c.Amount, 0
	}
	return 0, 0
}

package domain

// Messages of the credit rules (docs/billing.md, "Balance, credit and holds").
const (
	// MsgAccountCreditHold refuses a new order for an account on credit hold.
	MsgAccountCreditHold Message = "account_credit_hold"
)

var creditTexts = map[Message]texts{
	MsgAccountCreditHold: {
		"The account is on credit hold: new orders are not accepted until its balance is back within its credit limit",
		"Клиент на кредитной блокировке: новые заказы не принимаются, пока его баланс не вернётся в пределы кредитного лимита"},
}

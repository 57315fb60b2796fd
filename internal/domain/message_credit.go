package domain

// Messages of the credit rules (docs/billing.md, "Balance, credit and holds").
const (
	// MsgAccountCreditHold refuses a new order for an account on credit hold.
	MsgAccountCreditHold Message = "account_credit_hold"
	// MsgOrderCreditLimit refuses a postpaid order that would bring its
	// subscription's current debt above the subscription's credit limit.
	MsgOrderCreditLimit Message = "order_credit_limit"
)

var creditTexts = map[Message]texts{
	MsgAccountCreditHold: {
		"The account is on credit hold: new orders are not accepted until its balance is back within its credit limit",
		"Клиент на кредитной блокировке: новые заказы не принимаются, пока его баланс не вернётся в пределы кредитного лимита"},
	MsgOrderCreditLimit: {
		"The order cannot be completed: the order total has exceeded the credit limit for this subscription",
		"Заказ не может быть выполнен: сумма заказа превысила кредитный лимит подписки"},
}

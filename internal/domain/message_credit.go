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

// Messages of the account_classes section of the catalogue file (docs/catalog.md,
// "Account classes").
const (
	// MsgAccountClassesOperator refuses the section in a reseller's file other than
	// the operator's: classes are installation-wide.
	MsgAccountClassesOperator Message = "account_classes_operator"
	// MsgAccountClassInUse refuses a change of a class's charging model while
	// accounts use the class.
	MsgAccountClassInUse Message = "account_class_in_use"
	// MsgAccountClassDefault: one account class, and only one, is the default.
	MsgAccountClassDefault Message = "account_class_default"
	// MsgSubzeroPeriod refuses a subzero period below -1 or above MaxSubzeroPeriod.
	MsgSubzeroPeriod Message = "subzero_period"
)

var accountClassTexts = map[Message]texts{
	MsgAccountClassesOperator: {
		"only the operator's catalogue file may set account classes: they apply to the whole installation",
		"классы клиентов может задавать только каталог оператора: они действуют во всей инсталляции"},
	MsgAccountClassInUse: {
		"cannot change the charging model of an account class that %d accounts use",
		"нельзя изменить модель оплаты класса клиентов, который используют %d клиентов"},
	MsgAccountClassDefault: {
		"exactly one account class must be the default",
		"классом по умолчанию должен быть ровно один класс клиентов"},
	MsgSubzeroPeriod: {
		"must be an integer from -1 (no end) to 36500 days",
		"должно быть целым числом от -1 (без ограничения) до 36500 дней"},
}

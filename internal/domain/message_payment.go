package domain

// Messages of payments refusing a manager's request.
const (
	MsgPaymentCancelStatus   Message = "payment_cancel_status"
	MsgPaymentCancelInvoice  Message = "payment_cancel_invoice"
	MsgPaymentCompleteStatus Message = "payment_complete_status"
	MsgPaymentFromBalance    Message = "payment_from_balance"
)

var paymentTexts = map[Message]texts{
	MsgPaymentCancelStatus: {
		`Only payments with "waiting for payment" status can be cancelled.`,
		`Отменить можно только платежи в статусе «Ожидает оплаты».`},
	MsgPaymentCancelInvoice: {
		"Only payments for prepaid orders and balance top-ups can be cancelled.",
		"Отменить можно только платежи за предоплаченные заказы и пополнения баланса."},
	MsgPaymentCompleteStatus: {
		`Only payments with "waiting for payment", "expired" or "receipt sent" status can be completed.`,
		`Провести можно только платежи в статусе «Ожидает оплаты», «Просрочен» или «Квитанция отправлена».`},
	MsgPaymentFromBalance: {
		"This payment cannot be completed by balance",
		"Этот платёж нельзя провести с баланса"},
}

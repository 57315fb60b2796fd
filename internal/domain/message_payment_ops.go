package domain

// Messages of top-up payments, cancelling payments and completing them by document
// number.
const (
	MsgPaymentTotalValue      Message = "payment_total_value"
	MsgAmountMinorUnits       Message = "amount_minor_units"
	MsgPaymentCurrencyDiffers Message = "payment_currency_differs"
	MsgExternalTransactionID  Message = "external_transaction_id_value"
	// MsgPaymentAmountCorrection refuses a completion by document number whose amount
	// is not the payment's total; the arguments are the two amounts.
	MsgPaymentAmountCorrection Message = "payment_amount_correction"
	// MsgPaymentClosedCorrection refuses a completion by document number of a payment
	// that can no longer be completed; the argument is its status.
	MsgPaymentClosedCorrection Message = "payment_closed_correction"
)

var paymentOpsTexts = map[Message]texts{
	MsgPaymentTotalValue: {"must be an amount above zero", "должно быть суммой больше нуля"},
	MsgAmountMinorUnits: {
		"must have at most %d decimal places in %s",
		"должно содержать не более %d знаков после запятой в валюте %s"},
	MsgPaymentCurrencyDiffers: {
		"must be the payment's currency, %s",
		"должно совпадать с валютой платежа: %s"},
	MsgExternalTransactionID: {
		"must be %d to %d letters, digits, punctuation marks or symbols, without spaces",
		"должно состоять из %d–%d букв, цифр, знаков препинания или символов, без пробелов"},
	MsgPaymentAmountCorrection: {
		"The paid amount %s differs from the payment's total %s. Over- and underpayments are recorded as corrections of the account's balance, which come with the account ledger; until then complete the payment with its total or without an amount.",
		"Оплаченная сумма %s отличается от суммы платежа %s. Переплаты и недоплаты учитываются корректировками баланса клиента, которые появятся вместе с лицевым счётом; до тех пор проведите платёж на его сумму или без указания суммы."},
	MsgPaymentClosedCorrection: {
		"The payment is %s and cannot be completed. Money received for it is recorded as a correction of the account's balance, which comes with the account ledger.",
		"Платёж в статусе %s и не может быть проведён. Полученные по нему деньги учитываются корректировкой баланса клиента, которая появится вместе с лицевым счётом."},
}

package domain

// Messages of top-up payments, cancelling payments and completing them by document
// number.
const (
	MsgPaymentTotalValue      Message = "payment_total_value"
	MsgAmountMinorUnits       Message = "amount_minor_units"
	MsgPaymentCurrencyDiffers Message = "payment_currency_differs"
	MsgExternalTransactionID  Message = "external_transaction_id_value"
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
}

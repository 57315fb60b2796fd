package domain

// Messages of corrections.
const (
	MsgCorrectionNotFound   Message = "correction_not_found"
	MsgCorrectionTotalValue Message = "correction_total_value"
	// MsgCorrectionTotalPlaces refuses a total finer than its currency's minor unit;
	// the arguments are the unit's places and the currency.
	MsgCorrectionTotalPlaces          Message = "correction_total_places"
	MsgCorrectionSubscriptionRequired Message = "correction_subscription_required"
	MsgCorrectionSubscriptionAccount  Message = "correction_subscription_account"
	MsgCorrectionPeriodOrder          Message = "correction_period_order"
	MsgCorrectionDecision             Message = "correction_decision"
	// MsgCorrectionDecided refuses approving or declining a correction that is no
	// longer waiting for approval; the argument is its status.
	MsgCorrectionDecided Message = "correction_decided"
)

var correctionTexts = map[Message]texts{
	MsgCorrectionNotFound: {"Correction not found", "Корректировка не найдена"},
	MsgCorrectionTotalValue: {
		"must be a non-zero amount",
		"должно быть ненулевой суммой"},
	MsgCorrectionTotalPlaces: {
		"must be an amount with at most %d decimal places, the minor unit of %s",
		"должно быть суммой с не более чем %d знаками после запятой, как у валюты %s"},
	MsgCorrectionSubscriptionRequired: {
		"is required when included_invoice is true",
		"обязательно, если included_invoice равно true"},
	MsgCorrectionSubscriptionAccount: {
		"must be a subscription of the account",
		"должно быть подпиской этого клиента"},
	MsgCorrectionPeriodOrder: {
		"must not be before period_from",
		"не должно быть раньше period_from"},
	MsgCorrectionDecision: {
		"must be approved or declined",
		"должно быть approved или declined"},
	MsgCorrectionDecided: {
		"Only corrections with \"approval required\" status can be approved or declined; this one is %s.",
		"Подтвердить или отклонить можно только корректировку в статусе «требует подтверждения»; эта в статусе %s."},
}

package domain

// Messages of the subscription lifecycle: billing types, service terms, orders,
// subscriptions and payments.
const (
	MsgBillingType          Message = "billing_type"
	MsgTermDaysRange        Message = "term_days_range"
	MsgManualRenewBelowAuto Message = "manual_renew_below_auto"
	MsgApprovalType         Message = "approval_type"
	MsgProrationRule        Message = "proration_rule"
)

var lifecycleTexts = map[Message]texts{
	MsgBillingType:          {"must be one of %s", "должно быть одним из значений: %s"},
	MsgTermDaysRange:        {"must be a whole number of days from 0 to %d", "должно быть целым числом дней от 0 до %d"},
	MsgManualRenewBelowAuto: {"must not be below autorenew_point (or -1 for always)", "не может быть меньше autorenew_point (или -1 — всегда)"},
	MsgApprovalType:         {"must be automatic or manual", "должно быть automatic или manual"},
	MsgProrationRule:        {"must be immediate_prorated, immediate_full or next_period", "должно быть immediate_prorated, immediate_full или next_period"},
}

package domain

// Messages of the change, switch, renewal and prolong orders.
const (
	// MsgSwitchTargetRefused: the target is not an active plan the current plan may
	// switch to with the switch type asked for.
	MsgSwitchTargetRefused Message = "switch_target_refused"
	// MsgDelayedSwitchRefused: a delayed switch needs a billing type that has one and
	// a subscription paid to its expiration date.
	MsgDelayedSwitchRefused Message = "delayed_switch_refused"
)

var orderKindsTexts = map[Message]texts{
	MsgSwitchTargetRefused: {"Can not switch to plan with id", "Невозможно перейти на тарифный план с этим id"},
	MsgDelayedSwitchRefused: {
		"A delayed switch is available only for billing types that switch at the renewal, when the subscription is paid to its expiration date",
		"Отложенный переход доступен только для типов оплаты с переходом при продлении, когда подписка оплачена до даты окончания"},
}

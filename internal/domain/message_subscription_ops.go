package domain

// Messages of the subscription operations: stop, activate, delete, approve, decline
// and the auto-renew switch.
const (
	// MsgAutorenewUnchanged refuses a PATCH that sets auto-renew to the value it has.
	MsgAutorenewUnchanged Message = "autorenew_unchanged"
)

var subscriptionOpsTexts = map[Message]texts{
	MsgAutorenewUnchanged: {
		"You are trying to change the current Auto-renew value to the same value",
		"Вы пытаетесь изменить текущее значение автопродления на то же самое"},
}

package domain

// Messages of the charges endpoints.
const (
	MsgChargeNotFound Message = "charge_not_found"
	// MsgChargesNotClosed: close_charges found no opened or blocked charge.
	MsgChargesNotClosed Message = "charges_not_closed"
)

var chargeTexts = map[Message]texts{
	MsgChargeNotFound: {"Charge not found", "Начисление не найдено"},
	MsgChargesNotClosed: {"Charges were not closed: the subscription has no opened or blocked charges",
		"Начисления не закрыты: у подписки нет открытых или заблокированных начислений"},
}

package domain

// Messages of the charges endpoints.
const (
	MsgChargeNotFound Message = "charge_not_found"
)

var chargeTexts = map[Message]texts{
	MsgChargeNotFound: {"Charge not found", "Начисление не найдено"},
}

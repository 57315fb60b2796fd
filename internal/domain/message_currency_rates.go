package domain

// Messages of currency rates.
const (
	MsgCurrencyRateBase       Message = "currency_rate_base"
	MsgCurrencyRateSame       Message = "currency_rate_same_currency"
	MsgCurrencyRatePositive   Message = "currency_rate_positive"
	MsgCurrencyRateAdjustment Message = "currency_rate_adjustment"
	MsgCurrencyRateItems      Message = "currency_rate_items"
)

var currencyRateTexts = map[Message]texts{
	MsgCurrencyRateBase: {"must be the reseller's currency, %s",
		"должно быть валютой реселлера, %s"},
	MsgCurrencyRateSame: {"must differ from the reseller's currency",
		"должно отличаться от валюты реселлера"},
	MsgCurrencyRatePositive: {"must be a decimal number greater than 0",
		"должно быть десятичным числом больше 0"},
	MsgCurrencyRateAdjustment: {"must be a decimal number from 0.0001 to 1000",
		"должно быть десятичным числом от 0.0001 до 1000"},
	MsgCurrencyRateItems: {"must hold at most %d rates", "должно содержать не больше %d курсов"},
}

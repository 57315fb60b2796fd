package domain

// Messages of the catalogue's lifecycle settings: service terms and payment methods.
const (
	MsgPaymentMethodKey    Message = "invalid_payment_method_key"
	MsgServiceTermNotFound Message = "service_term_not_found"
)

var catalogLifecycleTexts = map[Message]texts{
	MsgPaymentMethodKey: {"may contain only lower-case letters, digits and '_' (at most 64 characters)",
		"может содержать только строчные латинские буквы, цифры и «_» (не более 64 символов)"},
	MsgServiceTermNotFound: {"Service term not found", "Условия обслуживания не найдены"},
}

package domain

// Messages of the orders, subscriptions and payments endpoints.
const (
	MsgSubscriptionNotFound Message = "subscription_not_found"
	MsgOrderNotFound        Message = "order_not_found"
	MsgPaymentNotFound      Message = "payment_not_found"
	// MsgOrderInProgress refuses an order for a subscription that has one in flight;
	// the argument is the document number of that order.
	MsgOrderInProgress Message = "order_in_progress"

	MsgPaymentModelValue      Message = "payment_model_value"
	MsgPaymentModelNotAllowed Message = "payment_model_not_allowed"
	MsgCreditLimitValue       Message = "credit_limit_value"
	MsgProvisioningDateRange  Message = "provisioning_date_range"
	MsgAsyncTaskRequired      Message = "async_task_required"
	MsgAsyncTaskNotUsable     Message = "async_task_not_usable"
	MsgPaymentMethodUnknown   Message = "payment_method_unknown"
	MsgPaymentCompleteBody    Message = "payment_complete_body"
)

var ordersTexts = map[Message]texts{
	MsgSubscriptionNotFound: {"Subscription not found", "Подписка не найдена"},
	MsgOrderNotFound:        {"Order not found", "Заказ не найден"},
	MsgPaymentNotFound:      {"Payment not found", "Платёж не найден"},
	MsgOrderInProgress: {
		"The subscription already has an order in progress: %s",
		"По подписке уже есть незавершённый заказ: %s"},
	MsgPaymentModelValue: {"must be prepay or postpay", "должно быть prepay или postpay"},
	MsgPaymentModelNotAllowed: {
		"The payment model is not available for the account: its class is %s",
		"Эта модель оплаты недоступна для клиента: его класс — %s"},
	MsgCreditLimitValue: {"must be a non-negative amount", "должно быть неотрицательной суммой"},
	MsgProvisioningDateRange: {
		"must be a date from %s to %s",
		"должно быть датой с %s по %s"},
	MsgAsyncTaskRequired: {
		"The plan has order attributes: pass the id of a completed order attributes validation",
		"У тарифного плана есть атрибуты заказа: укажите id завершённой проверки атрибутов заказа"},
	MsgAsyncTaskNotUsable: {
		"must name a completed, valid order attributes validation of this plan for this account",
		"должно указывать завершённую успешную проверку атрибутов заказа этого тарифного плана для этого клиента"},
	MsgPaymentMethodUnknown: {
		"is not a payment method of the reseller",
		"не является способом оплаты реселлера"},
	MsgPaymentCompleteBody: {
		"must hold payment_method_id, or status paid_from_balance",
		"должно содержать payment_method_id или status paid_from_balance"},
}

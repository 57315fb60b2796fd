package domain

// Messages of the orders, subscriptions and payments endpoints.
const (
	MsgSubscriptionNotFound Message = "subscription_not_found"
	MsgOrderNotFound        Message = "order_not_found"
	MsgPaymentNotFound      Message = "payment_not_found"
	// MsgOrderInProgress refuses an order for a subscription that has one in flight;
	// the argument is the document number of that order.
	MsgOrderInProgress Message = "order_in_progress"
)

var ordersTexts = map[Message]texts{
	MsgSubscriptionNotFound: {"Subscription not found", "Подписка не найдена"},
	MsgOrderNotFound:        {"Order not found", "Заказ не найден"},
	MsgPaymentNotFound:      {"Payment not found", "Платёж не найден"},
	MsgOrderInProgress: {
		"The subscription already has an order in progress: %s",
		"По подписке уже есть незавершённый заказ: %s"},
}

package domain

// Messages of order pricing: the quantities and periods an order may ask for, with
// the texts the API documents for them, and the amounts Cascade refuses to compute.
const (
	MsgResourceAmountInvalid Message = "resource_amount_invalid"
	MsgResourceNotInPlan     Message = "resource_not_in_plan"
	MsgResourceMustBeOrdered Message = "resource_must_be_ordered"
	MsgResourceUnchanged     Message = "resource_unchanged"
	MsgResourceDowngrade     Message = "resource_downgrade_not_allowed"
	MsgResourceQuantityFixed Message = "resource_quantity_fixed"
	MsgResourceOrderedTwice  Message = "resource_ordered_twice"
	MsgPeriodNotInPlan       Message = "period_not_in_plan"
	MsgPriceRange            Message = "price_out_of_range"
	MsgSwitchCurrency        Message = "switch_currency"
)

var pricingTexts = map[Message]texts{
	MsgResourceAmountInvalid: {"There are ordered invalid amount of resources", "Заказано недопустимое количество ресурсов"},
	MsgResourceNotInPlan:     {"The resource id is not available for ordering in plan", "Ресурс с этим id недоступен для заказа в тарифном плане"},
	MsgResourceMustBeOrdered: {"The resource id must be ordered", "Ресурс с этим id обязательно должен быть заказан"},
	MsgResourceUnchanged:     {"To change the quantity of resource id, specify a value other than already ordered", "Чтобы изменить количество ресурса, укажите значение, отличное от уже заказанного"},
	MsgResourceDowngrade:     {"Resources downgrade are not allowed", "Уменьшение количества ресурсов не допускается"},
	MsgResourceQuantityFixed: {"There are ordered invalid amount of resources, quantity must be %d for plan resource id", "Заказано недопустимое количество ресурсов: количество ресурса тарифного плана должно быть равно %d"},
	MsgResourceOrderedTwice:  {"The resource is listed more than once", "Ресурс указан в заказе более одного раза"},
	MsgPeriodNotInPlan:       {"The period id is not available for ordering in plan", "Период с этим id недоступен для заказа в тарифном плане"},
	MsgSwitchCurrency:        {"The target plan is sold in another currency than the subscription's plan", "Целевой тарифный план продаётся в другой валюте, чем тарифный план подписки"},
	MsgPriceRange:            {"The order's quantities or prices are too large to compute its total", "Количества или цены заказа слишком велики, чтобы рассчитать его сумму"},
}

// errPriceRange is the error of an amount, a quantity times a price, that Cascade
// cannot hold: an absurd quantity of an unlimited resource, or an absurd period.
func errPriceRange() *Error {
	return &Error{Code: ErrInvalid, Message: MsgPriceRange, Reason: MsgPriceRange.Reason()}
}

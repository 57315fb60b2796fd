package domain

// Messages of the vendor integration: product signing secrets and the addresses a
// vendor's API path may point at.
const (
	// MsgProductSecretNotFound answers a read of a product's secret when it has none.
	MsgProductSecretNotFound Message = "product_secret_not_found"
	// MsgProductNotAutomatic refuses to rotate the secret of a product that is not in
	// automatic mode: only calls to the vendor's API are signed.
	MsgProductNotAutomatic Message = "product_not_automatic"
	// MsgVendorAddressLinkLocal refuses an API path at a link-local or cloud metadata
	// address, never a vendor's service.
	MsgVendorAddressLinkLocal Message = "vendor_address_link_local"
	// MsgVendorAddressPrivate refuses an API path at a loopback or private address
	// unless the installation allows them.
	MsgVendorAddressPrivate Message = "vendor_address_private"
	// MsgProvisioningNotFailed refuses a provisioning retry of a subscription whose
	// latest operation did not fail, or was not sent to a vendor.
	MsgProvisioningNotFailed Message = "provisioning_not_failed"
	// MsgProvisioningRetrying refuses a provisioning retry of an operation that is
	// being retried already.
	MsgProvisioningRetrying Message = "provisioning_retrying"
	// MsgProvisioningNotWaiting refuses a provisioning completion of a subscription
	// with no operation waiting for a manager: none was e-mailed, the e-mail is still
	// being sent, or the operation was marked done or failed already.
	MsgProvisioningNotWaiting Message = "provisioning_not_waiting"
	// MsgResourceChangeRefused refuses an order whose new quantity the vendor's
	// resource validation denied, with the quantity the vendor said is available.
	MsgResourceChangeRefused Message = "resource_change_not_available_up_to"
	// MsgResourceChangeRefusedBare is MsgResourceChangeRefused when the vendor gave
	// no available quantity.
	MsgResourceChangeRefusedBare Message = "resource_change_not_available"
	// MsgVendorUnavailable answers a request that needs the vendor's answer when the
	// vendor's service did not give one (down, slow or failing).
	MsgVendorUnavailable Message = "vendor_unavailable"
	// MsgVendorChanged refuses an order whose subscription kept changing while the
	// vendor was asked about it.
	MsgVendorChanged Message = "vendor_validation_outdated"
	// MsgNoVendorAPI refuses the integration check of a product that is not in
	// automatic mode with an API path.
	MsgNoVendorAPI Message = "product_without_vendor_api"
)

var vendorTexts = map[Message]texts{
	MsgProductSecretNotFound: {"The product has no signing secret", "У продукта нет секрета подписи"},
	MsgProductNotAutomatic: {"The product is not in automatic provisioning mode",
		"Продукт не в автоматическом режиме провизионинга"},
	MsgVendorAddressLinkLocal: {"must not point at a link-local or cloud metadata address",
		"не может указывать на link-local адрес или адрес метаданных облака"},
	MsgVendorAddressPrivate: {"must not point at a loopback or private address unless CASCADE_VENDOR_ALLOW_PRIVATE=1",
		"не может указывать на loopback или частный адрес без CASCADE_VENDOR_ALLOW_PRIVATE=1"},
	MsgProvisioningNotFailed: {"The subscription has no failed vendor operation to retry",
		"У подписки нет неудавшейся операции у вендора, которую можно повторить"},
	MsgProvisioningRetrying: {"The failed operation is being retried already",
		"Неудавшаяся операция уже повторяется"},
	MsgProvisioningNotWaiting: {"The subscription has no provisioning operation waiting to be marked done or failed",
		"У подписки нет операции провизионинга, ожидающей отметки о выполнении или неудаче"},
	MsgResourceChangeRefused: {"Order could not be created: resource change %d is not available. You can change up to %d",
		"Заказ не может быть создан: изменение ресурса %d недоступно. Можно изменить не более чем до %d"},
	MsgResourceChangeRefusedBare: {"Order could not be created: resource change %d is not available",
		"Заказ не может быть создан: изменение ресурса %d недоступно"},
	MsgVendorUnavailable: {"The vendor's service gave no usable answer (%s). Try again later",
		"Сервис вендора не дал пригодного ответа (%s). Повторите попытку позже"},
	MsgVendorChanged: {"The subscription changed while the vendor checked the order: place it again",
		"Подписка изменилась, пока вендор проверял заказ: оформите его снова"},
	MsgNoVendorAPI: {"must be in automatic provisioning mode with an API path to be checked",
		"должен быть в автоматическом режиме провизионинга с API path, чтобы его проверить"},
}

package domain

// Messages of invoices and their external (ERP) management. The errors of the ERP
// endpoints carry their INVOICE code as errors[].code: the documented codes keep the
// documented texts and statuses; the others are Cascade's, listed in docs/billing.md.
const (
	MsgInvoiceNotFound          Message = "INVOICE-0002"
	MsgInvoiceRequired          Message = "INVOICE-0001"
	MsgInvoiceDueDate           Message = "INVOICE-0003"
	MsgInvoiceExternal          Message = "INVOICE-0004"
	MsgInvoiceBillingDate       Message = "INVOICE-0005"
	MsgInvoiceDocumentID        Message = "INVOICE-0006"
	MsgInvoiceReceipt           Message = "INVOICE-0007"
	MsgInvoiceFileSize          Message = "INVOICE-0008"
	MsgInvoiceValue             Message = "INVOICE-0009"
	MsgInvoiceCompletePostpaid  Message = "INVOICE-0010"
	MsgInvoiceCompleteClosed    Message = "INVOICE-0011"
	MsgInvoiceCompleteZero      Message = "INVOICE-0012"
	MsgInvoiceApprovePostpaid   Message = "INVOICE-0013"
	MsgInvoiceApproveClosed     Message = "INVOICE-0014"
	MsgInvoiceApproveZero       Message = "INVOICE-0015"
	MsgInvoiceUnapprovedPayment Message = "INVOICE-0016"
	MsgInvoiceCompleteCancelled Message = "INVOICE-0017"
	MsgInvoiceApproveCancelled  Message = "INVOICE-0018"
	MsgInvoiceRevokeCancelled   Message = "INVOICE-0019"
	MsgInvoiceNotExternal       Message = "INVOICE-0020"
	MsgInvoiceApproved          Message = "INVOICE-0021"
	MsgInvoiceNotApproved       Message = "INVOICE-0022"
	MsgInvoiceRevokeCompleted   Message = "INVOICE-0023"
	MsgInvoicePaid              Message = "INVOICE-0024"
)

var invoiceTexts = map[Message]texts{
	MsgInvoiceNotFound: {"Invoice not found", "Счёт не найден"},
	MsgInvoiceRequired: {"Required parameters are not provided", "Не указаны обязательные параметры"},
	MsgInvoiceDueDate: {
		"The due date must be a date (YYYY-MM-DD) no earlier than today, %s",
		"Срок оплаты должен быть датой (ГГГГ-ММ-ДД) не ранее сегодняшней, %s"},
	MsgInvoiceExternal: {
		"The third-party amount external_total (at least zero) and its currency external_currency (an ISO 4217 code) must be given together",
		"Сумма стороннего счёта external_total (не меньше нуля) и её валюта external_currency (код ISO 4217) указываются вместе"},
	MsgInvoiceBillingDate: {"Incorrect specified billing date for the invoice", "Неверно указана дата выставления счёта"},
	MsgInvoiceDocumentID:  {"Incorrect specified document_id for the invoice", "Неверно указан document_id счёта"},
	MsgInvoiceReceipt: {
		"Attach the third-party invoice either as file, a base64 data URI (data:<type>;base64,<data>), or as link, an absolute http or https URL, not both",
		"Приложите сторонний счёт либо файлом (file) в виде data URI base64 (data:<тип>;base64,<данные>), либо ссылкой (link) — абсолютным URL http или https, но не обоими"},
	MsgInvoiceFileSize: {
		"The attached file is larger than %d MiB",
		"Приложенный файл больше %d МиБ"},
	MsgInvoiceValue:            {"The value is too long", "Значение слишком длинное"},
	MsgInvoiceCompletePostpaid: {"Only postpaid invoice can be completed", "Провести можно только постоплатный счёт"},
	MsgInvoiceCompleteClosed:   {"Only closed invoice can be completed", "Провести можно только закрытый счёт"},
	MsgInvoiceCompleteZero:     {"Only non-zero invoice can be completed", "Провести можно только ненулевой счёт"},
	MsgInvoiceApprovePostpaid:  {"Only postpaid invoice can be approved", "Подтвердить можно только постоплатный счёт"},
	MsgInvoiceApproveClosed:    {"Only closed invoice can be approved", "Подтвердить можно только закрытый счёт"},
	MsgInvoiceApproveZero:      {"Only non-zero invoice can be approved", "Подтвердить можно только ненулевой счёт"},
	MsgInvoiceUnapprovedPayment: {
		"The invoice of this payment is managed by an external system and is not approved yet: the payment can be neither paid nor approved until the system approves the invoice",
		"Счёт этого платежа ведёт внешняя система, и он ещё не подтверждён: платёж нельзя ни оплатить, ни подтвердить, пока система не подтвердит счёт"},
	MsgInvoiceCompleteCancelled: {
		"Payment related to this invoice has been cancelled. Invoice completion is not possible",
		"Платёж по этому счёту отменён. Провести счёт невозможно"},
	MsgInvoiceApproveCancelled: {
		"Payment related to this invoice has been cancelled. Invoice approval is not possible",
		"Платёж по этому счёту отменён. Подтвердить счёт невозможно"},
	MsgInvoiceRevokeCancelled: {
		"Payment related to this invoice has been cancelled. Revoking the approval is not possible",
		"Платёж по этому счёту отменён. Отозвать подтверждение невозможно"},
	MsgInvoiceNotExternal: {
		"Invoices of this reseller are not managed by an external system: set invoices.external_management in its catalogue",
		"Счета этого реселлера не ведёт внешняя система: задайте invoices.external_management в его каталоге"},
	MsgInvoiceApproved:    {"The invoice is already approved", "Счёт уже подтверждён"},
	MsgInvoiceNotApproved: {"The invoice is not approved", "Счёт не подтверждён"},
	MsgInvoiceRevokeCompleted: {
		"Payment related to this invoice has been completed. Revoking the approval is not possible",
		"Платёж по этому счёту проведён. Отозвать подтверждение невозможно"},
	MsgInvoicePaid: {
		"Payment related to this invoice has already been completed",
		"Платёж по этому счёту уже проведён"},
}

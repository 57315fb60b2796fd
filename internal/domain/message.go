package domain

import (
	"fmt"
	"strings"
)

// Message names one user-facing text. The name doubles as the machine code shown in
// errors[].code, so clients can branch on it whatever the locale.
type Message string

// Reason returns the machine code of m.
func (m Message) Reason() string { return string(m) }

// Locale is a language the server writes texts in.
type Locale string

// The supported locales; English is the default for anything else.
const (
	LocaleEN Locale = "en"
	LocaleRU Locale = "ru"
)

// ParseLocale maps an X-Api-Locale value to a supported locale, defaulting to English.
func ParseLocale(s string) Locale {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "ru") {
		return LocaleRU
	}
	return LocaleEN
}

// Messages of the API. Keep each in the catalogue below, in both languages.
const (
	MsgForbidden            Message = "forbidden"
	MsgInternal             Message = "internal_error"
	MsgUnavailable          Message = "unavailable"
	MsgTokenMissing         Message = "token_missing"
	MsgTokenInvalid         Message = "token_invalid"
	MsgManagerBlocked       Message = "manager_blocked"
	MsgMediaType            Message = "unsupported_media_type"
	MsgBodyTooLarge         Message = "body_too_large"
	MsgMalformedJSON        Message = "malformed_json"
	MsgBodyRequired         Message = "body_required"
	MsgBodyUnreadable       Message = "body_unreadable"
	MsgInvalidUTF8          Message = "invalid_utf8"
	MsgTooDeep              Message = "too_deep"
	MsgDuplicateMember      Message = "duplicate_member"
	MsgMemberCase           Message = "member_case"
	MsgControlCharacter     Message = "control_character"
	MsgControlCharacterKey  Message = "control_character_in_name"
	MsgMustBeString         Message = "must_be_string"
	MsgMustBeInteger        Message = "must_be_integer"
	MsgMustBeBoolean        Message = "must_be_boolean"
	MsgMustBeObject         Message = "must_be_object"
	MsgMustBeArray          Message = "must_be_array"
	MsgMustBeNumber         Message = "must_be_number"
	MsgRequired             Message = "required"
	MsgBlank                Message = "blank"
	MsgTooLong              Message = "too_long"
	MsgTaken                Message = "taken"
	MsgNotUpdatable         Message = "not_updatable"
	MsgOneOf                Message = "not_in_list"
	MsgInvalidEmail         Message = "invalid_email"
	MsgInvalidPhone         Message = "invalid_phone"
	MsgInvalidCountry       Message = "invalid_country"
	MsgInvalidCurrency      Message = "invalid_currency"
	MsgInvalidDomain        Message = "invalid_domain"
	MsgInvalidManagerKey    Message = "invalid_manager_key"
	MsgInvalidAttributeKey  Message = "invalid_attribute_key"
	MsgTooManyAttributes    Message = "too_many_attributes"
	MsgWeakPassword         Message = "weak_password"
	MsgPageSize             Message = "invalid_page_size"
	MsgPageNumber           Message = "invalid_page_number"
	MsgUnknownFilter        Message = "unknown_filter"
	MsgUnknownSort          Message = "unknown_sort"
	MsgUnknownInclude       Message = "unknown_include"
	MsgUnknownParameter     Message = "unknown_parameter"
	MsgInvalidCursor        Message = "invalid_cursor"
	MsgCursorWithNumber     Message = "cursor_with_page_number"
	MsgInvalidDate          Message = "invalid_date"
	MsgInvalidInteger       Message = "invalid_integer"
	MsgInvalidBoolean       Message = "invalid_boolean"
	MsgRangeNotSupported    Message = "range_not_supported"
	MsgTooManyValues        Message = "too_many_values"
	MsgTooManySortFields    Message = "too_many_sort_fields"
	MsgDuplicateSortField   Message = "duplicate_sort_field"
	MsgRepeatedParameter    Message = "repeated_parameter"
	MsgInvalidCharacters    Message = "invalid_characters"
	MsgInvalidID            Message = "invalid_id"
	MsgRouteNotFound        Message = "route_not_found"
	MsgMethodNotAllowed     Message = "method_not_allowed"
	MsgMethodNotImplemented Message = "method_not_implemented"
	MsgResellerNotFound     Message = "reseller_not_found"
	MsgManagerNotFound      Message = "manager_not_found"
	MsgManagerRoleNotFound  Message = "manager_role_not_found"
	MsgPlanNotFound         Message = "plan_not_found"
	MsgProductNotFound      Message = "product_not_found"
	MsgSwitchTypeRequired   Message = "switch_type_required"
	MsgAccountNotFound      Message = "account_not_found"
	MsgAsyncTaskNotFound    Message = "async_task_not_found"
	MsgAsyncTaskFailed      Message = "async_task_failed"
	MsgMustBeDate           Message = "must_be_date"
	MsgMustBeAccepted       Message = "must_be_accepted"
	MsgNotPlanResource      Message = "not_plan_resource"
	MsgIdempotencyMismatch  Message = "idempotency_key_reused"
	MsgIdempotencyInFlight  Message = "idempotency_key_in_progress"
	MsgIdempotencyLost      Message = "idempotency_response_lost"
	MsgIdempotencyKeyFormat Message = "invalid_idempotency_key"
	MsgNotUpstreamManager   Message = "not_upstream_manager"
	MsgRootHasNoUpstream    Message = "root_has_no_upstream"
	MsgOwnUpstreamManager   Message = "own_upstream_manager"
	MsgSelfStatusOrRole     Message = "self_status_or_role"
	MsgCurrentResellerOnly  Message = "current_reseller_only"
	MsgRoleRequired         Message = "role_required"
	// Accounts and their users.
	MsgUnknownAccountType  Message = "unknown_account_type"
	MsgUnknownAccountClass Message = "unknown_account_class"
	MsgNotSalesManager     Message = "not_sales_manager"
	MsgNotAccountUser      Message = "not_account_user"
	MsgUnknownUser         Message = "unknown_user"
	MsgOwnerExclusive      Message = "owner_exclusive"
	MsgCreditHoldAutomatic Message = "credit_hold_automatic"
	MsgInvalidCreditLimit  Message = "invalid_credit_limit"
	MsgAccountHasNoOwner   Message = "account_has_no_owner"
	MsgLoginTokenInvalid   Message = "login_token_invalid"
	// The catalogue file (cascade catalog apply, PUT .../catalog).
	MsgCatalogSyntax      Message = "catalog_syntax"
	MsgCatalogOneDocument Message = "catalog_one_document"
	MsgUnknownField       Message = "unknown_field"
	MsgDuplicate          Message = "duplicate"
	MsgInvalidKey         Message = "invalid_key"
	MsgInvalidAmount      Message = "invalid_amount"
	MsgOutOfRange         Message = "out_of_range"
	MsgAtLeast            Message = "too_small"
	MsgAtLeastField       Message = "below_field"
	MsgBooleanQuantity    Message = "boolean_quantity"
	MsgInvalidURL         Message = "invalid_url"
	MsgEndlessDuration    Message = "endless_duration"
	MsgPeriodsRequired    Message = "periods_required"
	MsgListValues         Message = "list_values_required"
	MsgAutomaticOnly      Message = "automatic_mode_only"
	MsgSwitchToItself     Message = "switch_to_itself"
	MsgResellerRef        Message = "invalid_reseller_reference"
	MsgResellerNotBelow   Message = "reseller_not_below"
	MsgUnknownServiceTerm Message = "unknown_service_term"
	MsgUnknownCategory    Message = "unknown_category"
	MsgUnknownProduct     Message = "unknown_product"
	MsgUnknownPlan        Message = "unknown_plan"
	MsgUnknownPeriod      Message = "unknown_period"
	MsgUnknownResource    Message = "unknown_resource"
	MsgPlanIsDelegated    Message = "plan_is_delegated"
	MsgPlanIsOwn          Message = "plan_is_own"
	MsgPlanNotDelegated   Message = "plan_not_delegated"
	MsgDownstreamKeyTaken Message = "downstream_key_taken"
	// What no catalogue file may hold or exceed (catalogfile's scan and Limits).
	MsgCatalogAlias    Message = "catalog_alias"
	MsgCatalogMergeKey Message = "catalog_merge_key"
	MsgCatalogLimit    Message = "catalog_limit"
	MsgCatalogEntries  Message = "catalog_entries_limit"
	MsgTooManyProblems Message = "catalog_too_many_problems"

	// Titles of errors, one per error code.
	MsgTitleInvalid      Message = "title_invalid"
	MsgTitleBadRequest   Message = "title_bad_request"
	MsgTitleUnauthorized Message = "title_unauthorized"
	MsgTitleForbidden    Message = "title_forbidden"
	MsgTitleNotFound     Message = "title_not_found"
	MsgTitleConflict     Message = "title_conflict"
	MsgTitleTooLarge     Message = "title_too_large"
	MsgTitleMediaType    Message = "title_media_type"
	MsgTitleInternal     Message = "title_internal"
	MsgTitleUnavailable  Message = "title_unavailable"
	MsgTitleMethod       Message = "title_method_not_allowed"
	MsgTitleUnsupported  Message = "title_not_implemented"
)

type texts struct{ en, ru string }

// catalogue holds every text the server writes, as fmt formats: the core texts below
// and those each area keeps in its own message_*.go file.
var catalogue = joinTexts(coreTexts, lifecycleTexts, pricingTexts, paymentTexts, catalogLifecycleTexts, clockTexts, ordersTexts, paymentOpsTexts, orderKindsTexts, subscriptionOpsTexts, vendorTexts, currencyRateTexts, correctionTexts, invoiceTexts, chargeTexts, creditTexts, accountClassTexts)

// joinTexts merges the areas' tables; a message defined twice is a programming error.
func joinTexts(tables ...map[Message]texts) map[Message]texts {
	all := make(map[Message]texts)
	for _, t := range tables {
		for m, x := range t {
			if _, dup := all[m]; dup {
				panic("domain: message " + string(m) + " defined twice")
			}
			all[m] = x
		}
	}
	return all
}

var coreTexts = map[Message]texts{
	MsgForbidden:            {"This action is forbidden", "Это действие запрещено"},
	MsgInternal:             {"Internal server error", "Внутренняя ошибка сервера"},
	MsgUnavailable:          {"The service is temporarily unavailable", "Сервис временно недоступен"},
	MsgTokenMissing:         {"The X-Api-Token header is missing", "Не передан заголовок X-Api-Token"},
	MsgTokenInvalid:         {"The API token is invalid", "Недействительный API-токен"},
	MsgManagerBlocked:       {"The manager is blocked", "Менеджер заблокирован"},
	MsgMediaType:            {"Content-Type must be application/vnd.api+json or application/json", "Content-Type должен быть application/vnd.api+json или application/json"},
	MsgBodyTooLarge:         {"The request body is larger than %d bytes", "Тело запроса больше %d байт"},
	MsgMalformedJSON:        {"The request body is not valid JSON (near byte %d)", "Тело запроса не является корректным JSON (около байта %d)"},
	MsgBodyRequired:         {"The request body is required", "Тело запроса обязательно"},
	MsgBodyUnreadable:       {"The request body could not be read to its end: its length or chunked encoding is broken, or the connection was cut", "Тело запроса не удалось дочитать до конца: неверна его длина или кодирование частями, либо соединение прервано"},
	MsgInvalidUTF8:          {"The request body is not valid UTF-8 (near byte %d)", "Тело запроса не является корректным UTF-8 (около байта %d)"},
	MsgTooDeep:              {"The request body nests objects and arrays more than %d levels deep", "В теле запроса объекты и массивы вложены глубже %d уровней"},
	MsgDuplicateMember:      {"The member %q appears more than once in the same object", "Поле %q указано в одном объекте более одного раза"},
	MsgMemberCase:           {"is not a member: member names are case-sensitive (did you mean %q?)", "не является полем: имена полей чувствительны к регистру (возможно, имелось в виду %q?)"},
	MsgControlCharacter:     {"must be UTF-8 text without control characters (U+0000 to U+001F other than tab, line feed and carriage return, or U+007F)", "должно быть текстом UTF-8 без управляющих символов (U+0000–U+001F, кроме табуляции, перевода строки и возврата каретки, и U+007F)"},
	MsgControlCharacterKey:  {"A member name must not contain control characters (U+0000 to U+001F other than tab, line feed and carriage return, or U+007F)", "Имя поля не должно содержать управляющих символов (U+0000–U+001F, кроме табуляции, перевода строки и возврата каретки, и U+007F)"},
	MsgMustBeString:         {"must be a string", "должно быть строкой"},
	MsgMustBeInteger:        {"must be an integer", "должно быть целым числом"},
	MsgMustBeBoolean:        {"must be a boolean", "должно быть логическим значением"},
	MsgMustBeObject:         {"must be an object", "должно быть объектом"},
	MsgMustBeArray:          {"must be an array", "должно быть массивом"},
	MsgMustBeNumber:         {"must be a number", "должно быть числом"},
	MsgRequired:             {"is required", "обязательное поле"},
	MsgBlank:                {"can't be blank", "не может быть пустым"},
	MsgTooLong:              {"is too long (at most %d characters)", "слишком длинное значение (не более %d символов)"},
	MsgTaken:                {"has already been taken", "уже занято"},
	MsgNotUpdatable:         {"cannot be changed", "не может быть изменено"},
	MsgOneOf:                {"must be one of: %s", "должно быть одним из: %s"},
	MsgInvalidEmail:         {"is not a valid e-mail address", "не является корректным адресом e-mail"},
	MsgInvalidPhone:         {"must look like +<country code><number> or 00<country code><number>", "должен иметь вид +<код страны><номер> или 00<код страны><номер>"},
	MsgInvalidCountry:       {"is not an ISO 3166-1 alpha-2 country code", "не является кодом страны ISO 3166-1 alpha-2"},
	MsgInvalidCurrency:      {"is not an ISO 4217 currency code", "не является кодом валюты ISO 4217"},
	MsgInvalidDomain:        {"is not a valid domain name", "не является корректным доменным именем"},
	MsgInvalidManagerKey:    {"may contain only letters, digits, '_', '.' and '-'", "может содержать только буквы, цифры, «_», «.» и «-»"},
	MsgTooManyAttributes:    {"can hold at most %d attributes", "может содержать не более %d атрибутов"},
	MsgInvalidAttributeKey:  {"custom attribute keys may contain only letters, digits and '_'", "ключи атрибутов могут содержать только буквы, цифры и «_»"},
	MsgWeakPassword:         {"must be 8 to 72 characters long and contain a letter and a digit", "должен содержать от 8 до 72 символов, хотя бы одну букву и одну цифру"},
	MsgPageSize:             {"must be an integer from 1 to %d", "должно быть целым числом от 1 до %d"},
	MsgPageNumber:           {"must be an integer of at least 1", "должно быть целым числом не меньше 1"},
	MsgUnknownFilter:        {"is not a filter of this list; known filters: %s", "не является фильтром этого списка; доступные фильтры: %s"},
	MsgUnknownSort:          {"does not allow sorting by %q; sortable fields: %s", "не позволяет сортировать по %q; доступные поля: %s"},
	MsgUnknownInclude:       {"does not allow including %q; includable: %s", "не позволяет включить %q; доступно: %s"},
	MsgUnknownParameter:     {"is not a parameter of this endpoint", "не является параметром этого метода"},
	MsgInvalidCursor:        {"is not a cursor of this list with this sort and these filters; follow links.next", "не является курсором этого списка с этой сортировкой и этими фильтрами; используйте links.next"},
	MsgCursorWithNumber:     {"cannot be combined with page[number]", "нельзя указывать вместе с page[number]"},
	MsgInvalidDate:          {"must be a date (YYYY-MM-DD), a local date-time (YYYY-MM-DDTHH:MM:SS) or an RFC 3339 time", "должно быть датой (ГГГГ-ММ-ДД), локальным временем (ГГГГ-ММ-ДДTЧЧ:ММ:СС) или временем RFC 3339"},
	MsgInvalidInteger:       {"must be a comma-separated list of integers", "должно быть списком целых чисел через запятую"},
	MsgInvalidBoolean:       {"must be true or false", "должно быть true или false"},
	MsgRangeNotSupported:    {"does not support [gt]/[lt] ranges", "не поддерживает диапазоны [gt]/[lt]"},
	MsgTooManyValues:        {"must list at most %d values", "должно содержать не более %d значений"},
	MsgTooManySortFields:    {"must name at most %d fields", "должно содержать не более %d полей"},
	MsgDuplicateSortField:   {"names the field %q more than once", "указывает поле %q более одного раза"},
	MsgRepeatedParameter:    {"must be given at most once", "можно указать не более одного раза"},
	MsgInvalidCharacters:    {"must be UTF-8 text without control characters", "должно быть текстом UTF-8 без управляющих символов"},
	MsgInvalidID:            {"must be a positive integer id", "должно быть положительным целым идентификатором"},
	MsgRouteNotFound:        {"No such endpoint", "Такого метода нет"},
	MsgMethodNotAllowed:     {"The method is not allowed for this endpoint", "Этот HTTP-метод не поддерживается для данного пути"},
	MsgMethodNotImplemented: {"The server does not implement this method for any endpoint", "Сервер не поддерживает этот HTTP-метод ни для одного пути"},
	MsgResellerNotFound:     {"Reseller not found", "Реселлер не найден"},
	MsgManagerNotFound:      {"Manager not found", "Менеджер не найден"},
	MsgManagerRoleNotFound:  {"Manager role not found", "Роль менеджера не найдена"},
	MsgPlanNotFound:         {"Plan not found", "Тарифный план не найден"},
	MsgProductNotFound:      {"Product not found", "Продукт не найден"},
	MsgSwitchTypeRequired:   {"is required: immediate_switch or delayed_switch", "обязателен: immediate_switch или delayed_switch"},
	MsgAccountNotFound:      {"Account not found", "Аккаунт не найден"},
	MsgAsyncTaskNotFound:    {"Async task not found", "Асинхронная задача не найдена"},
	MsgAsyncTaskFailed:      {"The task could not be completed because of a platform-side error", "Задачу не удалось выполнить из-за ошибки на стороне платформы"},
	MsgMustBeDate:           {"must be a date in the form YYYY-MM-DD", "должно быть датой в формате ГГГГ-ММ-ДД"},
	MsgMustBeAccepted:       {"must be accepted", "должно быть принято"},
	MsgNotPlanResource:      {"must name resources of this plan", "должно содержать только ресурсы этого тарифного плана"},
	MsgIdempotencyMismatch:  {"This Idempotency-Key was already used with a different request", "Этот Idempotency-Key уже использован с другим запросом"},
	MsgIdempotencyInFlight:  {"A request with this Idempotency-Key is still being processed", "Запрос с этим Idempotency-Key ещё обрабатывается"},
	MsgIdempotencyLost:      {"The request with this Idempotency-Key was completed, but its response was not recorded; read the resource instead", "Запрос с этим Idempotency-Key выполнен, но его ответ не сохранён; запросите ресурс"},
	MsgIdempotencyKeyFormat: {"must be 1 to 255 printable ASCII characters", "должен содержать от 1 до 255 печатных символов ASCII"},
	MsgNotUpstreamManager:   {"must be an active manager of the upstream reseller", "должен быть активным менеджером вышестоящего реселлера"},
	MsgRootHasNoUpstream:    {"cannot be set on the operator, which has no upstream reseller", "нельзя задать для оператора: у него нет вышестоящего реселлера"},
	MsgOwnUpstreamManager:   {"can be set only by the upstream reseller", "может задать только вышестоящий реселлер"},
	MsgSelfStatusOrRole:     {"A manager cannot change its own status or role", "Менеджер не может менять свой статус или роль"},
	MsgCurrentResellerOnly:  {"Manager roles are listed for the token's own reseller only", "Роли менеджеров доступны только для собственного реселлера токена"},
	MsgRoleRequired:         {"is required unless admin is true", "обязательно, если admin не равно true"},
	MsgUnknownAccountType:   {"is not an account type of this installation", "не является типом аккаунта этой инсталляции"},
	MsgUnknownAccountClass:  {"is not an account class of this installation", "не является классом аккаунта этой инсталляции"},
	MsgNotSalesManager:      {"must be an active manager with the Sales person role of the account's reseller", "должен быть активным менеджером с ролью «Менеджер по продажам» реселлера аккаунта"},
	MsgNotAccountUser:       {"must be a user of this account", "должен быть пользователем этого аккаунта"},
	MsgUnknownUser:          {"is not an existing user", "не является существующим пользователем"},
	MsgOwnerExclusive:       {"cannot be given together with owner_id", "нельзя передавать вместе с owner_id"},
	MsgCreditHoldAutomatic:  {"credit_hold is set and lifted only by billing", "статус credit_hold устанавливается и снимается только биллингом"},
	MsgInvalidCreditLimit:   {"must be a decimal amount of at least 0 with at most 6 decimal places", "должно быть десятичной суммой не меньше 0, не более 6 знаков после запятой"},
	MsgAccountHasNoOwner:    {"The account has no Owner user to sign in as", "У аккаунта нет пользователя-владельца, от имени которого можно войти"},
	MsgLoginTokenInvalid:    {"The login token is invalid, expired or already used", "Токен входа недействителен, истёк или уже использован"},
	MsgCatalogSyntax:        {"The catalogue is not valid YAML: %s", "Каталог не является корректным YAML: %s"},
	MsgCatalogOneDocument:   {"The catalogue must be a single YAML document", "Каталог должен быть одним документом YAML"},
	MsgUnknownField:         {"is not a known field; known fields: %s", "не является известным полем; известные поля: %s"},
	MsgDuplicate:            {"%q is given more than once", "%q указано более одного раза"},
	MsgInvalidKey:           {"may contain only letters, digits, '_', '.' and '-' (at most 64 characters)", "может содержать только буквы, цифры, «_», «.» и «-» (не более 64 символов)"},
	MsgInvalidAmount:        {"must be an amount of at least 0 with at most 6 decimal places, such as 9.99", "должно быть суммой не меньше 0, не более 6 знаков после запятой, например 9.99"},
	MsgOutOfRange:           {"must be an integer from %d to %d", "должно быть целым числом от %d до %d"},
	MsgAtLeast:              {"must be at least %d", "должно быть не меньше %d"},
	MsgAtLeastField:         {"must be at least %s (%d)", "должно быть не меньше %s (%d)"},
	MsgBooleanQuantity:      {"must be 0 or 1 for a boolean resource", "для логического ресурса должно быть 0 или 1"},
	MsgInvalidURL:           {"must be an absolute http or https URL", "должно быть абсолютным URL http или https"},
	MsgEndlessDuration:      {"must be 0 for an endless period", "для бессрочного периода должно быть 0"},
	MsgPeriodsRequired:      {"must list at least one period", "должно содержать хотя бы один период"},
	MsgListValues:           {"must list the allowed values of a list attribute", "для атрибута-списка нужно перечислить допустимые значения"},
	MsgAutomaticOnly:        {"can be on only in automatic mode", "может быть включено только в автоматическом режиме"},
	MsgSwitchToItself:       {"must name another plan: a plan cannot switch to itself", "должно указывать другой план: план нельзя переключить на самого себя"},
	MsgResellerRef:          {"must be a reseller id or domain", "должно быть идентификатором или доменом реселлера"},
	MsgResellerNotBelow:     {"%q is not a reseller below this one", "%q не является реселлером ниже данного"},
	MsgUnknownServiceTerm:   {"%q is not a service term of this catalogue", "%q не является условиями обслуживания этого каталога"},
	MsgUnknownCategory:      {"%q is not a category of this catalogue", "%q не является категорией этого каталога"},
	MsgUnknownProduct:       {"%q is not a product of this catalogue", "%q не является продуктом этого каталога"},
	MsgUnknownPlan:          {"%q is not a plan of this catalogue", "%q не является планом этого каталога"},
	MsgUnknownPeriod:        {"%q is not a period of the plan", "%q не является периодом плана"},
	MsgUnknownResource:      {"%q is not a resource of the plan", "%q не является ресурсом плана"},
	MsgPlanIsDelegated:      {"%q is a plan delegated from upstream; list it under delegated", "%q — план, полученный от вышестоящего реселлера; укажите его в разделе delegated"},
	MsgPlanIsOwn:            {"%q is this reseller's own plan; only plans delegated from upstream go under delegated", "%q — собственный план реселлера; в разделе delegated указываются только полученные планы"},
	MsgPlanNotDelegated:     {"%q is not a plan delegated to this reseller", "%q не является планом, переданным этому реселлеру"},
	MsgDownstreamKeyTaken:   {"Reseller %d already has another plan with key %q", "У реселлера %d уже есть другой план с ключом %q"},
	MsgCatalogAlias:         {"YAML aliases are not allowed in a catalogue: write the value out in full", "Псевдонимы YAML (alias) в каталоге не допускаются: запишите значение полностью"},
	MsgCatalogMergeKey:      {"YAML merge keys (<<) are not allowed in a catalogue: write the fields out in full", "Ключи слияния YAML (<<) в каталоге не допускаются: запишите поля полностью"},
	MsgCatalogLimit:         {"has %d entries; the catalogue limit %s allows at most %d", "содержит %d элементов; ограничение каталога %s допускает не более %d"},
	MsgCatalogEntries:       {"Here the file passes %d entries, the catalogue limit %s: service terms, categories, products, plans, and each plan's periods, resources, switches, order attributes and their values, counted once more for every reseller the plan is made available to", "Здесь файл превышает %d элементов — ограничение каталога %s: условия обслуживания, категории, продукты, планы, а также периоды, ресурсы, переключения, атрибуты заказа и их значения каждого плана, учитываемые ещё раз для каждого реселлера, которому план доступен"},
	MsgTooManyProblems:      {"The file has more problems than the %d listed: fix these and apply it again to see the rest", "В файле больше проблем, чем %d перечисленных: исправьте их и примените файл снова, чтобы увидеть остальные"},
	MsgTitleInvalid:         {"Invalid attribute", "Неверное значение"},
	MsgTitleBadRequest:      {"Bad request", "Неверный запрос"},
	MsgTitleUnauthorized:    {"Unauthorized", "Требуется авторизация"},
	MsgTitleForbidden:       {"Forbidden", "Доступ запрещён"},
	MsgTitleNotFound:        {"Not found", "Не найдено"},
	MsgTitleConflict:        {"Conflict", "Конфликт"},
	MsgTitleTooLarge:        {"Request entity too large", "Слишком большой запрос"},
	MsgTitleMediaType:       {"Unsupported media type", "Неподдерживаемый тип данных"},
	MsgTitleInternal:        {"Internal server error", "Внутренняя ошибка сервера"},
	MsgTitleUnavailable:     {"Service unavailable", "Сервис недоступен"},
	MsgTitleMethod:          {"Method not allowed", "Метод не поддерживается"},
	MsgTitleUnsupported:     {"Not implemented", "Не реализовано"},
}

// Text renders m in locale l. A message missing from the catalogue renders as its
// name, which a test prevents.
func (m Message) Text(l Locale, args ...any) string {
	t, ok := catalogue[m]
	if !ok {
		return string(m)
	}
	f := t.en
	if l == LocaleRU && t.ru != "" {
		f = t.ru
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// Known reports whether m has a catalogue entry in both languages.
func (m Message) Known() bool {
	t, ok := catalogue[m]
	return ok && t.en != "" && t.ru != ""
}

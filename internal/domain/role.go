package domain

// Role is a manager's standard role. It decides which API methods the manager may call
// (see Permitted); access levels (ManagerRole) name a role per reseller.
type Role string

// The standard roles, with the API values of their UI names.
const (
	RoleAdmin     Role = "admin"     // System administrator
	RoleOwner     Role = "owner"     // Product owner
	RoleSales     Role = "sales"     // Sales person
	RoleMarketing Role = "marketing" // Marketing
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleOwner, RoleSales, RoleMarketing}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Label is the UI name of r, used for the access levels every reseller starts with.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "System administrator"
	case RoleOwner:
		return "Product owner"
	case RoleSales:
		return "Sales person"
	case RoleMarketing:
		return "Marketing"
	}
	return string(r)
}

// Action is something a manager may ask the API to do. Permissions are granted per
// action in the table below, and docs/roles.md restates that table for people.
type Action string

// Actions of the API.
const (
	ActionResellerRead    Action = "reseller.read"
	ActionResellerCreate  Action = "reseller.create"
	ActionResellerUpdate  Action = "reseller.update"
	ActionManagerRead     Action = "manager.read"
	ActionManagerCreate   Action = "manager.create"
	ActionManagerUpdate   Action = "manager.update"      // any manager in scope
	ActionManagerSelf     Action = "manager.update_self" // only the caller itself
	ActionManagerRoleRead Action = "manager_role.read"
	ActionCatalogRead     Action = "catalog.read"
	ActionCatalogApply    Action = "catalog.apply"
	ActionOrderAttrsCheck Action = "order_attributes.validate"
	ActionAsyncTaskRead   Action = "async_task.read"
	ActionAccountRead     Action = "account.read"
	ActionAccountCreate   Action = "account.create"
	ActionAccountUpdate   Action = "account.update"
	ActionAccountLogin    Action = "account.login_token"
	// ActionTestClock reads and advances the test clock; the service also requires
	// the operator's own managers (docs/test-clock.md).
	ActionTestClock Action = "test_clock.manage"
	// Orders, subscriptions and payments.
	ActionOrderRead           Action = "order.read"
	ActionOrderCreate         Action = "order.create"
	ActionOrderCancel         Action = "order.cancel"
	ActionSubscriptionRead    Action = "subscription.read"
	ActionSubscriptionOperate Action = "subscription.operate"
	ActionPaymentRead         Action = "payment.read"
	ActionPaymentCreate       Action = "payment.create"
	ActionPaymentComplete     Action = "payment.complete"
	// Corrections of an account's money: a Product owner may read them but neither
	// create nor approve or decline them (documented).
	ActionCorrectionRead    Action = "correction.read"
	ActionCorrectionCreate  Action = "correction.create"
	ActionCorrectionApprove Action = "correction.approve"
	// ActionProductSecret rotates the secret a product's vendor calls are signed with.
	ActionProductSecret Action = "product.secret_rotate"
	// ActionIntegrationCheck runs the integration check of a product's vendor service.
	ActionIntegrationCheck Action = "product.integration_check"
	// ActionProvisioningRetry sends a subscription's failed vendor operation again.
	ActionProvisioningRetry Action = "subscription.provisioning_retry"
	// ActionCurrencyRateRead reads the currency rates in force and their history;
	// ActionCurrencyRateUpdate sets new ones, which reprice every later order.
	ActionCurrencyRateRead   Action = "currency_rate.read"
	ActionCurrencyRateUpdate Action = "currency_rate.update"
)

// permissions is the one table of who may do what. System administrators and product
// owners may do everything; sales people and marketing read, and update only their
// own manager record (never their status or role).
var permissions = map[Action][]Role{
	ActionResellerRead:    {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionResellerCreate:  {RoleAdmin, RoleOwner},
	ActionResellerUpdate:  {RoleAdmin, RoleOwner},
	ActionManagerRead:     {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionManagerCreate:   {RoleAdmin, RoleOwner},
	ActionManagerUpdate:   {RoleAdmin, RoleOwner},
	ActionManagerSelf:     {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionManagerRoleRead: {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionCatalogRead:     {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionCatalogApply:    {RoleAdmin},
	ActionOrderAttrsCheck: {RoleAdmin, RoleOwner, RoleSales},
	ActionAsyncTaskRead:   {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionAccountRead:     {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionAccountCreate:   {RoleAdmin, RoleOwner, RoleSales},
	ActionAccountUpdate:   {RoleAdmin, RoleOwner, RoleSales},
	ActionAccountLogin:    {RoleAdmin, RoleOwner, RoleSales},
	ActionTestClock:       {RoleAdmin},

	ActionOrderRead:           {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionOrderCreate:         {RoleAdmin, RoleOwner, RoleSales},
	ActionOrderCancel:         {RoleAdmin, RoleOwner, RoleSales},
	ActionSubscriptionRead:    {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionSubscriptionOperate: {RoleAdmin, RoleOwner, RoleSales},
	ActionPaymentRead:         {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionPaymentCreate:       {RoleAdmin, RoleOwner, RoleSales},
	ActionPaymentComplete:     {RoleAdmin, RoleOwner, RoleSales},
	ActionCorrectionRead:      {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionCorrectionCreate:    {RoleAdmin, RoleSales},
	ActionCorrectionApprove:   {RoleAdmin, RoleSales},
	ActionProductSecret:       {RoleAdmin, RoleOwner},
	ActionIntegrationCheck:    {RoleAdmin, RoleOwner},
	ActionProvisioningRetry:   {RoleAdmin, RoleOwner},
	ActionCurrencyRateRead:    {RoleAdmin, RoleOwner, RoleSales, RoleMarketing},
	ActionCurrencyRateUpdate:  {RoleAdmin},
}

// Permitted reports whether role r may perform action a.
func Permitted(r Role, a Action) bool {
	for _, x := range permissions[a] {
		if x == r {
			return true
		}
	}
	return false
}

// Actions lists every action in the permission table, for documentation and tests.
func Actions() []Action {
	out := make([]Action, 0, len(permissions))
	for a := range permissions {
		out = append(out, a)
	}
	return out
}

// Package httpapi is Cascade's REST API v3: routing, the JSON:API envelope, errors in
// English and Russian, list parameters, idempotent writes and one file per resource.
// It holds no SQL; every handler decodes, calls one service method and encodes.
package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// Config wires a Server.
type Config struct {
	// Location is the installation's time zone, in which times are rendered and
	// zone-less filter values are read.
	Location *time.Location
	Logger   *slog.Logger
	Metrics  *Metrics
	// OpenAPI is the API description served at /api/v3/openapi.yaml.
	OpenAPI []byte
	// TestClock serves the test clock's endpoints; without it they answer like an
	// unknown path.
	TestClock bool
}

// Server is the HTTP face of a Service.
type Server struct {
	svc     *service.Service
	loc     *time.Location
	log     *slog.Logger
	metrics *Metrics
	openapi []byte
	// testClock registers the test clock's routes.
	testClock bool
	mux       *http.ServeMux
	handler   http.Handler
	// patterns lists every API route, for the test that each is documented.
	patterns []string
	// planAttrs and accountAttrs keep plans' and listed accounts' encoded attributes.
	planAttrs    encodedCache[domain.Plan, *domain.Plan]
	accountAttrs encodedCache[domain.Account, *domain.Account]
	// subscriptionAttrs keep the encoded attributes of subscriptions of cached pages.
	subscriptionAttrs subscriptionAttrsCache
}

// New returns the API server for svc.
func New(svc *service.Service, cfg Config) *Server {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil, nil)
	}
	s := &Server{svc: svc, loc: cfg.Location, log: cfg.Logger, metrics: cfg.Metrics, openapi: cfg.OpenAPI,
		testClock: cfg.TestClock, mux: http.NewServeMux()}
	s.routes()
	s.handler = s.observe(http.HandlerFunc(s.dispatch))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Patterns returns the method-and-path pattern of every API route.
func (s *Server) Patterns() []string { return append([]string(nil), s.patterns...) }

// routes registers every endpoint; each resource's file holds its handlers.
func (s *Server) routes() {
	s.plain("GET /healthz", http.HandlerFunc(s.handleHealthz))
	s.plain("GET /readyz", http.HandlerFunc(s.handleReadyz))
	s.plain("GET /metrics", s.metrics.Handler())
	s.plain("GET /api/v3/openapi.yaml", http.HandlerFunc(s.handleOpenAPI))

	const v3 = "/api/v3"
	s.route("GET "+v3+"/resellers/{reseller_id}", s.handleResellerGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}", s.handleResellerUpdate, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_resellers", listOf(s, resellerList, s.svc.FindChildResellers, s.resellerPage), 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/child_resellers", s.handleChildResellerCreate, idempotent)
	s.route("GET "+v3+"/customer_store/resellers", s.handleStoreResellerList, 0)
	s.route("GET "+v3+"/customer_store/resellers/{reseller_id}", s.handleResellerGet, 0)

	s.route("GET "+v3+"/resellers/{reseller_id}/managers", listOf(s, managerList, s.svc.FindManagers, s.managerPage), 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/managers", s.handleManagerCreate, idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/managers/{manager_id}", s.handleManagerGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/managers/{manager_id}", s.handleManagerUpdate, 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/managers/{manager_id}/api_token", s.handleManagerTokenRotate, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_managers", listOf(s, childManagerList, s.svc.FindChildResellerManagers, s.managerPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/manager_roles", listOf(s, managerRoleList, s.svc.FindManagerRoles, plainPage(s, s.toAPIManagerRole)), 0)

	s.route("GET "+v3+"/customer_store/resellers/{reseller_id}/product_categories", listOf(s, categoryList, s.svc.FindProductCategories, plainPage(s, s.toAPICategory)), 0)
	s.route("GET "+v3+"/customer_store/resellers/{reseller_id}/products", listOf(s, productList, s.svc.FindProducts, s.productPage), 0)
	s.route("GET "+v3+"/customer_store/resellers/{reseller_id}/products/{product_id}", s.handleProductGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/plans", listOf(s, planList, s.svc.FindPlans, s.planPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/plans/{plan_id}", s.handlePlanGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/plans/{plan_id}/switchable_plans", s.handleSwitchablePlanList, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_plans", listOf(s, childPlanList, s.svc.FindChildResellerPlans, s.planPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_plans/{plan_id}", s.handleChildResellerPlanGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/payment_methods", listOf(s, paymentMethodList, s.svc.FindPaymentMethods, plainPage(s, s.toAPIPaymentMethod)), 0)

	accountPage := plainPage(s, s.toAPIListedAccount)
	s.route("GET "+v3+"/resellers/{reseller_id}/accounts", listOf(s, accountList, s.svc.FindAccounts, s.accountPage), 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/accounts", s.handleAccountCreate, idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/accounts/{account_id}", s.handleAccountGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/accounts/{account_id}", s.handleAccountUpdate, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_accounts", listOf(s, childAccountList, s.svc.FindChildResellerAccounts, accountPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_accounts/{account_id}", s.handleChildResellerAccountGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/account_attributes", s.handleAccountAttributes, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/user_authentication/token", s.handleLoginToken, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/plans/{plan_id}/order_attributes", s.handleOrderAttributeList, 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/plans/{plan_id}/order_attributes_validation", s.handleOrderAttributesValidate, idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/async_tasks/{async_task_id}", s.handleAsyncTaskGet, 0)

	s.route("POST "+v3+"/resellers/{reseller_id}/sales_order", s.handleSalesOrderCreate, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/change_order", s.handleChangeOrderCreate, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/switch_order", s.handleSubscriptionOrderCreate(domain.SwitchOrder), idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/renewal_order", s.handleSubscriptionOrderCreate(domain.RenewalOrder), idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/prolong_order", s.handleSubscriptionOrderCreate(domain.ProlongOrder), idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/orders", listOf(s, orderList, s.svc.FindOrders, s.orderPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/orders/{order_id}", s.handleOrderGet, 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/orders/{order_id}/cancel_operation", s.handleOrderCancel, idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/subscriptions", listOf(s, subscriptionList, s.svc.FindSubscriptions, s.subscriptionPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}", s.handleSubscriptionGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}", s.handleSubscriptionUpdate, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/stop_operation", s.handleSubscriptionStop, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/activate_operation", s.handleSubscriptionActivate, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/delete_operation", s.handleSubscriptionDelete, idempotent)
	s.route("PATCH "+v3+"/reseller/subscriptions/{subscription_id}/close_charges", s.handleCloseCharges, 0)
	s.route("PATCH "+v3+"/vendor/subscriptions/{subscription_id}/close_charges", s.handleCloseCharges, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_subscriptions", listOf(s, childSubscriptionList, s.svc.FindChildResellerSubscriptions, s.subscriptionPage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/child_reseller_subscriptions/{subscription_id}", s.handleChildResellerSubscriptionGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/payments", listOf(s, paymentList, s.svc.FindPayments, plainPage(s, s.toAPIPayment)), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/payments/{payment_id}", s.handlePaymentGet, 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/charges", listOf(s, chargeList, s.svc.FindCharges, s.chargePage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/charges/{charge_id}", s.handleChargeGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/payments/{payment_id}", s.handlePaymentComplete, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/payments", s.handlePaymentCreate, idempotent)
	s.route("DELETE "+v3+"/resellers/{reseller_id}/payments/{payment_id}", s.handlePaymentCancel, idempotent)
	// The path carries the payment's document number here (see handlePaymentCompleteByDocument).
	s.route("POST "+v3+"/resellers/{reseller_id}/payments/{payment_id}", s.handlePaymentCompleteByDocument, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/corrections", s.handleCorrectionCreate, idempotent)
	s.route("GET "+v3+"/resellers/{reseller_id}/corrections", listOf(s, correctionList, s.svc.FindCorrections, plainPage(s, s.toAPICorrection)), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/corrections/{correction_id}", s.handleCorrectionGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/corrections/{correction_id}", s.handleCorrectionDecide, idempotent)

	s.route("GET "+v3+"/resellers/{reseller_id}/currency_rates", s.handleCurrencyRatesGet, 0)
	s.route("PATCH "+v3+"/resellers/{reseller_id}/currency_rates", s.handleCurrencyRatesUpdate, idempotent)
	// Cascade extension: every rate ever set for a reseller's prices.
	s.route("GET "+v3+"/resellers/{reseller_id}/currency_rates/history", listOf(s, currencyRateHistoryList, s.svc.FindCurrencyRateHistory, plainPage(s, s.toAPICurrencyRateRecord)), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/invoices", listOf(s, invoiceList, s.svc.FindInvoices, s.invoicePage), 0)
	s.route("GET "+v3+"/resellers/{reseller_id}/invoices/{invoice_id}", s.handleInvoiceGet, 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/invoices/{invoice_id}/approve", s.handleInvoiceManage(domain.InvoiceApprove), largeBody)
	s.route("POST "+v3+"/resellers/{reseller_id}/invoices/{invoice_id}/complete", s.handleInvoiceManage(domain.InvoiceComplete), 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/invoices/{invoice_id}/revoke", s.handleInvoiceManage(domain.InvoiceRevoke), 0)
	s.route("POST "+v3+"/resellers/{reseller_id}/accounts/{account_id}/approve_invoices", s.handleAccountInvoiceManage(domain.InvoiceApprove), largeBody)
	s.route("POST "+v3+"/resellers/{reseller_id}/accounts/{account_id}/complete_invoices", s.handleAccountInvoiceManage(domain.InvoiceComplete), 0)

	// The Customer Control Panel's entry, where an Owner's one-time login token is redeemed.
	s.plain("GET /{$}", http.HandlerFunc(s.handleSignIn))

	// Cascade extension: the declarative catalogue (docs/catalog.md).
	s.route("PUT "+v3+"/resellers/{reseller_id}/catalog", s.handleCatalogApply, yamlBody|largeBody)
	// Cascade extension: a new signing secret for a product's vendor calls (docs/vendor-protocol.md).
	s.route("POST "+v3+"/resellers/{reseller_id}/products/{product_id}/secret", s.handleProductSecretRotate, 0)
	// Cascade extension: the integration check of a product's vendor service (docs/vendor-protocol.md).
	s.route("POST "+v3+"/resellers/{reseller_id}/products/{product_id}/integration_check", s.handleIntegrationCheck, 0)

	// Cascade extension: a manager's answer to a stop or deletion waiting for approval.
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/approve_operation", s.handleSubscriptionApprove, idempotent)
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/decline_operation", s.handleSubscriptionDecline, idempotent)
	// Cascade extension: an operator's retry of a subscription's failed vendor operation.
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_retry", s.handleSubscriptionProvisioningRetry, idempotent)
	// Cascade extension: a manager marks an operation of a product in manual mode done or failed.
	s.route("POST "+v3+"/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_completion", s.handleSubscriptionProvisioningCompletion, idempotent)

	// Cascade extension: the test clock (docs/test-clock.md), only when it is on.
	if s.testClock {
		s.route("GET "+v3+"/test_clock", s.handleTestClockGet, 0)
		s.route("POST "+v3+"/test_clock/advance", s.handleTestClockAdvance, 0)
	}

	s.mux.HandleFunc("/", s.handleUnmatched)
}

// plain registers a route outside the API machinery: no token, no JSON:API.
func (s *Server) plain(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, h)
}

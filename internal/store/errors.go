package store

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnique marks a write refused by a unique constraint; Constraint names the index.
type ErrUnique struct{ Constraint string }

func (e *ErrUnique) Error() string { return "unique constraint violated: " + e.Constraint }

// ErrForeignKey marks a write refused by a foreign key.
var ErrForeignKey = errors.New("foreign key constraint violated")

// IsDeadlock reports whether err is PostgreSQL breaking a deadlock by failing this
// transaction: nothing of it was kept, so it may simply run again. (SQLite has one
// writer and cannot deadlock.)
func IsDeadlock(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40P01"
}

// translate turns the drivers' constraint errors into the store's own, once, by
// driver error code.
func translate(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &ErrUnique{Constraint: pe.ConstraintName}
		case "23503":
			return ErrForeignKey
		case catalogMovedCode:
			return ErrCatalogMoved
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &ErrUnique{Constraint: uniqueColumns(se.Error())}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return ErrForeignKey
		}
	}
	return err
}

// sqliteUniqueIndexes maps the column lists SQLite names in a unique-constraint error
// to the index names PostgreSQL reports, so callers see one name on both engines.
var sqliteUniqueIndexes = map[string]string{
	"resellers.domain":                                            "resellers_domain",
	"managers.email":                                              "managers_email",
	"managers.manager_key":                                        "managers_manager_key",
	"managers.token_hash":                                         "managers_token_hash",
	"manager_roles.reseller_id, manager_roles.name":               "manager_roles_reseller_name",
	"idempotency_keys.manager_id, idempotency_keys.key_hash":      "idempotency_keys_pkey",
	"service_terms.reseller_id, service_terms.key":                "service_terms_reseller_key",
	"product_categories.reseller_id, product_categories.key":      "product_categories_reseller_key",
	"products.reseller_id, products.key":                          "products_reseller_key",
	"plans.reseller_id, plans.key":                                "plans_reseller_key",
	"payment_methods.reseller_id, payment_methods.key":            "payment_methods_reseller_key",
	"plan_periods.plan_id, plan_periods.key":                      "plan_periods_plan_key",
	"plan_resources.plan_id, plan_resources.key":                  "plan_resources_plan_key",
	"plan_order_attributes.plan_id, plan_order_attributes.key":    "plan_order_attributes_plan_key",
	"account_types.key":                                           "account_types_key",
	"account_classes.key":                                         "account_classes_key",
	"accounts.reseller_id, accounts.external_key":                 "accounts_reseller_external_key",
	"users.reseller_id, users.email":                              "users_reseller_email",
	"account_users.account_id, account_users.user_id":             "account_users_pkey",
	"account_users.account_id":                                    "account_users_owner",
	"user_login_tokens.token_hash":                                "user_login_tokens_pkey",
	"cache_scopes.scope, cache_scopes.shard":                      "cache_scopes_pkey",
	"list_counts.reseller_id, list_counts.kind, list_counts.slot": "list_counts_pkey",
	"scheduler_passes.name":                                       "scheduler_passes_pkey",
	"provisioning_waits.subscription_id":                          "provisioning_waits_pkey",
	"charges.subscription_id, charges.billing_key":                "charges_subscription_billing_key",

	"invoices.account_id, invoices.payment_model, invoices.from_date": "invoices_account_period",
	"invoices.reseller_id, invoices.own_document_id":                  "invoices_reseller_document_id",
	"invoice_files.invoice_id":                                        "invoice_files_pkey",
	"corrections.carried_from_invoice_id":                             "corrections_carried_from",

	"plan_switches.plan_id, plan_switches.switch_type, plan_switches.target_id": "plan_switches_pkey",

	"orders.subscription_id":                                                          OrderInFlightIndex,
	"orders.subscription_id, orders.kind, orders.automatic_for":                       AutomaticOrderIndex,
	"orders.reseller_id, orders.document_id":                                          "orders_reseller_document_id",
	"payments.reseller_id, payments.document_id":                                      "payments_reseller_document_id",
	"document_counters.reseller_id, document_counters.prefix":                         "document_counters_pkey",
	"order_lines.order_id, order_lines.kind, order_lines.position":                    "order_lines_pkey",
	"subscription_resources.subscription_id, subscription_resources.plan_resource_id": "subscription_resources_subscription_plan_resource",

	"subscription_vendor_reads.subscription_id":                                                                             "subscription_vendor_reads_pkey",
	"subscription_resource_usage.subscription_id, subscription_resource_usage.plan_resource_id":                             "subscription_resource_usage_pkey",
	"subscription_consumption.subscription_id, subscription_consumption.resource_key, subscription_consumption.period_from": "subscription_consumption_pkey",

	"vendor_users.user_id, vendor_users.product_id": "vendor_users_pkey",
}

// uniqueColumns turns SQLite's "UNIQUE constraint failed: managers.email (2067)"
// into the index name the same constraint has on PostgreSQL.
func uniqueColumns(msg string) string {
	const marker = "constraint failed: "
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return msg
	}
	cols := msg[i+len(marker):]
	if j := strings.Index(cols, " ("); j >= 0 {
		cols = cols[:j]
	}
	if name, ok := sqliteUniqueIndexes[cols]; ok {
		return name
	}
	return cols
}

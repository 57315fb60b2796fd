package catalogfile

import (
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Action is what applying a file does to one object.
type Action string

// Actions of a change list.
const (
	Create     Action = "create"
	Update     Action = "update"
	Delete     Action = "delete"     // soft: periods and resources stay for existing subscriptions
	Deactivate Action = "deactivate" // a delegated plan whose availability was withdrawn
)

// Kind is the kind of object a change is about.
type Kind string

// Kinds of a change list.
const (
	KindServiceTerm    Kind = "service_term"
	KindPaymentMethod  Kind = "payment_method"
	KindCategory       Kind = "category"
	KindProduct        Kind = "product"
	KindPlan           Kind = "plan"
	KindPeriod         Kind = "period"
	KindResource       Kind = "resource"
	KindSwitch         Kind = "switch"
	KindOrderAttribute Kind = "order_attribute"
	KindDelegation     Kind = "delegation"
	// KindInvoiceSettings is the reseller's invoices settings (key "invoices").
	KindInvoiceSettings Kind = "invoice_settings"
	// KindAccountClass is an installation-wide account class (operator only).
	KindAccountClass Kind = "account_class"
)

// Change is one difference between the file and the stored catalogue.
type Change struct {
	Action Action
	Kind   Kind
	Key    string // the object's key; a switch's target plan key
	Plan   string // the plan the object belongs to, for periods, resources, switches and attributes
	// ResellerID is the reseller holding a delegated copy, for delegations.
	ResellerID int64
	SwitchType string // for switches
	Fields     []FieldChange
}

// FieldChange is one changed field of an update, with its values as shown to people.
type FieldChange struct {
	Name     string
	Old, New string
	// Fee holds a changed fee's amounts (nil for other fields): people see its values,
	// not just its name, and the price history records them.
	Fee *FeeChange
}

// FeeChange is a fee's amount before and after a change.
type FeeChange struct{ Old, New domain.Amount }

// FieldNames lists the changed fields' names.
func (c Change) FieldNames() []string {
	out := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		out[i] = f.Name
	}
	return out
}

// Result is the outcome of applying a file: what differed, in the order applied.
type Result struct {
	ResellerID int64
	DryRun     bool
	Changes    []Change
	// ProductSecrets are the signing secrets made for the products that entered
	// automatic mode, by product key: shown this once (never on a dry run).
	ProductSecrets map[string]string
}

// Changed reports whether anything differed.
func (r *Result) Changed() bool { return len(r.Changes) > 0 }

// String renders a change on one line: "+ plan mail-basic",
// "~ period mail-basic/1m: recurring_fee 10.0 -> 12.0".
func (c Change) String() string {
	sign := map[Action]string{Create: "+", Update: "~", Delete: "-", Deactivate: "-"}[c.Action]
	name := c.Key
	switch c.Kind {
	case KindSwitch:
		name = c.Plan + " -> " + c.Key + " (" + c.SwitchType + ")"
	case KindDelegation:
		name = fmt.Sprintf("%s -> reseller %d", c.Key, c.ResellerID)
	default:
		if c.Plan != "" {
			name = c.Plan + "/" + c.Key
		}
	}
	s := sign + " " + string(c.Kind) + " " + name
	if c.Action == Deactivate {
		s += " (deactivated by provider)"
	}
	if len(c.Fields) == 0 {
		return s
	}
	parts := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		parts[i] = f.Name
		if f.Fee != nil {
			parts[i] += " " + f.Old + " -> " + f.New
		}
	}
	return s + ": " + strings.Join(parts, ", ")
}

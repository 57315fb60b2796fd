package domain

import (
	"slices"
	"testing"
)

// mgDeclaredActions are the Action constants; the permission table must know each.
var mgDeclaredActions = []Action{
	ActionResellerRead, ActionResellerCreate, ActionResellerUpdate,
	ActionManagerRead, ActionManagerCreate, ActionManagerUpdate, ActionManagerSelf,
	ActionManagerRoleRead, ActionCatalogRead, ActionCatalogApply, ActionOrderAttrsCheck,
	ActionAsyncTaskRead, ActionAccountRead, ActionAccountCreate, ActionAccountUpdate, ActionAccountLogin,
	ActionTestClock,
	ActionOrderRead, ActionOrderCreate, ActionOrderCancel, ActionSubscriptionRead, ActionSubscriptionOperate,
	ActionPaymentRead, ActionPaymentCreate, ActionPaymentComplete,
	ActionCorrectionRead, ActionCorrectionCreate, ActionCorrectionApprove,
	ActionProductSecret, ActionProvisioningRetry, ActionIntegrationCheck,
	ActionCurrencyRateRead, ActionCurrencyRateUpdate,
}

func TestActionsListEveryAction(t *testing.T) {
	got := Actions()
	slices.Sort(got)
	want := slices.Clone(mgDeclaredActions)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Actions() = %v, want %v", got, want)
	}
}

func TestPermissionsAdministratorsDoEverything(t *testing.T) {
	for _, a := range Actions() {
		if !Permitted(RoleAdmin, a) {
			t.Errorf("Permitted(admin, %s) = false, want true", a)
		}
	}
}

func TestPermissionsTable(t *testing.T) {
	// Per action, whether owner, sales and marketing may do it. Sales people and
	// marketing read everything; sales people also serve customers; only System
	// administrators replace a catalogue.
	table := map[Action][3]bool{
		ActionResellerRead:    {true, true, true},
		ActionResellerCreate:  {true, false, false},
		ActionResellerUpdate:  {true, false, false},
		ActionManagerRead:     {true, true, true},
		ActionManagerCreate:   {true, false, false},
		ActionManagerUpdate:   {true, false, false},
		ActionManagerSelf:     {true, true, true},
		ActionManagerRoleRead: {true, true, true},
		ActionCatalogRead:     {true, true, true},
		ActionCatalogApply:    {false, false, false},
		ActionOrderAttrsCheck: {true, true, false},
		ActionAsyncTaskRead:   {true, true, true},
		ActionAccountRead:     {true, true, true},
		ActionAccountCreate:   {true, true, false},
		ActionAccountUpdate:   {true, true, false},
		ActionAccountLogin:    {true, true, false},
		ActionTestClock:       {false, false, false},

		ActionOrderRead:           {true, true, true},
		ActionOrderCreate:         {true, true, false},
		ActionOrderCancel:         {true, true, false},
		ActionSubscriptionRead:    {true, true, true},
		ActionSubscriptionOperate: {true, true, false},
		ActionPaymentRead:         {true, true, true},
		ActionPaymentCreate:       {true, true, false},
		ActionPaymentComplete:     {true, true, false},
		ActionCorrectionRead:      {true, true, true},
		ActionCorrectionCreate:    {false, true, false},
		ActionCorrectionApprove:   {false, true, false},
		ActionProductSecret:       {true, false, false},
		ActionProvisioningRetry:   {true, false, false},
		ActionIntegrationCheck:    {true, false, false},
		ActionCurrencyRateRead:    {true, true, true},
		ActionCurrencyRateUpdate:  {false, false, false},
	}
	for i, r := range []Role{RoleOwner, RoleSales, RoleMarketing} {
		for _, a := range mgDeclaredActions {
			row, ok := table[a]
			if !ok {
				t.Fatalf("action %s missing from this test's table", a)
			}
			want := row[i]
			t.Run(string(r)+"/"+string(a), func(t *testing.T) {
				if got := Permitted(r, a); got != want {
					t.Fatalf("Permitted(%s, %s) = %v, want %v", r, a, got, want)
				}
				if got := (Actor{Role: r}).Can(a); got != want {
					t.Fatalf("Actor{Role: %s}.Can(%s) = %v, want %v", r, a, got, want)
				}
			})
		}
	}
}

func TestPermissionsUnknownRole(t *testing.T) {
	for _, r := range []Role{"", "boss", "Admin", "ADMIN"} {
		for _, a := range Actions() {
			if Permitted(r, a) {
				t.Errorf("Permitted(%q, %s) = true, want false", r, a)
			}
		}
	}
	if Permitted(RoleAdmin, "manager.delete_everything") {
		t.Error("an unknown action is permitted")
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role  Role
		valid bool
		label string
	}{
		{RoleAdmin, true, "System administrator"},
		{RoleOwner, true, "Product owner"},
		{RoleSales, true, "Sales person"},
		{RoleMarketing, true, "Marketing"},
		{"support", false, "support"},
		{"", false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			if got := tt.role.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			if got := tt.role.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
		})
	}
	if got := len(Roles); got != 4 || Roles[0] != RoleAdmin {
		t.Fatalf("Roles = %v, want the four standard roles, admin first", Roles)
	}
}

func TestActorCovers(t *testing.T) {
	tests := []struct {
		name       string
		actor, obj string
		want       bool
	}{
		{"Own", "/1/5/", "/1/5/", true},
		{"Child", "/1/5/", "/1/5/9/", true},
		{"Grandchild", "/1/", "/1/5/9/", true},
		{"Parent", "/1/5/", "/1/", false},
		{"Sibling", "/1/5/", "/1/6/", false},
		{"SiblingWithSamePrefix", "/1/5/", "/1/50/", false},
		{"NoPath", "", "/1/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Actor{ResellerPath: tt.actor}).Covers(tt.obj); got != tt.want {
				t.Fatalf("Actor{%q}.Covers(%q) = %v, want %v", tt.actor, tt.obj, got, tt.want)
			}
		})
	}
	if got := ResellerPath(ResellerPath("", 1), 5); got != "/1/5/" {
		t.Fatalf("ResellerPath = %q, want /1/5/", got)
	}
}

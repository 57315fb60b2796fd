package domain

// ApprovalType is whether a stop or delete of a subscription runs at once or waits for
// a manager's approval (the subscription sits in waiting_for_manual_approve).
type ApprovalType string

// Approval types of the service term's stop and delete settings.
const (
	ApprovalAutomatic ApprovalType = "automatic"
	ApprovalManual    ApprovalType = "manual"
)

// Valid reports whether a is automatic or manual.
func (a ApprovalType) Valid() bool { return a == ApprovalAutomatic || a == ApprovalManual }

// ProrationRule is how a change or switch in the middle of a period is priced.
type ProrationRule string

// Proration rules; docs/lifecycle.md works through an example of each.
const (
	// ProrateImmediate charges (or refunds) the difference for the part of the period
	// that remains, at once.
	ProrateImmediate ProrationRule = "immediate_prorated"
	// ProrateImmediateFull charges the difference for the whole period at once, whatever
	// part of it remains.
	ProrateImmediateFull ProrationRule = "immediate_full"
	// ProrateNextPeriod charges no recurring fee now (added units still pay their
	// setup fees); the new price applies from the next period.
	ProrateNextPeriod ProrationRule = "next_period"
)

// ProrationRules lists every proration rule.
var ProrationRules = []ProrationRule{ProrateImmediate, ProrateImmediateFull, ProrateNextPeriod}

// Valid reports whether r is one of ProrationRules.
func (r ProrationRule) Valid() bool {
	for _, x := range ProrationRules {
		if r == x {
			return true
		}
	}
	return false
}

// AlwaysOpen, as a renew or switch point, opens the window for the whole period.
const AlwaysOpen = -1

// TermSettings are the knobs of a service term that drive a subscription's lifecycle.
// Day counts are whole days in the installation's time zone.
type TermSettings struct {
	// AutoRenewPoint: days before expiration the automatic renewal order (and the next
	// prolong order) is made.
	AutoRenewPoint int
	// ManualRenewPoint: days before expiration manual renewal opens; AlwaysOpen for the
	// whole period. Never below AutoRenewPoint.
	ManualRenewPoint int
	// ManualSwitchPoint: days before expiration a switch to another plan opens;
	// AlwaysOpen for the whole period.
	ManualSwitchPoint int
	// GracePeriod: days an unpaid subscription keeps working (graced) after its
	// expiration before it is stopped.
	GracePeriod int
	// DeletionPeriod: days from the subscription's start during which a manager may
	// delete it; a stopped subscription may be deleted at any time.
	DeletionPeriod int
	// StopPeriod: days a stopped subscription is kept before it is deleted automatically.
	StopPeriod int
	// CancelUnpaidOrderIn: days after its creation an unpaid order expires and is cancelled.
	CancelUnpaidOrderIn int
	// StopType and DeleteType: whether stops and deletions wait for a manager's approval.
	StopType   ApprovalType
	DeleteType ApprovalType
	// Proration prices changes and switches made in the middle of a period.
	Proration ProrationRule
}

// DefaultTermSettings are the settings of a plan without a service term, and of every
// knob a service term leaves out.
var DefaultTermSettings = TermSettings{
	AutoRenewPoint:      0,
	ManualRenewPoint:    AlwaysOpen,
	ManualSwitchPoint:   AlwaysOpen,
	GracePeriod:         7,
	DeletionPeriod:      30,
	StopPeriod:          30,
	CancelUnpaidOrderIn: 3,
	StopType:            ApprovalAutomatic,
	DeleteType:          ApprovalAutomatic,
	Proration:           ProrateImmediate,
}

// MaxTermDays bounds every day count of a service term (ten years).
const MaxTermDays = 3660

// Validate reports every setting out of range, with pointers under prefix (such as
// "/service_terms/0"), so a catalogue file names the faulty line.
func (s TermSettings) Validate(p *Problems, prefix string) {
	days := func(name string, v int, allowAlways bool) {
		if (allowAlways && v == AlwaysOpen) || (v >= 0 && v <= MaxTermDays) {
			return
		}
		p.Add(prefix+"/"+name, MsgTermDaysRange, MaxTermDays)
	}
	days("autorenew_point", s.AutoRenewPoint, false)
	days("manual_renew_point", s.ManualRenewPoint, true)
	days("manual_switch_point", s.ManualSwitchPoint, true)
	days("grace_period", s.GracePeriod, false)
	days("deletion_period", s.DeletionPeriod, false)
	days("stop_period", s.StopPeriod, false)
	days("cancel_unpaid_order_in", s.CancelUnpaidOrderIn, false)
	if s.ManualRenewPoint != AlwaysOpen && s.ManualRenewPoint < s.AutoRenewPoint {
		p.Add(prefix+"/manual_renew_point", MsgManualRenewBelowAuto)
	}
	if !s.StopType.Valid() {
		p.Add(prefix+"/stop_type", MsgApprovalType)
	}
	if !s.DeleteType.Valid() {
		p.Add(prefix+"/delete_type", MsgApprovalType)
	}
	if !s.Proration.Valid() {
		p.Add(prefix+"/proration", MsgProrationRule)
	}
}

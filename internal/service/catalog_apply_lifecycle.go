package service

import (
	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
)

// The parts of a catalogue file that drive subscriptions' lifecycle: the settings
// of service terms and the reseller's payment methods.

// diffTermSettings compares a service term's settings knob by knob, under the
// names the file gives them, so a change lists each knob that moved.
func diffTermSettings(d *diff, cur *domain.TermSettings, want domain.TermSettings) {
	d.int("autorenew_point", &cur.AutoRenewPoint, want.AutoRenewPoint)
	d.int("manual_renew_point", &cur.ManualRenewPoint, want.ManualRenewPoint)
	d.int("manual_switch_point", &cur.ManualSwitchPoint, want.ManualSwitchPoint)
	d.int("grace_period", &cur.GracePeriod, want.GracePeriod)
	d.int("deletion_period", &cur.DeletionPeriod, want.DeletionPeriod)
	d.int("stop_period", &cur.StopPeriod, want.StopPeriod)
	d.int("cancel_unpaid_order_in", &cur.CancelUnpaidOrderIn, want.CancelUnpaidOrderIn)
	diffEnum(d, "stop_type", &cur.StopType, want.StopType)
	diffEnum(d, "delete_type", &cur.DeleteType, want.DeleteType)
	diffEnum(d, "proration", &cur.Proration, want.Proration)
}

// paymentMethods creates the file's payment methods the reseller lacks and renames
// those whose name differs. Like every catalogue object, one missing from the file
// stays as it is: payments already made name it.
func (ap *applier) paymentMethods(list []catalogfile.PaymentMethod) error {
	if len(list) == 0 {
		return nil
	}
	stored, err := ap.tx.LoadPaymentMethods(ap.ctx, ap.resellerID)
	if err != nil {
		return err
	}
	for _, m := range list {
		cur := stored[m.Key]
		if cur == nil {
			pm := m.PaymentMethod
			pm.ResellerID, pm.CreatedAt, pm.UpdatedAt = ap.resellerID, ap.now, ap.now
			if err := ap.tx.CreatePaymentMethod(ap.ctx, &pm); err != nil {
				return err
			}
			ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindPaymentMethod, Key: pm.Key})
			continue
		}
		var d diff
		d.text("name", &cur.Name, m.Name)
		err := ap.saveChanges(catalogfile.KindPaymentMethod, cur.Key, &d, &cur.Timestamps,
			func() error { return ap.tx.UpdatePaymentMethod(ap.ctx, cur) })
		if err != nil {
			return err
		}
	}
	return nil
}

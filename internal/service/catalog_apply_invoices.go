package service

import (
	"strconv"

	"github.com/cascade-billing/cascade/internal/catalogfile"
)

// invoiceSettings makes the reseller's own invoices settings those of the file; a
// file without them leaves the stored ones, like every catalogue object. A reseller
// without a setting of its own inherits the nearest one above it, shown as
// "inherited" in the change.
func (ap *applier) invoiceSettings(want *catalogfile.InvoiceSettings) error {
	if want == nil {
		return nil
	}
	cur, err := ap.tx.InvoiceManagementOf(ap.ctx, ap.resellerID)
	if err != nil {
		return err
	}
	if cur != nil && *cur == want.ExternalManagement {
		return nil
	}
	old := "inherited"
	if cur != nil {
		old = strconv.FormatBool(*cur)
	}
	ap.record(catalogfile.Change{Action: catalogfile.Update, Kind: catalogfile.KindInvoiceSettings, Key: "invoices",
		Fields: []catalogfile.FieldChange{{Name: "external_management", Old: old,
			New: strconv.FormatBool(want.ExternalManagement)}}})
	return ap.tx.SetInvoiceManagement(ap.ctx, ap.resellerID, &want.ExternalManagement)
}

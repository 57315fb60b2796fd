package service

import (
	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
)

// accountClasses makes the installation's account classes those of the operator's
// file (catalogfile.Check refused the section in any other file): it creates the
// new ones, updates those that differ and, when the file names a default, takes
// the default from the others. A class whose credit limit changed gets a job that
// re-checks the credit hold of its accounts (account_class_limit.go), and so does
// one whose subzero period changed.
func (ap *applier) accountClasses(want []catalogfile.AccountClass) error {
	if len(want) == 0 {
		return nil
	}
	stored, err := ap.tx.FindAccountClasses(ap.ctx)
	if err != nil {
		return err
	}
	byKey := make(map[string]*domain.AccountClass, len(stored))
	for _, cl := range stored {
		byKey[cl.Key] = cl
	}
	named := false
	for _, w := range want {
		named = named || w.Default
		cur := byKey[w.Key]
		if cur == nil {
			cl := w.AccountClass
			if err := ap.tx.CreateAccountClass(ap.ctx, &cl); err != nil {
				return err
			}
			byKey[cl.Key] = &cl
			ap.classesChanged = true
			ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindAccountClass, Key: cl.Key})
			continue
		}
		oldLimit, oldPeriod := cur.CreditLimit, cur.SubzeroPeriod
		var d diff
		d.text("name", &cur.Name, w.Name)
		diffEnum(&d, "charging_model", &cur.ChargingModel, w.ChargingModel)
		d.money("credit_limit", &cur.CreditLimit, w.CreditLimit)
		d.int("subzero_period", &cur.SubzeroPeriod, w.SubzeroPeriod)
		d.bool("default", &cur.Default, w.Default)
		if err := ap.saveClass(cur, &d); err != nil {
			return err
		}
		// A changed subzero period may put accounts on hold (the subzero pass) or
		// lift the hold it set: the job re-checks every account of the class.
		if cur.CreditLimit != oldLimit || cur.SubzeroPeriod != oldPeriod {
			if err := enqueueClassLimitJob(ap.tx, cur.Key, cur.SubzeroPeriod != oldPeriod, ap.now); err != nil {
				return err
			}
		}
	}
	if !named {
		return nil
	}
	inFile := make(map[string]bool, len(want))
	for _, w := range want {
		inFile[w.Key] = true
	}
	for _, cl := range stored {
		if inFile[cl.Key] || !cl.Default {
			continue
		}
		var d diff
		d.bool("default", &cl.Default, false)
		if err := ap.saveClass(cl, &d); err != nil {
			return err
		}
	}
	return nil
}

// saveClass writes cl when d found a difference, and records the change.
func (ap *applier) saveClass(cl *domain.AccountClass, d *diff) error {
	if d.empty() {
		return nil
	}
	ap.classesChanged = true
	ap.record(catalogfile.Change{Action: catalogfile.Update, Kind: catalogfile.KindAccountClass, Key: cl.Key,
		Fields: d.fields})
	return ap.tx.UpdateAccountClass(ap.ctx, cl)
}

// storedClasses describes the stored account classes for catalogfile's checks:
// their charging model, default and how many accounts use each.
func storedClasses(classes []*domain.AccountClass, usage map[string]int) map[string]catalogfile.StoredClass {
	out := make(map[string]catalogfile.StoredClass, len(classes))
	for _, cl := range classes {
		out[cl.Key] = catalogfile.StoredClass{ChargingModel: cl.ChargingModel, Default: cl.Default, Accounts: usage[cl.Key]}
	}
	return out
}

package catalogfile

import (
	"gopkg.in/yaml.v3"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Account classes are installation-wide (docs/catalog.md, "Account classes"): only
// the operator's file may carry the account_classes section, and Check refuses it
// in any other reseller's file.

// LimitAccountClasses names the cap on the entries of account_classes. It is fixed,
// not configured: an installation has a handful of classes.
const LimitAccountClasses = "max_account_classes"

// maxAccountClasses is the value of LimitAccountClasses.
const maxAccountClasses = 100

// AccountClass is an account_classes entry.
type AccountClass struct {
	domain.AccountClass
	at *object
}

// StoredClass is a stored account class, as Check needs it.
type StoredClass struct {
	ChargingModel domain.ChargingModel
	Default       bool
	// Accounts is how many accounts use the class.
	Accounts int
}

// HasAccountClasses reports whether the file has the account_classes section.
func (f *File) HasAccountClasses() bool { return f.hasClasses }

// accountClasses reads the account_classes section of file object o into f.
func (r *reader) accountClasses(o *object, f *File, seen *keys) {
	if !o.has("account_classes") {
		return
	}
	f.classesAt = o.pos("account_classes")
	f.hasClasses = true
	defaults := 0
	for i, item := range o.list("account_classes", LimitAccountClasses, maxAccountClasses) {
		if r.halted() {
			break
		}
		c, ok := r.accountClass(item, f.classesAt.Path.item(i))
		if !ok {
			continue
		}
		seen.check("account_classes", c.at, c.Key)
		if c.Default {
			if defaults++; defaults > 1 {
				c.at.fail("default", domain.MsgAccountClassDefault)
			}
		}
		f.AccountClasses = append(f.AccountClasses, c)
		r.count(1, c.at.at())
	}
}

func (r *reader) accountClass(n *yaml.Node, p path) (AccountClass, bool) {
	o := r.object(n, p, "key", "name", "charging_model", "credit_limit", "subzero_period", "default")
	if o == nil {
		return AccountClass{}, false
	}
	c := AccountClass{at: o}
	c.Key = o.key("key")
	c.Name = o.text("name", true, maxName)
	c.ChargingModel = domain.ChargingModel(o.oneOf("charging_model", true, "",
		string(domain.ChargingModelPrepay), string(domain.ChargingModelPostpay)))
	if a := o.money("credit_limit"); a != nil {
		c.CreditLimit = *a
	}
	// Read as int64 and bounded before it becomes an int, so no value wraps.
	period := o.integer("subzero_period", false, domain.SubzeroUnlimited)
	c.SubzeroPeriod = int(max(min(period, domain.MaxSubzeroPeriod+1), domain.SubzeroUnlimited-1))
	if c.SubzeroPeriod < domain.SubzeroUnlimited || c.SubzeroPeriod > domain.MaxSubzeroPeriod {
		o.fail("subzero_period", domain.MsgSubzeroPeriod)
		c.SubzeroPeriod = domain.SubzeroUnlimited
	}
	c.Default = o.boolean("default", false)
	return c, true
}

// checkAccountClasses checks the file's account classes against the stored ones:
// only the operator sets them, a class's charging model stays while accounts use
// it, and one class is the default once the file is applied.
func (f *File) checkAccountClasses(ps *problems, st Stored) {
	if !f.hasClasses {
		return
	}
	if !st.Operator {
		ps.add(f.classesAt, domain.MsgAccountClassesOperator)
		return
	}
	// A class the file makes the default is the only one; otherwise the stored
	// default stays, unless the file turns it off without naming another.
	defaults := map[string]bool{}
	for k, c := range st.AccountClasses {
		defaults[k] = c.Default
	}
	named := false
	for _, c := range f.AccountClasses {
		defaults[c.Key] = c.Default
		named = named || c.Default
		cur, ok := st.AccountClasses[c.Key]
		if ok && c.ChargingModel != "" && c.ChargingModel != cur.ChargingModel && cur.Accounts > 0 {
			ps.add(c.at.pos("charging_model"), domain.MsgAccountClassInUse, cur.Accounts)
		}
	}
	if named {
		return
	}
	for _, d := range defaults {
		if d {
			return
		}
	}
	ps.add(f.classesAt, domain.MsgAccountClassDefault)
}

package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Invoices: reading them, and their external (ERP) management (docs/billing.md,
// "Invoices"). Reading takes the payments' read permission, the ERP's operations the
// payments' completion permission: an invoice is read and settled with its payment.

// InvoiceView is an invoice with what it gathers: its charges and their
// subscriptions.
type InvoiceView struct {
	*domain.Invoice
	Links *store.InvoiceLinks
}

// FindInvoiceByID returns invoice id of the reseller or of a reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindInvoiceByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*InvoiceView, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	c := s.db.Reader()
	inv, err := c.FindInvoiceByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if within, err := s.ownedWithin(ctx, a, path, inv.ResellerID); err != nil || !within {
		return nil, notFoundUnless(err, domain.MsgInvoiceNotFound)
	}
	views, err := invoiceViews(ctx, c, []*domain.Invoice{inv})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// FindInvoices lists the invoices of a reseller and of every reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindInvoices(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*InvoiceView, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	c := s.db.Reader()
	invoices, info, err := c.FindInvoices(ctx, t, q)
	if err != nil {
		return nil, info, err
	}
	views, err := invoiceViews(ctx, c, invoices)
	return views, info, err
}

// invoiceViews reads the links of invoices, in one query for all of them.
func invoiceViews(ctx context.Context, c *store.Conn, invoices []*domain.Invoice) ([]*InvoiceView, error) {
	ids := make([]int64, len(invoices))
	for i, inv := range invoices {
		ids[i] = inv.ID
	}
	links, err := c.FindInvoiceLinks(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*InvoiceView, len(invoices))
	for i, inv := range invoices {
		out[i] = &InvoiceView{Invoice: inv, Links: links[inv.ID]}
	}
	return out, nil
}

// InvoiceTarget names the invoice an ERP's request is about: by id, or by its
// account and the billing_date of the request (the postpaid invoice of the period
// that starts then).
type InvoiceTarget struct {
	InvoiceID int64
	AccountID int64
}

// ManageInvoice does op, an external system's approve, complete or revoke, on the
// invoice target of the reseller (or of a reseller below it), with the request in.
// The reseller must have external invoice management on (INVOICE-0020), and so
// must the invoice's own reseller when it is one below. The
// payment's row is locked before the invoice's, the order a payment's completion
// takes them in, so two completions of one invoice take turns and the second is
// refused (INVOICE-0024). Errors: forbidden, not_found, bad_request, invalid.
func (s *Service) ManageInvoice(ctx context.Context, a domain.Actor, resellerID int64, target InvoiceTarget,
	op domain.InvoiceOp, in domain.InvoiceRequest) (*InvoiceView, error) {
	if err := authorize(a, domain.ActionPaymentComplete); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	external, err := s.db.Reader().InvoicesManagedExternally(ctx, path)
	if err != nil {
		return nil, err
	}
	if !external {
		return nil, errInvoiceNotExternal()
	}
	now := s.clock.Now()
	o, err := in.Validate(op, s.today(now))
	if err != nil {
		return nil, err
	}
	inv, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Invoice, error) {
		seen, err := s.invoiceOf(ctx, tx, a, path, resellerID, target, o.BillingDate)
		if err != nil {
			return nil, err
		}
		// An invoice of a reseller below follows that reseller's own setting, which
		// it may have turned off under a parent that has it on.
		if seen.ResellerID != resellerID {
			own, err := tx.ResellerPathByID(ctx, seen.ResellerID)
			if err != nil {
				return nil, err
			}
			external, err := tx.InvoicesManagedExternally(ctx, own)
			if err != nil {
				return nil, err
			}
			if !external {
				return nil, errInvoiceNotExternal()
			}
		}
		var p *domain.Payment
		if seen.PaymentID != 0 {
			if p, err = tx.FindPaymentForUpdate(ctx, 0, seen.PaymentID); err != nil {
				return nil, err
			}
		}
		inv, err := tx.FindInvoiceForUpdate(ctx, 0, seen.ID)
		if err != nil {
			return nil, err
		}
		if err := inv.Check(op, p, o); err != nil {
			return nil, err
		}
		return inv, s.manageInvoice(ctx, tx, a, inv, p, op, o)
	})
	if err != nil {
		return nil, wrap(err, "%s invoice", op)
	}
	views, err := invoiceViews(ctx, s.db.Reader(), []*domain.Invoice{inv})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// errInvoiceNotExternal refuses an ERP's operation on an invoice whose reseller
// does not have external invoice management on.
func errInvoiceNotExternal() error {
	return &domain.Error{Code: domain.ErrBadRequest, Message: domain.MsgInvoiceNotExternal,
		Reason: domain.MsgInvoiceNotExternal.Reason()}
}

// manageInvoice does op on inv and its payment p, both locked and checked.
func (s *Service) manageInvoice(ctx context.Context, tx *store.Conn, a domain.Actor, inv *domain.Invoice,
	p *domain.Payment, op domain.InvoiceOp, o domain.InvoiceOrder) error {
	now := s.clock.Now()
	switch op {
	case domain.InvoiceApprove:
		inv.Approve(p, o, now, s.today(now))
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		return tx.UpdateInvoiceApproval(ctx, inv, o.File)
	case domain.InvoiceRevoke:
		expired := p.Status == domain.PaymentStatusExpired
		if err := inv.Revoke(p, o, now); err != nil {
			return err
		}
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		if err := tx.UpdateInvoiceApproval(ctx, inv, ""); err != nil {
			return err
		}
		if !expired {
			return nil
		}
		// Reopened: its subscriptions come back unless something else holds them.
		return s.reviewInvoiceBlocks(ctx, tx, inv.ID, false, now)
	}
	// Completed by the ERP: the customer paid the third-party invoice, so the
	// payment settles the invoice and does not touch the balance.
	if err := p.Apply(domain.PaymentEventComplete, now); err != nil {
		return err
	}
	p.ManagerID, p.UpdatedAt, inv.UpdatedAt = a.ManagerID, now, now
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if err := s.settleInvoiceDebt(ctx, tx, p, now); err != nil {
		return err
	}
	return tx.TouchInvoice(ctx, inv.ID, now)
}

// invoiceOf finds, without a lock, the invoice target of the reseller at path: by
// id within the subtree, or the postpaid invoice of the reseller's account for the
// period that starts on billingDate.
func (s *Service) invoiceOf(ctx context.Context, tx *store.Conn, a domain.Actor, path string, resellerID int64,
	target InvoiceTarget, billingDate domain.Date) (*domain.Invoice, error) {
	if target.InvoiceID != 0 {
		inv, err := tx.FindInvoiceByID(ctx, 0, target.InvoiceID)
		if err != nil {
			return nil, err
		}
		if within, err := s.ownedWithin(ctx, a, path, inv.ResellerID); err != nil || !within {
			return nil, notFoundUnless(err, domain.MsgInvoiceNotFound)
		}
		return inv, nil
	}
	acc, err := s.accountOf(ctx, tx, a, resellerID, target.AccountID)
	if err != nil {
		return nil, err
	}
	return tx.FindInvoiceOfPeriod(ctx, acc.ID, domain.PaymentModelPostpay, billingDate)
}

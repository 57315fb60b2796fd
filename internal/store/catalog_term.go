package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Service terms: a plan's billing day and the settings that drive its subscriptions'
// lifecycle (domain.TermSettings), one column per setting.

// termSettingColumns are the columns of domain.TermSettings, in the order of
// termSettingValues and termSettingDest.
const termSettingColumns = `autorenew_point, manual_renew_point, manual_switch_point, grace_period, deletion_period,
	stop_period, cancel_unpaid_order_in, stop_type, delete_type, proration`

const serviceTermColumns = `id, reseller_id, key, name, billing_day, ` + termSettingColumns + `, created_at, updated_at`

func termSettingValues(s domain.TermSettings) []any {
	return []any{s.AutoRenewPoint, s.ManualRenewPoint, s.ManualSwitchPoint, s.GracePeriod, s.DeletionPeriod,
		s.StopPeriod, s.CancelUnpaidOrderIn, string(s.StopType), string(s.DeleteType), string(s.Proration)}
}

// termSettingDest are the scan destinations of termSettingColumns; the enums are
// read as text, then set by finish.
type termSettingDest struct {
	s                 *domain.TermSettings
	stop, del, prorat string
}

func (d *termSettingDest) dest() []any {
	s := d.s
	return []any{&s.AutoRenewPoint, &s.ManualRenewPoint, &s.ManualSwitchPoint, &s.GracePeriod, &s.DeletionPeriod,
		&s.StopPeriod, &s.CancelUnpaidOrderIn, &d.stop, &d.del, &d.prorat}
}

func (d *termSettingDest) finish() {
	d.s.StopType, d.s.DeleteType, d.s.Proration = domain.ApprovalType(d.stop), domain.ApprovalType(d.del),
		domain.ProrationRule(d.prorat)
}

func scanServiceTerm(s scanner) (*domain.ServiceTerm, error) {
	var (
		t                domain.ServiceTerm
		created, updated int64
		ts               = termSettingDest{s: &t.TermSettings}
	)
	dest := append(append([]any{&t.ID, &t.ResellerID, &t.Key, &t.Name, &t.BillingDay}, ts.dest()...), &created, &updated)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	ts.finish()
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// FindServiceTermByID returns the service term with the given id, or a not-found
// error. A delegated copy of a plan names its source's term, which stays owned by
// the reseller that made it: the copy's subscriptions follow that term.
func (c *Conn) FindServiceTermByID(ctx context.Context, id int64) (*domain.ServiceTerm, error) {
	return one(ctx, c, domain.NotFound(domain.MsgServiceTermNotFound), fmt.Sprintf("find service term %d", id),
		scanServiceTerm, "SELECT "+serviceTermColumns+" FROM service_terms WHERE id = $1", id)
}

// PlanTermSettings returns the settings that drive the subscriptions of plan p: its
// service term's, or domain.DefaultTermSettings for a plan without one.
func (c *Conn) PlanTermSettings(ctx context.Context, p *domain.Plan) (domain.TermSettings, error) {
	if p.ServiceTermID == 0 {
		return domain.DefaultTermSettings, nil
	}
	t, err := c.FindServiceTermByID(ctx, p.ServiceTermID)
	if err != nil {
		return domain.TermSettings{}, fmt.Errorf("settings of plan %d: %w", p.ID, err)
	}
	return t.TermSettings, nil
}

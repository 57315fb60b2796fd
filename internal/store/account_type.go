package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

const accountTypeColumns = `SELECT id, key, name, name_pattern, primary_name_label, is_default FROM account_types`

func scanAccountType(s scanner) (*domain.AccountType, error) {
	var t domain.AccountType
	return &t, s.Scan(&t.ID, &t.Key, &t.Name, &t.NamePattern, &t.PrimaryNameLabel, &t.Default)
}

// FindAccountTypes returns every account type of the installation, by id.
func (c *Conn) FindAccountTypes(ctx context.Context) ([]*domain.AccountType, error) {
	out, err := collect(ctx, c, accountTypeColumns+" ORDER BY id", nil, scanAccountType)
	if err != nil {
		return nil, fmt.Errorf("find account types: %w", err)
	}
	return out, nil
}

const accountClassColumns = `SELECT id, key, name, charging_model, credit_limit, subzero_period, is_default FROM account_classes`

func scanAccountClass(s scanner) (*domain.AccountClass, error) {
	var (
		cl    domain.AccountClass
		model string
		limit int64
	)
	err := s.Scan(&cl.ID, &cl.Key, &cl.Name, &model, &limit, &cl.SubzeroPeriod, &cl.Default)
	cl.ChargingModel, cl.CreditLimit = domain.ChargingModel(model), domain.Amount(limit)
	return &cl, err
}

// FindAccountClasses returns every account class of the installation, by id.
func (c *Conn) FindAccountClasses(ctx context.Context) ([]*domain.AccountClass, error) {
	out, err := collect(ctx, c, accountClassColumns+" ORDER BY id", nil, scanAccountClass)
	if err != nil {
		return nil, fmt.Errorf("find account classes: %w", err)
	}
	return out, nil
}

// FindAccountClass returns the account class with the given key or, for an empty
// key, the installation's default class; a not-found error when there is none.
func (c *Conn) FindAccountClass(ctx context.Context, key string) (*domain.AccountClass, error) {
	return one(c.lookupCtx(ctx), c, domain.NotFound(domain.MsgUnknownAccountClass),
		fmt.Sprintf("find account class %q", key), scanAccountClass,
		accountClassColumns+" WHERE key = $1 OR ($1 = '' AND is_default) ORDER BY id LIMIT 1", key)
}

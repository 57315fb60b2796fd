package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindAccountTypes returns every account type of the installation, by id.
func (c *Conn) FindAccountTypes(ctx context.Context) ([]*domain.AccountType, error) {
	out, err := collect(ctx, c, `SELECT id, key, name, name_pattern, primary_name_label, is_default
		FROM account_types ORDER BY id`, nil, func(s scanner) (*domain.AccountType, error) {
		var t domain.AccountType
		return &t, s.Scan(&t.ID, &t.Key, &t.Name, &t.NamePattern, &t.PrimaryNameLabel, &t.Default)
	})
	if err != nil {
		return nil, fmt.Errorf("find account types: %w", err)
	}
	return out, nil
}

// FindAccountClasses returns every account class of the installation, by id.
func (c *Conn) FindAccountClasses(ctx context.Context) ([]*domain.AccountClass, error) {
	out, err := collect(ctx, c, `SELECT id, key, name, charging_model, credit_limit, is_default
		FROM account_classes ORDER BY id`, nil, func(s scanner) (*domain.AccountClass, error) {
		var (
			cl    domain.AccountClass
			model string
			limit int64
		)
		err := s.Scan(&cl.ID, &cl.Key, &cl.Name, &model, &limit, &cl.Default)
		cl.ChargingModel, cl.CreditLimit = domain.ChargingModel(model), domain.Amount(limit)
		return &cl, err
	})
	if err != nil {
		return nil, fmt.Errorf("find account classes: %w", err)
	}
	return out, nil
}

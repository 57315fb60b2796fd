package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindAccountTypes returns every account type of the installation, by id.
func (c *Conn) FindAccountTypes(ctx context.Context) ([]*domain.AccountType, error) {
	rows, err := c.query(ctx, `SELECT id, key, name, name_pattern, primary_name_label, is_default
		FROM account_types ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("find account types: %w", err)
	}
	defer rows.Close()
	var out []*domain.AccountType
	for rows.Next() {
		var t domain.AccountType
		if err := rows.Scan(&t.ID, &t.Key, &t.Name, &t.NamePattern, &t.PrimaryNameLabel, &t.Default); err != nil {
			return nil, fmt.Errorf("find account types: %w", translate(err))
		}
		out = append(out, &t)
	}
	return out, translate(rows.Err())
}

// FindAccountClasses returns every account class of the installation, by id.
func (c *Conn) FindAccountClasses(ctx context.Context) ([]*domain.AccountClass, error) {
	rows, err := c.query(ctx, `SELECT id, key, name, charging_model, credit_limit, is_default
		FROM account_classes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("find account classes: %w", err)
	}
	defer rows.Close()
	var out []*domain.AccountClass
	for rows.Next() {
		var (
			cl    domain.AccountClass
			model string
			limit int64
		)
		if err := rows.Scan(&cl.ID, &cl.Key, &cl.Name, &model, &limit, &cl.Default); err != nil {
			return nil, fmt.Errorf("find account classes: %w", translate(err))
		}
		cl.ChargingModel, cl.CreditLimit = domain.ChargingModel(model), domain.Amount(limit)
		out = append(out, &cl)
	}
	return out, translate(rows.Err())
}

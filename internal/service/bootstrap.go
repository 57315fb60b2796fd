package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Operator describes the root reseller and first administrator created on an empty
// database.
type Operator struct {
	Name       string
	Domain     string
	Currency   string
	AdminName  string
	AdminEmail string
	// AdminToken is the administrator's API token; empty means a random one.
	AdminToken string
}

// Bootstrap creates the operator (reseller 1) and its administrator unless the
// database already has them. It returns the administrator's token when it created
// one, and "" when there was nothing to do. Concurrent callers create one operator.
func (s *Service) Bootstrap(ctx context.Context, op Operator) (token string, err error) {
	if _, err := s.db.Reader().ResellerPathByID(ctx, domain.OperatorID); domain.CodeOf(err) != domain.ErrNotFound {
		return "", err // already there (nil), or the database failed
	}
	if op.AdminToken == "" {
		op.AdminToken = NewToken()
	}
	change := domain.ResellerChange{Name: &op.Name, Domain: &op.Domain, Currency: &op.Currency}
	if err := change.Validate(true); err != nil {
		return "", err
	}
	password := NewToken() // nobody signs in with it; a later password change sets a real one
	hash, err := s.hashPassword(password)
	if err != nil {
		return "", err
	}
	var (
		created bool
		epoch   int64
	)
	err = s.db.InTx(ctx, func(tx *store.Conn) error {
		// The epoch row serialises bootstrappers on PostgreSQL, where a second process
		// would otherwise not see the first one's uncommitted operator.
		var err error
		if epoch, err = tx.BumpAuthEpoch(ctx); err != nil {
			return err
		}
		if _, err := tx.ResellerPathByID(ctx, domain.OperatorID); domain.CodeOf(err) != domain.ErrNotFound {
			return err
		}
		now := s.clock.Now()
		r := &domain.Reseller{Timestamps: domain.Timestamps{CreatedAt: now}}
		r.Apply(change, now)
		r.General.UpdatedAt, r.Company.UpdatedAt, r.Contacts.UpdatedAt, r.UpdatedAt = now, now, now, now
		if err := tx.CreateReseller(ctx, r, ""); err != nil {
			return err
		}
		if r.ID != domain.OperatorID {
			return domain.Errorf(domain.ErrConflict, domain.MsgResellerNotFound)
		}
		if err := createStandardRoles(ctx, tx, r.ID, now); err != nil {
			return err
		}
		h := HashToken(op.AdminToken)
		m := &domain.Manager{ResellerID: r.ID, Name: op.AdminName, Email: op.AdminEmail,
			Status: domain.ManagerStatusActive, Role: domain.RoleAdmin, PasswordHash: hash, TokenHash: h[:],
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		created = true
		return tx.CreateManager(ctx, m)
	})
	if err != nil || !created {
		return "", wrap(err, "bootstrap operator")
	}
	s.tokens.moveTo(epoch)
	return op.AdminToken, nil
}

// OperatorActor is the operator's first administrator acting, for the command line
// and demo data, which run with the operator's full authority.
func (s *Service) OperatorActor(ctx context.Context) (domain.Actor, error) {
	ms, _, err := s.db.Reader().FindManagers(ctx, store.ManagerFilter{ResellerID: domain.OperatorID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}.
			Where("role", domain.OpIn, string(domain.RoleAdmin)).
			Where("status", domain.OpIn, string(domain.ManagerStatusActive))})
	if err != nil {
		return domain.Actor{}, err
	}
	if len(ms) == 0 {
		return domain.Actor{}, domain.Errorf(domain.ErrUnauthorized, domain.MsgTokenInvalid)
	}
	return domain.Actor{ManagerID: ms[0].ID, ResellerID: domain.OperatorID,
		ResellerPath: domain.ResellerPath("", domain.OperatorID), Role: domain.RoleAdmin}, nil
}

// Ready reports whether the database answers.
func (s *Service) Ready(ctx context.Context) error { return s.db.Ping(ctx) }

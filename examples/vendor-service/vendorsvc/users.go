package vendorsvc

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Statuses of a user.
const (
	UserActive   = "active"
	UserInactive = "inactive"
	UserDeleted  = "deleted"
)

// User is a user as the service keeps it. Its password is kept only hashed.
type User struct {
	ID        string `json:"id"`
	APGUID    string `json:"ap_guid"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Status    string `json:"status"`
}

// passwordHash stands in for a real password hash (bcrypt, argon2) in this example:
// whatever the service does, it never keeps the password as sent.
func passwordHash(password string) string {
	h := sha256.Sum256([]byte(password))
	return hex.EncodeToString(h[:])
}

// Users returns every user the service keeps.
func (s *Server) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, ap_guid, email, first_name, last_name, status FROM users ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.APGUID, &u.Email, &u.FirstName, &u.LastName, &u.Status); err != nil {
			return nil, err
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}

// UserCreate implements vendorkit.Service.
func (v *service) UserCreate(ctx context.Context, c vendorkit.Call, r *vendorkit.UserCreateRequest) (*vendorkit.UserCreateAnswer, error) {
	v.s.count(c.Event)
	if !strings.Contains(r.Email, "@") || r.Password == "" {
		return nil, vendorkit.Refuse(http.StatusUnprocessableEntity, "an e-mail address and a password are required")
	}
	id := newID("u-")
	_, err := v.s.db.ExecContext(ctx, `INSERT INTO users (id, ap_guid, reseller_id, email, first_name, last_name,
		password_hash, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, c.APGUID, c.ResellerID, r.Email,
		r.FirstName, r.LastName, passwordHash(r.Password), UserActive, stamp(v.s.now()))
	if err != nil {
		return nil, err
	}
	return &vendorkit.UserCreateAnswer{ID: id}, nil
}

// changeUser runs set on the user id of the calling installation, refusing an
// unknown or deleted one.
func (v *service) changeUser(ctx context.Context, c vendorkit.Call, id, set string, args ...any) error {
	v.s.count(c.Event)
	var status string
	err := v.s.db.QueryRowContext(ctx, `SELECT status FROM users WHERE id = ? AND ap_guid = ?`, id, c.APGUID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return vendorkit.Refuse(http.StatusNotFound, fmt.Sprintf("no user %q", id))
	}
	if err != nil {
		return err
	}
	if status == UserDeleted {
		return vendorkit.Refuse(http.StatusConflict, fmt.Sprintf("user %q is deleted", id))
	}
	args = append(args, stamp(v.s.now()), id)
	_, err = v.s.db.ExecContext(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ?`, args...)
	return err
}

// UserUpdate implements vendorkit.Service.
func (v *service) UserUpdate(ctx context.Context, c vendorkit.Call, r *vendorkit.UserUpdateRequest) error {
	return v.changeUser(ctx, c, r.ID, `first_name = ?, last_name = ?`, r.FirstName, r.LastName)
}

// UserDelete implements vendorkit.Service.
func (v *service) UserDelete(ctx context.Context, c vendorkit.Call, r *vendorkit.UserRef) error {
	return v.changeUser(ctx, c, r.ID, `status = ?`, UserDeleted)
}

// UserActivate implements vendorkit.Service.
func (v *service) UserActivate(ctx context.Context, c vendorkit.Call, r *vendorkit.UserRef) error {
	return v.changeUser(ctx, c, r.ID, `status = ?`, UserActive)
}

// UserDeactivate implements vendorkit.Service.
func (v *service) UserDeactivate(ctx context.Context, c vendorkit.Call, r *vendorkit.UserRef) error {
	return v.changeUser(ctx, c, r.ID, `status = ?`, UserInactive)
}

// UserPasswordReset implements vendorkit.Service.
func (v *service) UserPasswordReset(ctx context.Context, c vendorkit.Call, r *vendorkit.UserPasswordResetRequest) error {
	if r.Password == "" {
		v.s.count(c.Event)
		return vendorkit.Refuse(http.StatusUnprocessableEntity, "a new password is required")
	}
	return v.changeUser(ctx, c, r.ID, `password_hash = ?`, passwordHash(r.Password))
}

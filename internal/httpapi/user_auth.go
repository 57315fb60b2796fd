package httpapi

import (
	"errors"
	"net/http"

	"github.com/cascade-billing/cascade/internal/domain"
)

// loginToken is the plain-JSON answer of user_authentication/token.
type loginToken struct {
	OwnerEmail string `json:"owner_email"`
	OwnerToken string `json:"owner_token"`
}

// handleLoginToken issues a one-time login token for the Owner of the account named
// by the account_id query parameter (the documented example passes it there).
func (s *Server) handleLoginToken(c *call) (reply, error) {
	if err := noInclude(c); err != nil {
		return reply{}, err
	}
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	aid, err := requiredIDParam(c.r.URL.Query(), "account_id")
	if err != nil {
		return reply{}, err
	}
	email, token, err := s.svc.IssueLoginToken(c.ctx, c.actor, rid, aid)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: loginToken{OwnerEmail: email, OwnerToken: token}}, nil
}

// signIn is the answer of redeeming a login token: who signed in, and to which account.
type signIn struct {
	User      signInUser `json:"user"`
	AccountID int64      `json:"account_id"`
}

type signInUser struct {
	ID         int64  `json:"id"`
	Email      string `json:"email"`
	FirstName  string `json:"first_name"`
	MiddleName string `json:"middle_name"`
	LastName   string `json:"last_name"`
	Status     string `json:"status"`
}

// handleSignIn redeems a one-time login token at the Customer Control Panel's entry,
// {installation_url}/?user_email=...&user_token=..., and answers with the signed-in
// user and account: the hand-off a Customer Control Panel starts its session from.
// The token is the credential, so no API token is asked for.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	l := domain.ParseLocale(r.Header.Get("X-Api-Locale"))
	q := r.URL.Query()
	email, token := q.Get("user_email"), q.Get("user_token")
	var errs []error
	if email == "" {
		errs = append(errs, domain.ParamError("user_email", domain.MsgRequired))
	}
	if token == "" {
		errs = append(errs, domain.ParamError("user_token", domain.MsgRequired))
	}
	if len(errs) > 0 {
		s.writeError(w, r, l, errors.Join(errs...))
		return
	}
	u, accountID, err := s.svc.RedeemLoginToken(r.Context(), email, token)
	if err != nil {
		s.writeError(w, r, l, err)
		return
	}
	body, err := encode(signIn{AccountID: accountID, User: signInUser{ID: u.ID, Email: u.Email,
		FirstName: u.FirstName, MiddleName: u.MiddleName, LastName: u.LastName, Status: string(u.Status)}})
	if err != nil {
		s.writeError(w, r, l, err)
		return
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

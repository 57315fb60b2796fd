package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// User events (docs/vendor-protocol.md, User events): the vendor of a product in
// automatic mode knows the users of each account with a subscription of it. Each
// (user, product) has a row saying what the vendor should hold (wanted: active,
// inactive or deleted) and what it was told; a provisioning outcome that changes
// the account's subscriptions of the product moves wanted, and one job per row at a
// time carries the calls that take told to wanted, in order. So the vendor hears
// each user's events in the order they happened, one at a time, and a state that
// comes back before its call went out is not sent at all.

// JobVendorUser carries a user's events to a product's vendor.
const JobVendorUser = "vendor_user"

// What the vendor should hold of a user, and was told (vendor_users.wanted, told).
const (
	userActive   = "active"
	userInactive = "inactive"
	userDeleted  = "deleted"
)

// vendorUserPayload is the payload of a JobVendorUser job.
type vendorUserPayload struct {
	UserID    int64 `json:"user_id"`
	ProductID int64 `json:"product_id"`
}

// subscriptionAfter is the status a subscription has once op is done, for the ops
// that change what its account's users are to the vendor; false for the others.
func subscriptionAfter(op domain.ProvisionOp) (domain.SubscriptionStatus, bool) {
	switch op {
	case domain.ProvisionOpCreate, domain.ProvisionOpActivate:
		return domain.SubscriptionStatusActive, true
	case domain.ProvisionOpStop:
		return domain.SubscriptionStatusStopped, true
	case domain.ProvisionOpDelete:
		return domain.SubscriptionStatusDeleted, true
	}
	return "", false
}

// wantedUserState is what the vendor should hold of the users of an account whose
// subscriptions of its product have statuses: active while one subscription is in
// use (active, or in an operation that started from use); inactive while all that
// remain are stopped or being deleted; deleted when none remains. Subscriptions
// never provisioned do not count: the vendor has not heard of them.
func wantedUserState(statuses []domain.SubscriptionStatus) string {
	out := userDeleted
	for _, st := range statuses {
		switch st {
		case domain.SubscriptionStatusDeleted, domain.SubscriptionStatusOrdered, domain.SubscriptionStatusInstalling,
			domain.SubscriptionStatusInstallationFailed:
		case domain.SubscriptionStatusStopped, domain.SubscriptionStatusDeleting, domain.SubscriptionStatusDeletionFailed:
			out = userInactive
		default:
			return userActive
		}
	}
	return out
}

// wantVendorUsersIn moves, in tx, what the vendor of plan's product should hold of
// the users of sub's account, now that op of sub is done (sub shows its outcome), and
// writes the delivery job of each user whose vendor is behind and has none running.
// It runs in the transaction that applies op's outcome, so sub's new status commits
// with it; the users' rows are locked before the other subscriptions are read, so
// two outcomes for one account are counted one after the other, the second seeing
// the first's. Only products whose vendor is called hear of users, and only create,
// stop, activate and delete change what it should hold. gen is the catalogue's
// generation at which the transaction's update of sub checks plan's terms
// (store.Conn.HoldPlanTerms; 0 for none): at it the product comes from memory,
// since a catalogue that moved fails that update, and the outcome is applied
// again on what was read afresh. locked is what the transaction read with sub's
// lock: the account's users, when it read them there, and the first user's row,
// when it held it there.
func (s *Service) wantVendorUsersIn(ctx context.Context, tx *store.Conn, sub *domain.Subscription, plan *domain.Plan,
	gen int64, op domain.ProvisionOp, locked store.LockedRows) error {
	after, ok := subscriptionAfter(op)
	if !ok || s.opts.VendorCalls == nil {
		return nil
	}
	calls := func(p *domain.Product) bool {
		return p.Integration.Mode == domain.ProvisioningAutomatic && p.Integration.APIPath != ""
	}
	product, users, err := s.productAndAccountUsers(ctx, tx, plan.ProductID, sub.AccountID, gen, calls, locked)
	if err != nil || !calls(product) {
		return err
	}
	now := s.clock.Now()
	statuses := []domain.SubscriptionStatus{after}
	// An outcome that leaves sub in use wants the users active whatever the account's
	// other subscriptions are; a user wanted active already, and told so or being
	// told, is left as it is under a shared hold (store.Conn.HoldSettledVendorUser),
	// so that the outcomes of one account's subscriptions do not wait for each
	// other's commits.
	inUse := wantedUserState(statuses) == userActive
	rows := make([]*store.VendorUser, 0, len(users))
	for _, id := range users { // in id order, the order every writer locks them in
		if inUse {
			if locked.Held(id, product.ID) { // held with the subscription's lock
				continue
			}
			held, err := tx.HoldSettledVendorUser(ctx, id, product.ID, userActive)
			if err != nil {
				return err
			}
			if held {
				continue
			}
		}
		u, err := tx.LockVendorUser(ctx, id, product.ID, sub.ResellerID, "", now)
		if err != nil {
			return err
		}
		rows = append(rows, u)
	}
	if !inUse {
		// One subscription in use keeps the users active whatever the others are;
		// only a stop or a deletion needs to know of them.
		others, err := tx.FindProductSubscriptionStatuses(ctx, sub.AccountID, product.ID, sub.ID)
		if err != nil {
			return err
		}
		for _, st := range others {
			statuses = append(statuses, domain.SubscriptionStatus(st))
		}
	}
	wanted := wantedUserState(statuses)
	for _, u := range rows {
		running, err := deliveryRunning(ctx, tx, u.JobID)
		if err != nil {
			return err
		}
		if u.Wanted == wanted && (running || nextUserCall(u) == "") {
			continue
		}
		u.Wanted, u.UpdatedAt = wanted, now
		if !running && nextUserCall(u) != "" {
			if u.JobID, err = s.enqueueVendorUser(tx, u); err != nil {
				return err
			}
		}
		if err := tx.UpdateVendorUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// productAndAccountUsers is store.Conn.FindProductAndAccountUsers with the product
// from memory at the catalogue's generation gen when it is not 0, and then the
// users as locked holds them, when it read those of account accountID.
func (s *Service) productAndAccountUsers(ctx context.Context, tx *store.Conn, productID, accountID, gen int64,
	need func(*domain.Product) bool, locked store.LockedRows) (*domain.Product, []int64, error) {
	if gen == 0 {
		return tx.FindProductAndAccountUsers(ctx, productID, accountID, need)
	}
	p, err := s.caches.products.Get(ctx, productID, gen, func(ctx context.Context) (catalogProduct, error) {
		return loadCatalogProduct(ctx, tx, productID)
	})
	if err != nil || !need(p.product) {
		return p.product, nil, err
	}
	if locked.UsersRead && locked.Subscription != nil && locked.Subscription.AccountID == accountID {
		return p.product, locked.Users, nil
	}
	users, err := tx.FindAccountUserIDs(ctx, accountID)
	return p.product, users, err
}

// enqueueVendorUser writes the job that delivers u's events, in tx, and returns its id.
func (s *Service) enqueueVendorUser(tx *store.Conn, u *store.VendorUser) (string, error) {
	payload, err := json.Marshal(vendorUserPayload{UserID: u.UserID, ProductID: u.ProductID})
	if err != nil {
		return "", err
	}
	j := &domain.Job{Kind: JobVendorUser, ResellerID: u.ResellerID, Payload: payload, MaxAttempts: s.provisionAttempts()}
	j.CreatedAt = s.clock.Now()
	// The id is given by the enqueue, so it is read after it: in one return
	// statement the order of the two is not defined.
	err = tx.EnqueueJobLater(j)
	return j.ID, err
}

// nextUserCall is the call that takes what u's vendor was told one step towards
// what it should hold, or empty when nothing is left to tell. A user never told, or
// deleted, is created first; an inactive one is created and then deactivated.
func nextUserCall(u *store.VendorUser) vendorkit.Event {
	switch {
	case u.Told == u.Wanted:
		return ""
	case u.Told == "" || u.Told == userDeleted:
		if u.Wanted == userDeleted {
			return ""
		}
		return vendorkit.EventUserCreate
	case u.Wanted == userDeleted:
		return vendorkit.EventUserDelete
	case u.Wanted == userInactive:
		return vendorkit.EventUserDeactivate
	}
	return vendorkit.EventUserActivate
}

// toldAfter is what the vendor holds of a user once call succeeded.
var toldAfter = map[vendorkit.Event]string{vendorkit.EventUserCreate: userActive,
	vendorkit.EventUserActivate: userActive, vendorkit.EventUserDeactivate: userInactive,
	vendorkit.EventUserDelete: userDeleted}

// runVendorUser is the handler of JobVendorUser: it makes the calls that take the
// vendor to what it should hold of the user, one at a time, reading the row afresh
// before each, so an event that comes while it runs is carried by it too. Each call's
// event id is the job's id and the number of calls that succeeded before it, the
// same on every attempt of that call. A call that may succeed later runs the job
// again on the vendor retry schedule; a refusal, or the schedule run out, is kept
// on the row and fails the job, and leaves the subscriptions alone.
func (s *Service) runVendorUser(ctx context.Context, job domain.Job) (json.RawMessage, error) {
	var p vendorUserPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return nil, jobs.Permanent(fmt.Errorf("payload %s: %v", job.Payload, err))
	}
	vp, ok := s.opts.Provisioner.(*vendorProvisioner)
	if !ok {
		return nil, jobs.Permanent(errors.New("vendor calls are off"))
	}
	for {
		c := s.db.Reader()
		u, err := c.FindVendorUser(ctx, p.UserID, p.ProductID)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, jobs.Permanent(fmt.Errorf("user %d is not known to the vendor of product %d", p.UserID, p.ProductID))
		}
		if u.JobID != job.ID {
			if claimed, err := s.claimVendorUser(ctx, job, p); err != nil || !claimed {
				return json.RawMessage(`{"skipped":true}`), err
			}
			continue
		}
		call := nextUserCall(u)
		if call == "" {
			if result, done, err := s.finishVendorUser(ctx, job, p); done || err != nil {
				return result, err
			}
			continue
		}
		product, err := c.FindProductByID(ctx, u.ProductID)
		if err != nil {
			return nil, err
		}
		// A product without a signing secret answers ok with the failure to keep.
		t, ok, callErr := s.vendorTarget(ctx, c, product, u.ResellerID)
		if !ok {
			if callErr != nil {
				return nil, callErr
			}
			// The product left automatic mode: there is no vendor to tell.
			return nil, s.endVendorUser(ctx, job, p, nil)
		}
		var vendorID string
		if callErr == nil {
			vendorID, callErr = s.callUserEvent(ctx, vp.client, c, t, fmt.Sprintf("%s.%d", job.ID, u.Steps), call, u)
		}
		switch vendor.Classify(callErr) {
		case vendor.Success:
			if err := s.recordUserCall(ctx, p, call, vendorID); err != nil {
				return nil, err
			}
			continue
		case vendor.Retryable:
			if delay, ok := vp.retryDelay(job, callErr); ok {
				return nil, jobs.RetryAfter(callErr, delay)
			}
		}
		code, message := failureOf(callErr)
		failure := &domain.ProvisioningError{Code: code, Message: message, At: s.clock.Now()}
		if err := s.endVendorUser(ctx, job, p, failure); err != nil {
			return nil, err
		}
		s.log.Warn("the vendor did not take a user event", "event", call, "user", p.UserID, "product", p.ProductID,
			"code", code, "err", message)
		return nil, jobs.Permanent(fmt.Errorf("vendor refused %s of user %d: %s", call, p.UserID, message))
	}
}

// claimVendorUser makes job the delivery of the user's events unless another job
// still is: after an operator retried a failed job (which freed the row), or when
// the job that had it ended without freeing it. It reports whether job has it.
func (s *Service) claimVendorUser(ctx context.Context, job domain.Job, p vendorUserPayload) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(tx *store.Conn) error {
		u, err := tx.FindVendorUserForUpdate(ctx, p.UserID, p.ProductID)
		if err != nil || u == nil {
			return err
		}
		if u.JobID != job.ID {
			running, err := deliveryRunning(ctx, tx, u.JobID)
			if err != nil || running {
				return err
			}
			u.JobID, u.UpdatedAt = job.ID, s.clock.Now()
			if err := tx.UpdateVendorUser(ctx, u); err != nil {
				return err
			}
		}
		claimed = true
		return nil
	})
	return claimed, err
}

// deliveryRunning reports whether job id (none when empty) is still to run or
// running: a failed, completed or purged one delivers nothing more.
func deliveryRunning(ctx context.Context, c *store.Conn, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	j, err := c.FindJobByID(ctx, id)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return j.Status == domain.JobStatusPending || j.Status == domain.JobStatusRunning, nil
}

// callUserEvent makes call of u to the vendor at t under event id, and returns the
// vendor's id of the user a create answered.
func (s *Service) callUserEvent(ctx context.Context, client *vendor.Client, c *store.Conn, t vendor.Target,
	event string, call vendorkit.Event, u *store.VendorUser) (string, error) {
	ref := &vendorkit.UserRef{ID: u.VendorUserID}
	switch call {
	case vendorkit.EventUserCreate:
		user, err := c.FindUserByID(ctx, u.UserID)
		if err != nil {
			return "", err
		}
		password, err := initialPassword()
		if err != nil {
			return "", err
		}
		a, err := client.UserCreate(ctx, t, event, &vendorkit.UserCreateRequest{Password: password, Email: user.Email,
			FirstName: user.FirstName, LastName: user.LastName})
		if err != nil {
			return "", err
		}
		return a.ID, nil
	case vendorkit.EventUserActivate:
		return "", client.UserActivate(ctx, t, event, ref)
	case vendorkit.EventUserDeactivate:
		return "", client.UserDeactivate(ctx, t, event, ref)
	}
	return "", client.UserDelete(ctx, t, event, ref)
}

// initialPassword is the password a user is created with on the vendor's side: a
// random one, never stored, since the user signs in through Cascade; the vendor
// must accept a password and Cascade has no password of its own to send.
func initialPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// recordUserCall keeps that call of the user succeeded: what the vendor now holds,
// its id of the user after a create, and one more step; a failure kept is cleared.
func (s *Service) recordUserCall(ctx context.Context, p vendorUserPayload, call vendorkit.Event, vendorID string) error {
	return s.inTx(ctx, func(tx *store.Conn) error {
		u, err := tx.FindVendorUserForUpdate(ctx, p.UserID, p.ProductID)
		if err != nil || u == nil {
			return err
		}
		u.Told, u.Steps = toldAfter[call], u.Steps+1
		if call == vendorkit.EventUserCreate {
			u.VendorUserID = vendorID
		}
		u.ErrorCode, u.ErrorMessage, u.ErrorAt, u.UpdatedAt = "", "", time.Time{}, s.clock.Now()
		return tx.UpdateVendorUser(ctx, u)
	})
}

// finishVendorUser ends job, done, with the user's row no longer naming it, in one
// transaction, if the vendor holds what it should; it reports false when an event
// came since the run last read the row, which the run then carries too.
func (s *Service) finishVendorUser(ctx context.Context, job domain.Job, p vendorUserPayload) (json.RawMessage, bool, error) {
	var (
		done   bool
		result json.RawMessage
	)
	err := s.inTx(ctx, func(tx *store.Conn) error {
		u, err := tx.FindVendorUserForUpdate(ctx, p.UserID, p.ProductID)
		if err != nil || u != nil && nextUserCall(u) != "" {
			return err
		}
		done = true
		result, err = json.Marshal(map[string]any{"told": told(u)})
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := jobs.CompleteIn(ctx, tx, result, now); err != nil || u == nil || u.JobID != job.ID {
			return err
		}
		u.JobID, u.UpdatedAt = "", now
		return tx.UpdateVendorUser(ctx, u)
	})
	return result, done, err
}

// told is what the vendor was told of u; empty for no row.
func told(u *store.VendorUser) string {
	if u == nil {
		return ""
	}
	return u.Told
}

// endVendorUser frees the user's row of job, keeping failure (nil for none) on it,
// so the next event starts a new job.
func (s *Service) endVendorUser(ctx context.Context, job domain.Job, p vendorUserPayload, failure *domain.ProvisioningError) error {
	return s.inTx(ctx, func(tx *store.Conn) error {
		u, err := tx.FindVendorUserForUpdate(ctx, p.UserID, p.ProductID)
		if err != nil || u == nil || u.JobID != job.ID {
			return err
		}
		u.JobID, u.UpdatedAt = "", s.clock.Now()
		if failure != nil {
			u.ErrorCode, u.ErrorMessage, u.ErrorAt = failure.Code, failure.Message, failure.At
		}
		return tx.UpdateVendorUser(ctx, u)
	})
}

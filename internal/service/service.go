// Package service holds Cascade's use cases: authorisation (reseller scope and role),
// validation, transactions and the rules that span several entities. Handlers call
// one method each; every method that changes state owns its transaction.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// Options tune a Service.
type Options struct {
	// PasswordCost is the bcrypt cost of manager passwords; 0 means bcrypt's default.
	PasswordCost int
	Logger       *slog.Logger
	// JobsEnqueued is called after a transaction that enqueued jobs has committed,
	// to wake the job runner; nil when this process runs none.
	JobsEnqueued func()
	// AttributeSteps run after the platform's own check of order attribute values,
	// in order; see AttributeStep.
	AttributeSteps []AttributeStep
	// CatalogLimits cap what a catalogue file may hold; the zero value means
	// catalogfile.DefaultLimits.
	CatalogLimits catalogfile.Limits
	// CatalogApplies is how many catalogue files this process reads and applies at
	// once (DefaultCatalogApplies when 0); more wait their turn.
	CatalogApplies int
	// TestClock moves the installation's time (docs/test-clock.md); nil unless the
	// test clock is on.
	TestClock TestClock
	// Location is the installation's time zone, whose local day a moment belongs to
	// (subscription dates, order deadlines); UTC when nil.
	Location *time.Location
	// Provisioner carries out provisioning jobs; BuiltinProvisioner when nil.
	Provisioner Provisioner
	// VendorCalls, when set, has the operations of products in automatic mode with
	// an API path called on their vendors with these settings (provision_vendor.go);
	// those of other products still go to Provisioner.
	VendorCalls *vendor.Settings
	// Mail sends the operations of products in manual mode to their addresses when
	// VendorCalls is set (provision_manual.go); email.LogSender{} when nil.
	Mail email.Sender
	// VendorAddresses is which addresses a product's API path may point at
	// (CASCADE_VENDOR_ALLOW_PRIVATE).
	VendorAddresses vendor.AddressPolicy
	// APGUID is the installation's ap_guid (store.Conn.InstallationGUID), shown on
	// the operator's reseller to the operator's managers; empty leaves it out.
	APGUID string
	// BillingPause is how long the billing passes (bill_consumption, bill_accounts)
	// wait after each transaction before the next (CASCADE_BILLING_PAUSE; none when
	// 0): the API's requests then run with the processors and the database to
	// themselves for a moment, see passPause.
	BillingPause time.Duration
}

// Service is the API's use cases over one database.
type Service struct {
	db    *store.DB
	clock domain.Clock
	opts  Options
	log   *slog.Logger

	tokens *tokenCache
	caches *caches // see cached.go
	// salePlans are the plans sales orders are checked against (see sale_plans.go).
	salePlans *readcache.Cache[int64, salePlan]
	// catalogSlots holds a token for each catalogue apply running (see ApplyCatalog).
	catalogSlots chan struct{}
	// vendorCalls asks vendors the questions a request waits for (vendor_target.go);
	// nil when the installation makes no vendor calls.
	vendorCalls *vendor.Client
}

// New returns a Service over db reading time from clock.
func New(db *store.DB, clock domain.Clock, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CatalogLimits == (catalogfile.Limits{}) {
		opts.CatalogLimits = catalogfile.DefaultLimits()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Provisioner == nil {
		opts.Provisioner = BuiltinProvisioner{}
	}
	if opts.CatalogApplies < 1 {
		opts.CatalogApplies = DefaultCatalogApplies
	}
	s := &Service{db: db, clock: clock, opts: opts, log: opts.Logger, tokens: newTokenCache(), caches: newCaches(),
		salePlans:    newSalePlans(),
		catalogSlots: make(chan struct{}, opts.CatalogApplies)}
	if opts.VendorCalls != nil {
		mail := opts.Mail
		if mail == nil {
			mail = email.LogSender{Logger: opts.Logger}
		}
		v := newVendorProvisioner(s, *opts.VendorCalls, mail, opts.Provisioner)
		s.opts.Provisioner, s.vendorCalls = v, v.client
	}
	return s
}

// Clock returns the service's clock.
func (s *Service) Clock() domain.Clock { return s.clock }

// today is the local day of now in the installation's zone.
func (s *Service) today(now time.Time) domain.Date { return domain.DateOf(now, s.opts.Location) }

// inTx runs fn in one write transaction. When the request carries an Idempotency-Key,
// the same transaction marks the key committed, so the key records exactly whether
// the request's changes happened.
func (s *Service) inTx(ctx context.Context, fn func(*store.Conn) error) error {
	return s.commit(ctx, func(c *store.Conn) (any, error) { return nil, fn(c) })
}

// inTxAnswering runs fn like inTx and returns its result. When the request carries an
// Idempotency-Key and a Presenter, the transaction also records the answer presented
// from that result, so the answer is stored exactly when the changes are: a request
// that dies right after its commit still leaves its answer for a retry.
func inTxAnswering[T any](ctx context.Context, s *Service, fn func(*store.Conn) (T, error)) (T, error) {
	var out T
	err := s.commit(ctx, func(c *store.Conn) (any, error) {
		var err error
		out, err = fn(c)
		return out, err
	})
	return out, err
}

// commit runs fn in one write transaction and, for an idempotent request, marks its
// key in the same transaction: done with the answer presented from fn's result when
// there is one and a Presenter to render it, committed otherwise. The claim learns
// the outcome only once the transaction has committed. A transaction that wrote
// jobs wakes this process's job runner once committed, so they start at once.
func (s *Service) commit(ctx context.Context, fn func(*store.Conn) (any, error)) error {
	claim := claimFrom(ctx)
	var answer *store.IdempotencyAnswer
	enqueued := false
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		result, err := fn(c)
		enqueued = c.EnqueuedJobs() > 0
		if err != nil || claim == nil || claim.marked {
			return err
		}
		if answer, err = claim.present(ctx, result); err != nil {
			return err
		}
		err = c.MarkIdempotencyCommitted(ctx, claim.managerID, claim.keyHash, claim.owner, answer, s.clock.Now())
		if errors.Is(err, store.ErrIdempotencyLost) {
			return domain.Errorf(domain.ErrConflict, domain.MsgIdempotencyInFlight)
		}
		return err
	})
	if err == nil && claim != nil && !claim.marked {
		claim.marked, claim.answered = true, answer != nil
	}
	if err == nil && enqueued {
		s.jobsEnqueued()
	}
	return err
}

// uniqueField turns a unique-constraint error on one of the given indexes into a
// "taken" error at the matching pointer; other errors pass through.
func uniqueField(err error, pointers map[string]string) error {
	var u *store.ErrUnique
	if errors.As(err, &u) {
		if ptr, ok := pointers[u.Constraint]; ok {
			return domain.FieldError(ptr, domain.MsgTaken)
		}
	}
	return err
}

// authorize refuses the actor unless its role allows the action.
func authorize(a domain.Actor, act domain.Action) error {
	if !a.Can(act) {
		return domain.Forbidden()
	}
	return nil
}

// resellerPath returns the path of the reseller with the given id if the actor may
// see it, and a not-found error otherwise: a reseller outside the actor's subtree is
// indistinguishable from a missing one.
func (s *Service) resellerPath(ctx context.Context, a domain.Actor, id int64) (string, error) {
	r, err := s.visibleReseller(ctx, a, id)
	if err != nil {
		return "", err
	}
	return r.Path, nil
}

// ownedBelow reports whether the reseller ownerID, owner of an object the actor asked
// for through the reseller at path, sits strictly below it (the child_reseller_*
// endpoints). A reseller the actor does not see is not below.
func (s *Service) ownedBelow(ctx context.Context, a domain.Actor, path string, ownerID int64) (bool, error) {
	owner, err := s.resellerPath(ctx, a, ownerID)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return domain.StrictlyBelow(owner, path), nil
}

// subtree returns the reseller resellerID, which the actor must see, with whether
// any reseller sits below it: the resellers a list of its orders, subscriptions or
// payments covers.
func (s *Service) subtree(ctx context.Context, a domain.Actor, resellerID int64) (store.Subtree, error) {
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return store.Subtree{}, err
	}
	return s.db.Reader().SubtreeOf(ctx, resellerID, path)
}

// ownedWithin reports whether the reseller ownerID, owner of an object the actor
// asked for through the reseller at path, is that reseller or sits below it. A
// reseller the actor does not see is not.
func (s *Service) ownedWithin(ctx context.Context, a domain.Actor, path string, ownerID int64) (bool, error) {
	owner, err := s.resellerPath(ctx, a, ownerID)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return strings.HasPrefix(owner, path), nil
}

func wrap(err error, format string, args ...any) error {
	if err == nil || domain.CodeOf(err) != domain.ErrInternal {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// notFoundUnless returns err, or when it is nil the not-found error of msg: an
// object outside the subtree asked for is answered like a missing one.
func notFoundUnless(err error, msg domain.Message) error {
	if err != nil {
		return err
	}
	return domain.NotFound(msg)
}

package jobs

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// permanentError marks an error that retrying cannot cure.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot cure: the job fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err ends a job without retries: it was marked
// Permanent, or it is a domain error about the job's input or objects (not found,
// invalid, forbidden ...), which the next attempt would meet again. Internal and
// unavailable errors, and anything else, are worth retrying.
func IsPermanent(err error) bool {
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code != domain.ErrInternal && de.Code != domain.ErrUnavailable
	}
	return false
}

// Backoff is the delay before the retry that follows attempt number attempt (1 for
// the first): exponential from base, capped at max, with "equal jitter" (a random
// point in the upper half of the delay), so the retries of many jobs that failed
// together spread out instead of hitting a recovering service at once.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryAfterError asks for the next attempt after a delay the handler chose.
type retryAfterError struct {
	err   error
	delay time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as worth retrying after delay, in place of the runner's own
// backoff: a handler that follows a schedule of its own (a vendor's retry
// schedule) names the delay. The job's attempts still bound its runs.
func RetryAfter(err error, delay time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, delay: max(delay, 0)}
}

// retryDelay returns the delay err asks for with RetryAfter, if any.
func retryDelay(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.delay, true
	}
	return 0, false
}

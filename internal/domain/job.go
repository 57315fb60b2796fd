package domain

import (
	"encoding/json"
	"time"
)

// JobStatus is where a job stands in the queue.
type JobStatus string

// Job statuses. A job is pending until a worker leases it, running while leased,
// and ends completed or failed; a retryable failure puts it back to pending with a
// later RunAt.
const (
	JobStatusPending   JobStatus = "pending"
	JobStatusRunning   JobStatus = "running"
	JobStatusCompleted JobStatus = "completed"
	JobStatusFailed    JobStatus = "failed"
)

// Job is one unit of background work in the durable queue: written in the
// transaction of the change that causes it, run by a worker with retries. Async
// tasks of the API are jobs of a few kinds.
type Job struct {
	ID          string // a random UUID in its canonical lower-case form
	Kind        string // names the handler that runs it
	ResellerID  int64  // the reseller the job works for; 0 for the installation's own work
	Payload     json.RawMessage
	Status      JobStatus
	Attempts    int // runs started so far, including the current one
	MaxAttempts int
	RunAt       time.Time // not before this moment
	LeaseOwner  string    // the worker holding the lease while running
	LeaseUntil  time.Time // the lease ends; zero when not running
	Result      json.RawMessage
	// FailureMessage is the error of the last failed attempt, for operators; the API
	// shows a generic text instead, since it may carry internal details.
	FailureMessage string
	FinishedAt     time.Time // when it completed or failed; zero before
	Timestamps
}

// Finished reports whether the job has reached a final status.
func (j *Job) Finished() bool {
	return j.Status == JobStatusCompleted || j.Status == JobStatusFailed
}

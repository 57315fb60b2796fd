package httpapi

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/cascade-billing/cascade/internal/domain"
)

// asyncTaskAttributes are the documented members of an async task: results only
// once it has completed, and a failure message only once it has failed.
type asyncTaskAttributes struct {
	Status         string          `json:"status"`
	FailureMessage string          `json:"failure_message"`
	Results        json.RawMessage `json:"results,omitempty"`
}

// toAPIAsyncTask renders a job as an async task. The stored failure message of a
// failed job is for operators (it may name internals); the API says what kind of
// failure it was, in the caller's language, unless the failure is one meant to be
// shown (a vendor's refusal, in the language of the request that started the task).
func toAPIAsyncTask(j *domain.Job, l domain.Locale) resource {
	a := &asyncTaskAttributes{Status: string(j.Status)}
	switch j.Status {
	case domain.JobStatusCompleted:
		a.Results = j.Result
	case domain.JobStatusFailed:
		a.FailureMessage = domain.MsgAsyncTaskFailed.Text(l)
		if text, ok := j.PublicFailure(); ok {
			a.FailureMessage = text
		}
	}
	return resource{ID: j.ID, Type: "async_tasks", Attributes: a}
}

func (s *Server) handleAsyncTaskGet(c *call) (reply, error) {
	// A malformed request is told so before anything is looked up.
	if _, err := parseInclude(c.r.URL.Query(), nil); err != nil {
		return reply{}, err
	}
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	id, err := c.pathUUID("async_task_id", domain.MsgAsyncTaskNotFound)
	if err != nil {
		return reply{}, err
	}
	j, err := s.svc.FindAsyncTask(c.ctx, c.actor, rid, id)
	if err != nil {
		return reply{}, err
	}
	return one(toAPIAsyncTask(j, c.locale)), nil
}

// pathUUID reads a UUID from the path in its canonical 36-character form, any case,
// and returns it lower-cased; anything else is the object's not-found.
func (c *call) pathUUID(name string, notFound domain.Message) (string, error) {
	v := c.r.PathValue(name)
	u, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return "", domain.NotFound(notFound)
	}
	return u.String(), nil
}

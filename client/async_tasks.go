package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"time"
)

// Async task statuses.
const (
	AsyncTaskPending   = "pending"
	AsyncTaskRunning   = "running"
	AsyncTaskCompleted = "completed"
	AsyncTaskFailed    = "failed"
)

// AsyncTask is a server-side task started by another call, such as the validation
// of order attributes; poll it with GetAsyncTask or WaitAsyncTask.
type AsyncTask struct {
	ID     string `json:"-"`
	Status string `json:"status"`
	// FailureMessage says why a failed task failed; empty otherwise.
	FailureMessage string `json:"failure_message"`
	// Results is set once the task has completed.
	Results *AsyncTaskResults `json:"results"`
}

// Done reports whether the task has finished, completed or failed.
func (t *AsyncTask) Done() bool { return t.Status == AsyncTaskCompleted || t.Status == AsyncTaskFailed }

// AsyncTaskResults is the outcome of a task: of an order attributes validation
// (Valid, Errors, ApplicationAttributes) or of an integration check (Ready, Summary,
// Steps).
type AsyncTaskResults struct {
	Valid  bool             `json:"valid"`
	Errors []AttributeError `json:"errors"`
	// ApplicationAttributes are the accepted values in normal form, to be used for
	// provisioning.
	ApplicationAttributes map[string]any `json:"application_attributes"`
	// Ready tells whether every step of an integration check passed; Summary says
	// so in words.
	Ready   bool                   `json:"ready"`
	Summary string                 `json:"summary"`
	Steps   []IntegrationCheckStep `json:"steps"`
}

// AttributeError is one refused order attribute value.
type AttributeError struct {
	Key    string `json:"key"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (t *AsyncTask) fromResource(res Resource) error {
	t.ID = res.ID
	return json.Unmarshal(res.Attributes, t)
}

// GetAsyncTask returns an async task of a reseller
// (GET /api/v3/resellers/{reseller_id}/async_tasks/{async_task_id}).
func (c *Client) GetAsyncTask(ctx context.Context, resellerID int64, id string, opts ...RequestOption) (*AsyncTask, error) {
	var t AsyncTask
	path := pathf("/api/v3/resellers/%s/async_tasks/", resellerID) + url.PathEscape(id)
	return &t, c.getOne(ctx, path, &t, nil, opts...)
}

// WaitAsyncTask polls an async task until it has completed or failed, or ctx ends,
// and returns its last state. The polls start at 20ms apart and slow down to one a
// second.
func (c *Client) WaitAsyncTask(ctx context.Context, resellerID int64, id string, opts ...RequestOption) (*AsyncTask, error) {
	delay := 20 * time.Millisecond
	for {
		t, err := c.GetAsyncTask(ctx, resellerID, id, opts...)
		if err != nil || t.Done() {
			return t, err
		}
		select {
		case <-ctx.Done():
			return t, errors.Join(errors.New("async task "+id+" is still "+t.Status), ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// OrderAttribute is a value a plan asks for when ordered.
type OrderAttribute struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // string, text, number, checkbox, date, email or list
	Required bool     `json:"required"`
	Values   []string `json:"values"` // allowed values of a list; empty means any
}

// ListOrderAttributes returns the order attributes of a plan for an order by the
// account of the given resources of the plan
// (GET /api/v3/resellers/{reseller_id}/plans/{plan_id}/order_attributes).
func (c *Client) ListOrderAttributes(ctx context.Context, resellerID, planID, accountID int64, resourceIDs []int64, opts ...RequestOption) ([]OrderAttribute, error) {
	q := url.Values{"account_id": {strconv.FormatInt(accountID, 10)}}
	for _, id := range resourceIDs {
		q.Add("plan_resource_ids[]", strconv.FormatInt(id, 10))
	}
	var doc struct {
		Data []struct {
			OrderAttributes []OrderAttribute `json:"order_attributes"`
		} `json:"data"`
	}
	path := pathf("/api/v3/resellers/%s/plans/%s/order_attributes", resellerID, planID) + "?" + q.Encode()
	if err := c.call(ctx, "GET", path, nil, &doc, opts...); err != nil {
		return nil, err
	}
	out := []OrderAttribute{}
	for _, set := range doc.Data {
		out = append(out, set.OrderAttributes...)
	}
	return out, nil
}

// ValidateOrderAttributes starts the validation of order attribute values, keyed
// by attribute key, for an order of a plan by an account, and returns the async
// task that runs it; see WaitAsyncTask
// (POST /api/v3/resellers/{reseller_id}/plans/{plan_id}/order_attributes_validation).
func (c *Client) ValidateOrderAttributes(ctx context.Context, resellerID, planID, accountID int64, values map[string]any, opts ...RequestOption) (*AsyncTask, error) {
	data := map[string]any{}
	for k, v := range values {
		data[k] = v
	}
	data["account_id"] = accountID
	var t AsyncTask
	path := pathf("/api/v3/resellers/%s/plans/%s/order_attributes_validation", resellerID, planID)
	return &t, c.send(ctx, "POST", path, map[string]any{"data": data}, &t, opts...)
}

package client

import "context"

// Statuses of an integration check step.
const (
	CheckStepPassed  = "passed"
	CheckStepFailed  = "failed"
	CheckStepSkipped = "skipped"
)

// IntegrationCheckStep is one step of an integration check: Step is check,
// subscription_create or subscription_update; Message says why it failed or was
// skipped.
type IntegrationCheckStep struct {
	Step    string `json:"step"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// StartIntegrationCheck starts the integration check of a product's vendor service
// and returns its async task; once completed, the task's Results hold Ready,
// Summary and Steps
// (POST /api/v3/resellers/{reseller_id}/products/{product_id}/integration_check, a
// Cascade extension).
func (c *Client) StartIntegrationCheck(ctx context.Context, resellerID, productID int64, opts ...RequestOption) (*AsyncTask, error) {
	var t AsyncTask
	path := pathf("/api/v3/resellers/%s/products/%s/integration_check", resellerID, productID)
	return &t, c.send(ctx, "POST", path, nil, &t, opts...)
}

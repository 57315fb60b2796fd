package domain

import "time"

// ProvisioningWait is a provisioning operation of a product in manual mode that was
// e-mailed to the product's address and waits for a manager to mark it done or
// failed (docs/vendor-protocol.md, "Manual mode"). A subscription has at most one:
// its operations never overlap.
type ProvisioningWait struct {
	SubscriptionID int64
	// JobID is the provisioning job that sent the e-mail.
	JobID string
	Op    ProvisionOp
	// OrderID is the order that caused the operation; 0 for stops, activations and
	// deletions.
	OrderID   int64
	CreatedAt time.Time
}

// ProvisioningManualFailed is the provisioning_error code of an operation a
// manager marked failed (manual mode); the text is the manager's.
const ProvisioningManualFailed = "manual"

// MaxProvisioningMessage caps the text of a provisioning completion.
const MaxProvisioningMessage = 2000

// Pointers of a provisioning completion's flat body.
const (
	PtrCompletionOutcome = "/outcome"
	PtrCompletionMessage = "/message"
)

// ProvisioningCompletionInput is a manager's report on a waiting operation, as sent:
// {"outcome": "done" | "failed", "message": "..."}.
type ProvisioningCompletionInput struct {
	Outcome *string
	Message *string
}

// ProvisioningCompletion is a checked ProvisioningCompletionInput.
type ProvisioningCompletion struct {
	Done bool
	// Message is what the manager did, or why it failed; required when it failed,
	// since the reseller reads it in the subscription's provisioning_error.
	Message string
}

// Validate checks in, reporting every problem at once, each at its pointer.
func (in ProvisioningCompletionInput) Validate() (ProvisioningCompletion, error) {
	var (
		p   Problems
		out ProvisioningCompletion
	)
	switch {
	case in.Outcome == nil:
		p.Add(PtrCompletionOutcome, MsgRequired)
	case *in.Outcome == "done":
		out.Done = true
	case *in.Outcome != "failed":
		p.Add(PtrCompletionOutcome, MsgOneOf, "done, failed")
	}
	required := in.Outcome != nil && *in.Outcome == "failed"
	switch {
	case in.Message != nil:
		out.Message = p.Text(PtrCompletionMessage, *in.Message, required, MaxProvisioningMessage)
	case required:
		p.Add(PtrCompletionMessage, MsgRequired)
	}
	return out, p.Err()
}

package domain

// The limits of the reason and comment a manager gives for a stop or an activation.
const (
	MaxOperationReason  = 255
	MaxOperationComment = 1000
)

// Pointers of the bodies of the subscription operations.
const (
	PtrOperationReason  = "/data/attributes/reason"
	PtrOperationComment = "/data/attributes/comment"
	PtrAutorenew        = "/data/attributes/autorenew"
)

// SubscriptionOperation names what a manager did to a subscription, as its history
// records it.
type SubscriptionOperation string

// The operations of the history.
const (
	SubscriptionOpStop         SubscriptionOperation = "stop"
	SubscriptionOpActivate     SubscriptionOperation = "activate"
	SubscriptionOpDelete       SubscriptionOperation = "delete"
	SubscriptionOpApprove      SubscriptionOperation = "approve"
	SubscriptionOpDecline      SubscriptionOperation = "decline"
	SubscriptionOpAutorenewOn  SubscriptionOperation = "autorenew_on"
	SubscriptionOpAutorenewOff SubscriptionOperation = "autorenew_off"
)

// OperationNoteInput is the body of a stop or an activation: why, and a comment.
// The API documents both as required.
type OperationNoteInput struct {
	Reason  *string
	Comment *string
}

// OperationNote is a validated OperationNoteInput, trimmed.
type OperationNote struct {
	Reason  string
	Comment string
}

// Validate checks that reason and comment are present, not blank, plain text and
// within their lengths, reporting every problem with its pointer.
func (in OperationNoteInput) Validate() (OperationNote, error) {
	var p Problems
	field := func(ptr string, v *string, max int) string {
		switch {
		case v == nil:
			p.Add(ptr, MsgRequired)
			return ""
		case !PlainText(*v):
			p.Add(ptr, MsgControlCharacter)
			return ""
		}
		return p.Text(ptr, *v, true, max)
	}
	n := OperationNote{Reason: field(PtrOperationReason, in.Reason, MaxOperationReason),
		Comment: field(PtrOperationComment, in.Comment, MaxOperationComment)}
	return n, p.Err()
}

// AutorenewInput is the body of PATCH subscription: the auto-renew value wanted.
type AutorenewInput struct {
	Autorenew *bool
}

// Validate requires autorenew and returns it.
func (in AutorenewInput) Validate() (bool, error) {
	if in.Autorenew == nil {
		return false, FieldError(PtrAutorenew, MsgRequired)
	}
	return *in.Autorenew, nil
}

// SetAutorenew switches the subscription's auto-renew to on, refusing the value it
// has already (422 autorenew_unchanged). Whether the option may be changed at all is
// the Ability's ChangeAutoRenewOption, which the caller checks first.
func (s *Subscription) SetAutorenew(on bool) error {
	if s.Autorenew == on {
		return FieldError(PtrAutorenew, MsgAutorenewUnchanged)
	}
	s.Autorenew = on
	return nil
}
